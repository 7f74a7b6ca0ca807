import { imageProblem } from '../../_image';
import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/** Images are valid references pinned by a version tag or a digest. */
export class PinnedImageRule extends HardeningRule {
  public readonly id = 'pinned-image';
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every image is a valid reference with a tag other than latest, or a digest';
  public readonly rationale = 'latest moves: pods of one workload run different code and a rollback changes nothing';
  public readonly source = 'kube-score container-image-tag; Polaris tagNotSpecified; kube-linter latest-tag';
  public readonly fix = 'pin the image: name:1.2.3, name@sha256:... or name:1.2.3@sha256:...';

  public check(manifest: any, _manifests: any[]): string[] {
    return containersOf(podTemplateOf(manifest)?.spec).flatMap(({ container, name }) => {
      const problem = imageProblem(container.image ?? '');
      return problem ? [`${name} image ${JSON.stringify(container.image ?? '')} ${problem.short}`] : [];
    });
  }
}
