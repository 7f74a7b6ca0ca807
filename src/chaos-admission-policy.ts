import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { celString } from './_cel';
import { MAX_DRAIN_DEPLOYMENT_NAME, admissionChecks } from './_chaos-admission';
import { invalidProp } from './_errors';
import type { ChaosExperiment } from './chaos-experiment';

/** What the API server does with a request an admission policy refuses. */
export enum AdmissionAction {
  /** Refuse the request (403 Forbidden, with the policy's message). */
  DENY = 'Deny',
  /** Let it through with a warning to the client. */
  WARN = 'Warn',
  /** Let it through and record the refusal in the audit log. */
  AUDIT = 'Audit',
}

/** Props of a {@link ChaosAdmissionPolicy}. */
export interface ChaosAdmissionPolicyProps {
  /** The experiment whose requests the policy checks. Its namespace must be known (on the chart or in its metadata). */
  readonly experiment: ChaosExperiment;

  /**
   * What the API server does with a request the policy refuses. `WARN` and `AUDIT` let a cluster
   * try the policy before it enforces it; `DENY` and `WARN` cannot go together.
   *
   * @default [AdmissionAction.DENY]
   */
  readonly actions?: AdmissionAction[];
}

/**
 * A ValidatingAdmissionPolicy and its binding that narrow what one ChaosExperiment's
 * ServiceAccount may do to what its scenario does, below what RBAC can say:
 *
 * - `api-kill` deletes only pods that the target Deployment's ReplicaSet controls;
 * - `nats-kill` deletes only pods that the NATS StatefulSet controls;
 * - `drain` evicts only pods named as the target Deployment's pods are;
 * - `rollout` changes only the pod template's `kubectl.kubernetes.io/restartedAt` annotation
 *   (no image, ServiceAccount, Secret, replicas or strategy);
 * - `network-block` and `observability-block` give the target's NetworkPolicy only rules it has in
 *   the chart (a switch takes rules away, a restore puts them back), never other pods or policy
 *   types, and change only their two annotations of its metadata.
 *
 * Opt-in, because it needs the cluster's help: `admissionregistration.k8s.io/v1` is served from
 * Kubernetes 1.30. Kubernetes 1.28 and 1.29 serve the same objects as `v1beta1` once the
 * `ValidatingAdmissionPolicy` feature gate and that API version are enabled; older clusters have no
 * in-tree equivalent, and the experiment is bounded by its Role (names, verbs) and the
 * RoleBinding it deletes when it ends. Both objects are cluster-scoped: applying them takes
 * cluster-level rights the experiment itself never has. The policy fails closed (failurePolicy
 * Fail): a request it cannot evaluate is refused.
 */
export class ChaosAdmissionPolicy extends Construct {
  /** The ValidatingAdmissionPolicy. */
  public readonly policy: ApiObject;

  /** The ValidatingAdmissionPolicyBinding that applies it in the namespace the experiment acts in. */
  public readonly binding: ApiObject;

  constructor(scope: Construct, id: string, props: ChaosAdmissionPolicyProps) {
    super(scope, id);
    const facts = props.experiment?._admission;
    if (!facts) throw invalidProp('experiment', 'be a ChaosExperiment', props.experiment);
    const actions = checkActions(props.actions ?? [AdmissionAction.DENY]);
    if (facts.ownNamespace === undefined || facts.actingNamespace === undefined) {
      throw invalidProp('experiment', 'live in a known namespace (a namespace on the chart or in its metadata): the policy names its ServiceAccount '
        + 'as system:serviceaccount:<namespace>:<name>', facts.path);
    }
    if (facts.scenario === 'drain' && facts.targetDeployment!.length > MAX_DRAIN_DEPLOYMENT_NAME) {
      throw invalidProp('experiment', `target a Deployment named in ${MAX_DRAIN_DEPLOYMENT_NAME} characters or fewer for drain: the policy tells its pods by name, `
        + 'which the API server cuts short for longer names', facts.targetDeployment);
    }
    const name = `chaos.${facts.ownNamespace}.${facts.serviceAccount}`;
    const user = `system:serviceaccount:${facts.ownNamespace}:${facts.serviceAccount}`;
    const metadata = { name, labels: facts.labels };
    this.policy = new ApiObject(this, 'Policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata,
      // read at synth time: the target's NetworkPolicy may gain rules after the experiment is made
      spec: Lazy.any({
        produce: () => {
          const checks = admissionChecks(facts);
          return {
            failurePolicy: 'Fail',
            matchConstraints: { resourceRules: checks.rules },
            matchConditions: [{ name: 'experiment-service-account', expression: `request.userInfo.username == ${celString(user)}` }],
            validations: checks.validations,
          };
        },
      }),
    });
    this.binding = new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata,
      spec: {
        policyName: name,
        validationActions: actions,
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': facts.actingNamespace } } },
      },
    });
    this.binding.node.addDependency(this.policy);
    // both are cluster-scoped: no namespace, though the chart has one
    for (const o of [this.policy, this.binding]) if (o.metadata.namespace !== undefined) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}

/** validationActions as the API validates them: known, without repeats, not Deny with Warn. */
function checkActions(actions: AdmissionAction[]): AdmissionAction[] {
  const known = Object.values(AdmissionAction);
  if (!Array.isArray(actions) || actions.length === 0 || actions.some((a) => !known.includes(a)) || new Set(actions).size !== actions.length) {
    throw invalidProp('actions', `list AdmissionAction values (${known.join(', ')}), each once`, actions);
  }
  if (actions.includes(AdmissionAction.DENY) && actions.includes(AdmissionAction.WARN)) {
    throw invalidProp('actions', 'not hold both DENY and WARN (the API server refuses the binding: a denied request gets no warning)', actions);
  }
  return actions;
}
