import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ChaosScenario, HardenedDeployment, SoakJob, SoakTarget } from '../src';
import { describeWith } from './support/binaries';
import { API_SELECTOR, apiPods, apiWorkload, CHART_NATS_LABELS, clusterFor, Synthesized, synthExperiment } from './support/chaos';
import { newChart } from './support/charts';
import { CLUSTER_STANDIN, FakeCluster, FakeClusterOptions } from './support/fake-cluster';
import { k6ImagePath } from './support/images';
import { onlyOfKind, synthValid } from './support/manifests';
import { Pid1Run } from './support/pid1';
import { ASSETS, SHELLS } from './support/scripts';
import { commandScript, literalEnv, materializeConfigMap } from './support/synthesized';

// The chaos and soak Jobs' commands as a pod runs them: PID 1 of a PID namespace of their own,
// stopped the way the kubelet stops a pod (SIGTERM, SIGKILL after the synthesized
// terminationGracePeriodSeconds) in their long phases. On the fake clock every sleep also waits
// an hour of real time (FAKE_SLEEP_REAL), so a sleep left in the foreground would hold the TERM
// until the kubelet's SIGKILL, leaving the partition and the RoleBinding behind.

const HOUR = '3600';

describeWith(['jq', 'dash', 'busybox', 'unshare'], 'chaos Jobs as PID 1, stopped by the kubelet mid-run', () => {
  let cluster: FakeCluster;
  afterEach(() => cluster?.dispose());

  const ordersDeployment = (s: Synthesized) => ({ ...apiWorkload(s), spec: { ...apiWorkload(s).spec, minReadySeconds: 2 } });
  const withApi = (s: Synthesized, extra: Partial<FakeClusterOptions> = {}) => clusterFor(s, {
    deployments: [ordersDeployment(s)],
    pods: apiPods(),
    replacementDelay: null,
    ...extra,
    health: { backends: `orders/${API_SELECTOR}`, ...extra.health },
  });
  const kubectl = () => cluster.calls('kubectl');

  interface Phase {
    readonly scenario: ChaosScenario;
    readonly phase: string;
    readonly cluster: (s: Synthesized) => FakeCluster;
    readonly env?: Record<string, string>;
    /** True once the script is in the phase to interrupt. */
    readonly reached: (run: Pid1Run) => boolean;
    /** The NetworkPolicy the scenario switches, which must be back as it was. */
    readonly policy?: boolean;
  }

  const PHASES: Phase[] = [
    {
      scenario: ChaosScenario.NETWORK_BLOCK,
      phase: 'the hold (the API partitioned)',
      policy: true,
      cluster: (s) => withApi(s, { health: { partitionPolicy: 'orders/orders-api' } }),
      env: { HOLD_SECONDS: '7200' },
      reached: () => cluster.state.history.length > 0,
    },
    {
      scenario: ChaosScenario.OBSERVABILITY_BLOCK,
      phase: 'the hold (the collector cut off)',
      policy: true,
      cluster: (s) => withApi(s, { health: { partitionPolicy: 'orders/orders-api' } }),
      env: { HOLD_SECONDS: '7200', PROBE_PAUSE: '1' },
      reached: () => cluster.state.history.length > 0,
    },
    {
      scenario: ChaosScenario.API_KILL,
      phase: 'the recovery wait (a pod killed, none replaced), in the sleep of an hour\'s poll interval',
      cluster: (s) => withApi(s),
      // pollInterval allows an hour between two checks: the TERM must not wait for the next one
      env: { POLL_SECONDS: HOUR, TIMEOUT_SECONDS: '7200' },
      reached: (run) => kubectl().some((c) => c[0] === 'delete' && c[1] === 'pod') && run.childRuns(new RegExp(`sleep ${HOUR}`)),
    },
    {
      scenario: ChaosScenario.NATS_KILL,
      phase: 'the recovery wait (the meta leader killed), in the sleep of an hour\'s poll interval',
      cluster: (s) => clusterFor(s, {
        statefulsets: [{ name: 'nats', replicas: 3, selector: { matchLabels: CHART_NATS_LABELS } }],
        pods: ['nats-0', 'nats-1', 'nats-2'].map((name) => ({ name, labels: CHART_NATS_LABELS, owner: 'statefulset/nats', nats: true })),
        replacementDelay: null,
        health: null,
        nats: { leader: 'nats-1', nextLeader: 'nats-2', electionDelay: 3 },
      }),
      env: { POLL_SECONDS: HOUR, TIMEOUT_SECONDS: '7200' },
      reached: (run) => kubectl().some((c) => c[0] === 'delete' && c[1] === 'pod') && run.childRuns(new RegExp(`sleep ${HOUR}`)),
    },
    {
      scenario: ChaosScenario.ROLLOUT,
      phase: 'the probing (new pods never ready)',
      cluster: (s) => withApi(s, { rollout: { podReadyAfter: null } }),
      env: { PROBE_PAUSE: '1' },
      reached: () => kubectl().some((c) => c[0] === 'rollout'),
    },
    {
      scenario: ChaosScenario.DRAIN,
      phase: 'the probing (evicted pods never replaced)',
      cluster: (s) => withApi(s),
      env: { PROBE_PAUSE: '1' },
      reached: () => kubectl().some((c) => c[0] === 'create' && c.includes('--raw')),
    },
  ];

  const synth = (scenario: ChaosScenario) => synthExperiment({
    scenario,
    ...(scenario === ChaosScenario.NATS_KILL ? { nats: { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS } } : {}),
  });

  test('the grace period of every chaos Job: 60 s (the request in progress, then the policy restored and the RoleBinding deleted)', () => {
    for (const { scenario } of PHASES) expect(synth(scenario).pod.terminationGracePeriodSeconds).toBe(60);
  });

  describe.each(SHELLS)('under %s', (shell) => {
    test.each(PHASES.map((p) => [p.scenario, p.phase, p] as const))('%s stopped during %s: ends at once, cleanup done, ABORTED', async (_scenario, _phase, phase) => {
      const s = synth(phase.scenario);
      cluster = phase.cluster(s);
      const policyBefore = s.apiPolicy?.spec;
      const dir = join(cluster.dir, 'opt-chaos');
      materializeConfigMap(onlyOfKind(s.objects, 'ConfigMap'), dir);
      const run = Pid1Run.start(shell, join(dir, `${s.container.name}.sh`), {
        PATH: CLUSTER_STANDIN,
        ...literalEnv(s.container),
        NAMESPACE: s.namespace,
        POD_NAME: `${s.job.metadata.name}-x7k2p`,
        POLL_SECONDS: '5',
        FAKE_SLEEP_REAL: HOUR,
        ...cluster.env,
        ...phase.env,
      });
      await run.waitFor(() => phase.reached(run), phase.phase);
      const result = await run.kubeletStop(s.pod.terminationGracePeriodSeconds);
      expect(result.killed).toBe(false);
      expect(result.secondsAfterTerm).toBeLessThan(10);
      expect(result.status).toBe(143);
      expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toMatchObject({
        verdict: 'ABORTED', reason: 'stopped by signal 15 (the Job deadline sends TERM); cleanup ran', cleanup: 'done',
      });
      expect(cluster.bindingExists(s.job.metadata.name)).toBe(false);
      if (phase.policy) expect(cluster.policy('orders-api').spec).toEqual(policyBefore);
      // every API request was bounded, so none can hold the TERM longer than 10 s
      const timeouts: string[] = cluster.state.requestTimeouts;
      expect(timeouts.length).toBeGreaterThan(0);
      expect(new Set(timeouts)).toEqual(new Set(['10s']));
    });
  });
});

