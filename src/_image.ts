import { invalidProp } from './_errors';

/*
 * The image reference grammar of github.com/distribution/reference v0.6.0 (regexp.go), which the
 * kubelet's container runtimes (containerd, CRI-O) use to parse `image:` through
 * ParseNormalizedNamed (normalize.go). Go's `\w` is ASCII, as JavaScript's is without the u flag.
 */
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
/** referencePat: name, then an optional `:tag`, then an optional `@digest`. */
const REFERENCE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** anchoredNameRegexp: the domain and the path of a name. */
const ANCHORED_NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const IMAGE_MAX = 1024;
/** reference.go RepositoryNameTotalLengthMax. */
const PATH_MAX = 255;
/**
 * github.com/opencontainers/go-digest: sha256 is the algorithm registries compute, its encoded
 * part exactly 64 lowercase hex digits. The library accepts no other algorithm.
 */
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A parsed image reference, or why it is not one. */
export interface ImageReference {
  /** Why the runtime would refuse it; undefined when it parses. */
  readonly invalid?: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses an image reference as ParseNormalizedNamed does; `invalid` says why it does not parse. */
export function parseImage(image: string): ImageReference {
  if (typeof image !== 'string' || image === '') return { invalid: 'it is empty' };
  // A registry host (253), port, path (255), tag (128) and digest (71) fit well below this; the
  // bound also keeps the grammar's regular expressions fast on hostile input.
  if (image.length > IMAGE_MAX) return { invalid: `it is longer than ${IMAGE_MAX} characters` };
  // ParseNormalizedNamed: "cannot specify 64-byte hexadecimal strings"
  if (/^[a-f0-9]{64}$/.test(image)) return { invalid: 'a bare 64-digit hex string is an image id, not a reference' };
  const [domain, remainder] = splitDockerDomain(image);
  const tagSeparator = remainder.indexOf(':');
  const remote = tagSeparator < 0 ? remainder : remainder.slice(0, tagSeparator);
  if (remote.toLowerCase() !== remote) return { invalid: 'the repository name has upper-case letters' };
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  if (match === null) return { invalid: 'it does not follow the grammar' };
  // match[1] is a name with an optional domain, which anchoredNameRegexp always matches
  const path = ANCHORED_NAME.exec(match[1])![2];
  if (path.length > PATH_MAX) return { invalid: `the repository path is longer than ${PATH_MAX} characters` };
  const digest = match[3];
  if (digest !== undefined && !SHA256_DIGEST.test(digest)) return { invalid: 'the digest is not sha256: followed by 64 lowercase hex digits' };
  return { tag: match[2], digest };
}

/**
 * normalize.go splitDockerDomain: the first path element is a registry only if it looks like one.
 * Its renaming of index.docker.io to docker.io is left out: the domain is never returned and does
 * not count toward the path.
 */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash === -1) return ['docker.io', `library/${name}`];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    return [maybeDomain, maybeRemote];
  }
  return ['docker.io', name];
}

const REFERENCE_FORMAT = '[registry[:port]/]lowercase/path[:tag][@sha256:<64 hex digits>]';
const PINNED = 'pin a version tag (name:1.2.3) or a digest (name@sha256:...)';

/**
 * Why an image reference is not acceptable: unparseable, untagged or tagged `latest` without a
 * digest; undefined when it is pinned. `latest` is refused even next to a digest: the digest
 * pins, but the tag then tells readers and linters the opposite.
 */
export function imageProblem(image: string): { requirement: string; short: string } | undefined {
  const ref = parseImage(image);
  if (ref.invalid !== undefined) {
    return { requirement: `be an image reference ${REFERENCE_FORMAT} as container runtimes parse it (distribution/reference); ${ref.invalid}`, short: 'is not a valid image reference' };
  }
  if (ref.tag !== undefined && ref.tag.toLowerCase() === 'latest') {
    return { requirement: `${PINNED}; the latest tag moves between pulls`, short: 'is not pinned' };
  }
  if (ref.tag === undefined && ref.digest === undefined) {
    return { requirement: `${PINNED}; an image without a tag runs whatever latest is`, short: 'is not pinned' };
  }
  return undefined;
}

/**
 * Refuses an image reference the runtime cannot parse or that does not pin a version.
 *
 * An image without a tag resolves to `latest`, and `latest` moves: two pods of the same
 * Deployment can run different code, and a rollback may not roll anything back
 * (kube-score container-image-tag, Polaris tagNotSpecified, kube-linter latest-tag).
 * A digest (`name@sha256:...` or `name:tag@sha256:...`) pins even harder and is accepted.
 */
export function assertPinnedImage(prop: string, image: string): void {
  const problem = imageProblem(image);
  if (problem !== undefined) throw invalidProp(prop, problem.requirement, image);
}

/** The tag of a pinned image, or the digest's first 12 hex characters when pinned by digest only. */
export function imageVersion(image: string): string {
  const ref = parseImage(image);
  if (ref.tag !== undefined) return ref.tag;
  return (ref.digest ?? '').slice('sha256:'.length, 'sha256:'.length + 12);
}
