import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalidProp } from '../_errors';
import { assertAnnotationKey, assertNoControlCharacters } from '../_validate';
import { synthSessionOf, watchSynth } from './_synth-session';
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

  /**
   * More apps (or charts) to check with the same rules and settings: typically the App of the
   * on-demand charts (restore, soak, chaos) that a program synthesizes next to its production
   * App. `new HardeningChecks(app, { alsoCheck: [onDemand] })` checks both: each fails its own
   * `synth()` with its own report, each against its own objects (a budget in one App does not
   * protect a Deployment of another).
   *
   * @default - `scope` only
   */
  readonly alsoCheck?: IConstruct[];
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

  private readonly scopes: IConstruct[];

  /** Whether synthesis may reuse the JSON the rules read (no custom rule could have written to it). */
  private readonly onlyBuiltInRules: boolean;

  /**
   * Checks every API object under `scope` (and under each of `alsoCheck`) when its app is
   * synthesized.
   *
   * @param scope a Chart or an App
   */
  constructor(scope: IConstruct, props: HardeningChecksProps = {}) {
    this.rules = [...(props.rules ?? HardeningChecks.defaultRules()), ...(props.additionalRules ?? [])];
    for (const rule of this.rules) assertRuleId('rules id', rule.id);
    const ids = this.rules.map((r) => r.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) throw invalidProp('rules', 'have unique ids', duplicate);
    this.failOnWarnings = props.failOnWarnings ?? false;
    this.onlyBuiltInRules = this.rules.every((rule) => builtInRuleClasses().has(rule.constructor));
    this.scopes = [scope, ...checkedApart(scope, props.alsoCheck ?? [])];
    for (const checked of this.scopes) {
      watchSynth(checked);
      const validation = {
        validate: (): string[] => {
          // cdk8s validates the app again for every chart it renders: one check per synth is enough
          const session = synthSessionOf(checked);
          const earlier = session?.resultOf(validation);
          if (earlier) return earlier;
          const objects = renderedUnder(checked);
          const findings = this.findingsIn(objects);
          const messages = findings.some((f) => this.fails(f)) ? [renderReport(findings, isRoot(checked) ? headerOf(checked) : undefined)] : [];
          session?.record(validation, messages);
          // the rendering that follows takes the JSON the rules read, unless a rule of the user's could have written to it
          if (session && this.onlyBuiltInRules) for (const { obj, json } of objects) session.handOver(obj, json);
          return messages;
        },
      };
      checked.node.addValidation(validation);
    }
  }

  /** Checks now and returns every finding of every checked scope, suppressed ones included. */
  public findings(): HardeningFinding[] {
    return this.scopes.flatMap((scope) => this.findingsOf(scope));
  }

  /** The findings as the report `cdk8s synth` prints when a check fails, one section per checked scope. */
  public report(): string {
    return this.scopes.map((scope) => renderReport(this.findingsOf(scope), this.scopes.length > 1 || isRoot(scope) ? headerOf(scope) : undefined)).join('\n');
  }

  private fails(finding: HardeningFinding): boolean {
    return finding.suppressedBecause === undefined && (finding.severity === Severity.ERROR || this.failOnWarnings);
  }

  /** The findings of one scope, each object checked against the objects of that scope. */
  private findingsOf(scope: IConstruct): HardeningFinding[] {
    return this.findingsIn(renderedUnder(scope));
  }

  /** The findings of rendered objects, each checked against all of them. */
  private findingsIn(objects: RenderedObject[]): HardeningFinding[] {
    const manifests = objects.map((o) => o.json);
    const findings: HardeningFinding[] = [];
    for (const { obj, json } of objects) {
      const path = obj.node.path;
      const annotations = json.metadata?.annotations ?? {};
      const name = `${json.metadata?.namespace ? `${json.metadata.namespace}/` : ''}${json.kind}/${json.metadata?.name ?? '(no name)'}`;
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
}

interface RenderedObject {
  readonly obj: ApiObject;
  readonly json: any;
}

/** Every ApiObject under a scope with its JSON as synthesis renders it. */
function renderedUnder(scope: IConstruct): RenderedObject[] {
  return apiObjectsUnder(scope).map((obj) => ({ obj, json: obj.toJson() }));
}

let builtIn: Set<Function> | undefined;

/** The classes of the rules this package ships. */
function builtInRuleClasses(): Set<Function> {
  builtIn ??= new Set([...HardeningChecks.defaultRules(), ...HardeningChecks.optionalRules()].map((rule) => rule.constructor));
  return builtIn;
}

/**
 * The `alsoCheck` scopes, refused when one overlaps another or the scope (its objects would be
 * checked twice, or against another scope's objects).
 */
function checkedApart(scope: IConstruct, alsoCheck: IConstruct[]): IConstruct[] {
  const seen = [scope];
  for (const other of alsoCheck) {
    const overlap = seen.find((s) => contains(s, other) || contains(other, s));
    if (overlap) {
      throw invalidProp('alsoCheck', `hold scopes apart from the checked scope and from each other (${nameOf(other)} ${overlap === other ? 'is given twice' : `overlaps ${nameOf(overlap)}`})`,
        alsoCheck.map(nameOf));
    }
    seen.push(other);
  }
  return alsoCheck;
}

function contains(outer: IConstruct, inner: IConstruct): boolean {
  for (let c: IConstruct | undefined = inner; c; c = c.node.scope) if (c === outer) return true;
  return false;
}

function isRoot(scope: IConstruct): boolean {
  return scope.node.scope === undefined;
}

function nameOf(scope: IConstruct): string {
  if (!isRoot(scope)) return scope.node.path;
  return scope instanceof App ? `the app writing to ${scope.outdir}` : `the construct tree ${scope.node.id || '(root)'}`;
}

/**
 * What a report says it checked. cdk8s prints each validation message after the construct path
 * in brackets, which is empty for an App: an App's report names its output directory and charts.
 */
function headerOf(scope: IConstruct): string {
  if (!isRoot(scope)) return `hardening checks of ${scope.node.path}`;
  const charts = scope.node.children.filter((c): c is Chart => c instanceof Chart).map((c) => c.node.id);
  return `hardening checks of ${nameOf(scope)} (${charts.length === 1 ? 'chart' : 'charts'} ${charts.length > 0 ? charts.join(', ') : 'none'})`;
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

/**
 * The report of one scope. A chart's report starts `hardening checks:` (cdk8s prints the chart's
 * path in front of it); an App's, or one of several scopes', says what it checked first.
 */
function renderReport(findings: HardeningFinding[], header = 'hardening checks'): string {
  const count = (pred: (f: HardeningFinding) => boolean) => findings.filter(pred).length;
  const errors = count((f) => !f.suppressedBecause && f.severity === Severity.ERROR);
  const warnings = count((f) => !f.suppressedBecause && f.severity === Severity.WARNING);
  const suppressed = count((f) => f.suppressedBecause !== undefined);
  const lines = [`${header}: ${errors} errors, ${warnings} warnings, ${suppressed} suppressed`];
  for (const f of findings) {
    const label = f.suppressedBecause !== undefined ? 'suppressed' : f.severity;
    lines.push(`  ${label} ${f.ruleId} ${f.objectName} (${f.constructPath}): ${f.message}`);
    lines.push(f.suppressedBecause !== undefined ? `      reason: ${f.suppressedBecause}` : `      fix: ${f.fix}`);
  }
  return lines.join('\n');
}
