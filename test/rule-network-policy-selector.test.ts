import { NetworkPolicySelectorRule } from '../src';

// The rule alone, on one NetworkPolicy, each podSelector given in turn.
const rule = new NetworkPolicySelectorRule();
const EMPTY = ['podSelector is empty: it selects every pod in the namespace'];

const policy = (spec: any): any => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np' }, ...(spec === undefined ? {} : { spec }) });
const problems = (spec: any): string[] => {
  const p = policy(spec);
  return rule.check(p, [p]);
};

describe('network-policy-selector', () => {
  test.each<[string, any]>([
    ['matchLabels', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }],
    ['matchExpressions', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }],
    ['matchLabels and an empty matchExpressions', { podSelector: { matchLabels: { app: 'api' }, matchExpressions: [] } }],
    ['matchExpressions and an empty matchLabels', { podSelector: { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'Exists' }] } }],
  ])('a selector by %s has no problems', (_name, spec) => {
    expect(problems(spec)).toEqual([]);
  });

  test.each<[string, any]>([
    ['an empty podSelector', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }],
    ['empty matchLabels and matchExpressions', { podSelector: { matchLabels: {}, matchExpressions: [] } }],
    ['no podSelector', { policyTypes: ['Ingress'] }],
    ['no spec', undefined],
  ])('flags %s', (_name, spec) => {
    expect(problems(spec)).toEqual(EMPTY);
  });

  test('other kinds are not its concern', () => {
    const budget = { kind: 'PodDisruptionBudget', metadata: { name: 'b' }, spec: { selector: {} } };
    expect(rule.check(budget, [budget])).toEqual([]);
  });
});
