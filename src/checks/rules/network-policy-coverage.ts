import { indexOf } from '../_manifest-index';
import { podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/** Kinds whose pods the rule covers: long-running workloads and batch pods alike. */
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/**
 * `network-policy-coverage` (warning): the pods of every workload, Jobs and CronJobs included, are
 * covered by NetworkPolicies for ingress and egress.
 *
 * Suppress it with `HardeningChecks.suppress(scope, NetworkPolicyCoverageRule.ID, reason)`.
 */
export class NetworkPolicyCoverageRule extends HardeningRule {
  /** The rule's id: `network-policy-coverage`. */
  public static readonly ID = 'network-policy-coverage';

  public readonly id = NetworkPolicyCoverageRule.ID;
  public readonly severity = Severity.WARNING;
  public readonly requirement = 'the pods of every Deployment, StatefulSet, DaemonSet, ReplicaSet, Job and CronJob are selected by NetworkPolicies covering Ingress and Egress';
  public readonly rationale = 'an unselected pod accepts connections from, and opens them to, anything in the cluster; a batch pod often holds credentials (backups, chaos experiments with an API token)';
  public readonly source = 'kube-score pod-networkpolicy';
  public readonly fix = 'add a NetworkPolicy for the pods (HardenedDeployment and the Jobs of this library create one)';

  public check(manifest: any, manifests: any[]): string[] {
    if (!WORKLOADS.has(manifest?.kind)) return [];
    const labels = podTemplateOf(manifest)!.labels;
    const types = new Set<string>();
    for (const policy of indexOf(manifests).selecting('NetworkPolicy', (m) => m.spec?.podSelector, manifest.metadata?.namespace ?? '', labels)) {
      // a policy is only selected through its spec.podSelector, so it has a spec
      for (const t of policy.spec.policyTypes ?? ['Ingress']) types.add(t);
    }
    return ['Ingress', 'Egress'].filter((t) => !types.has(t)).map((t) => `no NetworkPolicy covers ${t} for its pods`);
  }
}
