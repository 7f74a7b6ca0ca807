import { ApiObject } from 'cdk8s';
import {
  EGRESS_RULE, INGRESS_RULE, SELECTOR, celEquals, celString, celStrings, hasLabels, mapOrEmpty, onlyItemsOf, sameField, sameMapExcept,
} from './_cel';

/**
 * What a chaos experiment tells its admission policy (ChaosAdmissionPolicy): who acts, in which
 * namespace, on what. Set by the experiment; read when the policy is synthesized, so rules added to
 * the target's NetworkPolicy after both were made are known.
 */
export interface ChaosAdmissionFacts {
  readonly scenario: string;
  /** Construct path of the experiment, for messages. */
  readonly path: string;
  /** The experiment's namespace (its ServiceAccount's), when the manifests say it. */
  readonly ownNamespace?: string;
  readonly serviceAccount: string;
  /** The experiment's labels, which its policy objects carry too. */
  readonly labels: Record<string, string>;
  /** Where the experiment acts: the target's namespace, or the NATS namespace for nats-kill. */
  readonly actingNamespace?: string;
  readonly targetDeployment?: string;
  readonly targetLabels?: Record<string, string>;
  /** The target's NetworkPolicy, for network-block and observability-block. */
  readonly targetPolicy?: ApiObject;
  readonly natsStatefulSet?: string;
  readonly natsPodLabels?: Record<string, string>;
}

/** One rule of a policy's matchConstraints (admissionregistration/v1 NamedRuleWithOperations). */
export interface AdmissionRule {
  readonly apiGroups: string[];
  readonly apiVersions: string[];
  readonly resources: string[];
  readonly operations: string[];
  readonly resourceNames?: string[];
}

/** One validation: refused (403 Forbidden, with the message) unless the expression holds. */
export interface AdmissionValidation {
  readonly expression: string;
  readonly message: string;
  readonly reason: 'Forbidden';
}

/** The requests a scenario's policy looks at and what each must satisfy. */
export interface AdmissionChecks {
  readonly rules: AdmissionRule[];
  readonly validations: AdmissionValidation[];
}

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** What `kubectl rollout restart` writes: time.Now().Format(time.RFC3339) (kubectl polymorphichelpers/objectrestarter.go). */
const RFC3339 = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$';
/** The annotations network-block and observability-block set on the policy they switch (assets/chaos/chaos-lib.sh). */
const SWITCH_ANNOTATIONS = ['chaos.cdk8s-hardening.io/partitioned-by', 'chaos.cdk8s-hardening.io/spec-before'];
/**
 * Whether the patched object's metadata is unchanged but for the annotations in `except`
 * (generation, resourceVersion and managedFields are the API server's).
 */
function sameMetadata(except: string[] = []): string {
  const whole = ['labels', 'annotations', 'finalizers', 'ownerReferences'].filter((f) => f !== 'annotations' || except.length === 0);
  const checks = whole.map((f) => sameField('object.metadata', 'oldObject.metadata', f));
  if (except.length > 0) checks.push(sameMapExcept('object.metadata.annotations', 'oldObject.metadata.annotations', except));
  return checks.join(' && ');
}
/**
 * The longest Deployment name whose pods the API server names in full, `<name>-<pod-template-hash>-<5 characters>`:
 * it cuts a generated name's base at 58 characters (apiserver storage/names/generate.go maxGeneratedNameLength), and
 * the hash takes up to 10 (pkg/controller/controller_utils.go ComputeHash, SafeEncodeString of a uint32).
 */
export const MAX_DRAIN_DEPLOYMENT_NAME = 58 - 1 - 10 - 1;

function forbidden(expression: string, message: string): AdmissionValidation {
  return { expression, message, reason: 'Forbidden' };
}

function podRule(operation: string, resource = 'pods'): AdmissionRule {
  return { apiGroups: [''], apiVersions: ['v1'], resources: [resource], operations: [operation] };
}

