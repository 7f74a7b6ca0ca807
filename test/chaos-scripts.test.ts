import { spawn, spawnSync } from 'child_process';
import { readdirSync } from 'fs';
import { basename, join } from 'path';
import { Duration } from 'cdk8s';
import { ChaosDirection, ChaosScenario } from '../src';
import { describeWith } from './support/binaries';
import {
  API_LABELS, CHART_NATS_LABELS, ExperimentProps, NatsLayout, chartNatsLayout, Synthesized, apiPods, clusterFor, runExperiment, synthExperiment,
} from './support/chaos';
import { CLUSTER_STANDIN, FakeCluster, FakeClusterOptions } from './support/fake-cluster';
import { onlyOfKind } from './support/manifests';
import { ASSETS, MAIN_PATH_SHELLS, PRODUCTION_SHELL, shellArgv, SHELLS } from './support/scripts';
import { literalEnv, materializeConfigMap } from './support/synthesized';

const CHAOS = join(ASSETS, 'chaos');

describeWith(['shellcheck'], 'chaos scripts: shellcheck', () => {
  test('every scenario script and the library are shellcheck-clean (POSIX sh)', () => {
    const files = ['chaos-lib.sh', 'api-kill.sh', 'nats-kill.sh', 'network-block.sh', 'rollout.sh', 'drain.sh', 'observability-block.sh'].map((f) => join(CHAOS, f));
    expect(readdirSync(CHAOS).sort()).toEqual(files.map((f) => basename(f)).sort());
    const result = spawnSync('shellcheck', ['-x', '--shell=sh', ...files], { encoding: 'utf8', cwd: CHAOS });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

// No cluster here: kubectl, curl, date and sleep are STAND-INS (test/support/cluster-standin) that
// play a scripted cluster on a fake clock, enforce the RBAC the construct synthesized for the Job,
// and record every call. Each test runs the script from the synthesized ConfigMap with the
// synthesized Job environment.
describeWith(['jq', 'dash', 'busybox'], 'chaos scenario scripts against a scripted cluster', () => {
  let cluster: FakeCluster;
  afterEach(() => cluster?.dispose());

  const kubectl = () => cluster.calls('kubectl');
  const verbCalls = (verb: string) => kubectl().filter((c) => c[0] === verb);
  const healthCalls = () => cluster.calls('curl').filter((c) => c.includes('http://orders-api.orders.svc:80/readyz'));
  const logLines = (stderr: string, text: string) => stderr.split('\n').filter((l) => l.includes(text));

  /** After every run: no call was forbidden, and the last call removed the Job's own RoleBinding. */
  function expectAccessEnded(synth: Synthesized, namespace = synth.namespace) {
    const name = onlyOfKind(synth.objects, 'RoleBinding').metadata.name;
    expect(cluster.state.forbidden).toEqual([]);
    expect(kubectl()[kubectl().length - 1]).toEqual(['delete', 'rolebinding', name, '-n', namespace, '--wait=false', '--ignore-not-found']);
    expect(cluster.bindingExists(name, namespace)).toBe(false);
  }

  describe('api-kill', () => {
    const synth = (props: Partial<ExperimentProps> = {}) => synthExperiment({ scenario: ChaosScenario.API_KILL, ...props });
    const apiCluster = (s: Synthesized, replacementDelay: number | null, extra: Partial<FakeClusterOptions> = {}) => clusterFor(s, {
      deployments: [{ name: 'orders-api', replicas: 2, selector: { matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } } }],
      pods: apiPods(),
      replacementDelay,
      ...extra,
    });

    test.each([PRODUCTION_SHELL])("pods that only share the target's labels, a bare pod or a canary Deployment's, listed first and ready, are neither the victim nor counted, under %s", (shell) => {
      const s = synth();
      // what anyone who may create pods in the namespace can make: the selector's labels, another
      // owner; and a canary Deployment's pod that shares the labels (its ReplicaSet is not the target's)
      cluster = apiCluster(s, 12, {
        pods: [{ name: 'aaa-decoy', labels: API_LABELS, owner: 'statefulset/decoy' }, { name: 'aab-canary', labels: API_LABELS, owner: 'deployment/orders-api-canary' }, ...apiPods()],
      });
      const result = runExperiment(s, cluster, {}, shell);
      expect(result.json).toMatchObject({ victim: 'orders-api-7d9-a', recoverySeconds: 12, verdict: 'PASS' });
      expect(verbCalls('delete')[0]).toEqual(['delete', 'pod', 'orders-api-7d9-a', '-n', 'orders', '--wait=false']);
      expect(result.status).toBe(0);
    });

    test.each(MAIN_PATH_SHELLS)('recovery within the SLA: PASS, exit 0, access revoked, under %s', (shell) => {
      const s = synth();
      cluster = apiCluster(s, 12);
      const result = runExperiment(s, cluster, {}, shell);
      expect(result.status).toBe(0);
      expect(result.json).toEqual({
        scenario: 'api-kill',
        target: 'orders-api',
        victim: 'orders-api-7d9-a',
        injectedAt: '2027-01-15T08:00:00Z',
        healedAt: null,
        recoveredAt: '2027-01-15T08:00:12Z',
        recoverySeconds: 12,
        slaSeconds: 30,
        verdict: 'PASS',
        reason: 'recovered in 12s, SLA < 30s',
        cleanup: 'done',
      });
      expect(verbCalls('delete')).toEqual([
        ['delete', 'pod', 'orders-api-7d9-a', '-n', 'orders', '--wait=false'],
        ['delete', 'rolebinding', 'orders-api-kill', '-n', 'orders', '--wait=false', '--ignore-not-found'],
      ]);
      expectAccessEnded(s);
      // the result is the last line of the log (kubectl logs merges stdout and stderr)
      expect(result.stdoutLines).toHaveLength(1);
      expect(result.stderr).toMatch(/access revoked \(rolebinding orders-api-kill deleted in orders\)\n.*PASS: recovered in 12s, SLA < 30s\n$/);
    });

    test('recovery too slow: FAIL, exit 1', () => {
      const s = synth();
      cluster = apiCluster(s, 40);
      const result = runExperiment(s, cluster);
      expect(result.status).toBe(1);
      expect(result.json).toMatchObject({ verdict: 'FAIL', recoverySeconds: 40, slaSeconds: 30, reason: 'recovered in 40s, SLA < 30s' });
      expectAccessEnded(s);
    });

    test('a replacement that appears only after a while: not recovered until it exists and is ready', () => {
      const s = synth();
      cluster = apiCluster(s, 10, { replacementAppearsAfter: 6, terminationSeconds: 8 });
      const result = runExperiment(s, cluster);
      expect(result.json).toMatchObject({ verdict: 'PASS', recoverySeconds: 10 });
    });

    test('never recovering: timeout, exit 2', () => {
      const s = synth({ pollInterval: undefined });
      cluster = apiCluster(s, null);
      const result = runExperiment(s, cluster, { POLL_SECONDS: '10', TIMEOUT_SECONDS: '60' });
      expect(result.status).toBe(2);
      expect(result.json).toMatchObject({ verdict: 'FAIL', recoverySeconds: null, recoveredAt: null, reason: 'not recovered within 60s' });
      expectAccessEnded(s);
    });

    test('the health URL must answer N times in a row, counted from the first of them', () => {
      const s = synth({ healthSuccesses: 5 });
      cluster = apiCluster(s, 12);
      const result = runExperiment(s, cluster);
      expect(result.json).toMatchObject({ recoverySeconds: 12, recoveredAt: '2027-01-15T08:00:12Z' });
      // 1 before the injection, then none while the Deployment is short (the check stops
      // there), then exactly 5 from 12 s on
      expect(healthCalls()).toHaveLength(6);
    });

    test('a failed answer starts the streak again: 200, 503, 200, 200 is not 3 in a row', () => {
      const s = synth();
      cluster = apiCluster(s, 0, { health: { sequence: [200, 200, 503, 200, 200] } });
      const result = runExperiment(s, cluster);
      // t=0 200, t=2 503, t=4 200, t=6 200, t=8 200 (model): the streak starts at 4
      expect(result.json).toMatchObject({ verdict: 'PASS', recoverySeconds: 4, recoveredAt: '2027-01-15T08:00:04Z' });
      expect(healthCalls()).toHaveLength(6);
    });

    test.each([[503], [301], [404]])('a health URL answering %i is not healthy: NOT_RUN, exit 3, nothing deleted', (status) => {
      const s = synth();
      cluster = apiCluster(s, 5, { health: { sequence: [status] } });
      const result = runExperiment(s, cluster);
      expect(result.status).toBe(3);
      expect(result.json).toMatchObject({ verdict: 'NOT_RUN', reason: 'deployment orders-api is not healthy before injection; nothing was injected' });
      expect(verbCalls('delete').filter((c) => c[1] === 'pod')).toEqual([]);
      expectAccessEnded(s);
    });

    test('the health check asks curl not to glob: a URL with brackets and braces reaches the server as written', () => {
      const s = synth();
      cluster = apiCluster(s, 4);
      const url = 'http://orders-api.orders.svc:80/readyz?probe=chaos';
      const result = runExperiment(s, cluster, { HEALTH_URL: `${url}&filter[status]={up}` });
      expect(result.json).toMatchObject({ verdict: 'PASS', recoverySeconds: 4 });
      for (const call of cluster.calls('curl')) expect(call).toContain('-sSg');
      expect(cluster.state.curlTransfers).toBe(cluster.calls('curl').length);
    });

    test('an unready pod before the injection: NOT_RUN, exit 3, nothing deleted, access revoked', () => {
      const s = synth();
      cluster = apiCluster(s, 5, { pods: [apiPods()[0], { ...apiPods()[1], ready: false }] });
      const result = runExperiment(s, cluster);
      expect(result.status).toBe(3);
      expect(result.json).toMatchObject({ verdict: 'NOT_RUN', reason: 'deployment orders-api is not healthy before injection; nothing was injected', injectedAt: null });
      expect(verbCalls('delete').filter((c) => c[1] === 'pod')).toEqual([]);
      expectAccessEnded(s);
    });

    test('a missing target: NOT_RUN, exit 3', () => {
      const s = synth();
      cluster = apiCluster(s, 5);
      const result = runExperiment(s, cluster, { TARGET_DEPLOYMENT: 'orders-apii' });
      expect(result.status).toBe(3);
      expect(result.json.reason).toBe('deployment orders-apii not found in orders');
      // the Role names orders-api only: reading another Deployment is forbidden, as it should be
      expect(cluster.state.forbidden).toEqual([{ verb: 'get', group: 'apps', resource: 'deployments', namespace: 'orders', name: 'orders-apii' }]);
      expect(cluster.bindingExists('orders-api-kill')).toBe(false);
    });

    test('missing settings: NOT_RUN, exit 3, and no call but the removal of the access', () => {
      const s = synth();
      cluster = apiCluster(s, 5);
      const result = runExperiment(s, cluster, { TARGET_SELECTOR: '' });
      expect(result.status).toBe(3);
      expect(result.json).toMatchObject({ verdict: 'NOT_RUN', reason: 'TARGET_SELECTOR is not set' });
      expect(kubectl()).toEqual([['delete', 'rolebinding', 'orders-api-kill', '-n', 'orders', '--wait=false', '--ignore-not-found']]);
    });

    describe.each(SHELLS)('numbers the shell cannot keep exact are refused before any call, under %s', (shell) => {
      test.each([
        ['HEALTH_SUCCESSES', '1e+21'],
        ['HEALTH_SUCCESSES', '1000000000000000000000'],
        ['TIMEOUT_SECONDS', '9999999999'],
        ['SLA_SECONDS', '030'],
        ['POLL_SECONDS', '-2'],
        ['POLL_SECONDS', '2 '],
        ['SLA_SECONDS', ''],
      ])('%s=%j', (name, value) => {
        const s = synth();
        cluster = apiCluster(s, 5);
        const result = runExperiment(s, cluster, { [name]: value }, shell);
        expect(result.status).toBe(3);
        expect(result.json.verdict).toBe('NOT_RUN');
        expect(result.json.reason).toBe(value === '' ? `${name} is not set`
          : `${name} must be a whole number from 0 to 999999999 without leading zeros, got '${value}'`);
        expect(verbCalls('get')).toEqual([]);
      });
    });

    test('the script stays inside the synthesized Role: without list on pods it stops with ERROR (exit 6), injecting nothing', () => {
      const s = synth();
      const role = onlyOfKind(s.objects, 'Role');
      role.rules[1].verbs = ['get', 'delete'];
      cluster = apiCluster(s, 5);
      const result = runExperiment(s, cluster);
      expect(result.status).toBe(6);
      expect(result.json).toMatchObject({ verdict: 'ERROR', reason: 'stopped by a failed command (exit 1); see the log above' });
      expect(result.stderr).toContain('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:orders:orders-api-kill" cannot list resource "pods" in API group "" in the namespace "orders"');
      expect(verbCalls('delete').filter((c) => c[1] === 'pod')).toEqual([]);
      expect(cluster.bindingExists('orders-api-kill')).toBe(false);
    });
  });

  describe('nats-kill', () => {
    const natsCluster = (s: Synthesized, layout: NatsLayout) => clusterFor(s, chartNatsLayout(layout.namespace ?? s.namespace, layout));
    const synth = (props: Partial<ExperimentProps> = {}, namespace?: string) =>
      synthExperiment({ scenario: ChaosScenario.NATS_KILL, ...props }, namespace);
    const boxIp = () => cluster.state.pods.find((p: any) => p.name.startsWith('nats-box')).ip;
    const healthz = () => cluster.calls('curl').filter((c) => c.some((a) => a.includes('/healthz')));

    test.each(MAIN_PATH_SHELLS)('kills the meta leader, a new one is elected on another pod: PASS, old and new leader named, under %s', (shell) => {
      const s = synth();
      cluster = natsCluster(s, { replacementDelay: 24 });
      const result = runExperiment(s, cluster, {}, shell);
      expect(result.status).toBe(0);
      expect(result.json).toEqual({
        scenario: 'nats-kill',
        target: 'nats',
        victim: 'nats-1',
        injectedAt: '2027-01-15T08:00:00Z',
        healedAt: null,
        recoveredAt: '2027-01-15T08:00:24Z',
        recoverySeconds: 24,
        slaSeconds: 60,
        verdict: 'PASS',
        reason: 'recovered in 24s, SLA < 60s',
        metaLeaderBefore: 'nats-1',
        metaLeaderAfter: 'nats-2',
        cleanup: 'done',
      });
      expect(result.stderr).toContain('JetStream meta leader is nats-1');
      expect(cluster.calls('curl')).toContainEqual(['-fsSg', '--max-time', '5', 'http://10.0.0.1:8222/jsz']);
      // full health only: the chart's liveness (js-enabled-only) and readiness (js-server-only) checks skip the meta and stream checks
      expect(healthz().length).toBeGreaterThan(0);
      for (const call of healthz()) expect(call[call.length - 1]).toMatch(/^http:\/\/10\.0\.\d+\.\d+:8222\/healthz$/);
      expect(verbCalls('delete').filter((c) => c[1] === 'pod')).toEqual([['delete', 'pod', 'nats-1', '-n', 'orders', '--wait=false']]);
      expectAccessEnded(s);
    });

    test('the nats-box pod with the same name and instance labels is never picked or polled', () => {
      const s = synth({ nats: { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS, killMetaLeader: false } });
      cluster = natsCluster(s, { replacementDelay: 10 });
      const result = runExperiment(s, cluster);
      expect(result.json).toMatchObject({ verdict: 'PASS', victim: 'nats-0' });
      expect(cluster.calls('curl').filter((c) => c.some((a) => a.includes(`//${boxIp()}:`)))).toEqual([]);
      expect(kubectl()).toContainEqual(['get', 'pods', '-n', 'orders', '-l', 'app.kubernetes.io/name=nats,app.kubernetes.io/instance=nats,app.kubernetes.io/component=nats', '-o', 'json']);
    });

    test('a StatefulSet whose selector also matches nats-box: only the pods it owns are polled', () => {
      const s = synth({ nats: { statefulSetName: 'nats', podLabels: { 'app.kubernetes.io/name': 'nats' }, killMetaLeader: false } });
      cluster = natsCluster(s, { replacementDelay: 10, selector: { 'app.kubernetes.io/name': 'nats' } });
      const result = runExperiment(s, cluster);
      // nats-box has no monitoring port: polling it would fail the health check and end in NOT_RUN
      expect(result.json).toMatchObject({ verdict: 'PASS', victim: 'nats-0', recoverySeconds: 10 });
      expect(cluster.calls('curl').filter((c) => c.some((a) => a.includes(`//${boxIp()}:`)))).toEqual([]);
      expect(verbCalls('delete').filter((c) => c[1] === 'pod')).toEqual([['delete', 'pod', 'nats-0', '-n', 'orders', '--wait=false']]);
    });

    test('NATS in another namespace: the Job in payments kills the leader in messaging under RBAC namespaced on both sides', () => {
      const s = synth({ nats: { statefulSetName: 'nats', namespaceName: 'messaging', podLabels: CHART_NATS_LABELS } }, 'payments');
      cluster = natsCluster(s, { namespace: 'messaging', replacementDelay: 16 });
      const result = runExperiment(s, cluster);
      expect(result.status).toBe(0);
      expect(result.json).toMatchObject({ verdict: 'PASS', victim: 'nats-1', metaLeaderBefore: 'nats-1', metaLeaderAfter: 'nats-2', recoverySeconds: 16 });
      for (const call of kubectl()) expect(call.slice(call.indexOf('-n'), call.indexOf('-n') + 2)).toEqual(['-n', 'messaging']);
      expect(s.objects.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding').map((o) => `${o.kind}/${o.metadata.namespace}`)).toEqual(['Role/messaging', 'RoleBinding/messaging']);
      expectAccessEnded(s, 'messaging');
    });

    // A 10 s poll on delays that are multiples of it: the same recovery times in a fifth of the calls.
    const slowPoll = { pollInterval: Duration.seconds(10) };

    test('"JetStream enabled" is not recovered: the replacement is counted once its streams are current', () => {
      const s = synth(slowPoll);
      cluster = natsCluster(s, { replacementDelay: 10, catchUpDelay: 30 });
      const result = runExperiment(s, cluster);
      // ready (js-server-only) and JetStream enabled at 10 s; streams current at 40 s
      expect(result.json).toMatchObject({ verdict: 'PASS', recoverySeconds: 40 });
    });

    test('no meta leader yet is not recovered: waits for the election', () => {
      const s = synth(slowPoll);
      cluster = natsCluster(s, { replacementDelay: 6, electionDelay: 30 });
      const result = runExperiment(s, cluster);
      expect(result.json).toMatchObject({ verdict: 'PASS', recoverySeconds: 30, metaLeaderAfter: 'nats-2' });
    });

    test('the old leader elected again once its pod is back', () => {
      const s = synth();
      cluster = natsCluster(s, { replacementDelay: 8, nextLeader: 'nats-1', electionDelay: 2 });
      const result = runExperiment(s, cluster);
      expect(result.json).toMatchObject({ verdict: 'PASS', recoverySeconds: 8, metaLeaderBefore: 'nats-1', metaLeaderAfter: 'nats-1' });
    });

    test('falls back to the first ready pod when the reported leader is no pod of the StatefulSet', () => {
      const s = synth();
      cluster = natsCluster(s, { replacementDelay: 10, leader: 'nats-9', nextLeader: 'nats-9' });
      const result = runExperiment(s, cluster);
      expect(result.json).toMatchObject({ victim: 'nats-0', metaLeaderBefore: 'nats-9' });
      expect(result.stderr).toContain('no meta leader found among the pods (nats-9); deleting the first ready pod');
    });

    test('an unready server before the injection: NOT_RUN, exit 3, nothing deleted', () => {
      const s = synth();
      cluster = natsCluster(s, { replacementDelay: 10, unready: 'nats-2' });
      const result = runExperiment(s, cluster);
      expect(result.status).toBe(3);
      expect(result.json).toMatchObject({ verdict: 'NOT_RUN', reason: 'statefulset nats is not healthy before injection; nothing was injected' });
      expect(verbCalls('delete').filter((c) => c[1] === 'pod')).toEqual([]);
      expectAccessEnded(s);
    });

    test('a cluster without a meta leader before the injection: NOT_RUN, exit 3, nothing deleted', () => {
      const s = synth();
      cluster = natsCluster(s, { replacementDelay: 10, leader: '' });
      const result = runExperiment(s, cluster);
      expect(result.status).toBe(3);
      expect(verbCalls('delete').filter((c) => c[1] === 'pod')).toEqual([]);
    });

    test('leader election too slow: FAIL, exit 1', () => {
      const s = synth();
      cluster = natsCluster(s, { replacementDelay: 70 });
      const result = runExperiment(s, cluster, { POLL_SECONDS: '10' });
      expect(result.status).toBe(1);
      expect(result.json).toMatchObject({ verdict: 'FAIL', recoverySeconds: 70, reason: 'recovered in 70s, SLA < 60s', metaLeaderAfter: 'nats-2' });
    });

    test('never back: timeout, exit 2, no new leader named', () => {
      const s = synth();
      cluster = natsCluster(s, { replacementDelay: null, nextLeader: 'nats-1' });
      const result = runExperiment(s, cluster, { POLL_SECONDS: '10', TIMEOUT_SECONDS: '120' });
      expect(result.status).toBe(2);
      expect(result.json).toMatchObject({ verdict: 'FAIL', reason: 'not recovered within 120s', metaLeaderBefore: 'nats-1', metaLeaderAfter: null });
      expectAccessEnded(s);
    });
  });

  describe('network-block', () => {
    const synth = (props: Partial<ExperimentProps> = {}) => synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, holdTime: undefined, ...props });
    const blockCluster = (s: Synthesized, extra: Partial<FakeClusterOptions> = {}) => clusterFor(s, {
      deployments: [{ name: 'orders-api', replicas: 2, selector: { matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } } }],
      pods: apiPods(),
      replacementDelay: null,
      ...extra,
      health: { partitionPolicy: 'orders/orders-api', ...extra.health },
    });
    const HOLD = { HOLD_SECONDS: '30' };
    /** The cases that do not look at the hold itself hold for 10 s: fewer polls, the same verdicts. */
    const SHORT_HOLD = { HOLD_SECONDS: '10' };
    /** The policy during the partition (as the script's deny patch left it) and after. */
    const duringPartition = () => cluster.state.history[0].object;
    const podWrites = () => kubectl().filter((c) => (c[0] === 'patch' || c[0] === 'label' || c[0] === 'annotate') && c[1].startsWith('po'));

    test.each(MAIN_PATH_SHELLS)('denies both directions of the API\'s own policy for the hold time, restores it exactly, measures from the heal, under %s', (shell) => {
      const s = synth();
      cluster = blockCluster(s, { health: { downAfterHeal: 10 } });
      const result = runExperiment(s, cluster, HOLD, shell);
      expect(result.status).toBe(0);
      expect(result.json).toEqual({
        scenario: 'network-block',
        target: 'orders-api',
        victim: '',
        injectedAt: '2027-01-15T08:00:00Z',
        healedAt: '2027-01-15T08:00:30Z',
        recoveredAt: '2027-01-15T08:00:40Z',
        recoverySeconds: 10,
        slaSeconds: 90,
        verdict: 'PASS',
        reason: 'recovered in 10s, SLA < 90s',
        direction: 'Both',
        cleanup: 'done',
      });
      expect(duringPartition().spec).toEqual({ ...s.apiPolicy.spec, ingress: [], egress: [] });
      expect(duringPartition().metadata.annotations).toEqual({
        'chaos.cdk8s-hardening.io/partitioned-by': 'orders-network-block-x7k2p',
        'chaos.cdk8s-hardening.io/spec-before': JSON.stringify(s.apiPolicy.spec),
      });
      expect(cluster.policy('orders-api')).toEqual({ ...s.apiPolicy, metadata: { ...s.apiPolicy.metadata, namespace: 'orders' } });
      expect(podWrites()).toEqual([]);
      expect(logLines(result.stderr, 'partition removed')).toHaveLength(1);
      expectAccessEnded(s);
    });

    test.each([
      [ChaosDirection.INGRESS, 'Ingress', { ingress: [] }],
      [ChaosDirection.EGRESS, 'Egress', { egress: [] }],
    ])('%s only: the other direction keeps exactly its rules during the partition', (direction, word, denied) => {
      const s = synth({ direction });
      cluster = blockCluster(s, { health: { downAfterHeal: 4, partitionBreaks: [word] } });
      const result = runExperiment(s, cluster, SHORT_HOLD);
      expect(result.json).toMatchObject({ verdict: 'PASS', direction: word, recoverySeconds: 4 });
      expect(duringPartition().spec).toEqual({ ...s.apiPolicy.spec, ...denied });
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
    });

    test('too slow: FAIL, exit 1, the policy restored', () => {
      const s = synth({ sla: undefined });
      cluster = blockCluster(s, { health: { downAfterHeal: 20 } });
      const result = runExperiment(s, cluster, { ...SHORT_HOLD, SLA_SECONDS: '5' });
      expect(result.status).toBe(1);
      expect(result.json).toMatchObject({ verdict: 'FAIL', recoverySeconds: 20 });
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
      expectAccessEnded(s);
    });

    test('never recovering: timeout, exit 2, the policy restored once', () => {
      const s = synth();
      cluster = blockCluster(s, { health: { downAfterHeal: 100_000 } });
      const result = runExperiment(s, cluster, { ...SHORT_HOLD, POLL_SECONDS: '10', TIMEOUT_SECONDS: '120' });
      expect(result.status).toBe(2);
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
      expect(logLines(result.stderr, 'partition removed')).toHaveLength(1);
      expect(verbCalls('patch')).toHaveLength(2);
    });

    test('no visible effect (policy not enforced): INCONCLUSIVE, exit 4, the policy restored', () => {
      const s = synth();
      cluster = blockCluster(s, { health: { partitionEffective: false } });
      const result = runExperiment(s, cluster, SHORT_HOLD);
      expect(result.status).toBe(4);
      expect(result.json).toMatchObject({
        verdict: 'INCONCLUSIVE',
        reason: 'the health URL stayed healthy during the partition: the network plugin may not enforce NetworkPolicy, or another policy allows the traffic',
      });
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
      expectAccessEnded(s);
    });

    test('someone reverts the policy during the hold (GitOps): INCONCLUSIVE, exit 4', () => {
      const s = synth();
      cluster = blockCluster(s, {
        edits: [{ at: 9, resource: 'networkpolicies', name: 'orders-api', patch: { metadata: { annotations: null }, spec: s.apiPolicy.spec } }],
      });
      const result = runExperiment(s, cluster, HOLD);
      expect(result.status).toBe(4);
      expect(result.json.reason).toBe('networkpolicy orders-api was changed by someone else during the partition (a GitOps controller reverting it?): the partition ended early');
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
    });

    test('an error during the hold: ERROR, exit 6, the policy restored and the access removed', () => {
      const s = synth();
      cluster = blockCluster(s, { failures: [{ args: ['get', 'networkpolicy'], skip: 3 }] });
      const result = runExperiment(s, cluster, HOLD);
      expect(result.status).toBe(6);
      expect(result.json).toMatchObject({ verdict: 'ERROR', cleanup: 'done', injectedAt: '2027-01-15T08:00:00Z' });
      expect(result.stderr).toContain('The connection to the server 10.96.0.1:443 was refused - did you specify the right host or port?');
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
      expect(logLines(result.stderr, 'partition removed')).toHaveLength(1);
      expectAccessEnded(s);
    });

    test('the policy cannot be restored: CLEANUP FAILED, exit 5, with the way to restore it by hand', () => {
      const s = synth();
      cluster = blockCluster(s, { failures: [{ args: ['patch', 'networkpolicy'], skip: 1, times: 2 }] });
      const result = runExperiment(s, cluster, HOLD);
      expect(result.status).toBe(5);
      expect(result.json).toMatchObject({ verdict: 'ERROR', reason: 'could not remove the partition', cleanup: 'failed' });
      expect(result.stderr).toContain('WARNING: could not restore networkpolicy orders-api: apply the chart again, or patch its spec back from the annotation chaos.cdk8s-hardening.io/spec-before');
      expect(cluster.bindingExists('orders-network-block')).toBe(false);
    });

    test('a partition left by a killed run: NOT_RUN, exit 3, nothing patched', () => {
      const s = synth();
      const left = { ...s.apiPolicy, metadata: { ...s.apiPolicy.metadata, annotations: { 'chaos.cdk8s-hardening.io/partitioned-by': 'orders-network-block-old' } } };
      cluster = clusterFor(s, { networkPolicies: [left], deployments: [{ name: 'orders-api', replicas: 2 }], pods: apiPods(), replacementDelay: null });
      const result = runExperiment(s, cluster, HOLD);
      expect(result.status).toBe(3);
      expect(result.json.reason).toBe('networkpolicy orders-api is still partitioned by orders-network-block-old; restore its spec from the annotation chaos.cdk8s-hardening.io/spec-before (or apply the chart again) first');
      expect(verbCalls('patch')).toEqual([]);
    });

    test('an unhealthy target is not partitioned: NOT_RUN, exit 3, nothing patched', () => {
      const s = synth();
      cluster = blockCluster(s, { health: { up: false } });
      const result = runExperiment(s, cluster, HOLD);
      expect(result.status).toBe(3);
      expect(verbCalls('patch')).toEqual([]);
      expectAccessEnded(s);
    });

    // Signals: the script runs for real (sleep waits 0.2 s per fake poll) and is stopped mid-hold.
    test.each([
      ['SIGTERM', 143, 15],
      ['SIGINT', 130, 2],
      ['SIGHUP', 129, 1],
    ] as const)('stopped by %s during the hold: exit %i, the policy restored, the access removed, an ABORTED result', async (signal, code, number) => {
      const s = synth();
      cluster = blockCluster(s);
      const dir = join(cluster.dir, 'opt-chaos');
      materializeConfigMap(onlyOfKind(s.objects, 'ConfigMap'), dir);
      const [command, args] = shellArgv('busybox sh');
      const child = spawn(command, [...args, join(dir, 'network-block.sh')], {
        env: {
          PATH: CLUSTER_STANDIN,
          ...literalEnv(s.container),
          NAMESPACE: 'orders',
          POD_NAME: 'orders-network-block-x7k2p',
          FAKE_SLEEP_REAL: '0.2',
          ...cluster.env,
          HOLD_SECONDS: '3600',
        },
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d) => (stdout += d));
      // the partition is in place once the policy's patch is recorded: the signal comes then, however fast the machine
      const deadline = Date.now() + 60_000;
      while (cluster.state.history.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(cluster.policy('orders-api').spec.ingress).toEqual([]);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
      expect(logLines(stderr, 'partition removed')).toHaveLength(1);
      expect(cluster.bindingExists('orders-network-block')).toBe(false);
      expect(JSON.parse(stdout.trim())).toMatchObject({
        verdict: 'ABORTED', reason: `stopped by signal ${number} (the Job deadline sends TERM); cleanup ran`, cleanup: 'done',
      });
    });
  });
});
