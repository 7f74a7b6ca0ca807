import { podTemplateOf, replicasOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `topology-spread` (warning): replicated workloads spread across hosts or zones.
 *
 * Suppress it with `HardeningChecks.suppress(scope, TopologySpreadRule.ID, reason)`.
 */
export class TopologySpreadRule extends HardeningRule {
  /** The rule's id: `topology-spread`. */
  public static readonly ID = 'topology-spread';

  public readonly id = TopologySpreadRule.ID;
  public readonly severity = Severity.WARNING;
  public readonly requirement = 'Deployments and StatefulSets with 2 or more replicas have a topologySpreadConstraint on kubernetes.io/hostname or topology.kubernetes.io/zone';
  public readonly rationale = 'replicas on one node or zone fail together; anti-affinity alone does not balance them';
  public readonly source = 'Polaris topologySpreadConstraint; kube-score deployment-has-host-podantiaffinity';
  public readonly fix = 'add topologySpreadConstraints with whenUnsatisfiable: ScheduleAnyway (HardenedDeployment does)';

  public check(manifest: any, _manifests: any[]): string[] {
    if ((manifest.kind !== 'Deployment' && manifest.kind !== 'StatefulSet') || replicasOf(manifest) < 2) return [];
    // Deployments and StatefulSets have a pod template
    const keys = (podTemplateOf(manifest)!.spec.topologySpreadConstraints ?? []).map((c: any) => c.topologyKey);
    return keys.some((k: string) => k === 'kubernetes.io/hostname' || k === 'topology.kubernetes.io/zone')
      ? [] : ['has no topologySpreadConstraint on hostname or zone'];
  }
}
