import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `unhealthy-pod-eviction` (error): budgets let unhealthy pods be evicted.
 *
 * Suppress it with `HardeningChecks.suppress(scope, UnhealthyPodEvictionRule.ID, reason)`.
 */
export class UnhealthyPodEvictionRule extends HardeningRule {
  /** The rule's id: `unhealthy-pod-eviction`. */
  public static readonly ID = 'unhealthy-pod-eviction';

  public readonly id = UnhealthyPodEvictionRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every PodDisruptionBudget sets unhealthyPodEvictionPolicy: AlwaysAllow';
  public readonly rationale = 'with the default, a crash-looping pod counts against the budget and blocks the drain that might fix it';
  public readonly source = 'kube-linter pdb-unhealthy-pod-eviction-policy';
  public readonly fix = 'set unhealthyPodEvictionPolicy: AlwaysAllow (ApiPdb does)';

  public check(manifest: any, _manifests: any[]): string[] {
    if (manifest.kind !== 'PodDisruptionBudget') return [];
    const policy = manifest.spec?.unhealthyPodEvictionPolicy;
    return policy === 'AlwaysAllow' ? [] : [`unhealthyPodEvictionPolicy is ${policy ?? 'unset (IfHealthyBudget)'}`];
  }
}
