import { imageProblem } from '../../_image';
import { imagesOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `pinned-image` (error): images are valid references pinned by a version tag or a digest.
 *
 * Suppress it with `HardeningChecks.suppress(scope, PinnedImageRule.ID, reason)`.
 */
export class PinnedImageRule extends HardeningRule {
  /** The rule's id: `pinned-image`. */
  public static readonly ID = 'pinned-image';

  public readonly id = PinnedImageRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every image is a valid reference with a tag other than latest, or a digest';
  public readonly rationale = 'latest moves: pods of one workload run different code and a rollback changes nothing';
  public readonly source = 'kube-score container-image-tag; Polaris tagNotSpecified; kube-linter latest-tag';
  public readonly fix = 'pin the image: name:1.2.3, name@sha256:... or name:1.2.3@sha256:...';

  public check(manifest: any, _manifests: any[]): string[] {
    return imagesOf(manifest).flatMap(({ image, name }) => {
      const problem = imageProblem(image);
      return problem ? [`${name} image ${JSON.stringify(image)} ${problem.short}`] : [];
    });
  }
}
