import { spawnSync } from 'child_process';
import { join } from 'path';
import { ChaosScenario } from '../src';
import { describeWith } from './support/binaries';
import {
  API_LABELS, API_SELECTOR, Synthesized, apiPods, apiWorkload, chartNatsLayout, clusterFor, runExperiment, synthExperiment,
} from './support/chaos';
import { CLUSTER_STANDIN, FakeCluster, FakeClusterOptions } from './support/fake-cluster';
import { PRODUCTION_SHELL } from './support/scripts';

// The scenario scripts against the cluster stand-in with their ChaosAdmissionPolicy applied: every
// write passes RBAC (rbac.js) and then the policy, its CEL evaluated by @bufbuild/cel
// (cluster-standin/admission.js). The policy must let each script do what it does, and refuse
// what else the experiment's token would let anyone do.

const POSTGRES = { name: 'postgres-0', labels: { 'app.kubernetes.io/name': 'postgres' }, owner: 'statefulset/postgres' };
const DRAINED_PODS = [...['x2x4q', 'b5v8n'].map((suffix) => ({ name: `orders-api-7d9-${suffix}`, labels: API_LABELS, owner: 'deployment/orders-api' })), POSTGRES];

/** A cluster for each scenario's main path (the layouts of chaos-scripts and chaos-availability-scripts), plus a database pod. */
function clusterOf(scenario: ChaosScenario, s: Synthesized, admission: boolean): FakeCluster {
  const options = (): Omit<FakeClusterOptions, 'rbac'> => {
    // the whole pod template, as the API holds it: the rollout policy compares it
    const spec = { ...apiWorkload(s).spec, minReadySeconds: 2, template: s.apiDeployment.spec.template };
    const api = { deployments: [{ ...apiWorkload(s), spec }], pods: [...apiPods(), POSTGRES] };
    const probed = { backends: `orders/${API_SELECTOR}` };
    switch (scenario) {
      case ChaosScenario.API_KILL: return { ...api, replacementDelay: 12 };
      case ChaosScenario.NATS_KILL: return chartNatsLayout(s.namespace, { replacementDelay: 24 });
      case ChaosScenario.NETWORK_BLOCK: return { ...api, replacementDelay: null, health: { partitionPolicy: 'orders/orders-api', downAfterHeal: 10 } };
      case ChaosScenario.OBSERVABILITY_BLOCK: return { ...api, replacementDelay: 6, health: { ...probed, partitionPolicy: 'orders/orders-api' } };
      case ChaosScenario.ROLLOUT: return { ...api, replacementDelay: 6, rollout: { podReadyAfter: 3 }, health: probed };
      // the policy tells drained pods by name: names as the API server makes them
      default: return { ...api, pods: DRAINED_PODS, replacementDelay: 6, health: probed };
    }
  };
  const cluster = clusterFor(s, options());
  if (!admission) cluster.update((state) => (state.admission = []));
  return cluster;
}

/** The one write each scenario's policy looks at, as `admitted` records it. */
const WRITES: Record<string, object> = {
  'api-kill': { operation: 'DELETE', resource: 'pods', namespace: 'orders', name: 'orders-api-7d9-a' },
  'nats-kill': { operation: 'DELETE', resource: 'pods', namespace: 'orders', name: 'nats-1' },
  'network-block': { operation: 'UPDATE', resource: 'networkpolicies', namespace: 'orders', name: 'orders-api' },
  'observability-block': { operation: 'UPDATE', resource: 'networkpolicies', namespace: 'orders', name: 'orders-api' },
  'rollout': { operation: 'UPDATE', resource: 'deployments', namespace: 'orders', name: 'orders-api' },
  'drain': { operation: 'CREATE', resource: 'pods', subresource: 'eviction', namespace: 'orders', name: 'orders-api-7d9-x2x4q' },
};

/** What the experiment's token would let an attacker do under RBAC alone: one kubectl call per scenario, and the policy's answer. */
const ATTACKS: Record<string, { args: string[]; stdin?: string; allowed: string; refused: string }> = {
  'api-kill': {
    args: ['delete', 'pod', 'postgres-0', '-n', 'orders', '--wait=false'],
    allowed: 'pod "postgres-0" deleted',
    refused: 'pods "postgres-0" is forbidden: ValidatingAdmissionPolicy \'chaos.orders.orders-api-kill\' with binding \'chaos.orders.orders-api-kill\' denied request: '
      + 'api-kill may delete only pods of Deployment orders-api: controlled by its ReplicaSet orders-api-<pod-template-hash> and carrying its selector\'s labels',
  },
  'nats-kill': {
    args: ['delete', 'pod', 'nats-box-5c8d7-q2x9z', '-n', 'orders', '--wait=false'],
    allowed: 'pod "nats-box-5c8d7-q2x9z" deleted',
    refused: 'pods "nats-box-5c8d7-q2x9z" is forbidden: ValidatingAdmissionPolicy \'chaos.orders.orders-nats-kill\' with binding \'chaos.orders.orders-nats-kill\' denied request: '
      + 'nats-kill may delete only pods of StatefulSet nats: controlled by it and carrying the labels of its pods',
  },
  'network-block': {
    args: ['patch', 'networkpolicy', 'orders-api', '-n', 'orders', '--type=merge', '-p', '{"spec":{"egress":[{"to":[{"ipBlock":{"cidr":"0.0.0.0/0"}}]}]}}'],
    allowed: 'networkpolicy.networking.k8s.io/orders-api patched',
    refused: 'networkpolicies.networking.k8s.io "orders-api" is forbidden: ValidatingAdmissionPolicy \'chaos.orders.orders-network-block\' with binding '
      + '\'chaos.orders.orders-network-block\' denied request: network-block may give NetworkPolicy orders-api only rules it has in the chart (a switch removes rules, a restore puts them back)',
  },
  'observability-block': {
    args: ['patch', 'networkpolicy', 'orders-api', '-n', 'orders', '--type=merge', '-p', '{"spec":{"podSelector":{"matchLabels":{"app":"nothing"}}}}'],
    allowed: 'networkpolicy.networking.k8s.io/orders-api patched',
    refused: 'networkpolicies.networking.k8s.io "orders-api" is forbidden: ValidatingAdmissionPolicy \'chaos.orders.orders-observability-block\' with binding '
      + '\'chaos.orders.orders-observability-block\' denied request: observability-block may not change the pods of NetworkPolicy orders-api or drop its policy types Ingress and Egress',
  },
  'rollout': {
    args: ['patch', 'deployment', 'orders-api', '-n', 'orders', '--type=merge', '-p', '{"spec":{"template":{"spec":{"serviceAccountName":"admin"}}}}'],
    allowed: 'deployment.apps/orders-api patched',
    refused: 'deployments.apps "orders-api" is forbidden: ValidatingAdmissionPolicy \'chaos.orders.orders-rollout\' with binding \'chaos.orders.orders-rollout\' denied request: '
      + 'rollout may change only the pod template annotation kubectl.kubernetes.io/restartedAt of Deployment orders-api (what kubectl rollout restart sets)',
  },
  'drain': {
    args: ['create', '--raw', '/api/v1/namespaces/orders/pods/postgres-0/eviction', '-f', '-'],
    stdin: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'postgres-0', namespace: 'orders' } }),
    allowed: '',
    refused: 'pods "postgres-0" is forbidden: ValidatingAdmissionPolicy \'chaos.orders.orders-drain\' with binding \'chaos.orders.orders-drain\' denied request: '
      + 'drain may evict only pods of Deployment orders-api: named orders-api-<pod-template-hash>-<5 generated characters>',
  },
};