/** An RE2 pattern that matches `name` literally (object names hold letters, digits, `-` and `.`). */
function literalPattern(name: string): string {
  return name.replace(/[.]/g, '\\.');
}

/** Whether `old` is a pod whose controller is `kind` `name`, checked by `nameCheck` against the reference `r`. */
function ownedBy(kind: string, nameCheck: string): string {
  return 'has(oldObject.metadata.ownerReferences) && oldObject.metadata.ownerReferences.exists(r, has(r.controller) && r.controller'
    + ` && r.apiVersion == ${celString('apps/v1')} && r.kind == ${celString(kind)} && ${nameCheck})`;
}

/** api-kill: deletes one pod, which must be the target Deployment's (its ReplicaSet `<deployment>-<pod-template-hash>` controls it). */
function apiKillChecks(facts: ChaosAdmissionFacts): AdmissionChecks {
  const deployment = facts.targetDeployment!;
  const labels = 'oldObject.metadata.labels';
  const hash = celString('pod-template-hash');
  const ownedByTarget = ownedBy('ReplicaSet', `${hash} in ${mapOrEmpty(labels)} && r.name == ${celString(`${deployment}-`)} + ${labels}[${hash}]`);
  return {
    rules: [podRule('DELETE')],
    validations: [forbidden(`${ownedByTarget} && ${hasLabels(labels, facts.targetLabels!)}`,
      `api-kill may delete only pods of Deployment ${deployment}: controlled by its ReplicaSet ${deployment}-<pod-template-hash> and carrying its selector's labels`)],
  };
}

/** nats-kill: deletes one NATS pod, which must be the StatefulSet's. */
function natsKillChecks(facts: ChaosAdmissionFacts): AdmissionChecks {
  const statefulSet = facts.natsStatefulSet!;
  return {
    rules: [podRule('DELETE')],
    validations: [forbidden(`${ownedBy('StatefulSet', `r.name == ${celString(statefulSet)}`)} && ${hasLabels('oldObject.metadata.labels', facts.natsPodLabels!)}`,
      `nats-kill may delete only pods of StatefulSet ${statefulSet}: controlled by it and carrying the labels of its pods`)],
  };
}

/**
 * The characters of generated names: the pod-template-hash (pkg/util/hash, rand.SafeEncodeString)
 * and the 5-character suffix the API server adds to a generateName (apiserver
 * storage/names/generate.go, utilrand.String): no vowels, no 0, 1, 3 or 8.
 */
const GENERATED = '[bcdfghjklmnpqrstvwxz2456789]';

/**
 * drain: evicts pods. The Eviction names only its pod, so the pod is told by its name, which the
 * API server makes from the ReplicaSet's: `<deployment>-<pod-template-hash>-<5 characters>`, all
 * of the generated alphabet (a StatefulSet's `-0`, a Job's or CronJob's pod does not match). The
 * Eviction may not shorten the pod's grace period (drain.sh sends no deleteOptions).
 */
function drainChecks(facts: ChaosAdmissionFacts): AdmissionChecks {
  const deployment = facts.targetDeployment!;
  const pattern = `^${literalPattern(deployment)}-${GENERATED}{1,10}-${GENERATED}{5}$`;
  return {
    rules: [podRule('CREATE', 'pods/eviction')],
    validations: [
      forbidden(`request.name.matches(${celString(pattern)})`,
        `drain may evict only pods of Deployment ${deployment}: named ${deployment}-<pod-template-hash>-<5 generated characters>`),
      forbidden('!has(object.deleteOptions) || !has(object.deleteOptions.gracePeriodSeconds)',
        'drain may not set the grace period of the pods it evicts'),
    ],
  };
}

/**
 * rollout: `kubectl rollout restart` changes the pod template's restartedAt annotation and nothing
 * else. The spec, the template and its metadata are compared as whole maps (at run time the API
 * server evaluates objects untyped), so a field this list never named, the template's finalizers
 * or one a later API version adds, changes nothing either.
 */
