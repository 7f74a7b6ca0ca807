import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `rbac-wildcards` (error): rBAC rules name what they grant.
 *
 * Suppress it with `HardeningChecks.suppress(scope, RbacWildcardsRule.ID, reason)`.
 */
export class RbacWildcardsRule extends HardeningRule {
  /** The rule's id: `rbac-wildcards`. */
  public static readonly ID = 'rbac-wildcards';

  public readonly id = RbacWildcardsRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'Role and ClusterRole rules use no * in apiGroups, resources or verbs';
  public readonly rationale = 'a wildcard grants resources and verbs that do not exist yet, secrets and escalate included';
  public readonly source = 'kube-linter wildcard-in-rules; Polaris rbac checks';
  public readonly fix = 'list the apiGroups, resources and verbs the workload needs';

  public check(manifest: any, _manifests: any[]): string[] {
    if (manifest.kind !== 'Role' && manifest.kind !== 'ClusterRole') return [];
    const problems: string[] = [];
    (manifest.rules ?? []).forEach((rule: any, i: number) => {
      for (const field of ['apiGroups', 'resources', 'verbs']) {
        if ((rule[field] ?? []).includes('*')) problems.push(`rule ${i} has * in ${field}`);
      }
    });
    return problems;
  }
}
