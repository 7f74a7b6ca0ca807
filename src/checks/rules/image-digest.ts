import { parseImage } from '../../_image';
import { imagesOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `image-digest` (error): images are pinned by a digest. Opt-in (not among
 * `HardeningChecks.defaultRules()`): add it with `new HardeningChecks(app, { additionalRules:
 * HardeningChecks.optionalRules() })`.
 *
 * Suppress it with `HardeningChecks.suppress(scope, ImageDigestRule.ID, reason)`.
 */
export class ImageDigestRule extends HardeningRule {
  /** The rule's id: `image-digest`. */
  public static readonly ID = 'image-digest';

  public readonly id = ImageDigestRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every image is pinned by a sha256 digest (name:1.2.3@sha256:... or name@sha256:...)';
  public readonly rationale = 'a tag can be pushed again: with imagePullPolicy Always, the next pod start runs whatever the tag points to now, with the credentials the pod holds';
  public readonly source = 'supply-chain policy (SLSA, Kyverno verify-images digest mutation); opt-in';
  public readonly fix = 'look up the digest (crane digest name:1.2.3, or docker buildx imagetools inspect name:1.2.3) and append @sha256:<digest> to the image';

  public check(manifest: any, _manifests: any[]): string[] {
    return imagesOf(manifest)
      .filter(({ image }) => parseImage(image).digest === undefined)
      .map(({ image, name }) => `${name} image ${JSON.stringify(image)} has no digest`);
  }
}