describeWith(['dash', 'busybox', 'unshare'], 'the soak Job as PID 1, stopped by the kubelet mid-run', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'pid1-soak-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  function synthSoak() {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: { name: 'orders-api' } });
    new SoakJob(chart, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/api/orders' }] });
    const objects = synthValid(chart);
    const job = onlyOfKind(objects, 'Job');
    const pod = job.spec.template.spec;
    const scripts = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === pod.volumes.find((v: any) => v.name === 'scripts').configMap.name);
    return { pod, container: pod.containers[0], scripts };
  }

  /** Starts the Job's command (`/bin/sh /scripts/run-soak.sh`) as PID 1 with a k6 that runs for an hour. */
  function startSoak(shell: string, runner?: string) {
    const { pod, container, scripts } = synthSoak();
    const dir = join(work, 'scripts');
    materializeConfigMap(scripts, dir);
    if (runner) writeFileSync(join(dir, 'run-soak.sh'), runner);
    const log = join(work, 'k6.log');
    const run = Pid1Run.start(shell, join(dir, commandScript(container).script), {
      ...literalEnv(container),
      PATH: k6ImagePath(),
      SCRIPT: join(dir, 'soak.js'),
      OUTPUT_DIR: work,
      K6_STANDIN_SECONDS: HOUR,
      K6_STANDIN_SUMMARY_SECONDS: '1',
      K6_STANDIN_VERDICT: 'PASS',
      K6_STANDIN_LOG: log,
    });
    return { run, pod, log };
  }

  // A TERM between the start of k6 and the traps reached PID 1 without a handler and was dropped:
  // k6 ran on until the KILL, without a summary (a loaded hunt run, seed 2026120845). The window is
  // a few instructions wide, too narrow to hit on purpose; the order is what closes it.
  test('the runner sets its traps before it starts k6, and passes on a signal that came before k6\'s pid was known', () => {
    const runner = readFileSync(join(ASSETS, 'k6', 'run-soak.sh'), 'utf8').split('\n');
    const firstTrap = runner.findIndex((l) => /^trap 'forward TERM' TERM$/.test(l));
    const start = runner.findIndex((l) => /^k6 run .*&$/.test(l));
    expect(firstTrap).toBeGreaterThan(0);
    expect(start).toBeGreaterThan(firstTrap);
    expect(runner[start + 2]).toBe('[ -z "$signal" ] || kill -s "$signal" "$k6_pid" 2> /dev/null || true');
  });

  test('its grace period: 60 s (k6 aborts its iterations, runs teardown and handleSummary, flushes its outputs)', () => {
    expect(synthSoak().pod.terminationGracePeriodSeconds).toBe(60);
  });

  test.each(SHELLS)('under %s: the TERM goes on to k6, whose summary and verdict come out, and the run says it was interrupted', async (shell) => {
    const { run, pod, log } = startSoak(shell);
    await run.waitFor(() => existsSync(log), 'k6 started');
    const result = await run.kubeletStop(pod.terminationGracePeriodSeconds);
    expect(result.killed).toBe(false);
    expect(result.secondsAfterTerm).toBeLessThan(10);
    expect(result.status).toBe(143);
    expect(result.stderr).toContain('level=error msg="test run was aborted because k6 received a \'terminated\' signal"');
    expect(result.stderr).toContain('soak: INTERRUPTED: stopped by SIGTERM (the Job was deleted, its pod evicted or its deadline reached) before the profile\'s end; k6 exited 105 (105: aborted by a signal); stability verdict of the part that ran: PASS');
    expect(readFileSync(join(work, 'verdict'), 'utf8').trim()).toBe('PASS');
  });

  test('a runner that kept k6 in the foreground, as this one once did: the TERM never reaches k6, SIGKILL, no summary (the failure the test above catches)', async () => {
    const { run, log } = startSoak('busybox sh', 'k6 run --no-color "$SCRIPT"\necho "soak: done $?" >&2\n');
    await run.waitFor(() => existsSync(log), 'k6 started');
    const result = await run.kubeletStop(2);
    expect(result.killed).toBe(true);
    expect(result.stderr).not.toContain('soak:');
    expect(existsSync(join(work, 'verdict'))).toBe(false);
  });
});