function rolloutChecks(facts: ChaosAdmissionFacts): AdmissionChecks {
  const deployment = facts.targetDeployment!;
  const [template, oldTemplate] = ['object.spec.template', 'oldObject.spec.template'];
  const annotations = `${template}.metadata.annotations`;
  const unchanged = [
    sameMapExcept('object.spec', 'oldObject.spec', ['template']),
    sameMapExcept(template, oldTemplate, ['metadata']),
    sameMapExcept(`${template}.metadata`, `${oldTemplate}.metadata`, ['annotations']),
    sameMapExcept(annotations, `${oldTemplate}.metadata.annotations`, [RESTARTED_AT]),
    sameMetadata(),
  ].join(' && ');
  const restartedAt = `(!(${celString(RESTARTED_AT)} in ${mapOrEmpty(annotations)}) || ${annotations}[${celString(RESTARTED_AT)}].matches(${celString(RFC3339)}))`;
  return {
    rules: [{ apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['UPDATE'], resourceNames: [deployment] }],
    validations: [
      forbidden(unchanged, `rollout may change only the pod template annotation ${RESTARTED_AT} of Deployment ${deployment} (what kubectl rollout restart sets)`),
      forbidden(restartedAt, `rollout sets ${RESTARTED_AT} to a time in RFC 3339, as kubectl rollout restart does`),
    ],
  };
}

/**
 * network-block and observability-block: switch the target's own NetworkPolicy and put it back.
 * Every rule the policy holds, before and after, must be one the chart gave it: a switch can only
 * take rules away, and a restore can only put the chart's rules back. Its pods, policy types,
 * labels and other annotations stay.
 */
function policySwitchChecks(facts: ChaosAdmissionFacts): AdmissionChecks {
  const policy = facts.targetPolicy!;
  const chart = policy.toJson().spec ?? {};
  const rulesOf = (o: string) => [
    onlyItemsOf(`${o}.spec.ingress`, chart.ingress ?? [], INGRESS_RULE),
    onlyItemsOf(`${o}.spec.egress`, chart.egress ?? [], EGRESS_RULE),
  ].join(' && ');
  const scenario = facts.scenario;
  const types = 'object.spec.policyTypes';
  const keepsTypes = `${celStrings(chart.policyTypes ?? [])}.all(t, has(${types}) && t in ${types})`;
  return {
    rules: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['networkpolicies'], operations: ['UPDATE'], resourceNames: [policy.name] }],
    validations: [
      // a switch may add a policy type (network-block denies a direction the policy left open), which only restricts
      forbidden(`${celEquals('object.spec.podSelector', chart.podSelector ?? {}, SELECTOR)} && ${keepsTypes}`,
        `${scenario} may not change the pods of NetworkPolicy ${policy.name} or drop its policy types ${(chart.policyTypes ?? []).join(' and ')}`),
      forbidden(rulesOf('object'), `${scenario} may give NetworkPolicy ${policy.name} only rules it has in the chart (a switch removes rules, a restore puts them back)`),
      forbidden(rulesOf('oldObject'), `${scenario} switches NetworkPolicy ${policy.name} only while it holds the chart's rules: apply the chart first, so that the restore can put back what the switch takes`),
      forbidden(sameMetadata(SWITCH_ANNOTATIONS),
        `${scenario} may change only the annotations ${SWITCH_ANNOTATIONS.join(' and ')} of NetworkPolicy ${policy.name}'s metadata`),
    ],
  };
}

const CHECKS: Record<string, (facts: ChaosAdmissionFacts) => AdmissionChecks> = {
  'api-kill': apiKillChecks,
  'nats-kill': natsKillChecks,
  'drain': drainChecks,
  'rollout': rolloutChecks,
  'network-block': policySwitchChecks,
  'observability-block': policySwitchChecks,
};

/** The requests a scenario's policy looks at and what each must satisfy. */
export function admissionChecks(facts: ChaosAdmissionFacts): AdmissionChecks {
  return CHECKS[facts.scenario](facts);
}
