import { indexOf } from '../_manifest-index';
import { isLongRunning, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/** Long-running pods are covered by NetworkPolicies for ingress and egress. */
export class NetworkPolicyCoverageRule extends HardeningRule {
  public readonly id = 'network-policy-coverage';
  public readonly severity = Severity.WARNING;
  public readonly requirement = 'the pods of every Deployment, StatefulSet and DaemonSet are selected by NetworkPolicies covering Ingress and Egress';
  public readonly rationale = 'an unselected pod accepts connections from, and opens them to, anything in the cluster';
  public readonly source = 'kube-score pod-networkpolicy';
  public readonly fix = 'add a NetworkPolicy for the pods (HardenedDeployment creates one)';

  public check(manifest: any, manifests: any[]): string[] {
    if (!isLongRunning(manifest)) return [];
    const labels = podTemplateOf(manifest)!.labels;
    const types = new Set<string>();
    for (const policy of indexOf(manifests).selecting('NetworkPolicy', (m) => m.spec?.podSelector, manifest.metadata?.namespace ?? '', labels)) {
      for (const t of policy.spec?.policyTypes ?? ['Ingress']) types.add(t);
    }
    return ['Ingress', 'Egress'].filter((t) => !types.has(t)).map((t) => `no NetworkPolicy covers ${t} for its pods`);
  }
}
