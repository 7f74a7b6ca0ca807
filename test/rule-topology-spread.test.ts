import { TopologySpreadRule } from '../src';

// The rule alone, on replicated Deployments and StatefulSets with and without a spread on hostname or zone.
const rule = new TopologySpreadRule();
const workload = (kind: string, replicas: number | undefined, keys?: string[]): any => ({
  kind,
  metadata: { name: 'w' },
  spec: {
    replicas,
    template: {
      metadata: { labels: { app: 'w' } },
      spec: {
        containers: [{ name: 'api' }],
        topologySpreadConstraints: keys?.map((topologyKey) => ({
          maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'w' } },
        })),
      },
    },
  },
});
const missing = ['has no topologySpreadConstraint on hostname or zone'];

describe('topology-spread', () => {
  test.each(['Deployment', 'StatefulSet'])('a %s of 2 replicas spread on hostname or on zone has no problems', (kind) => {
    expect(rule.check(workload(kind, 2, ['kubernetes.io/hostname']), [])).toEqual([]);
    expect(rule.check(workload(kind, 2, ['topology.kubernetes.io/zone']), [])).toEqual([]);
    expect(rule.check(workload(kind, 3, ['kubernetes.io/arch', 'topology.kubernetes.io/zone']), [])).toEqual([]);
  });

  test.each(['Deployment', 'StatefulSet'])('flags a %s of 2 or more replicas spread on nothing, or on another key', (kind) => {
    expect(rule.check(workload(kind, 2), [])).toEqual(missing);
    expect(rule.check(workload(kind, 3, []), [])).toEqual(missing);
    expect(rule.check(workload(kind, 2, ['kubernetes.io/arch']), [])).toEqual(missing);
    expect(rule.check(workload(kind, 2, ['topology.kubernetes.io/region', 'hostname']), [])).toEqual(missing);
  });

  test('a workload of one replica, set or by default, or of none, has nothing to spread', () => {
    expect(rule.check(workload('Deployment', 1), [])).toEqual([]);
    expect(rule.check(workload('StatefulSet', undefined), [])).toEqual([]);
    expect(rule.check(workload('Deployment', 0), [])).toEqual([]);
  });

  test('other kinds are not its concern, however many replicas they run', () => {
    expect(rule.check(workload('ReplicaSet', 3), [])).toEqual([]);
    expect(rule.check(workload('DaemonSet', 3), [])).toEqual([]);
  });
});
