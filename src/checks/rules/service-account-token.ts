import { indexOf } from '../_manifest-index';
import { podTemplateOf, sameNamespace } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `service-account-token` (error): pods mount a ServiceAccount token only when RBAC gives it a
 * use.
 *
 * Suppress it with `HardeningChecks.suppress(scope, ServiceAccountTokenRule.ID, reason)`.
 */
export class ServiceAccountTokenRule extends HardeningRule {
  /** The rule's id: `service-account-token`. */
  public static readonly ID = 'service-account-token';

  public readonly id = ServiceAccountTokenRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'pods set automountServiceAccountToken: false, unless their ServiceAccount is bound to a Role or ClusterRole in the same manifests';
  public readonly rationale = 'a mounted token is a credential for the Kubernetes API waiting to be stolen; only pods that call the API need one';
  public readonly source = 'Polaris automountServiceAccountToken';
  public readonly fix = 'set automountServiceAccountToken: false, or bind the ServiceAccount to the Role it needs';

  public check(manifest: any, manifests: any[]): string[] {
    const spec = podTemplateOf(manifest)?.spec;
    if (!spec || spec.automountServiceAccountToken === false) return [];
    const account = spec.serviceAccountName ?? 'default';
    // the index returns only bindings that list a ServiceAccount subject of this name, so each has subjects
    const bound = indexOf(manifests).bindingsOfServiceAccount(account).some((m) => (m.kind === 'ClusterRoleBinding' || sameNamespace(m, manifest))
      && m.subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === account
        && (s.namespace ?? m.metadata?.namespace ?? '') === (manifest.metadata?.namespace ?? '')));
    return bound ? [] : [`mounts the token of ServiceAccount ${account}, which no RoleBinding in scope uses`];
  }
}
