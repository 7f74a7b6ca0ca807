import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `image-pull-always` (warning): images are pulled on every start.
 *
 * Suppress it with `HardeningChecks.suppress(scope, ImagePullAlwaysRule.ID, reason)`.
 */
export class ImagePullAlwaysRule extends HardeningRule {
  /** The rule's id: `image-pull-always`. */
  public static readonly ID = 'image-pull-always';

  public readonly id = ImagePullAlwaysRule.ID;
  public readonly severity = Severity.WARNING;
  public readonly requirement = 'every container sets imagePullPolicy: Always';
  public readonly rationale = 'a node-cached image skips the registry\'s authorization check, so any pod on the node can run a private image';
  public readonly source = 'kube-score container-image-pull-policy; Polaris pullPolicyNotAlways';
  public readonly fix = 'set imagePullPolicy: Always';

  public check(manifest: any, _manifests: any[]): string[] {
    return containersOf(podTemplateOf(manifest)?.spec)
      .filter(({ container }) => container.imagePullPolicy !== 'Always')
      .map(({ container, name }) => `${name} imagePullPolicy is ${container.imagePullPolicy ?? 'unset'}`);
  }
}
