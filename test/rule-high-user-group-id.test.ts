import { HighUserGroupIdRule } from '../src';
import { podOf, problemsAfter } from './support/rule-check';

// The rule alone, on one Pod whose ids are set at the pod level, changed one field at a time: the
// container's securityContext overrides the pod's, field by field.
const rule = new HighUserGroupIdRule();

function compliantPod(): any {
  return podOf({
    securityContext: { runAsUser: 65532, runAsGroup: 65532 },
    containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0' }],
  });
}

const problems = (change: (pod: any) => void): string[] => problemsAfter(rule, compliantPod, change);
const api = (pod: any) => pod.spec.containers[0];

describe('high-user-group-id', () => {
  test('ids above 10000 on the pod have no problems', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  test.each<[string, (pod: any) => void, string[]]>([
    ['no ids anywhere', (p) => delete p.spec.securityContext, ['container api runAsUser is unset', 'container api runAsGroup is unset']],
    ['an empty pod securityContext', (p) => (p.spec.securityContext = {}), ['container api runAsUser is unset', 'container api runAsGroup is unset']],
    ['uid 10000', (p) => (p.spec.securityContext.runAsUser = 10000), ['container api runAsUser is 10000']],
    ['gid 10000', (p) => (p.spec.securityContext.runAsGroup = 10000), ['container api runAsGroup is 10000']],
    ['uid 0', (p) => (p.spec.securityContext.runAsUser = 0), ['container api runAsUser is 0']],
    ['an id written as a string', (p) => (p.spec.securityContext.runAsGroup = '65532'), ['container api runAsGroup is 65532']],
    ['a low uid on the container over a high one on the pod', (p) => (api(p).securityContext = { runAsUser: 1000 }), ['container api runAsUser is 1000']],
    ['a low gid on the container over a high one on the pod', (p) => (api(p).securityContext = { runAsGroup: 1000 }), ['container api runAsGroup is 1000']],
    ['an init container with low ids', (p) => (p.spec.initContainers = [{ name: 'setup', securityContext: { runAsUser: 0, runAsGroup: 0 } }]), [
      'init container setup runAsUser is 0',
      'init container setup runAsGroup is 0',
    ]],
  ])('flags %s', (_name, change, expected) => {
    expect(problems(change)).toEqual(expected);
  });

  test.each<[string, (pod: any) => void]>([
    ['uid and gid 10001', (p) => (p.spec.securityContext = { runAsUser: 10001, runAsGroup: 10001 })],
    ['ids on the container alone', (p) => {
      delete p.spec.securityContext;
      api(p).securityContext = { runAsUser: 65532, runAsGroup: 65532 };
    }],
    ['high ids on the container over low ones on the pod', (p) => {
      p.spec.securityContext = { runAsUser: 0, runAsGroup: 0 };
      api(p).securityContext = { runAsUser: 65532, runAsGroup: 65532 };
    }],
    ['a container securityContext without ids', (p) => (api(p).securityContext = { readOnlyRootFilesystem: true })],
  ])('allows %s', (_name, change) => {
    expect(problems(change)).toEqual([]);
  });

  test('reads the pod template of a Deployment', () => {
    const deployment = { kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'api' }] } } } };
    expect(rule.check(deployment, [deployment])).toEqual(['container api runAsUser is unset', 'container api runAsGroup is unset']);
  });

  test('objects without pods are not its concern', () => {
    expect(rule.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, [])).toEqual([]);
  });
});
