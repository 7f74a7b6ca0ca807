import { UnhealthyPodEvictionRule } from '../src';

// The rule alone, on PodDisruptionBudgets with each eviction policy, and without one.
const rule = new UnhealthyPodEvictionRule();
const budget = (spec?: any): any => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b' }, spec });

describe('unhealthy-pod-eviction', () => {
  test('AlwaysAllow has no problems', () => {
    expect(rule.check(budget({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' }), [])).toEqual([]);
  });

  test('IfHealthyBudget is named', () => {
    expect(rule.check(budget({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'IfHealthyBudget' }), []))
      .toEqual(['unhealthyPodEvictionPolicy is IfHealthyBudget']);
  });

  test('an unset policy, or no spec at all, is the default IfHealthyBudget', () => {
    expect(rule.check(budget({ maxUnavailable: 1 }), [])).toEqual(['unhealthyPodEvictionPolicy is unset (IfHealthyBudget)']);
    expect(rule.check(budget(), [])).toEqual(['unhealthyPodEvictionPolicy is unset (IfHealthyBudget)']);
  });

  test('other kinds are not its concern', () => {
    expect(rule.check({ kind: 'Deployment', spec: { unhealthyPodEvictionPolicy: 'IfHealthyBudget' } }, [])).toEqual([]);
  });
});
