import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalidProp } from '../_errors';
import { assertAnnotationKey, assertNoControlCharacters } from '../_validate';
import { HardeningRule, Severity } from './hardening-rule';
import { BudgetAllowsDisruptionRule } from './rules/budget-allows-disruption';
import { CronJobSafetyRule } from './rules/cron-job-safety';
import { EphemeralStorageRule } from './rules/ephemeral-storage';
import { HighUserGroupIdRule } from './rules/high-user-group-id';
import { ImageDigestRule } from './rules/image-digest';
import { ImagePullAlwaysRule } from './rules/image-pull-always';
import { JobLimitsRule } from './rules/job-limits';
import { LivenessProbeRule } from './rules/liveness-probe';
import { NatsCredentialsOverTlsRule } from './rules/nats-credentials-over-tls';
import { NetworkPolicyCoverageRule } from './rules/network-policy-coverage';
import { NetworkPolicySelectorRule } from './rules/network-policy-selector';
import { PinnedImageRule } from './rules/pinned-image';
import { PodSecurityRestrictedRule } from './rules/pod-security-restricted';
import { ProbePortsRule } from './rules/probe-ports';
import { RbacWildcardsRule } from './rules/rbac-wildcards';
import { ReadOnlyRootFilesystemRule } from './rules/read-only-root-filesystem';
import { ReadinessProbeRule } from './rules/readiness-probe';
import { ReplicasAndBudgetRule } from './rules/replicas-and-budget';
import { ResourceLimitsRule } from './rules/resource-limits';
import { ServiceAccountTokenRule } from './rules/service-account-token';
import { TopologySpreadRule } from './rules/topology-spread';
import { UnhealthyPodEvictionRule } from './rules/unhealthy-pod-eviction';

/** Prefix of the annotation that records a suppression on the object it applies to. */
const SUPPRESSION_ANNOTATION = 'checks.cdk8s-hardening.io/suppress.';

/**
 * Properties of {@link HardeningChecks}.
 */
export interface HardeningChecksProps {
  /**
   * The rules to check.
   *
   * @default HardeningChecks.defaultRules()
   */
  readonly rules?: HardeningRule[];

  /**
   * Rules checked on top of `rules`: the opt-in ones (`HardeningChecks.optionalRules()`) or
   * rules of your own, without restating the defaults.
   *
   * @default - none
   */
  readonly additionalRules?: HardeningRule[];

  /**
   * Fail synthesis on warnings too.
   *
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

/**
 * One rule's verdict on one object.
 */
export interface HardeningFinding {
  /** The rule's id. */
  readonly ruleId: string;
  /** The rule's severity. */
  readonly severity: Severity;
  /** `Kind/name` (with `namespace/` in front when set). */
  readonly objectName: string;
  /** The construct path of the object. */
  readonly constructPath: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it, and the public check the rule corresponds to. */
  readonly fix: string;
  /** The recorded reason when the finding is suppressed. */
  readonly suppressedBecause?: string;
}

/**
 * Production-readiness rules checked at synth time over every API object under a chart or an
 * app: the library's constructs and your own. cdk8s has no Aspects; the checks run through
 * `node.addValidation`, so `cdk8s synth` fails with a report that names the rule, the object,
 * what is wrong and how to fix it.
 *
 * ```ts
 * new HardeningChecks(app);                                           // one line
 * HardeningChecks.suppress(legacy, 'high-user-group-id', 'vendor image runs as uid 1001 until v3');
 * ```
 */
export class HardeningChecks {
  /**
   * Every built-in rule, errors and warnings, by id: `readiness-probe`, `liveness-probe`,
   * `probe-ports`, `resource-limits`, `ephemeral-storage`, `pod-security-restricted`,
   * `high-user-group-id`, `read-only-root-filesystem`, `pinned-image`, `image-pull-always`,
   * `replicas-and-budget`, `budget-allows-disruption`, `unhealthy-pod-eviction`, `topology-spread`,
   * `service-account-token`, `cron-job-safety`, `job-limits`, `network-policy-selector`,
   * `network-policy-coverage`, `rbac-wildcards`, `nats-credentials-over-tls`. Each rule's class
   * (`ReadinessProbeRule` and so on) names its id and severity first and holds it as `ID`;
   * RULES.md explains every rule.
   */
  public static defaultRules(): HardeningRule[] {
    return [
      new ReadinessProbeRule(), new LivenessProbeRule(), new ProbePortsRule(), new ResourceLimitsRule(), new EphemeralStorageRule(),
      new PodSecurityRestrictedRule(), new HighUserGroupIdRule(), new ReadOnlyRootFilesystemRule(), new PinnedImageRule(),
      new ImagePullAlwaysRule(), new ReplicasAndBudgetRule(), new BudgetAllowsDisruptionRule(), new UnhealthyPodEvictionRule(),
      new TopologySpreadRule(), new ServiceAccountTokenRule(), new CronJobSafetyRule(), new JobLimitsRule(),
      new NetworkPolicySelectorRule(), new NetworkPolicyCoverageRule(), new RbacWildcardsRule(),
      new NatsCredentialsOverTlsRule(),
    ];
  }

