import { NetworkPolicyCoverageRule } from '../src';

// The rule alone, on one Deployment and the NetworkPolicies next to it: each case pins which of
// Ingress and Egress is left uncovered.
const rule = new NetworkPolicyCoverageRule();

function deployment(namespace?: string): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', ...(namespace ? { namespace } : {}) },
    spec: { template: { metadata: { labels: { app: 'api', tier: 'web' } }, spec: { containers: [] } } },
  };
}

function policy(spec: any, namespace?: string): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', ...(namespace ? { namespace } : {}) }, spec };
}

const both = (podSelector: any = { matchLabels: { app: 'api' } }) => ({ podSelector, policyTypes: ['Ingress', 'Egress'] });
const NONE = ['no NetworkPolicy covers Ingress for its pods', 'no NetworkPolicy covers Egress for its pods'];
const problems = (workload: any, ...others: any[]): string[] => rule.check(workload, [workload, ...others]);

describe('network-policy-coverage', () => {
  test('a policy for Ingress and Egress covers the pods', () => {
    expect(problems(deployment(), policy(both()))).toEqual([]);
  });

  test('no policy at all', () => {
    expect(problems(deployment())).toEqual(NONE);
  });

  test.each<[string, any[], string[]]>([
    ['Ingress only', [policy({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] })], ['no NetworkPolicy covers Egress for its pods']],
    ['Egress only', [policy({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'] })], ['no NetworkPolicy covers Ingress for its pods']],
    ['no policyTypes (Ingress)', [policy({ podSelector: { matchLabels: { app: 'api' } } })], ['no NetworkPolicy covers Egress for its pods']],
    ['an Ingress and an Egress policy', [
      policy({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }),
      policy({ podSelector: { matchLabels: { tier: 'web' } }, policyTypes: ['Egress'] }),
    ], []],
    ['a selector by expression', [policy(both({ matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] }))], []],
    ['a policy for other pods', [policy(both({ matchLabels: { app: 'web' } }))], NONE],
    ['a policy with an empty podSelector (this rule leaves it to network-policy-selector)', [policy(both({}))], NONE],
    ['a policy without a podSelector', [policy({ policyTypes: ['Ingress', 'Egress'] })], NONE],
    ['a policy without a spec', [{ kind: 'NetworkPolicy', metadata: { name: 'np' } }], NONE],
    ['another kind selecting the pods', [{ ...policy(both()), kind: 'PodDisruptionBudget' }], NONE],
  ])('%s', (_name, others, expected) => {
    expect(problems(deployment(), ...others)).toEqual(expected);
  });

  test('only policies of the workload\'s namespace count', () => {
    expect(problems(deployment('prod'), policy(both(), 'prod'))).toEqual([]);
    expect(problems(deployment('prod'), policy(both()))).toEqual(NONE);
    expect(problems(deployment(), policy(both(), 'prod'))).toEqual(NONE);
  });

  test('a workload without metadata is in the default namespace', () => {
    const workload = deployment();
    delete workload.metadata;
    expect(problems(workload, policy(both()))).toEqual([]);
    expect(problems(workload, policy(both(), 'prod'))).toEqual(NONE);
  });

  test.each(['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'])('covers a %s', (kind) => {
    expect(problems({ ...deployment(), kind })).toEqual(NONE);
  });

  test('covers a CronJob through its job template', () => {
    const cronJob = { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: deployment().spec } } };
    expect(problems(cronJob)).toEqual(NONE);
    expect(problems(cronJob, policy(both()))).toEqual([]);
  });

  test.each<[string, any]>([
    ['a bare Pod', { kind: 'Pod', metadata: { name: 'p', labels: { app: 'api' } }, spec: { containers: [] } }],
    ['a NetworkPolicy', policy(both())],
    ['a null entry', null],
    ['an undefined entry', undefined],
  ])('%s is not its concern', (_name, manifest) => {
    expect(rule.check(manifest, [manifest])).toEqual([]);
  });
});
