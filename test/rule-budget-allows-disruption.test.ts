import { BudgetAllowsDisruptionRule } from '../src';

// The rule alone, on one PodDisruptionBudget and the workloads it selects: each case pins the exact
// problems for minAvailable, maxUnavailable (numbers and percentages) or neither.
const rule = new BudgetAllowsDisruptionRule();

function deployment(replicas?: number, namespace?: string): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', ...(namespace ? { namespace } : {}) },
    spec: { ...(replicas === undefined ? {} : { replicas }), template: { metadata: { labels: { app: 'api' } }, spec: { containers: [] } } },
  };
}

function budget(spec: any, namespace?: string): any {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'api', ...(namespace ? { namespace } : {}) },
    spec: { selector: { matchLabels: { app: 'api' } }, ...spec },
  };
}

const problems = (pdb: any, ...workloads: any[]): string[] => rule.check(pdb, [pdb, ...workloads]);

describe('budget-allows-disruption', () => {
  test.each<[string, any, number | undefined, string[]]>([
    ['minAvailable below the replicas', { minAvailable: 1 }, 2, []],
    ['minAvailable equal to the replicas', { minAvailable: 2 }, 2, ['allows no disruption of Deployment/api (2 replicas)']],
    ['minAvailable above the replicas', { minAvailable: 3 }, 2, ['allows no disruption of Deployment/api (2 replicas)']],
    ['minAvailable 1 of the default single replica', { minAvailable: 1 }, undefined, ['allows no disruption of Deployment/api (1 replicas)']],
    ['minAvailable 50% of 3 replicas (2 pods)', { minAvailable: '50%' }, 3, []],
    ['minAvailable 100%', { minAvailable: '100%' }, 3, ['allows no disruption of Deployment/api (3 replicas)']],
    ['maxUnavailable 1', { maxUnavailable: 1 }, 2, []],
    ['maxUnavailable 1 of a single replica', { maxUnavailable: 1 }, 1, []],
    ['maxUnavailable 1 next to a minAvailable that allows none', { maxUnavailable: 1, minAvailable: 2 }, 2, []],
    ['maxUnavailable 0', { maxUnavailable: 0 }, 2, ['allows no disruption of Deployment/api (2 replicas)']],
    ['maxUnavailable 0% of 3 replicas', { maxUnavailable: '0%' }, 3, ['allows no disruption of Deployment/api (3 replicas)']],
    ['maxUnavailable 10% of 3 replicas (rounds up to 1 pod)', { maxUnavailable: '10%' }, 3, []],
    ['neither minAvailable nor maxUnavailable', {}, 3, ['allows no disruption of Deployment/api (3 replicas)']],
  ])('%s', (_name, spec, replicas, expected) => {
    expect(problems(budget(spec), deployment(replicas))).toEqual(expected);
  });

  test('every selected workload is named', () => {
    const other = { ...deployment(1), kind: 'StatefulSet', metadata: { name: 'db' } };
    expect(problems(budget({ minAvailable: 1 }), deployment(1), other)).toEqual([
      'allows no disruption of Deployment/api (1 replicas)',
      'allows no disruption of StatefulSet/db (1 replicas)',
    ]);
  });

  test('a workload without metadata is named undefined', () => {
    const unnamed = deployment(1);
    delete unnamed.metadata;
    expect(problems(budget({ minAvailable: 1 }), unnamed)).toEqual(['allows no disruption of Deployment/undefined (1 replicas)']);
  });

  test('a budget without metadata protects the workloads of the default namespace', () => {
    const pdb = budget({ minAvailable: 1 });
    delete pdb.metadata;
    expect(problems(pdb, deployment(1), deployment(1, 'other'))).toEqual(['allows no disruption of Deployment/api (1 replicas)']);
  });

  test('the budget only protects workloads of its own namespace', () => {
    expect(problems(budget({ minAvailable: 1 }, 'prod'), deployment(1, 'prod'))).toEqual(['allows no disruption of Deployment/api (1 replicas)']);
    expect(problems(budget({ minAvailable: 1 }, 'prod'), deployment(1))).toEqual([]);
    expect(problems(budget({ minAvailable: 1 }), deployment(1, 'prod'))).toEqual([]);
  });

  test('a workload with other labels is not protected', () => {
    const other = deployment(1);
    other.spec.template.metadata.labels = { app: 'web' };
    expect(problems(budget({ minAvailable: 1 }), other)).toEqual([]);
  });

  describe('without a selected workload', () => {
    test.each<[string, any, string[]]>([
      ['maxUnavailable 0', { maxUnavailable: 0 }, ['maxUnavailable is 0']],
      ['maxUnavailable 0%', { maxUnavailable: '0%' }, ['maxUnavailable is 0']],
      ['maxUnavailable 1', { maxUnavailable: 1 }, []],
      ['maxUnavailable 50%', { maxUnavailable: '50%' }, []],
      ['minAvailable 1', { minAvailable: 1 }, []],
      ['minAvailable 0', { minAvailable: 0 }, []],
      ['neither', {}, []],
    ])('%s', (_name, spec, expected) => {
      expect(problems(budget(spec))).toEqual(expected);
    });

    test('a budget without a spec has no problems', () => {
      expect(rule.check({ kind: 'PodDisruptionBudget', metadata: { name: 'b' } }, [])).toEqual([]);
    });
  });

  test('maxUnavailable 0 is reported once per workload, not again for the budget', () => {
    expect(problems(budget({ maxUnavailable: 0 }), deployment(3))).toEqual(['allows no disruption of Deployment/api (3 replicas)']);
  });

  test('other kinds are not its concern', () => {
    expect(rule.check(deployment(1), [deployment(1)])).toEqual([]);
  });
});
