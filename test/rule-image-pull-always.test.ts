import { ImagePullAlwaysRule } from '../src';
import { checkAlone, podOf } from './support/rule-check';

// The rule alone, on one Pod with an init container and a container, each pull policy given in turn.
const rule = new ImagePullAlwaysRule();

function pod(policy: string | undefined, initPolicy: string | undefined = 'Always'): any {
  const container = (name: string, imagePullPolicy: string | undefined) => ({
    name, image: 'ghcr.io/acme/api:1.0.0', ...(imagePullPolicy === undefined ? {} : { imagePullPolicy }),
  });
  return podOf({ initContainers: [container('setup', initPolicy)], containers: [container('api', policy)] });
}

const problems = (policy: string | undefined, initPolicy?: string): string[] => checkAlone(rule, pod(policy, initPolicy));

describe('image-pull-always', () => {
  test('Always has no problems', () => {
    expect(problems('Always')).toEqual([]);
  });

  test.each<[string | undefined, string]>([
    ['IfNotPresent', 'container api imagePullPolicy is IfNotPresent'],
    ['Never', 'container api imagePullPolicy is Never'],
    ['always', 'container api imagePullPolicy is always'],
    [undefined, 'container api imagePullPolicy is unset'],
  ])('flags %p', (policy, expected) => {
    expect(problems(policy)).toEqual([expected]);
  });

  test('init containers are checked too', () => {
    expect(problems('Always', 'IfNotPresent')).toEqual(['init container setup imagePullPolicy is IfNotPresent']);
  });

  test('objects without pods are not its concern', () => {
    expect(rule.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, [])).toEqual([]);
  });
});
