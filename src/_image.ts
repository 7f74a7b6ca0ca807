import { invalidProp } from './_errors';

/**
 * Refuses an image reference that does not pin a version.
 *
 * An image without a tag resolves to `latest`, and `latest` moves: two pods of the same
 * Deployment can run different code, and a rollback may not roll anything back
 * (kube-score container-image-tag, Polaris tagNotSpecified, kube-linter latest-tag).
 * A digest (`@sha256:...`) pins even harder and is accepted.
 */
export function assertPinnedImage(prop: string, image: string): void {
  const allowed = 'pin a version tag (name:1.2.3) or a digest (name@sha256:...)';
  if (!image || /\s/.test(image)) {
    throw invalidProp(prop, 'be a non-empty image reference without spaces', image);
  }
  if (image.includes('@sha256:')) return;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) {
    throw invalidProp(prop, `${allowed}; an image without a tag runs whatever latest is`, image);
  }
  const tag = lastSegment.slice(colon + 1);
  if (tag === '' || tag.toLowerCase() === 'latest') {
    throw invalidProp(prop, `${allowed}; the latest tag moves between pulls`, image);
  }
}

/** The tag of a pinned image (the digest's first 12 hex characters when pinned by digest). */
export function imageVersion(image: string): string {
  const at = image.indexOf('@sha256:');
  if (at >= 0) return image.slice(at + '@sha256:'.length, at + '@sha256:'.length + 12);
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  return lastSegment.slice(lastSegment.indexOf(':') + 1);
}