const SCENARIOS = Object.keys(WRITES) as ChaosScenario[];

describeWith(['jq', 'busybox'], 'chaos scripts with their ChaosAdmissionPolicy against a scripted cluster', () => {
  let cluster: FakeCluster;
  afterEach(() => cluster?.dispose());
  const synth = (scenario: ChaosScenario) => synthExperiment({ scenario }, 'orders', { admission: true });
  const kubectl = (attack: { args: string[]; stdin?: string }) => spawnSync(join(CLUSTER_STANDIN, 'kubectl'), attack.args, {
    env: { ...process.env, ...cluster.env }, input: attack.stdin ?? '', encoding: 'utf8',
  });

  test.each(SCENARIOS)('%s: the script passes with the policy in place, its write admitted by it and nothing refused', (scenario) => {
    const s = synth(scenario);
    cluster = clusterOf(scenario, s, true);
    const hold: Record<string, string> = scenario.endsWith('block') ? { HOLD_SECONDS: '10' } : {};
    const result = runExperiment(s, cluster, { PROBE_PAUSE: '1', ...hold }, PRODUCTION_SHELL);
    expect(result.stderr).not.toContain('forbidden');
    expect(result.json).toMatchObject({ scenario, verdict: 'PASS', cleanup: 'done' });
    expect(result.status).toBe(0);
    expect(cluster.state.refused ?? []).toEqual([]);
    expect(cluster.state.admitted).toContainEqual(WRITES[scenario]);
  });

  test.each(SCENARIOS)('%s: what else the token allows under RBAC alone is refused by the policy', (scenario) => {
    const s = synth(scenario);
    const attack = ATTACKS[scenario];
    cluster = clusterOf(scenario, s, false);
    const before = kubectl(attack);
    expect(before.stderr).toBe('');
    expect(before.stdout.trim().startsWith(attack.allowed)).toBe(true);
    expect(before.status).toBe(0);
    cluster.dispose();

    cluster = clusterOf(scenario, s, true);
    const after = kubectl(attack);
    expect(after.stderr).toBe(`Error from server (Forbidden): ${attack.refused}\n`);
    expect(after.status).toBe(1);
    expect(cluster.state.refused).toHaveLength(1);
    expect(cluster.state.allowed.length).toBeGreaterThan(0);
  });

  test('a write the policy cannot evaluate is refused, as kubectl prints an Invalid answer', () => {
    const s = synth(ChaosScenario.NETWORK_BLOCK);
    cluster = clusterOf(ChaosScenario.NETWORK_BLOCK, s, true);
    // a policy without a podSelector (the API server would refuse one): the policy reads it
    const r = kubectl({ args: ['patch', 'networkpolicy', 'orders-api', '-n', 'orders', '--type=merge', '-p', '{"spec":{"podSelector":null}}'] });
    expect(r.stderr).toMatch(/^The networkpolicies "orders-api" is invalid: ValidatingAdmissionPolicy 'chaos\.orders\.orders-network-block' with binding 'chaos\.orders\.orders-network-block' denied request: expression '.+' resulted in error: .+\n$/);
    expect(r.status).toBe(1);
  });

  test('the labels a bare pod copies from the target do not make api-kill delete it: its owner is checked', () => {
    const s = synth(ChaosScenario.API_KILL);
    cluster = clusterOf(ChaosScenario.API_KILL, s, true);
    cluster.update((state) => state.pods.push({ ...state.pods[0], name: 'decoy', uid: 'uid-decoy', labels: { ...API_LABELS }, owner: { kind: 'StatefulSet', name: 'decoy', uid: 'x' } }));
    const r = kubectl({ args: ['delete', 'pod', 'decoy', '-n', 'orders', '--wait=false'] });
    expect(r.stderr).toContain('denied request: api-kill may delete only pods of Deployment orders-api');
    expect(r.status).toBe(1);
  });
});
