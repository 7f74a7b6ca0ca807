import { spawn, spawnSync } from 'child_process';
import { join } from 'path';
import { describeWith } from './support/binaries';
import { CLUSTER_STANDIN, FakeCluster } from './support/fake-cluster';
import { ASSETS, runScript } from './support/scripts';

const CHAOS = join(ASSETS, 'chaos');
const API_LABELS = { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' };
const API_SELECTOR = 'app.kubernetes.io/name=orders-api,app.kubernetes.io/instance=orders-api';
const NATS_LABELS = { 'app.kubernetes.io/name': 'nats' };
const GATE = 'chaos.cdk8s-hardening.io/partition=orders-network-block';

describeWith(['shellcheck'], 'chaos scripts: shellcheck', () => {
  test('every scenario script and the library are shellcheck-clean (POSIX sh)', () => {
    const files = ['chaos-lib.sh', 'api-kill.sh', 'nats-kill.sh', 'network-block.sh'].map((f) => join(CHAOS, f));
    const result = spawnSync('shellcheck', ['-x', '--shell=sh', ...files], { encoding: 'utf8', cwd: CHAOS });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

// No cluster here: kubectl, curl, date and sleep are STAND-INS (test/support/cluster-standin)
// that play a scripted cluster on a fake clock and record every call.
describeWith(['jq', 'dash'], 'chaos scenario scripts against a scripted cluster', () => {
  let cluster: FakeCluster;
  afterEach(() => cluster.dispose());

  function run(script: string, env: Record<string, string>, shell = 'bash') {
    const result = runScript(shell, join(CHAOS, script), { NAMESPACE: 'orders', POLL_SECONDS: '2', ...cluster.env, ...env }, [CLUSTER_STANDIN]);
    const lines = result.stdout.trim().split('\n').filter(Boolean);
    return { ...result, json: lines.length ? JSON.parse(lines[lines.length - 1]) : undefined };
  }

  function apiCluster(replacementDelay: number | null, extra: Partial<ConstructorParameters<typeof FakeCluster>[0]> = {}) {
    return new FakeCluster({
      deployments: { 'orders-api': 2 },
      pods: [
        { name: 'orders-api-7d9-a', labels: API_LABELS, owner: 'deployment/orders-api' },
        { name: 'orders-api-7d9-b', labels: API_LABELS, owner: 'deployment/orders-api' },
      ],
      replacementDelay,
      ...extra,
    });
  }

  const apiEnv = (sla: number, timeout: number) => ({
    TARGET_DEPLOYMENT: 'orders-api',
    TARGET_SELECTOR: API_SELECTOR,
    SLA_SECONDS: String(sla),
    TIMEOUT_SECONDS: String(timeout),
    HEALTH_URL: 'http://orders-api.orders.svc:80/readyz',
    HEALTH_SUCCESSES: '3',
  });

  describe('api-kill', () => {
    test.each(['bash', 'dash'])('recovery within the SLA: PASS, exit 0, under %s', (shell) => {
      cluster = apiCluster(12);
      const result = run('api-kill.sh', apiEnv(30, 90), shell);
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
      });
      expect(cluster.calls('kubectl')).toContainEqual(['delete', 'pod', 'orders-api-7d9-a', '-n', 'orders', '--wait=false']);
      expect(cluster.calls('kubectl').filter((c) => c[0] === 'delete')).toHaveLength(1);
      expect(result.stderr).toContain('PASS: recovered in 12s, SLA < 30s');
    });

    test('recovery too slow: FAIL, exit 1', () => {
      cluster = apiCluster(40);
      const result = run('api-kill.sh', apiEnv(30, 90));
      expect(result.status).toBe(1);
      expect(result.json).toMatchObject({ verdict: 'FAIL', recoverySeconds: 40, slaSeconds: 30, reason: 'recovered in 40s, SLA < 30s' });
    });

    test('never recovering: timeout, exit 2', () => {
      cluster = apiCluster(null);
      const result = run('api-kill.sh', { ...apiEnv(30, 60), POLL_SECONDS: '10' });
      expect(result.status).toBe(2);
      expect(result.json).toMatchObject({ verdict: 'FAIL', recoverySeconds: null, recoveredAt: null, reason: 'not recovered within 60s' });
    });

    test('the health URL must answer N times in a row, counted from the first of them', () => {
      cluster = apiCluster(12, { healthy: true });
      const result = run('api-kill.sh', { ...apiEnv(30, 90), HEALTH_SUCCESSES: '5' });
      expect(result.json.recoverySeconds).toBe(12);
      const healthCalls = cluster.calls('curl').filter((c) => c.includes('http://orders-api.orders.svc:80/readyz'));
      expect(healthCalls.length).toBeGreaterThanOrEqual(6); // 1 baseline + 5 in a row
    });

    test('an unhealthy target is not touched: exit 3', () => {
      cluster = new FakeCluster({
        deployments: { 'orders-api': 2 },
        pods: [
          { name: 'orders-api-7d9-a', labels: API_LABELS, owner: 'deployment/orders-api' },
          { name: 'orders-api-7d9-b', labels: API_LABELS, owner: 'deployment/orders-api', ready: false },
        ],
        replacementDelay: 5,
      });
      const result = run('api-kill.sh', apiEnv(30, 90));
      expect(result.status).toBe(3);
      expect(result.json).toMatchObject({ verdict: 'NOT_RUN', reason: 'deployment orders-api is not healthy before injection; nothing was injected' });
      expect(cluster.calls('kubectl').filter((c) => c[0] === 'delete')).toEqual([]);
    });

    test('a missing target: exit 3', () => {
      cluster = apiCluster(5);
      const result = run('api-kill.sh', { ...apiEnv(30, 90), TARGET_DEPLOYMENT: 'orders-apii' });
      expect(result.status).toBe(3);
      expect(result.json.reason).toBe('deployment orders-apii not found in orders');
    });

    test('missing settings: exit 3 before any call', () => {
      cluster = apiCluster(5);
      const result = run('api-kill.sh', { ...apiEnv(30, 90), TARGET_SELECTOR: '' });
      expect(result.status).toBe(3);
      expect(result.stderr).toContain('ERROR: TARGET_SELECTOR is not set');
      expect(cluster.calls('kubectl')).toEqual([]);
    });
  });

  describe('nats-kill', () => {
    const natsCluster = (replacementDelay: number | null, jszLeader = 'nats-1') => new FakeCluster({
      statefulsets: { nats: 3 },
      pods: ['nats-0', 'nats-1', 'nats-2'].map((name) => ({ name, labels: NATS_LABELS, owner: 'statefulset/nats' })),
      replacementDelay,
      jszLeader,
    });
    const natsEnv = (sla: number, timeout: number) => ({
      NATS_STATEFULSET: 'nats',
      NATS_SELECTOR: 'app.kubernetes.io/name=nats',
      NATS_MONITOR_PORT: '8222',
      SLA_SECONDS: String(sla),
      TIMEOUT_SECONDS: String(timeout),
    });

    test('deletes the JetStream meta leader and passes when every pod is back and healthy within 60 s', () => {
      cluster = natsCluster(24);
      const result = run('nats-kill.sh', natsEnv(60, 180));
      expect(result.status).toBe(0);
      expect(result.json).toMatchObject({ scenario: 'nats-kill', target: 'nats', victim: 'nats-1', recoverySeconds: 24, slaSeconds: 60, verdict: 'PASS' });
      expect(result.stderr).toContain('JetStream meta leader is nats-1');
      expect(cluster.calls('curl')).toContainEqual(['-fsS', '--max-time', '5', 'http://10.0.0.1:8222/jsz']);
      const healthz = cluster.calls('curl').filter((c) => c.some((a) => a.endsWith('/healthz?js-enabled-only=true')));
      expect(healthz.length).toBeGreaterThanOrEqual(6); // 3 pods before and after
      expect(cluster.calls('kubectl')).toContainEqual(['delete', 'pod', 'nats-1', '-n', 'orders', '--wait=false']);
    });

    test('falls back to the first ready pod when no leader is reported', () => {
      cluster = natsCluster(10, 'nats-9');
      const result = run('nats-kill.sh', natsEnv(60, 180));
      expect(result.json.victim).toBe('nats-0');
      expect(result.stderr).toContain('no meta leader found among the pods (nats-9); deleting the first ready pod');
    });

    test('leader election too slow: FAIL; never: timeout', () => {
      cluster = natsCluster(70);
      expect(run('nats-kill.sh', { ...natsEnv(60, 180), POLL_SECONDS: '10' }).json).toMatchObject({ verdict: 'FAIL', recoverySeconds: 70 });
      cluster.dispose();
      cluster = natsCluster(null);
      const never = run('nats-kill.sh', { ...natsEnv(60, 120), POLL_SECONDS: '10' });
      expect(never.status).toBe(2);
      expect(never.json.reason).toBe('not recovered within 120s');
    });
  });

  describe('network-block', () => {
    const blockEnv = (sla: number, timeout: number, hold = 30) => ({
      ...apiEnv(sla, timeout), GATE_LABEL: GATE, HOLD_SECONDS: String(hold),
    });
    const labelCalls = () => cluster.calls('kubectl').filter((c) => c[0] === 'label');
    const gateAdded = ['label', 'pods', '-n', 'orders', '-l', API_SELECTOR, GATE, '--overwrite'];
    const gateRemoved = ['label', 'pods', '-n', 'orders', '-l', API_SELECTOR, 'chaos.cdk8s-hardening.io/partition-'];

    test('partition for the hold time, heal, recovery within the SLA measured from the heal', () => {
      cluster = apiCluster(null, { healthDownAfterHeal: 10 });
      const result = run('network-block.sh', blockEnv(90, 180));
      expect(result.status).toBe(0);
      expect(result.json).toMatchObject({
        scenario: 'network-block',
        injectedAt: '2027-01-15T08:00:00Z',
        healedAt: '2027-01-15T08:00:30Z',
        recoveredAt: '2027-01-15T08:00:40Z',
        recoverySeconds: 10,
        slaSeconds: 90,
        verdict: 'PASS',
      });
      expect(labelCalls()[0]).toEqual(gateAdded);
      expect(labelCalls()).toContainEqual(gateRemoved);
      expect(cluster.state.gate).toBeNull();
    });

    test('too slow: FAIL, and the partition is removed', () => {
      cluster = apiCluster(null, { healthDownAfterHeal: 20 });
      const result = run('network-block.sh', blockEnv(5, 180));
      expect(result.status).toBe(1);
      expect(result.json).toMatchObject({ verdict: 'FAIL', recoverySeconds: 20 });
      expect(labelCalls()).toContainEqual(gateRemoved);
      expect(cluster.state.pods.every((p: any) => !('chaos.cdk8s-hardening.io/partition' in p.labels))).toBe(true);
    });

    test('never recovering: timeout, and the partition is removed', () => {
      cluster = apiCluster(null, { healthDownAfterHeal: 100_000 });
      const result = run('network-block.sh', { ...blockEnv(90, 120), POLL_SECONDS: '10' });
      expect(result.status).toBe(2);
      expect(labelCalls().filter((c) => c[6] === 'chaos.cdk8s-hardening.io/partition-').length).toBeGreaterThanOrEqual(1);
      expect(cluster.state.gate).toBeNull();
    });

    test('no visible effect (policy not enforced): INCONCLUSIVE, exit 4, partition removed', () => {
      cluster = apiCluster(null, { partitionEffective: false });
      const result = run('network-block.sh', blockEnv(90, 180));
      expect(result.status).toBe(4);
      expect(result.json).toMatchObject({ verdict: 'INCONCLUSIVE', reason: 'the health URL stayed healthy during the partition: the network plugin may not enforce NetworkPolicy' });
      expect(cluster.state.gate).toBeNull();
    });

    test('killed by its deadline (SIGTERM) in the middle of the partition: the partition is removed', async () => {
      cluster = apiCluster(null, { healthDownAfterHeal: 5 });
      const child = spawn('sh', [join(CHAOS, 'network-block.sh')], {
        env: {
          PATH: `${CLUSTER_STANDIN}:${process.env.PATH}`,
          NAMESPACE: 'orders',
          POLL_SECONDS: '2',
          FAKE_SLEEP_REAL: '0.2',
          ...cluster.env,
          ...blockEnv(90, 180, 3600),
        },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const deadline = Date.now() + 20_000;
      while (!stderr.includes('partitioning the pods') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      expect(cluster.state.gate).not.toBeNull();
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(cluster.state.gate).toBeNull();
      expect(stderr).toContain('partition removed');
    });

    test('an unhealthy target is not partitioned: exit 3, no label call', () => {
      cluster = apiCluster(null, { healthy: false });
      const result = run('network-block.sh', blockEnv(90, 180));
      expect(result.status).toBe(3);
      expect(labelCalls().filter((c) => c[7] === '--overwrite')).toEqual([]);
    });
  });
});
