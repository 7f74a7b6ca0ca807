import { ReadinessProbeRule } from '../src';

// The rule alone, on long-running workloads whose containers have a readiness probe or not, and on batch pods.
const rule = new ReadinessProbeRule();
const probe = { httpGet: { path: '/ready', port: 8080 } };
const workload = (kind: string, spec: any): any => ({ kind, metadata: { name: 'w' }, spec: { template: { metadata: { labels: { app: 'w' } }, spec } } });

describe('readiness-probe', () => {
  test.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'])('a %s whose containers have a readinessProbe has no problems', (kind) => {
    expect(rule.check(workload(kind, { containers: [{ name: 'api', readinessProbe: probe }] }), [])).toEqual([]);
  });

  test.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'])('flags each container of a %s without one', (kind) => {
    expect(rule.check(workload(kind, { containers: [{ name: 'api' }, { name: 'proxy', readinessProbe: probe }, { name: 'sidecar' }] }), []))
      .toEqual(['container api has no readinessProbe', 'container sidecar has no readinessProbe']);
  });

  test('init containers run to completion and need none', () => {
    expect(rule.check(workload('Deployment', { initContainers: [{ name: 'setup' }], containers: [{ name: 'api', readinessProbe: probe }] }), []))
      .toEqual([]);
  });

  test('a template without containers has no problems', () => {
    expect(rule.check(workload('Deployment', {}), [])).toEqual([]);
  });

  test('batch pods, bare pods and other objects are not its concern', () => {
    expect(rule.check(workload('Job', { containers: [{ name: 'run' }] }), [])).toEqual([]);
    expect(rule.check({ kind: 'Pod', spec: { containers: [{ name: 'run' }] } }, [])).toEqual([]);
    expect(rule.check({ kind: 'Service', metadata: { name: 's' } }, [])).toEqual([]);
  });
});
