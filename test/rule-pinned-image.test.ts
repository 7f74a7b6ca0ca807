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

  // k6-operator TestRun (k6.io/v1alpha1): three pods, each with one image, and no pod template
  const testRun = (runner: string | undefined, starter = 'ghcr.io/grafana/k6-operator:starter-v0.0.22') => ({
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: 'soak' },
    spec: { initializer: { image: 'grafana/k6:2.2.0' }, starter: { image: starter }, runner: runner === undefined ? {} : { image: runner } },
  });

  test('a TestRun\'s initializer, starter and runner images are checked: an image left out is the operator\'s default', () => {
    expect(rule.check(testRun('grafana/k6:2.2.0'), [])).toEqual([]);
    expect(rule.check(testRun('grafana/k6:latest', 'ghcr.io/grafana/k6-operator'), [])).toEqual([
      'TestRun starter image "ghcr.io/grafana/k6-operator" is not pinned',
      'TestRun runner image "grafana/k6:latest" is not pinned',
    ]);
    expect(rule.check(testRun(undefined), [])).toEqual(['TestRun runner image "" is not a valid image reference']);
    // another API group's TestRun is not the k6-operator's
    expect(rule.check({ ...testRun('x'), apiVersion: 'example.com/v1' }, [])).toEqual([]);
  });
});
