import { PinnedImageRule } from '../src';
import { checkAlone, podOf } from './support/rule-check';

// The rule alone, on one Pod with an init container and a container, each image given in turn.
const rule = new PinnedImageRule();
const DIGEST = `sha256:${'a'.repeat(64)}`;

function pod(image: string | undefined, initImage: string | undefined = 'busybox:1.36'): any {
  return podOf({
    initContainers: [{ name: 'setup', ...(initImage === undefined ? {} : { image: initImage }) }],
    containers: [{ name: 'api', ...(image === undefined ? {} : { image }) }],
  });
}

const problems = (image: string | undefined, initImage?: string): string[] => checkAlone(rule, pod(image, initImage));

describe('pinned-image', () => {
  test.each([
    ['ghcr.io/acme/api:1.0.0'],
    [`ghcr.io/acme/api@${DIGEST}`],
    [`ghcr.io/acme/api:1.0.0@${DIGEST}`],
  ])('accepts %s', (image) => {
    expect(problems(image)).toEqual([]);
  });

  test.each<[string | undefined, string]>([
    ['ghcr.io/acme/api', 'container api image "ghcr.io/acme/api" is not pinned'],
    ['ghcr.io/acme/api:latest', 'container api image "ghcr.io/acme/api:latest" is not pinned'],
    ['ghcr.io/acme/API:1.0.0', 'container api image "ghcr.io/acme/API:1.0.0" is not a valid image reference'],
    ['', 'container api image "" is not a valid image reference'],
    [undefined, 'container api image "" is not a valid image reference'],
  ])('flags %p', (image, expected) => {
    expect(problems(image)).toEqual([expected]);
  });

  test('init containers are checked too', () => {
    expect(problems('ghcr.io/acme/api:1.0.0', 'busybox')).toEqual(['init container setup image "busybox" is not pinned']);
  });

  test('objects without pods are not its concern', () => {
    expect(rule.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, [])).toEqual([]);
  });
});
