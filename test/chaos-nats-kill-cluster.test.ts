import { ChaosScenario } from '../src';
import { describeWith } from './support/binaries';
import { CHART_NATS_LABELS, clusterFor, runExperimentLive, synthExperiment } from './support/chaos';
import { FakeCluster } from './support/fake-cluster';
import { NatsCluster, seedCluster } from './support/nats-cluster';
import { NatsPodKubelet } from './support/real-nats-pods';

// nats-kill against a real three-node JetStream cluster (Debian trixie's nats-server 2.10): the
// servers are the StatefulSet's pods nats-0..2, each on its own loopback address with the same
// monitoring port. kubectl is the cluster stand-in (the synthesized RBAC enforced on every call);
// deleting a NATS pod stops its real server, and the test's kubelet (real-nats-pods.ts) starts it
// again. The meta leader, /jsz and /healthz the script reads are the real servers' own.

const SERVERS = ['nats-0', 'nats-1', 'nats-2'];

describeWith(['nats-server-2.10', 'jq', 'curl', 'busybox'], 'nats-kill against a real three-node JetStream cluster (nats-server 2.10)', () => {
  let nats: NatsCluster;
  let pods: FakeCluster;
  let kubelet: NatsPodKubelet | undefined;

  beforeEach(async () => {
    nats = await NatsCluster.start({ binary: 'nats-server-2.10', names: SERVERS });
    // R3 and R1 streams and an R3 KV bucket: the full /healthz waits for each to be current
    await seedCluster(nats);
    kubelet = undefined;
  });

  afterEach(async () => {
    await kubelet?.stop();
    await nats.stop();
    pods?.dispose();
  });

  const synth = () => synthExperiment({
    scenario: ChaosScenario.NATS_KILL,
    nats: { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS },
  });

  /** The chart's StatefulSet `nats` whose pods are the real servers, and the kubelet that runs them. */
  function realPods(s: ReturnType<typeof synth>, replace: boolean): void {
    pods = clusterFor(s, {
      realClock: true,
      statefulsets: [{ name: 'nats', replicas: 3, selector: { matchLabels: CHART_NATS_LABELS } }],
      pods: nats.nodes.map((n) => ({ name: n.name, labels: CHART_NATS_LABELS, owner: 'statefulset/nats', nats: true, ip: n.host })),
      replacementDelay: null,
      health: null,
      nats: { real: true, monitorPort: nats.nodes[0].monitorPort },
    });
    kubelet = new NatsPodKubelet(pods, nats, { replace });
    kubelet.start();
  }

  const run = (s: ReturnType<typeof synth>, env: Record<string, string> = {}) =>
    runExperimentLive(s, pods, { NATS_MONITOR_PORT: String(nats.nodes[0].monitorPort), POLL_SECONDS: '1', ...env });

  test('the meta leader\'s server is stopped and comes back; a leader is elected and every server is current: PASS within the SLA', async () => {
    const s = synth();
    realPods(s, true);
    const leader = await nats.metaLeader();
    const result = await run(s);
    expect(result.json).toMatchObject({ scenario: 'nats-kill', target: 'nats', victim: leader, metaLeaderBefore: leader, verdict: 'PASS', slaSeconds: 60, cleanup: 'done' });
    expect(SERVERS).toContain(result.json.metaLeaderAfter);
    expect(result.json.recoverySeconds).toBeLessThan(60);
    expect(result.status).toBe(0);
    // the server really went and came back, under the same name with its store
    expect(pods.state.pods.filter((p: any) => p.name === leader).map((p: any) => p.deletedAt === null)).toEqual([false, true]);
    expect(nats.log(leader)).toContain('Server is ready');
    for (const server of SERVERS) expect(await fetch(`http://${nats.node(server).host}:${nats.node(server).monitorPort}/healthz`).then((r) => r.status)).toBe(200);
    expect(pods.bindingExists('orders-nats-kill')).toBe(false);
    // the SLA is the script's measure; the run around it (a server restarted, every kubectl a
    // process) takes longer than jest's default minute on a loaded 2-core machine
  }, 180_000);

  test('the server never comes back: not recovered within TIMEOUT_SECONDS, exit 2, no leader after named', async () => {
    const s = synth();
    realPods(s, false);
    const leader = await nats.metaLeader();
    const result = await run(s, { TIMEOUT_SECONDS: '8' });
    expect(result.json).toMatchObject({ victim: leader, metaLeaderBefore: leader, metaLeaderAfter: null, verdict: 'FAIL', reason: 'not recovered within 8s', recoverySeconds: null });
    expect(result.status).toBe(2);
    expect(nats.isRunning(leader)).toBe(false);
    expect(pods.bindingExists('orders-nats-kill')).toBe(false);
  });

  test('a server is down before the run: its /healthz does not answer, NOT_RUN, exit 3, nothing deleted', async () => {
    const s = synth();
    await nats.killNode('nats-2');
    realPods(s, true);
    const result = await run(s);
    expect(result.json).toMatchObject({ verdict: 'NOT_RUN', reason: 'statefulset nats is not healthy before injection; nothing was injected', victim: '', injectedAt: null });
    expect(result.status).toBe(3);
    expect(pods.state.pods.filter((p: any) => p.deletedAt !== null)).toEqual([]);
    expect(nats.isRunning('nats-0') && nats.isRunning('nats-1')).toBe(true);
    expect(pods.calls('kubectl').filter((c) => c[0] === 'delete' && c[1] === 'pod')).toEqual([]);
  });
});
