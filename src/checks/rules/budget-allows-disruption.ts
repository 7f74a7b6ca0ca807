import { indexOf } from '../_manifest-index';
import { podsOf, replicasOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `budget-allows-disruption` (error): budgets always allow at least one eviction.
 *
 * Suppress it with `HardeningChecks.suppress(scope, BudgetAllowsDisruptionRule.ID, reason)`.
 */
export class BudgetAllowsDisruptionRule extends HardeningRule {
  /** The rule's id: `budget-allows-disruption`. */
  public static readonly ID = 'budget-allows-disruption';

  public readonly id = BudgetAllowsDisruptionRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every PodDisruptionBudget allows at least one disruption: minAvailable below the replicas it protects, maxUnavailable above 0';
  public readonly rationale = 'a budget that allows no eviction blocks every node drain and cluster upgrade';
  public readonly source = 'kube-linter pdb-min-available, pdb-max-unavailable; Polaris pdbDisruptionsIsZero';
  public readonly fix = 'lower minAvailable below the replicas or raise maxUnavailable above 0';

  public check(manifest: any, manifests: any[]): string[] {
    if (manifest.kind !== 'PodDisruptionBudget') return [];
    const spec = manifest.spec ?? {};
    const problems: string[] = [];
    for (const workload of indexOf(manifests).selectedBy(spec.selector, manifest.metadata?.namespace ?? '')) {
      const replicas = replicasOf(workload);
      const allowed = spec.maxUnavailable !== undefined ? podsOf(spec.maxUnavailable, replicas)
        : spec.minAvailable !== undefined ? replicas - podsOf(spec.minAvailable, replicas) : 0;
      if (allowed < 1) problems.push(`allows no disruption of ${workload.kind}/${workload.metadata?.name} (${replicas} replicas)`);
    }
    if (spec.maxUnavailable !== undefined && podsOf(spec.maxUnavailable, 1) === 0 && problems.length === 0) problems.push('maxUnavailable is 0');
    return problems;
  }
}
