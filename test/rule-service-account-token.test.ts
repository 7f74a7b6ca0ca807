import { ServiceAccountTokenRule } from '../src';

// The rule alone, on pods that mount their ServiceAccount token, with the bindings that give the
// account a use: which binding kinds count, in which namespace, and for which subject.
const rule = new ServiceAccountTokenRule();
const pod = (namespace?: string, spec: any = { serviceAccountName: 'api' }): any => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace }, spec: { containers: [{ name: 'api' }], ...spec },
});
const binding = (kind: string, namespace: string | undefined, ...subjects: any[]): any => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name: 'b', namespace },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
  subjects,
});
const account = (name: string, namespace?: string) => ({ kind: 'ServiceAccount', name, namespace });
const problems = (manifest: any, ...others: any[]): string[] => rule.check(manifest, [manifest, ...others]);
const unused = (name = 'api') => [`mounts the token of ServiceAccount ${name}, which no RoleBinding in scope uses`];

describe('service-account-token', () => {
  test('a pod that does not mount the token has no problems', () => {
    expect(problems(pod('app', { serviceAccountName: 'api', automountServiceAccountToken: false }))).toEqual([]);
  });

  test('a mounted token no binding uses is flagged, named by its account or the default one', () => {
    expect(problems(pod('app'))).toEqual(unused());
    expect(problems(pod('app', { automountServiceAccountToken: true }))).toEqual(unused('default'));
    expect(problems(pod('app', {}), binding('RoleBinding', 'app', account('api')))).toEqual(unused('default'));
  });

  test('a RoleBinding in the pod namespace uses the account of that namespace', () => {
    expect(problems(pod('app'), binding('RoleBinding', 'app', account('api')))).toEqual([]);
    expect(problems(pod('app'), binding('RoleBinding', 'app', account('api', 'app')))).toEqual([]);
    expect(problems(pod('app', {}), binding('RoleBinding', 'app', account('default')))).toEqual([]);
  });

  test('a RoleBinding in another namespace does not count, even for the account of the pod namespace', () => {
    expect(problems(pod('app'), binding('RoleBinding', 'other', account('api', 'app')))).toEqual(unused());
    expect(problems(pod('app'), binding('RoleBinding', 'other', account('api')))).toEqual(unused());
  });

  test('a RoleBinding in the pod namespace for the account of another namespace does not count', () => {
    expect(problems(pod('app'), binding('RoleBinding', 'app', account('api', 'other')))).toEqual(unused());
  });

  test('a ClusterRoleBinding counts for the account of the pod namespace only', () => {
    expect(problems(pod('app'), binding('ClusterRoleBinding', undefined, account('api', 'app')))).toEqual([]);
    expect(problems(pod('app'), binding('ClusterRoleBinding', undefined, account('api', 'other')))).toEqual(unused());
    expect(problems(pod('app'), binding('ClusterRoleBinding', undefined, account('api')))).toEqual(unused());
    expect(problems(pod(), binding('ClusterRoleBinding', undefined, account('api')))).toEqual([]);
  });

  test('one matching subject among others is enough', () => {
    const user = { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' };
    expect(problems(pod('app'), binding('RoleBinding', 'app', user, account('api')))).toEqual([]);
    expect(problems(pod('app'), binding('RoleBinding', 'app', account('api'), user))).toEqual([]);
  });

  test('a subject counts only as a ServiceAccount of the same name in the pod namespace', () => {
    const elsewhere = account('api', 'other');
    expect(problems(pod('app'), binding('RoleBinding', 'app', { kind: 'User', name: 'api' }, elsewhere))).toEqual(unused());
    expect(problems(pod('app'), binding('RoleBinding', 'app', { kind: 'Group', name: 'api', namespace: 'app' }, elsewhere))).toEqual(unused());
    expect(problems(pod('app'), binding('RoleBinding', 'app', { kind: 'User', name: 'alice' }, elsewhere))).toEqual(unused());
    expect(problems(pod('app'), binding('RoleBinding', 'app', account('web'), elsewhere))).toEqual(unused());
  });

  test('without namespaces, pod, binding and subject are all in the default namespace', () => {
    expect(problems(pod(), binding('RoleBinding', undefined, account('api')))).toEqual([]);
    expect(problems(pod(), binding('RoleBinding', undefined, account('api', 'app')))).toEqual(unused());
    const bare = { kind: 'RoleBinding', roleRef: { kind: 'Role', name: 'r' }, subjects: [account('api')] };
    expect(problems(pod(), bare)).toEqual([]);
    const anonymous = { kind: 'Pod', spec: { serviceAccountName: 'api' } };
    expect(problems(anonymous, binding('RoleBinding', undefined, account('api')))).toEqual([]);
    expect(problems(anonymous, binding('RoleBinding', 'app', account('api')))).toEqual(unused());
  });

  test('reads the pod template of a workload; objects without pods are not its concern', () => {
    const deployment = { kind: 'Deployment', metadata: { name: 'd', namespace: 'app' }, spec: { template: { spec: { serviceAccountName: 'api' } } } };
    expect(problems(deployment)).toEqual(unused());
    expect(problems(deployment, binding('RoleBinding', 'app', account('api')))).toEqual([]);
    expect(problems({ kind: 'ServiceAccount', metadata: { name: 'api' } })).toEqual([]);
  });
});