  /**
   * Rules that are off by default, for teams whose policy goes further than the public linters:
   * `image-digest` (every image pinned by a sha256 digest).
   */
  public static optionalRules(): HardeningRule[] {
    return [new ImageDigestRule()];
  }

  /**
   * Exempts the objects under `scope` from one rule. The reason is kept: in every report and as
   * the annotation `checks.cdk8s-hardening.io/suppress.<ruleId>` on each object.
   *
   * @param scope a construct that already holds the objects to exempt
   * @param ruleId the rule's id
   * @param reason why the rule does not apply, in a sentence
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    assertRuleId('ruleId', ruleId);
    if (typeof reason !== 'string' || reason.trim().length < 10) {
      throw invalidProp('reason', 'explain in a sentence why the rule does not apply (at least 10 characters)', reason);
    }
    // the reason is one line of the report and an annotation value
    assertNoControlCharacters('reason', reason);
    const objects = apiObjectsUnder(scope);
    if (objects.length === 0) {
      throw invalidProp('scope', 'hold API objects already (suppress after creating them)', scope.node.path);
    }
    for (const obj of objects) obj.metadata.addAnnotation(`${SUPPRESSION_ANNOTATION}${ruleId}`, reason.trim());
  }

  /** The rules this instance checks. */
  public readonly rules: HardeningRule[];

  private readonly failOnWarnings: boolean;

  /**
   * Checks every API object under `scope` when the app is synthesized.
   *
   * @param scope a Chart or an App
   */
  constructor(private readonly scope: IConstruct, props: HardeningChecksProps = {}) {
    this.rules = [...(props.rules ?? HardeningChecks.defaultRules()), ...(props.additionalRules ?? [])];
    for (const rule of this.rules) assertRuleId('rules id', rule.id);
    const ids = this.rules.map((r) => r.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) throw invalidProp('rules', 'have unique ids', duplicate);
    this.failOnWarnings = props.failOnWarnings ?? false;
    scope.node.addValidation({
      validate: () => {
        const findings = this.findings();
        const failing = findings.filter((f) => this.fails(f));
        return failing.length > 0 ? [renderReport(findings)] : [];
      },
    });
  }

  /** Checks now and returns every finding, suppressed ones included. */
  public findings(): HardeningFinding[] {
    const entries = apiObjectsUnder(this.scope).map((obj) => ({ path: obj.node.path, json: obj.toJson() }));
    const manifests = entries.map((e) => e.json);
    const findings: HardeningFinding[] = [];
    for (const { path, json } of entries) {
      const annotations = json.metadata?.annotations ?? {};
      const name = `${json.metadata?.namespace ? `${json.metadata.namespace}/` : ''}${json.kind}/${json.metadata?.name}`;
      for (const rule of this.rules) {
        for (const message of rule.check(json, manifests)) {
          findings.push({
            ruleId: rule.id,
            severity: rule.severity,
            objectName: name,
            constructPath: path,
            message,
            fix: `${rule.fix} (${rule.source})`,
            suppressedBecause: annotations[`${SUPPRESSION_ANNOTATION}${rule.id}`],
          });
        }
      }
    }
    return findings;
  }

  /** The findings as the report `cdk8s synth` prints when a check fails. */
  public report(): string {
    return renderReport(this.findings());
  }

  private fails(finding: HardeningFinding): boolean {
    return finding.suppressedBecause === undefined && (finding.severity === Severity.ERROR || this.failOnWarnings);
  }
}

/**
 * A rule id is lowercase words joined by single dashes, at most 40 characters: it ends the
 * annotation key `checks.cdk8s-hardening.io/suppress.<id>`, whose name part must end with a
 * letter or digit and stay within 63 characters.
 */
function assertRuleId(prop: string, ruleId: string): void {
  if (typeof ruleId !== 'string' || ruleId.length > 40 || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(ruleId)) {
    throw invalidProp(prop, 'be a rule id such as "readiness-probe": at most 40 lowercase letters and digits in words joined by single dashes', ruleId);
  }
  assertAnnotationKey(prop, `${SUPPRESSION_ANNOTATION}${ruleId}`);
}

function apiObjectsUnder(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

function renderReport(findings: HardeningFinding[]): string {
  const count = (pred: (f: HardeningFinding) => boolean) => findings.filter(pred).length;
  const errors = count((f) => !f.suppressedBecause && f.severity === Severity.ERROR);
  const warnings = count((f) => !f.suppressedBecause && f.severity === Severity.WARNING);
  const suppressed = count((f) => f.suppressedBecause !== undefined);
  const lines = [`hardening checks: ${errors} errors, ${warnings} warnings, ${suppressed} suppressed`];
  for (const f of findings) {
    const label = f.suppressedBecause !== undefined ? 'suppressed' : f.severity;
    lines.push(`  ${label} ${f.ruleId} ${f.objectName} (${f.constructPath}): ${f.message}`);
    lines.push(f.suppressedBecause !== undefined ? `      reason: ${f.suppressedBecause}` : `      fix: ${f.fix}`);
  }
  return lines.join('\n');
}
