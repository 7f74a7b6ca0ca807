import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `high-user-group-id` (error): containers run with a uid and gid above 10000.
 *
 * Suppress it with `HardeningChecks.suppress(scope, HighUserGroupIdRule.ID, reason)`.
 */
export class HighUserGroupIdRule extends HardeningRule {
  /** The rule's id: `high-user-group-id`. */
  public static readonly ID = 'high-user-group-id';

  public readonly id = HighUserGroupIdRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every container runs with runAsUser and runAsGroup above 10000 (container or pod level)';
  public readonly rationale = 'low ids collide with users of the host; a container that escapes then acts as a real host user';
  public readonly source = 'kube-score container-security-context-user-group-id';
  public readonly fix = 'set runAsUser and runAsGroup above 10000 (this library uses 65532, the distroless nonroot id)';

  public check(manifest: any, _manifests: any[]): string[] {
    const spec = podTemplateOf(manifest)?.spec;
    const podSc = spec?.securityContext ?? {};
    const problems: string[] = [];
    for (const { container, name } of containersOf(spec)) {
      for (const field of ['runAsUser', 'runAsGroup']) {
        const id = container.securityContext?.[field] ?? podSc[field];
        if (!(typeof id === 'number' && id > 10000)) problems.push(`${name} ${field} is ${id ?? 'unset'}`);
      }
    }
    return problems;
  }
}
