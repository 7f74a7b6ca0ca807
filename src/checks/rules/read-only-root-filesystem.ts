import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `read-only-root-filesystem` (error): containers mount their root filesystem read-only.
 *
 * Suppress it with `HardeningChecks.suppress(scope, ReadOnlyRootFilesystemRule.ID, reason)`.
 */
export class ReadOnlyRootFilesystemRule extends HardeningRule {
  /** The rule's id: `read-only-root-filesystem`. */
  public static readonly ID = 'read-only-root-filesystem';

  public readonly id = ReadOnlyRootFilesystemRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every container sets readOnlyRootFilesystem: true';
  public readonly rationale = 'an attacker who gets code execution cannot drop tools or change binaries; writable paths become explicit emptyDirs';
  public readonly source = 'kube-score container-security-context-readonlyrootfilesystem; Polaris notReadOnlyRootFilesystem; kube-linter no-read-only-root-fs';
  public readonly fix = 'set readOnlyRootFilesystem: true and mount emptyDirs where the process writes (HardenedDeployment: writablePaths)';

  public check(manifest: any, _manifests: any[]): string[] {
    return containersOf(podTemplateOf(manifest)?.spec)
      .filter(({ container }) => container.securityContext?.readOnlyRootFilesystem !== true)
      .map(({ name }) => `${name} has a writable root filesystem`);
  }
}
