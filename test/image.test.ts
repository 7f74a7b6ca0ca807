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
  });

  test('hostile input stays fast', () => {
    const start = Date.now();
    for (const s of ['a'.repeat(1024), 'a.'.repeat(512), 'a-'.repeat(512), `${'a'.repeat(20)}/`.repeat(48), '['.repeat(1024), `${'a:'.repeat(511)}!`]) parseImage(s);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
