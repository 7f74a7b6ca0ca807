import { ReplicasAndBudgetRule } from '../src';

// The rule alone, on Deployments and StatefulSets with their budgets: the replica count at its
// boundary, and the budgets that select the pods counted by namespace and selector.
const rule = new ReplicasAndBudgetRule();
const workload = (kind: string, replicas: number | undefined, namespace?: string): any => ({
  kind,
  metadata: { name: 'w', namespace },
  spec: { replicas, selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w', tier: 'web' } }, spec: {} } },
});
const budget = (selector: any, namespace?: string): any => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', namespace }, spec: { maxUnavailable: 1, selector },
});
const problems = (manifest: any, ...others: any[]): string[] => rule.check(manifest, [manifest, ...others]);
const unset = ['replicas is unset (an autoscaler may own it; set a minimum of 2)'];

describe('replicas-and-budget', () => {
  test.each(['Deployment', 'StatefulSet'])('a %s of 2 replicas with one budget has no problems', (kind) => {
    expect(problems(workload(kind, 2), budget({ matchLabels: { app: 'w' } }))).toEqual([]);
  });

  test.each(['Deployment', 'StatefulSet'])('flags a %s of fewer than 2 replicas', (kind) => {
    const pdb = budget({ matchLabels: { app: 'w' } });
    expect(problems(workload(kind, 1), pdb)).toEqual(['runs 1 replica']);
    expect(problems(workload(kind, 0), pdb)).toEqual(['runs 0 replicas']);
    expect(problems(workload(kind, 3), pdb)).toEqual([]);
  });

  test('a Deployment without replicas may belong to an autoscaler, and nothing else is checked', () => {
    expect(problems(workload('Deployment', undefined))).toEqual(unset);
    expect(problems({ kind: 'Deployment', metadata: { name: 'w' } })).toEqual(unset);
  });

  test('a StatefulSet without replicas runs the default 1', () => {
    expect(problems(workload('StatefulSet', undefined), budget({ matchLabels: { app: 'w' } }))).toEqual(['runs 1 replica']);
    expect(problems(workload('StatefulSet', undefined))).toEqual(['runs 1 replica', 'no PodDisruptionBudgets select its pods']);
  });

  test('counts the budgets that select its pods', () => {
    const w = workload('Deployment', 2);
    expect(problems(w)).toEqual(['no PodDisruptionBudgets select its pods']);
    expect(problems(w, budget({ matchLabels: { app: 'w' } }), budget({ matchLabels: { tier: 'web' } })))
      .toEqual(['2 PodDisruptionBudgets select its pods']);
    expect(problems(w, budget({ matchLabels: { app: 'w' } }), budget({ matchLabels: { app: 'w' } }), budget({ matchExpressions: [{ key: 'app', operator: 'Exists' }] })))
      .toEqual(['3 PodDisruptionBudgets select its pods']);
  });

  test('a budget that selects other pods, none, or is in another namespace does not count', () => {
    const w = workload('Deployment', 2, 'app');
    expect(problems(w, budget({ matchLabels: { app: 'other' } }, 'app'))).toEqual(['no PodDisruptionBudgets select its pods']);
    expect(problems(w, budget({}, 'app'))).toEqual(['no PodDisruptionBudgets select its pods']);
    expect(problems(w, budget({ matchLabels: { app: 'w' } }, 'other'))).toEqual(['no PodDisruptionBudgets select its pods']);
    expect(problems(w, budget({ matchLabels: { app: 'w' } }))).toEqual(['no PodDisruptionBudgets select its pods']);
    expect(problems(w, budget({ matchLabels: { app: 'w' } }, 'app'), budget({ matchLabels: { app: 'w' } }, 'other'))).toEqual([]);
  });

  test('a budget without spec selects nothing', () => {
    expect(problems(workload('Deployment', 2), { kind: 'PodDisruptionBudget', metadata: { name: 'b' } }))
      .toEqual(['no PodDisruptionBudgets select its pods']);
  });

  test('a workload without metadata is in the default namespace', () => {
    const w = workload('Deployment', 2);
    delete w.metadata;
    expect(problems(w, budget({ matchLabels: { app: 'w' } }))).toEqual([]);
    expect(problems(w, budget({ matchLabels: { app: 'w' } }, 'app'))).toEqual(['no PodDisruptionBudgets select its pods']);
  });

  test('other kinds are not its concern', () => {
    expect(problems(workload('DaemonSet', 1))).toEqual([]);
    expect(problems(workload('ReplicaSet', undefined))).toEqual([]);
    expect(problems({ kind: 'Pod', metadata: { name: 'p' } })).toEqual([]);
  });
});
