import { indexOf } from '../_manifest-index';
import { podTemplateOf, replicasOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `replicas-and-budget` (error): deployments and StatefulSets run two or more replicas, protected
 * by exactly one budget.
 *
 * Suppress it with `HardeningChecks.suppress(scope, ReplicasAndBudgetRule.ID, reason)`.
 */
export class ReplicasAndBudgetRule extends HardeningRule {
  /** The rule's id: `replicas-and-budget`. */
  public static readonly ID = 'replicas-and-budget';

  public readonly id = ReplicasAndBudgetRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every Deployment and StatefulSet runs at least 2 replicas and exactly one PodDisruptionBudget selects its pods';
  public readonly rationale = 'one replica, or no budget, lets a node drain take the service down; two budgets make the eviction API refuse the pods';
  public readonly source = 'Polaris deploymentMissingReplicas, missingPodDisruptionBudget';
  public readonly fix = 'set replicas >= 2 and attach a budget (HardenedDeployment.addDisruptionBudget(), ApiPdb)';

  public check(manifest: any, manifests: any[]): string[] {
    if (manifest.kind !== 'Deployment' && manifest.kind !== 'StatefulSet') return [];
    if (manifest.spec?.replicas === undefined && manifest.kind === 'Deployment') return ['replicas is unset (an autoscaler may own it; set a minimum of 2)'];
    const problems: string[] = [];
    const replicas = replicasOf(manifest);
    if (replicas < 2) problems.push(`runs ${replicas} replica${replicas === 1 ? '' : 's'}`);
    // Deployments and StatefulSets have a pod template, whose labels are {} when it has none
    const labels = podTemplateOf(manifest)!.labels;
    const budgets = indexOf(manifests).selecting('PodDisruptionBudget', (m) => m.spec?.selector, manifest.metadata?.namespace ?? '', labels);
    if (budgets.length !== 1) problems.push(`${budgets.length === 0 ? 'no' : budgets.length} PodDisruptionBudgets select its pods`);
    return problems;
  }
}
