import { RbacWildcardsRule } from '../src';

// The rule alone, on Roles and ClusterRoles: each * is named with the rule and the field it is in.
const rule = new RbacWildcardsRule();
const role = (kind: string, rules?: any[]): any => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r' }, rules });

describe('rbac-wildcards', () => {
  test.each(['Role', 'ClusterRole'])('a %s that lists what it grants has no problems', (kind) => {
    expect(rule.check(role(kind, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }]), [])).toEqual([]);
  });

  test.each(['Role', 'ClusterRole'])('a %s without rules, or with rules that leave fields out, has no problems', (kind) => {
    expect(rule.check(role(kind), [])).toEqual([]);
    expect(rule.check(role(kind, [{ nonResourceURLs: ['/healthz'] }]), [])).toEqual([]);
  });

  test.each<[string, any, string[]]>([
    ['apiGroups', { apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }, ['rule 0 has * in apiGroups']],
    ['resources', { apiGroups: [''], resources: ['pods', '*'], verbs: ['get'] }, ['rule 0 has * in resources']],
    ['verbs', { apiGroups: [''], resources: ['pods'], verbs: ['*'] }, ['rule 0 has * in verbs']],
    ['every field', { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      ['rule 0 has * in apiGroups', 'rule 0 has * in resources', 'rule 0 has * in verbs']],
  ])('flags * in %s of a Role and of a ClusterRole', (_name, r, expected) => {
    expect(rule.check(role('Role', [r]), [])).toEqual(expected);
    expect(rule.check(role('ClusterRole', [r]), [])).toEqual(expected);
  });

  test('numbers the rules from 0', () => {
    const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }];
    expect(rule.check(role('ClusterRole', rules), [])).toEqual(['rule 1 has * in resources']);
  });

  test('other kinds are not its concern, rules or not', () => {
    const wildcard = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
    expect(rule.check(role('RoleBinding', wildcard), [])).toEqual([]);
    expect(rule.check(role('ClusterRoleBinding', wildcard), [])).toEqual([]);
    expect(rule.check(role('ConfigMap', wildcard), [])).toEqual([]);
  });
});
