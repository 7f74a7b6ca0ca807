import { imageProblem, imageVersion, parseImage } from '../src/_image';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('image references as distribution/reference v0.6.0 ParseNormalizedNamed reads them', () => {
  test.each([
    ['nginx:1.27', { tag: '1.27' }],
    [`nginx@${DIGEST}`, { digest: DIGEST }],
    [`nginx:1.27@${DIGEST}`, { tag: '1.27', digest: DIGEST }],
    ['ghcr.io/acme/orders-api:1.4.2', { tag: '1.4.2' }],
    ['localhost/orders:1', { tag: '1' }],
    ['localhost:5000/orders:1', { tag: '1' }],
    ['127.0.0.1:5000/orders:1', { tag: '1' }],
    ['[::1]:5000/orders:1', { tag: '1' }],
    ['Registry.Example.com/acme/api:1', { tag: '1' }], // domains may have upper case
    ['a/b--c/d__e/f.g_h:V1_x-y.z', { tag: 'V1_x-y.z' }], // repeated dashes, double underscores; tags take upper case
    [`x:${'t'.repeat(128)}`, { tag: 't'.repeat(128) }],
  ])('parses %s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });

  test.each([
    ['', 'it is empty'],
    ['Nginx:1.27', 'the repository name has upper-case letters'],
    ['acme/Api:1', 'the repository name has upper-case letters'],
    ['a:b:c', 'it does not follow the grammar'],
    ['nginx@sha256:', 'it does not follow the grammar'],
    ['nginx:', 'it does not follow the grammar'],
    ['nginx:.1', 'it does not follow the grammar'], // a tag starts with a word character
    [`x:${'t'.repeat(129)}`, 'it does not follow the grammar'],
    ['a___b:1', 'it does not follow the grammar'],
    ['a..b:1', 'it does not follow the grammar'],
    ['-a:1', 'it does not follow the grammar'],
    ['a/:1', 'it does not follow the grammar'],
    ['nginx :1', 'it does not follow the grammar'],
    ['ñginx:1', 'it does not follow the grammar'],
    [`nginx@sha256:${'a'.repeat(63)}`, 'the digest is not sha256: followed by 64 lowercase hex digits'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'the digest is not sha256: followed by 64 lowercase hex digits'],
    [`nginx@sha512:${'a'.repeat(128)}`, 'the digest is not sha256: followed by 64 lowercase hex digits'],
    ['a'.repeat(64), 'a bare 64-digit hex string is an image id, not a reference'],
    [`r.io/${'a'.repeat(256)}:1`, 'the repository path is longer than 255 characters'],
    [`r.io/${'a/'.repeat(600)}a:1`, 'it is longer than 1024 characters'],
  ])('refuses %p: %s', (image, reason) => {
    expect(parseImage(image)).toEqual({ invalid: reason });
  });

  // The limits on both sides, and where the registry ends: the path limit counts the repository
  // path without the registry, so which first element is a registry shows in what is accepted.
  test.each([
    ['1024 characters', `${'abcdefghi.'.repeat(101)}abcdefghij/a:1`, { tag: '1' }],
    ['a path of 255 characters after a registry', `r.io/${'a'.repeat(255)}:1`, { tag: '1' }],
    ['a path of 255 characters after localhost', `localhost/${'a'.repeat(255)}:1`, { tag: '1' }],
    ['a path of 255 characters after a registry named in upper case', `Registry/${'a'.repeat(255)}:1`, { tag: '1' }],
    ['a path of 255 characters whose first element is no registry', `${'a'.repeat(100)}/${'b'.repeat(154)}:1`, { tag: '1' }],
    ['65 hex digits: a repository name, not an image id', 'a'.repeat(65), {}],
    ['an untagged upper-case registry', 'Registry/api', {}],
  ])('accepts %s', (_, image, expected) => {
    expect(image.length).toBeLessThanOrEqual(1024);
    expect(parseImage(image)).toStrictEqual({ tag: undefined, digest: undefined, ...expected });
  });

  test.each([
    ['1025 characters', `${'abcdefghi.'.repeat(101)}abcdefghijk/a:1`, 'it is longer than 1024 characters'],
    ['a path of 256 characters after a registry', `r.io/${'a'.repeat(256)}:1`, 'the repository path is longer than 255 characters'],
    ['a path of 256 characters whose first element is no registry', `acme/${'a'.repeat(251)}:1`, 'the repository path is longer than 255 characters'],
    ['a path of 261 characters whose first element is no registry', `${'a'.repeat(100)}/${'b'.repeat(160)}:1`, 'the repository path is longer than 255 characters'],
    ['upper case in an untagged path', 'acme/apI', 'the repository name has upper-case letters'],
    ['upper case in a path starting with the tag separator', 'localhost/:A', 'it does not follow the grammar'],
    ['a path starting with a slash', '/a:1', 'it does not follow the grammar'],
    ['a name that is no string', 42 as unknown as string, 'it is empty'],
    ['undefined', undefined as unknown as string, 'it is empty'],
  ])('refuses %s', (_, image, reason) => {
    expect(parseImage(image)).toEqual({ invalid: reason });
  });

  test('pinning: a tag other than latest, or a digest', () => {
    expect(imageProblem('nginx:1.27')).toBeUndefined();
    expect(imageProblem(`nginx@${DIGEST}`)).toBeUndefined();
    expect(imageProblem('nginx')?.short).toBe('is not pinned');
    expect(imageProblem('nginx:latest')?.short).toBe('is not pinned');
    expect(imageProblem(`nginx:latest@${DIGEST}`)?.short).toBe('is not pinned');
    expect(imageProblem('Nginx:1')?.short).toBe('is not a valid image reference');
  });

  test('the version label: the tag, else the digest prefix', () => {
    expect(imageVersion(`nginx:1.27@${DIGEST}`)).toBe('1.27');
    expect(imageVersion(`nginx@${DIGEST}`)).toBe('0123456789ab');
    expect(imageVersion('nginx')).toBe('');
  });

  test('hostile input stays fast', () => {
    const start = Date.now();
    for (const s of ['a'.repeat(1024), 'a.'.repeat(512), 'a-'.repeat(512), `${'a'.repeat(20)}/`.repeat(48), '['.repeat(1024), `${'a:'.repeat(511)}!`]) parseImage(s);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
