import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/** Images are pinned by a version tag or a digest. */
export class PinnedImageRule extends HardeningRule {
  public readonly id = 'pinned-image';
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every image has a tag other than latest, or a digest';
  public readonly rationale = 'latest moves: pods of one workload run different code and a rollback changes nothing';
  public readonly source = 'kube-score container-image-tag; Polaris tagNotSpecified; kube-linter latest-tag';
  public readonly fix = 'pin the image: name:1.2.3 or name@sha256:...';

  public check(manifest: any, _manifests: any[]): string[] {
    return containersOf(podTemplateOf(manifest)?.spec)
      .filter(({ container }) => !isPinned(container.image ?? ''))
      .map(({ container, name }) => `${name} image ${JSON.stringify(container.image ?? '')} is not pinned`);
  }
}

function isPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return tag !== '' && tag.toLowerCase() !== 'latest';
}
