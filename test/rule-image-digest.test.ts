import { ImageDigestRule } from '../src';
import { checkAlone, podOf } from './support/rule-check';

// The rule alone, on one Pod with an init container and a container, each image given in turn.
const rule = new ImageDigestRule();
const DIGEST = `sha256:${'a'.repeat(64)}`;

function pod(image: string | undefined, initImage: string | undefined = `busybox:1.36@${DIGEST}`): any {
  return podOf({
    initContainers: [{ name: 'setup', ...(initImage === undefined ? {} : { image: initImage }) }],
    containers: [{ name: 'api', ...(image === undefined ? {} : { image }) }],
  });
}

const problems = (image: string | undefined, initImage?: string): string[] => checkAlone(rule, pod(image, initImage));

describe('image-digest', () => {
  test.each([
    [`ghcr.io/acme/api:1.0.0@${DIGEST}`],
    [`ghcr.io/acme/api@${DIGEST}`],
    [`localhost:5000/api@${DIGEST}`],
  ])('accepts %s', (image) => {
    expect(problems(image)).toEqual([]);
  });

  test.each<[string | undefined, string]>([
    ['ghcr.io/acme/api:1.0.0', 'container api image "ghcr.io/acme/api:1.0.0" has no digest'],
    ['ghcr.io/acme/api', 'container api image "ghcr.io/acme/api" has no digest'],
    [`ghcr.io/acme/api@sha256:${'a'.repeat(63)}`, `container api image "ghcr.io/acme/api@sha256:${'a'.repeat(63)}" has no digest`],
    ['', 'container api image "" has no digest'],
    [undefined, 'container api image "" has no digest'],
  ])('flags %p', (image, expected) => {
    expect(problems(image)).toEqual([expected]);
  });

  test('init containers are checked too', () => {
    expect(problems(`ghcr.io/acme/api@${DIGEST}`, 'busybox:1.36')).toEqual(['init container setup image "busybox:1.36" has no digest']);
  });

  test('objects without pods are not its concern', () => {
    expect(rule.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, [])).toEqual([]);
  });

  test('a TestRun\'s initializer, starter and runner images are checked (k6.io/v1alpha1, no pod template)', () => {
    const testRun = {
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: 'soak' },
      spec: { initializer: { image: `grafana/k6:2.2.0@${DIGEST}` }, starter: { image: 'ghcr.io/grafana/k6-operator:starter-v0.0.22' }, runner: { image: 'grafana/k6:2.2.0' } },
    };
    expect(rule.check(testRun, [])).toEqual([
      'TestRun starter image "ghcr.io/grafana/k6-operator:starter-v0.0.22" has no digest',
      'TestRun runner image "grafana/k6:2.2.0" has no digest',
    ]);
  });
});
