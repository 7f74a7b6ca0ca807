import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/** Containers mount their root filesystem read-only. */
export class ReadOnlyRootFilesystemRule extends HardeningRule {
  public readonly id = 'read-only-root-filesystem';
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
