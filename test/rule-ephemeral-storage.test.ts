import { EphemeralStorageRule } from '../src';
import { podOf, problemsAfter } from './support/rule-check';

// The rule alone, on one Pod whose containers set ephemeral-storage requests and limits, changed
// one field at a time.
const rule = new EphemeralStorageRule();

const resources = () => ({
  requests: { 'cpu': '100m', 'ephemeral-storage': '64Mi' },
  limits: { 'memory': '128Mi', 'ephemeral-storage': '256Mi' },
});

function compliantPod(): any {
  return podOf({
    initContainers: [{ name: 'setup', image: 'busybox:1.36', resources: resources() }],
    containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', resources: resources() }],
  });
}

const problems = (change: (pod: any) => void): string[] => problemsAfter(rule, compliantPod, change);
const api = (pod: any) => pod.spec.containers[0];

describe('ephemeral-storage', () => {
  test('containers that request and limit ephemeral storage have no problems', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  test.each<[string, (pod: any) => void]>([
    ['no resources', (p) => delete api(p).resources],
    ['no requests', (p) => delete api(p).resources.requests],
    ['no limits', (p) => delete api(p).resources.limits],
    ['requests without ephemeral-storage', (p) => delete api(p).resources.requests['ephemeral-storage']],
    ['limits without ephemeral-storage', (p) => delete api(p).resources.limits['ephemeral-storage']],
    ['an empty ephemeral-storage request', (p) => (api(p).resources.requests['ephemeral-storage'] = '')],
  ])('flags %s', (_name, change) => {
    expect(problems(change)).toEqual(['container api has no ephemeral-storage request and limit']);
  });

  test('init containers are checked too', () => {
    expect(problems((p) => delete p.spec.initContainers[0].resources.limits)).toEqual(['init container setup has no ephemeral-storage request and limit']);
  });

  test('reads the pod template of a Deployment', () => {
    const pod = compliantPod();
    delete api(pod).resources;
    const deployment = { kind: 'Deployment', spec: { template: { spec: pod.spec } } };
    expect(rule.check(deployment, [deployment])).toEqual(['container api has no ephemeral-storage request and limit']);
  });

  test('objects without pods are not its concern', () => {
    expect(rule.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, [])).toEqual([]);
  });
});
