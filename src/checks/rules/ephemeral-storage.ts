import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `ephemeral-storage` (error): every container requests and limits ephemeral storage.
 *
 * Suppress it with `HardeningChecks.suppress(scope, EphemeralStorageRule.ID, reason)`.
 */
export class EphemeralStorageRule extends HardeningRule {
  /** The rule's id: `ephemeral-storage`. */
  public static readonly ID = 'ephemeral-storage';

  public readonly id = EphemeralStorageRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every container sets an ephemeral-storage request and limit';
  public readonly rationale = 'logs, emptyDirs and writable layers fill the node disk; the kubelet then evicts pods at random';
  public readonly source = 'kube-score container-ephemeral-storage-request-and-limit';
  public readonly fix = 'set resources.requests and resources.limits for ephemeral-storage';

  public check(manifest: any, _manifests: any[]): string[] {
    return containersOf(podTemplateOf(manifest)?.spec)
      // the limit is only read once a request was found, so resources is set by then
      .filter(({ container }) => !container.resources?.requests?.['ephemeral-storage'] || !container.resources.limits?.['ephemeral-storage'])
      .map(({ name }) => `${name} has no ephemeral-storage request and limit`);
  }
}
