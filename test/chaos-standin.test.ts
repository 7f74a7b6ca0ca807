import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { CLUSTER_STANDIN, FakeCluster, FakeClusterOptions } from './support/fake-cluster';

// The cluster stand-in is only as good as its fidelity: these tests pin the behaviours of the real
// tools it plays, each cited in the stand-in's source (kubectl/cli-runtime/apimachinery v0.28.13,
// apiserver v0.28.13, curl 8.9.1, nats-server v2.14.2).

const ROLE = {
  metadata: { name: 'chaos', namespace: 'orders' },
  rules: [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
    { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['orders-api'], verbs: ['get'] },
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], resourceNames: ['orders-api'], verbs: ['get', 'patch'] },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], resourceNames: ['chaos'], verbs: ['delete'] },
  ],
};
const BINDING = { metadata: { name: 'chaos', namespace: 'orders' }, roleRef: { kind: 'Role', name: 'chaos' }, subjects: [{ kind: 'ServiceAccount', name: 'chaos' }] };
const POLICY = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'orders-api', namespace: 'orders' },
  spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080 }] }] },
};

describe('cluster stand-in', () => {
  let cluster: FakeCluster;
  afterEach(() => cluster.dispose());

  function make(options: Partial<FakeClusterOptions> = {}) {
    cluster = new FakeCluster({
      rbac: { account: { namespace: 'orders', name: 'chaos' }, roles: [ROLE], bindings: [BINDING] },
      deployments: [{ name: 'orders-api', replicas: 2 }],
      networkPolicies: [POLICY],
      pods: [
        { name: 'p-a1', labels: { a: '1', b: 'x' }, owner: 'deployment/orders-api' },
        { name: 'p-a2', labels: { a: '2' }, owner: 'deployment/orders-api' },
        { name: 'p-none', labels: { c: 'y' }, owner: 'deployment/orders-api' },
      ],
      replacementDelay: 10,
      ...options,
    });
  }
  const tool = (name: string, ...args: string[]) => {
    const r = spawnSync(join(CLUSTER_STANDIN, name), args, { env: { ...process.env, ...cluster.env }, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const at = (seconds: number) => writeFileSync(cluster.env.FAKE_CLOCK, String(FakeCluster.START + seconds));
  const podNames = (selector: string) => JSON.parse(tool('kubectl', 'get', 'pods', '-n', 'orders', '-l', selector, '-o', 'json').stdout).items.map((p: any) => p.metadata.name);

  describe('label selectors as apimachinery v0.28.13 pkg/labels parses and matches them', () => {
    test.each([
      ['a', ['p-a1', 'p-a2']],
      ['!a', ['p-none']],
      ['a=1', ['p-a1']],
      ['a==1', ['p-a1']],
      ['a!=1', ['p-a2', 'p-none']], // != matches pods without the key
      ['a in (1,2)', ['p-a1', 'p-a2']],
      ['a notin (1)', ['p-a2', 'p-none']], // notin too
      ['a,b=x', ['p-a1']],
      ['a,!b', ['p-a2']],
      ['a>1', ['p-a2']],
      ['', ['p-a1', 'p-a2', 'p-none']],
    ])('%j selects %j', (selector, expected) => {
      make();
      expect(podNames(selector)).toEqual(expected);
    });

    test.each([
      ['a in 1', 'unable to parse requirement: found \'1\' expected: \'(\''],
      ['!a=1', 'found \'=\', expected: \',\' or \'end of string\''],
      ['a b', 'unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt'],
    ])('%j is refused by the API server: exit 1', (selector, message) => {
      make();
      const r = tool('kubectl', 'get', 'pods', '-n', 'orders', '-l', selector, '-o', 'json');
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`Error from server (BadRequest): ${message}\n`);
    });
  });

  describe('kubectl 1.28 outputs and exit codes', () => {
    test('an empty selection is an empty List, exit 0', () => {
      make();
      const r = tool('kubectl', 'get', 'pods', '-n', 'orders', '-l', 'a=9', '-o', 'json');
      expect([r.status, JSON.parse(r.stdout)]).toEqual([0, { apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } }]);
    });

    test('not found: exit 1 with the API\'s NotFound message; --ignore-not-found: exit 0, silent', () => {
      make();
      expect(tool('kubectl', 'get', 'deployment', 'orders-api', '-n', 'elsewhere', '-o', 'json')).toMatchObject({ status: 1 });
      const missing = tool('kubectl', 'delete', 'pod', 'p-zz', '-n', 'orders', '--wait=false');
      expect([missing.status, missing.stderr]).toEqual([1, 'Error from server (NotFound): pods "p-zz" not found\n']);
      expect(tool('kubectl', 'delete', 'pod', 'p-zz', '-n', 'orders', '--wait=false', '--ignore-not-found')).toEqual({ status: 0, stdout: '', stderr: '' });
    });

    test('forbidden: exit 1 with the authorizer\'s message, and the refusal recorded', () => {
      make();
      const r = tool('kubectl', 'get', 'deployment', 'other', '-n', 'orders', '-o', 'json');
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('Error from server (Forbidden): deployments.apps "other" is forbidden: User "system:serviceaccount:orders:chaos" '
        + 'cannot get resource "deployments" in API group "apps" in the namespace "orders"\n');
      expect(cluster.state.forbidden).toEqual([{ verb: 'get', group: 'apps', resource: 'deployments', namespace: 'orders', name: 'other' }]);
    });

    test('a list is not allowed by a rule with resourceNames', () => {
      make();
      const r = tool('kubectl', 'get', 'deployments', '-n', 'orders', '-o', 'json');
      expect(r.stderr).toBe('Error from server (Forbidden): deployments.apps is forbidden: User "system:serviceaccount:orders:chaos" '
        + 'cannot list resource "deployments" in API group "apps" in the namespace "orders"\n');
    });

    test('delete prints `<kind> "<name>" deleted`; after its RoleBinding is deleted the account can do nothing', () => {
      make();
      expect(tool('kubectl', 'delete', 'rolebinding', 'chaos', '-n', 'orders', '--wait=false').stdout).toBe('rolebinding.rbac.authorization.k8s.io "chaos" deleted\n');
      expect(tool('kubectl', 'get', 'pods', '-n', 'orders', '-l', 'a', '-o', 'json').status).toBe(1);
      expect(cluster.state.forbidden).toEqual([{ verb: 'list', group: '', resource: 'pods', namespace: 'orders', name: '' }]);
    });

    test('patch reads the object first (get) and then patches it; a second identical patch changes nothing', () => {
      make();
      const patch = JSON.stringify({ spec: { ingress: [] } });
      expect(tool('kubectl', 'patch', 'networkpolicy', 'orders-api', '-n', 'orders', '--type=merge', '-p', patch).stdout).toBe('networkpolicy.networking.k8s.io/orders-api patched\n');
      expect(tool('kubectl', 'patch', 'networkpolicy', 'orders-api', '-n', 'orders', '--type=merge', '-p', patch).stdout).toBe('networkpolicy.networking.k8s.io/orders-api patched (no change)\n');
      expect(cluster.policy('orders-api').spec.ingress).toEqual([]);
      cluster.dispose();
      make({ rbac: { account: { namespace: 'orders', name: 'chaos' }, roles: [{ ...ROLE, rules: [{ ...ROLE.rules[2], verbs: ['patch'] }] }], bindings: [BINDING] } });
      const r = tool('kubectl', 'patch', 'networkpolicy', 'orders-api', '-n', 'orders', '--type=merge', '-p', patch);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('cannot get resource "networkpolicies" in API group "networking.k8s.io"');
    });

    test('unknown flags: exit 1', () => {
      make();
      expect(tool('kubectl', 'get', 'pods', '-n', 'orders', '--bogus')).toEqual({ status: 1, stdout: '', stderr: 'error: unknown flag: --bogus\n' });
    });
  });

  describe('Deployments and kubectl rollout restart (kubectl v0.28.13, Deployment controller v1.28)', () => {
    const ROLLOUT_ROLE = {
      metadata: { name: 'chaos', namespace: 'orders' },
      rules: [
        { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['api'], verbs: ['get', 'patch'] },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] },
      ],
    };
    const LABELS = { app: 'api' };
    function rolloutCluster(spec: object = {}, roles: any[] = [ROLLOUT_ROLE]) {
      make({
        rbac: { account: { namespace: 'orders', name: 'chaos' }, roles, bindings: [BINDING] },
        deployments: [{
          name: 'api',
          replicas: 2,
          selector: { matchLabels: LABELS },
          spec: { minReadySeconds: 2, progressDeadlineSeconds: 20, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, ...spec },
        }],
        pods: ['api-7d9-a', 'api-7d9-b'].map((name) => ({ name, labels: LABELS, owner: 'deployment/api' })),
        replacementDelay: 10,
        rollout: { podReadyAfter: 3 },
      });
    }
    const deployment = () => JSON.parse(tool('kubectl', 'get', 'deployment', 'api', '-n', 'orders', '-o', 'json').stdout);
    const progressing = () => deployment().status.conditions.find((c: any) => c.type === 'Progressing');
    const counts = () => {
      const { metadata, status: st } = deployment();
      return [metadata.generation, st.observedGeneration, st.replicas, st.updatedReplicas, st.readyReplicas, st.availableReplicas];
    };

    test('restart annotates the pod template, raises the generation and prints `deployment.apps/<name> restarted`', () => {
      rolloutCluster();
      expect(tool('kubectl', 'rollout', 'restart', 'deployment', 'api', '-n', 'orders')).toEqual({ status: 0, stdout: 'deployment.apps/api restarted\n', stderr: '' });
      // reads first (get), then patches
      expect(cluster.state.allowed.map((r: any) => r.verb)).toEqual(['get', 'patch']);
      // within the same second: an empty patch, never sent
      expect(tool('kubectl', 'rollout', 'restart', 'deployment/api', '-n', 'orders')).toEqual({
        status: 1,
        stdout: '',
        stderr: 'error: failed to create patch for api: if restart has already been triggered within the past second, please wait before attempting to trigger another\n',
      });
      expect(cluster.state.allowed.map((r: any) => r.verb)).toEqual(['get', 'patch', 'get']);
      expect(deployment().spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '2027-01-15T08:00:00Z' });
    });

    test('the controller\'s progress: observed after 1 s, one new pod at a time, old ones removed once a new one is available', () => {
      rolloutCluster();
      expect(counts()).toEqual([1, 1, 2, 2, 2, 2]);
      expect(progressing()).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
      tool('kubectl', 'rollout', 'restart', 'deployment', 'api', '-n', 'orders');
      // generation, observedGeneration, replicas, updated, ready, available
      expect(counts()).toEqual([2, 1, 2, 2, 2, 2]);
      expect(deployment().metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
      at(1);
      expect(counts()).toEqual([2, 2, 3, 1, 2, 2]);
      expect(deployment().metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
      expect(progressing()).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
      at(6); // new pod 1 available (ready at 4 + 2), old pod a terminating, new pod 2 created
      expect(counts()).toEqual([2, 2, 3, 2, 2, 2]);
      at(11);
      expect(counts()).toEqual([2, 2, 2, 2, 2, 2]);
      expect(progressing()).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
      const sets = JSON.parse(tool('kubectl', 'get', 'replicasets', '-n', 'orders', '-l', 'app=api', '-o', 'json').stdout).items;
      expect(sets.map((rs: any) => [rs.metadata.name, rs.metadata.annotations['deployment.kubernetes.io/revision'], rs.metadata.labels, rs.status.replicas])).toEqual([
        ['api-7d9', '1', { 'app': 'api', 'pod-template-hash': '7d9' }, 0],
        ['api-6c4f2', '2', { 'app': 'api', 'pod-template-hash': '6c4f2' }, 2],
      ]);
      expect(sets[1].metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: 'deployment-uid-api', controller: true, blockOwnerDeletion: true }]);
    });

    test('new pods that never become ready: ProgressDeadlineExceeded once the deadline has passed since the last progress', () => {
      rolloutCluster();
      cluster.dispose();
      make({
        rbac: { account: { namespace: 'orders', name: 'chaos' }, roles: [ROLLOUT_ROLE], bindings: [BINDING] },
        deployments: [{ name: 'api', replicas: 2, selector: { matchLabels: LABELS }, spec: { progressDeadlineSeconds: 20, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } }],
        pods: ['api-7d9-a', 'api-7d9-b'].map((name) => ({ name, labels: LABELS, owner: 'deployment/api' })),
        replacementDelay: 10,
        rollout: { podReadyAfter: null },
      });
      tool('kubectl', 'rollout', 'restart', 'deployment', 'api', '-n', 'orders');
      at(21); // the new pod was created at 1 s: 20 s without progress is not yet past the deadline
      expect(progressing()).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
      at(22);
      expect(progressing()).toEqual({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "api-6c4f2" has timed out progressing.' });
      expect(counts()).toEqual([2, 2, 3, 1, 2, 2]);
    });

    test('a paused Deployment is not restarted; without get the restart is forbidden', () => {
      rolloutCluster({ paused: true });
      expect(tool('kubectl', 'rollout', 'restart', 'deployment', 'api', '-n', 'orders')).toEqual({
        status: 1, stdout: '', stderr: 'error: deployments.apps "api" can\'t restart paused deployment (run rollout resume first)\n',
      });
      cluster.dispose();
      rolloutCluster({}, [{ ...ROLLOUT_ROLE, rules: [{ ...ROLLOUT_ROLE.rules[0], verbs: ['patch'] }] }]);
      const r = tool('kubectl', 'rollout', 'restart', 'deployment', 'api', '-n', 'orders');
      expect([r.status, r.stderr]).toEqual([1, 'Error from server (Forbidden): deployments.apps "api" is forbidden: User "system:serviceaccount:orders:chaos" '
        + 'cannot get resource "deployments" in API group "apps" in the namespace "orders"\n']);
    });
  });

  describe('PodDisruptionBudgets and the Eviction API (kubernetes v1.28)', () => {
    const EVICT_ROLE = {
      metadata: { name: 'chaos', namespace: 'orders' },
      rules: [
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], resourceNames: ['api-pdb'], verbs: ['get'] },
      ],
    };
    const LABELS = { app: 'api' };
    function budgetCluster(spec: object = { minAvailable: 1 }, roles: any[] = [EVICT_ROLE]) {
      make({
        rbac: { account: { namespace: 'orders', name: 'chaos' }, roles, bindings: [BINDING] },
        deployments: [{ name: 'api', replicas: 2, selector: { matchLabels: LABELS } }],
        budgets: [{ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api-pdb' }, spec: { selector: { matchLabels: LABELS }, ...spec } }],
        pods: ['api-7d9-a', 'api-7d9-b'].map((name) => ({ name, labels: LABELS, owner: 'deployment/api' })),
        replacementDelay: 6,
      });
    }
    const evict = (pod: string, body: object = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'orders' } }) => {
      const r = spawnSync(join(CLUSTER_STANDIN, 'kubectl'), ['create', '--raw', `/api/v1/namespaces/orders/pods/${pod}/eviction`, '-f', '-'], {
        env: { ...process.env, ...cluster.env }, encoding: 'utf8', input: JSON.stringify(body),
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const status = () => JSON.parse(tool('kubectl', 'get', 'pdb', 'api-pdb', '-n', 'orders', '-o', 'json').stdout).status;

    test('an allowed eviction answers the Status of 201; the next one would break the budget: 429, exit 1, until the replacement is ready', () => {
      budgetCluster();
      expect(status()).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, observedGeneration: 1 });
      expect(evict('api-7d9-a')).toEqual({ status: 0, stdout: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}\n', stderr: '' });
      // the evicted pod terminates and does not count; its replacement (created at once) is not ready yet
      expect(status()).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 3 });
      expect(evict('api-7d9-b')).toEqual({
        status: 1, stdout: '', stderr: 'Error from server (TooManyRequests): Cannot evict pod as it would violate the pod\'s disruption budget.\n',
      });
      at(6);
      expect(status()).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 2 });
      expect(evict('api-7d9-b').status).toBe(0);
      expect(cluster.state.allowed.filter((r: any) => r.verb === 'create')).toHaveLength(3);
      expect(cluster.state.allowed[1]).toEqual({ verb: 'create', group: '', resource: 'pods', subresource: 'eviction', namespace: 'orders', name: 'api-7d9-a' });
    });

    test('percentages: maxUnavailable of the controller\'s scale, rounded up', () => {
      budgetCluster({ maxUnavailable: '50%' });
      expect(status()).toMatchObject({ disruptionsAllowed: 1, desiredHealthy: 1, expectedPods: 2 });
      cluster.dispose();
      budgetCluster({ minAvailable: '51%' });
      expect(status()).toMatchObject({ disruptionsAllowed: 0, desiredHealthy: 2, expectedPods: 2 });
    });

    test('a missing pod is NotFound, a body for another pod BadRequest, no -f a usage error; without the grant: forbidden on pods/eviction', () => {
      budgetCluster();
      expect(evict('api-7d9-z')).toEqual({ status: 1, stdout: '', stderr: 'Error from server (NotFound): pods "api-7d9-z" not found\n' });
      expect(evict('api-7d9-a', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'api-7d9-b' } }).stderr)
        .toBe('Error from server (BadRequest): name in URL does not match name in Eviction object\n');
      expect(tool('kubectl', 'create', '--raw', '/api/v1/namespaces/orders/pods/api-7d9-a/eviction').status).toBe(1);
      cluster.dispose();
      budgetCluster({ minAvailable: 1 }, [{ ...EVICT_ROLE, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] }]);
      expect(evict('api-7d9-a')).toEqual({
        status: 1,
        stdout: '',
        stderr: 'Error from server (Forbidden): pods "api-7d9-a" is forbidden: User "system:serviceaccount:orders:chaos" '
          + 'cannot create resource "pods/eviction" in API group "" in the namespace "orders"\n',
      });
    });

    test('a pod that is not ready yet is evicted without asking the budget', () => {
      budgetCluster({ minAvailable: 2 });
      cluster.dispose();
      make({
        rbac: { account: { namespace: 'orders', name: 'chaos' }, roles: [EVICT_ROLE], bindings: [BINDING] },
        deployments: [{ name: 'api', replicas: 2, selector: { matchLabels: LABELS } }],
        budgets: [{ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api-pdb' }, spec: { selector: { matchLabels: LABELS }, minAvailable: 2 } }],
        pods: [{ name: 'api-7d9-a', labels: LABELS, owner: 'deployment/api' }, { name: 'api-7d9-b', labels: LABELS, owner: 'deployment/api', ready: false }],
        replacementDelay: 6,
      });
      expect(evict('api-7d9-a').status).toBe(1);
      expect(evict('api-7d9-b').status).toBe(0);
    });
  });

  describe('replacement pods', () => {
    test('a ReplicaSet\'s replacement appears after appearsAfter and is ready after readyAfter; the old pod terminates meanwhile', () => {
      make({ replacementAppearsAfter: 4 });
      tool('kubectl', 'delete', 'pod', 'p-a1', '-n', 'orders', '--wait=false');
      const list = () => JSON.parse(tool('kubectl', 'get', 'pods', '-n', 'orders', '-l', 'a', '-o', 'json').stdout).items
        .map((p: any) => `${p.metadata.name}:${p.metadata.deletionTimestamp ? 'terminating' : p.status.conditions[0].status}`);
      expect(list()).toEqual(['p-a1:terminating', 'p-a2:True']);
      at(4);
      expect(list()).toEqual(['p-a2:True', 'orders-api-7d9-r4:False']);
      at(10);
      expect(list()).toEqual(['p-a2:True', 'orders-api-7d9-r4:True']);
    });

    test('a StatefulSet\'s replacement keeps the name, with a new uid, once the old pod is gone', () => {
      make({
        statefulsets: [{ name: 'nats', replicas: 1 }],
        pods: [{ name: 'nats-0', labels: { app: 'nats' }, owner: 'statefulset/nats', nats: true }],
        terminationSeconds: 5,
      });
      tool('kubectl', 'delete', 'pod', 'nats-0', '-n', 'orders', '--wait=false');
      const pods = () => JSON.parse(tool('kubectl', 'get', 'pods', '-n', 'orders', '-l', 'app', '-o', 'json').stdout).items.map((p: any) => p.metadata.uid);
      at(3);
      expect(pods()).toEqual(['uid-1']);
      at(5);
      expect(pods()).toEqual(['uid-2']);
    });
  });

  describe('curl 8.9.1', () => {
    test('-f: a 503 exits 22 with curl\'s message and no body; without -f a 503 exits 0 with its body', () => {
      make({ health: { up: false } });
      const failed = tool('curl', '-fsS', 'http://orders-api.orders.svc/readyz');
      expect(failed).toEqual({ status: 22, stdout: '', stderr: 'curl: (22) The requested URL returned error: 503\n' });
      expect(tool('curl', '-sS', 'http://orders-api.orders.svc/readyz')).toEqual({ status: 0, stdout: 'unavailable', stderr: '' });
      expect(tool('curl', '-fs', 'http://orders-api.orders.svc/readyz')).toEqual({ status: 22, stdout: '', stderr: '' });
    });

    test('-w %{http_code} prints the status after the transfer, 000 when nothing answered', () => {
      make({ health: { sequence: [301] }, pods: [{ name: 'api-0', labels: {}, owner: 'deployment/orders-api' }] });
      expect(tool('curl', '-sSg', '-o', '/dev/null', '-w', '%{http_code}', 'http://orders-api/readyz')).toEqual({ status: 0, stdout: '301', stderr: '' });
      const refused = tool('curl', '-sSg', '-o', '/dev/null', '-w', '%{http_code}', 'http://10.0.0.1:8222/healthz');
      expect(refused).toEqual({ status: 7, stdout: '000', stderr: 'curl: (7) Failed to connect to 10.0.0.1 port 8222 after 0 ms: Could not connect to server\n' });
    });

    test('the health URL refuses connections while no pod behind it is ready, and answers 503 in an outage window', () => {
      make({ health: { backends: 'orders/a', outages: [[5, 7]] } });
      const probe = () => tool('curl', '-sSg', '-o', '/dev/null', '-w', '%{http_code}', 'http://orders-api/readyz');
      expect(probe()).toEqual({ status: 0, stdout: '200', stderr: '' });
      at(5);
      expect(probe()).toEqual({ status: 0, stdout: '503', stderr: '' });
      at(7);
      tool('kubectl', 'delete', 'pod', 'p-a1', '-n', 'orders', '--wait=false');
      tool('kubectl', 'delete', 'pod', 'p-a2', '-n', 'orders', '--wait=false');
      expect(probe()).toEqual({ status: 7, stdout: '000', stderr: 'curl: (7) Failed to connect to orders-api port 80 after 0 ms: Could not connect to server\n' });
    });

    test('globbing: without -g, [a] is a bad range (exit 3) and {a,b} two transfers; with -g both are literal, one transfer', () => {
      make();
      const bad = tool('curl', '-sS', 'http://orders-api/readyz?f=[a]');
      expect(bad.status).toBe(3);
      // position 29: glob_parse counts from 1 and steps over the '[' before glob_range fails
      expect(bad.stderr).toBe(`curl: (3) bad range in URL position 29:\nhttp://orders-api/readyz?f=[a]\n${' '.repeat(28)}^\n`);
      tool('curl', '-sS', '-o', '/dev/null', 'http://orders-api/{live,ready}z');
      expect(cluster.state.curlTransfers).toBe(2);
      expect(tool('curl', '-sSg', '-o', '/dev/null', 'http://orders-api/readyz?f=[a]&g={x,y}').status).toBe(0);
      expect(cluster.state.curlTransfers).toBe(3);
      expect(tool('curl', '-sS', '-o', '/dev/null', 'http://[fd00::1]:80/readyz').status).toBe(0);
    });
  });

  describe('nats-server v2.14.2 monitoring', () => {
    function natsCluster() {
      make({
        statefulsets: [{ name: 'nats', replicas: 2 }],
        pods: ['nats-0', 'nats-1'].map((name) => ({ name, labels: { app: 'nats' }, owner: 'statefulset/nats', nats: true })),
        nats: { leader: 'nats-0', nextLeader: 'nats-1', electionDelay: 3, catchUpDelay: 20 },
        replacementDelay: 5,
        terminationSeconds: 1,
      });
    }
    const get = (url: string) => {
      const r = tool('curl', '-sSg', '-w', ' %{http_code}', url);
      return r.status === 0 ? r.stdout : `exit ${r.status}`;
    };

    test('/jsz names the meta leader, and nobody while there is none', () => {
      natsCluster();
      expect(JSON.parse(get('http://10.0.0.2:8222/jsz').slice(0, -4)).meta_cluster.leader).toBe('nats-0');
      tool('kubectl', 'delete', 'pod', 'nats-0', '-n', 'orders', '--wait=false');
      expect(JSON.parse(get('http://10.0.0.2:8222/jsz').slice(0, -4)).meta_cluster).toEqual({ cluster_size: 3, pending: 0 });
      at(3);
      expect(JSON.parse(get('http://10.0.0.2:8222/jsz').slice(0, -4)).meta_cluster.leader).toBe('nats-1');
    });

    test('js-enabled-only and js-server-only answer 200 while the full /healthz waits for a leader and for the streams', () => {
      natsCluster();
      tool('kubectl', 'delete', 'pod', 'nats-0', '-n', 'orders', '--wait=false');
      expect(get('http://10.0.0.2:8222/healthz')).toBe('{"status":"unavailable","error":"JetStream has not established contact with a meta leader"} 503');
      expect(get('http://10.0.0.2:8222/healthz?js-enabled-only=true')).toBe('{"status":"ok"} 200');
      at(5);
      expect(get('http://10.0.9.3:8222/healthz?js-server-only=true')).toBe('{"status":"ok"} 200');
      expect(get('http://10.0.9.3:8222/healthz?js-meta-only=true')).toBe('{"status":"ok"} 200');
      expect(get('http://10.0.9.3:8222/healthz')).toBe('{"status":"unavailable","error":"JetStream stream \'ORDERS_ACCOUNT > ORDERS\' is not current: stream catching up"} 503');
      at(25);
      expect(get('http://10.0.9.3:8222/healthz')).toBe('{"status":"ok"} 200');
      expect(get('http://10.0.9.3:8222/healthz?js-enabled-only=maybe'))
        .toBe('Error decoding boolean for \'js-enabled-only\': strconv.ParseBool: parsing "maybe": invalid syntax 400');
      expect(get('http://10.0.0.1:8222/healthz')).toBe('exit 7');
    });
  });
});
