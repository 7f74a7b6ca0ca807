import { indexOf, ManifestIndex } from '../src/checks/_manifest-index';

const deployment = (name: string, labels: Record<string, string>, namespace?: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: { template: { metadata: { labels }, spec: { containers: [] } } },
});
const budget = (name: string, selector: any, namespace?: string) => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { selector },
});
const binding = (kind: string, name: string, subjects?: any[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name }, subjects });
const names = (objects: any[]) => objects.map((o) => o.metadata?.name ?? '(no metadata)');
const bySelector = (m: any) => m.spec?.selector;

describe('ManifestIndex', () => {
  test('files objects by kind, skipping holes; an absent kind has none', () => {
    const index = new ManifestIndex([null, deployment('a', { app: 'a' }), undefined, budget('b', { matchLabels: { app: 'a' } })]);
    expect(names(index.ofKind('Deployment'))).toEqual(['a']);
    expect(index.ofKind('StatefulSet')).toEqual([]);
  });

  test('selecting: budgets whose selector matches the labels, in that namespace only, by labels or by expressions alone', () => {
    const index = new ManifestIndex([
      budget('by-labels', { matchLabels: { app: 'a', tier: 'api' } }),
      budget('by-expression', { matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] }),
      budget('other-value', { matchLabels: { app: 'b' } }),
      budget('other-namespace', { matchLabels: { app: 'a' } }, 'elsewhere'),
      budget('no-selector', undefined),
      { kind: 'PodDisruptionBudget', spec: { selector: { matchLabels: { app: 'a' } } } },
    ]);
    // an object without metadata is in the default namespace ('')
    expect(names(index.selecting('PodDisruptionBudget', bySelector, '', { app: 'a', tier: 'api' }))).toEqual(['by-expression', 'by-labels', '(no metadata)']);
    expect(names(index.selecting('PodDisruptionBudget', bySelector, '', { app: 'a' }))).toEqual(['by-expression', '(no metadata)']);
    expect(names(index.selecting('PodDisruptionBudget', bySelector, 'elsewhere', { app: 'a' }))).toEqual(['other-namespace']);
    expect(index.selecting('PodDisruptionBudget', bySelector, '', { app: 'c' })).toEqual([]);
    expect(index.selecting('NetworkPolicy', bySelector, '', { app: 'a' })).toEqual([]);
  });

  test('selectedBy: the workloads whose pod labels a selector matches, in that namespace only', () => {
    const index = new ManifestIndex([
      deployment('a', { app: 'a', tier: 'api' }),
      deployment('a-elsewhere', { app: 'a' }, 'elsewhere'),
      deployment('b', { app: 'b' }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-pods' } },
    ]);
    expect(names(index.selectedBy({ matchLabels: { app: 'a' } }, ''))).toEqual(['a']);
    expect(names(index.selectedBy({ matchLabels: { app: 'a' } }, 'elsewhere'))).toEqual(['a-elsewhere']);
    expect(names(index.selectedBy({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, ''))).toEqual(['a', 'b']);
    expect(index.selectedBy({ matchLabels: { app: 'c' } }, '')).toEqual([]);
    expect(index.selectedBy({ matchLabels: { app: 'a' } }, 'nowhere')).toEqual([]);
    // an empty or missing selector matches nothing
    expect(index.selectedBy({}, '')).toEqual([]);
    expect(index.selectedBy(undefined, '')).toEqual([]);
  });

  test('bindingsOfServiceAccount: RoleBindings and ClusterRoleBindings with that ServiceAccount as a subject, never a user of that name', () => {
    const index = new ManifestIndex([
      binding('RoleBinding', 'role', [{ kind: 'ServiceAccount', name: 'backup' }, { kind: 'ServiceAccount', name: 'backup', namespace: 'other' }]),
      binding('ClusterRoleBinding', 'cluster', [{ kind: 'ServiceAccount', name: 'backup' }]),
      binding('RoleBinding', 'user', [{ kind: 'User', name: 'backup' }]),
      binding('RoleBinding', 'no-subjects'),
    ]);
    expect(names(index.bindingsOfServiceAccount('backup'))).toEqual(['role', 'cluster']);
    expect(index.bindingsOfServiceAccount('nobody')).toEqual([]);
  });

  test('indexOf builds one index per array', () => {
    const manifests = [deployment('a', { app: 'a' })];
    expect(indexOf(manifests)).toBe(indexOf(manifests));
    expect(indexOf([...manifests])).not.toBe(indexOf(manifests));
  });
});
