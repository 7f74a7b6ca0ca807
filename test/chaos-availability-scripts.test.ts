import { ChaosScenario } from '../src';
import { describeWith } from './support/binaries';
import {
  API_LABELS, API_SELECTOR, ExperimentProps, OTLP_EGRESS_JSON, Synthesized, apiPods, apiWorkload, clusterFor, runExperiment, startExperiment,
  synthExperiment,
  unusedAndMissingGrants,
} from './support/chaos';
import { FakeCluster, FakeClusterOptions } from './support/fake-cluster';
import { onlyOfKind } from './support/manifests';
import { MAIN_PATH_SHELLS, PRODUCTION_SHELL, SHELLS } from './support/scripts';
import { literalEnv } from './support/synthesized';

// rollout, drain and observability-block against the scripted cluster (test/support/cluster-standin):
// kubectl, curl, date and sleep are stand-ins on a fake clock that enforce the synthesized RBAC.
// The scripts probe the health URL every PROBE_PAUSE seconds (0.2 in production); most tests
// probe every 0.5 or 1 fake seconds to keep the number of stand-in processes down. Each
// case runs under bash, dash and busybox sh.
const HEALTH_URL = 'http://orders-api.orders.svc:80/readyz';

describeWith(['jq', 'dash', 'busybox'], 'availability scenarios against a scripted cluster', () => {
  let cluster: FakeCluster;
  afterEach(() => cluster?.dispose());

  const kubectl = () => cluster.calls('kubectl');
  const verbCalls = (verb: string) => kubectl().filter((c) => c[0] === verb);
  const probes = () => cluster.calls('curl').filter((c) => c[c.length - 1] === HEALTH_URL);

  /** The Role was used exactly: every grant used, nothing refused, and the last call removed the Job's RoleBinding. */
  function expectExactAccess(s: Synthesized) {
    expect(unusedAndMissingGrants(onlyOfKind(s.objects, 'Role'), cluster)).toEqual({ unused: [], forbidden: [] });
    expectAccessEnded(s);
  }

  function expectAccessEnded(s: Synthesized) {
    const name = onlyOfKind(s.objects, 'RoleBinding').metadata.name;
    expect(cluster.state.forbidden).toEqual([]);
    expect(kubectl()[kubectl().length - 1]).toEqual(['delete', 'rolebinding', name, '-n', 'orders', '--wait=false', '--ignore-not-found']);
    expect(cluster.bindingExists(name)).toBe(false);
  }

  /**
   * The orders API as synthesized (RollingUpdate maxSurge 1, maxUnavailable 0, progress deadline
   * 300 s), with minReadySeconds 2 instead of 10 to keep the runs short, and `spec` changed as
   * given; two ready pods behind its health URL.
   */
  const apiAsRunning = (s: Synthesized, spec: object = {}) => {
    const workload = apiWorkload(s);
    return { ...workload, spec: { ...workload.spec, minReadySeconds: 2, ...spec } };
  };
  const ordersCluster = (s: Synthesized, extra: Partial<FakeClusterOptions> = {}) => clusterFor(s, {
    deployments: [apiAsRunning(s)],
    pods: apiPods(),
    replacementDelay: 6,
    ...extra,
    health: { backends: `orders/${API_SELECTOR}`, ...extra.health },
  });

  describe('rollout', () => {
    const synth = (props: Partial<ExperimentProps> = {}) => synthExperiment({ scenario: ChaosScenario.ROLLOUT, ...props });

    // New pods ready 3 s after they start, available 2 s later, the restart observed 1 s after the
    // patch: new pod 1 at 1 s, available at 6 s (old a deleted); new pod 2 at 6 s, available at
    // 11 s (old b deleted): complete from 11 s, seen at the check of 12 s.
    test.each(MAIN_PATH_SHELLS)('restarts the Deployment, waits as rollout status does, every probe answered: PASS, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { rollout: { podReadyAfter: 3 } });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      expect(result.stderr).not.toContain('Error');
      expect(result.status).toBe(0);
      expect(result.json).toEqual({
        scenario: 'rollout',
        target: 'orders-api',
        victim: '',
        injectedAt: '2027-01-15T08:00:00Z',
        healedAt: null,
        recoveredAt: null,
        recoverySeconds: null,
        slaSeconds: null,
        verdict: 'PASS',
        reason: 'rolled out in 12s (progress deadline 300s); all 12 probes of the health URL answered',
        progressDeadlineSeconds: 300,
        replicaSetBefore: 'orders-api-7d9',
        minReadyReplicas: 2,
        rolloutSeconds: 12,
        replicaSetAfter: 'orders-api-6c4f2',
        probesSent: 12,
        probesFailed: 0,
        longestGapSeconds: 1,
        firstFailedProbe: null,
        cleanup: 'done',
      });
      expect(verbCalls('rollout')).toEqual([['rollout', 'restart', 'deployment', 'orders-api', '-n', 'orders']]);
      const deployment = cluster.state.deployments[0];
      expect(deployment.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '2027-01-15T08:00:00Z' });
      // after the health check before the restart, each probe asks curl for the status only, within 2 s, without globbing
      const [before, ...during] = probes();
      expect(before).toEqual(['-sSg', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', HEALTH_URL]);
      expect(during).toHaveLength(12);
      for (const call of during) expect(call).toEqual(['-sSg', '--max-time', '2', '-o', '/dev/null', '-w', '%{http_code}', HEALTH_URL]);
      expectExactAccess(s);
    });

    test.each([PRODUCTION_SHELL])('a probe that fails during the rollout: FAIL, exit 1, with the first failure, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { rollout: { podReadyAfter: 4 }, health: { outages: [[10, 11]] } });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      expect(result.status).toBe(1);
      expect(result.json).toMatchObject({
        verdict: 'FAIL',
        reason: 'rolled out in 14s, but 1 of 14 probes of the health URL failed (the first at 2027-01-15T08:00:10Z: HTTP 503)',
        rolloutSeconds: 14,
        probesFailed: 1,
        firstFailedProbe: { at: '2027-01-15T08:00:10Z', status: '503' },
        longestGapSeconds: 2,
      });
      expectAccessEnded(s);
    });

    test.each([PRODUCTION_SHELL])('new pods that never become ready: the progress deadline passes, FAIL, exit 1, the old pods still serving, under %s', (shell) => {
      const s = synth();
      // the Deployment as it runs, with a 20 s progress deadline: the script reads it from there
      cluster = ordersCluster(s, { deployments: [apiAsRunning(s, { progressDeadlineSeconds: 20 })], rollout: { podReadyAfter: null } });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      expect(result.status).toBe(1);
      // last progress: the new pod created at 1 s; exceeded after 21 s, seen at 22 s
      expect(result.json).toMatchObject({
        verdict: 'FAIL',
        reason: 'deployment orders-api exceeded its progress deadline (20s) 22s after the restart: the rollout is stuck, the old pods keep serving (kubectl rollout undo restores the previous template)',
        progressDeadlineSeconds: 20,
        probesFailed: 0,
        minReadyReplicas: 2,
      });
      expect(result.json.rolloutSeconds).toBeUndefined();
      expectAccessEnded(s);
    });

    test.each([PRODUCTION_SHELL])('not complete within the timeout: FAIL, exit 2, saying what it waited for, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { rollout: { podReadyAfter: 4 } });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1', TIMEOUT_SECONDS: '9' }, shell);
      expect(result.status).toBe(2);
      // at 10 s: both new pods exist, the first old one has gone, the second is still running
      expect(result.json).toMatchObject({ verdict: 'FAIL', reason: 'the rollout was not complete within 9s (1 old replicas are pending termination)' });
    });

    test.each([PRODUCTION_SHELL])('an unready pod before the restart: NOT_RUN, exit 3, nothing restarted, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { pods: [apiPods()[0], { ...apiPods()[1], ready: false }] });
      const result = runExperiment(s, cluster, {}, shell);
      expect(result.status).toBe(3);
      // kubectl rollout status would still be waiting for it
      expect(result.json).toMatchObject({
        verdict: 'NOT_RUN', reason: 'deployment orders-api is not rolled out before the restart (1 of 2 updated replicas are available); nothing was injected',
      });
      expect(verbCalls('rollout')).toEqual([]);
      expectAccessEnded(s);
    });

    test.each([PRODUCTION_SHELL])('a paused Deployment: NOT_RUN, exit 3, nothing restarted, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { deployments: [apiAsRunning(s, { paused: true })] });
      const result = runExperiment(s, cluster, {}, shell);
      expect(result.json).toMatchObject({ verdict: 'NOT_RUN', reason: 'deployment orders-api is paused (kubectl rollout resume first); nothing was injected' });
      expect(verbCalls('rollout')).toEqual([]);
    });

    test.each(SHELLS)('stopped by SIGTERM mid-rollout: exit 143, an ABORTED result with the probes so far, the access removed, under %s', async (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { rollout: { podReadyAfter: 4 } });
      const run = startExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      const result = await run.stop('SIGTERM', () => cluster.calls('kubectl').some((c) => c[0] === 'rollout') && probes().length >= 3);
      expect(result.status).toBe(143);
      expect(result.json).toMatchObject({ verdict: 'ABORTED', reason: 'stopped by signal 15 (the Job deadline sends TERM); cleanup ran', cleanup: 'done', probesFailed: 0 });
      expect(result.json.probesSent).toBeGreaterThan(0);
      expect(cluster.bindingExists('orders-rollout')).toBe(false);
    });
  });

  describe('drain', () => {
    const synth = (props: Partial<ExperimentProps> = {}) => synthExperiment({ scenario: ChaosScenario.DRAIN, ...props });

    // minAvailable 1 of 2; replacements ready 6 s after the eviction. 0 s: a evicted (1 disruption
    // allowed); 2 s: b refused (1 healthy, 1 needed), retried 5 s later; 6 s: a's replacement
    // ready; 8 s: b evicted; 14 s: its replacement ready and b gone (terminating 2 s).
    test.each(MAIN_PATH_SHELLS)('evicts every pod through the Eviction API, retries what the budget refuses: PASS, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s);
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      expect(result.status).toBe(0);
      expect(result.json).toEqual({
        scenario: 'drain',
        target: 'orders-api',
        victim: '',
        injectedAt: '2027-01-15T08:00:00Z',
        healedAt: null,
        recoveredAt: null,
        recoverySeconds: null,
        slaSeconds: null,
        verdict: 'PASS',
        reason: 'drained in 14s: every pod replaced, never fewer than 1 ready (the budget keeps 1), all 14 probes of the health URL answered',
        budget: 'orders-api-pdb',
        budgetMinHealthy: 1,
        evicted: ['orders-api-7d9-a', 'orders-api-7d9-b'],
        budgetRefusals: 1,
        transientRefusals: 0,
        minReadyPods: 1,
        drainSeconds: 14,
        probesSent: 14,
        probesFailed: 0,
        longestGapSeconds: 1,
        firstFailedProbe: null,
        cleanup: 'done',
      });
      const evictions = verbCalls('create');
      expect(evictions).toEqual([
        ['create', '--raw', '/api/v1/namespaces/orders/pods/orders-api-7d9-a/eviction', '-f', '-'],
        ['create', '--raw', '/api/v1/namespaces/orders/pods/orders-api-7d9-b/eviction', '-f', '-'],
        ['create', '--raw', '/api/v1/namespaces/orders/pods/orders-api-7d9-b/eviction', '-f', '-'],
      ]);
      expect(result.stderr).toContain('the budget refused evicting pod orders-api-7d9-b (will retry after 5s): '
        + 'Error from server (TooManyRequests): Cannot evict pod as it would violate the pod\'s disruption budget.');
      // no delete of pods: evictions only
      expect(verbCalls('delete').filter((c) => c[1] === 'pod')).toEqual([]);
      expectExactAccess(s);
    });

    // The budget counts every pod its selector matches, the decoy too (as the disruption controller
    // does), so it lets both real pods go at once: only the target's own pods are counted, and the
    // drain says the budget did not keep them.
    test.each([PRODUCTION_SHELL])("a bare pod that copies the target's labels, listed first, is never evicted nor counted: the hollow budget is a FAIL, under %s", (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { pods: [{ name: 'aaa-decoy', labels: API_LABELS, owner: 'statefulset/decoy' }, ...apiPods()] });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      expect(result.json).toMatchObject({
        verdict: 'FAIL',
        reason: 'drained in 8s, but ready pods fell to 0 (at 2027-01-15T08:00:04Z), below the 1 poddisruptionbudget orders-api-pdb keeps',
        evicted: ['orders-api-7d9-a', 'orders-api-7d9-b'],
        minReadyPods: 0,
      });
      expect(verbCalls('create').filter((c) => c[2].includes('decoy'))).toEqual([]);
      expect(result.status).toBe(1);
    });

    test.each([PRODUCTION_SHELL])('the budget refuses until the timeout (the replacement never becomes ready): FAIL, exit 2, the budget held, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { replacementDelay: null });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1', TIMEOUT_SECONDS: '20' }, shell);
      expect(result.status).toBe(2);
      expect(result.json).toMatchObject({
        verdict: 'FAIL',
        reason: 'not drained within 20s: the budget refused evicting pod orders-api-7d9-b (4 refusals in all, and 0 transient refusals of the API server): too few pods were ready to allow another disruption',
        evicted: ['orders-api-7d9-a'],
        budgetRefusals: 4,
        minReadyPods: 1,
        budgetMinHealthy: 1,
        probesFailed: 0,
      });
      expectAccessEnded(s);
    });

    // 0 s: a refused by API Priority and Fairness (429 without a budget cause), retried 5 s later;
    // 5 s: a refused again (409: the budget's update conflicted); 10 s: a evicted; 12 s: b refused
    // by the budget (a's replacement not ready until 16 s); 17 s: b refused again (504); 22 s: b
    // evicted; its replacement ready at 28 s.
    test.each([PRODUCTION_SHELL])('transient refusals of the API server (429 without a budget cause, 409, 504) are retried like a budget refusal and counted apart: PASS, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { evictionAnswers: ['too-many-requests', 'conflict'] });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      expect(result.status).toBe(0);
      expect(result.json).toMatchObject({ verdict: 'PASS', evicted: ['orders-api-7d9-a', 'orders-api-7d9-b'], transientRefusals: 2, budgetRefusals: 1 });
      expect(result.stderr).toContain('the API server could not take the eviction of pod orders-api-7d9-a now (will retry after 5s): '
        + 'Error from server (TooManyRequests): the server has received too many requests and has asked us to try again later');
      expect(result.stderr).toContain('the API server could not take the eviction of pod orders-api-7d9-a now (will retry after 5s): '
        + 'Error from server (Conflict): Operation cannot be fulfilled on poddisruptionbudgets.policy "orders-api-pdb": the object has been modified; please apply your changes to the latest version and try again');
      expectExactAccess(s);
    });

    test.each([PRODUCTION_SHELL])('an API server that keeps timing out the eviction (504) until the timeout: FAIL, exit 2, naming the transient refusals, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { evictionAnswers: Array(10).fill('timeout') });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1', TIMEOUT_SECONDS: '12' }, shell);
      expect(result.status).toBe(2);
      expect(result.json).toMatchObject({
        verdict: 'FAIL',
        reason: 'not drained within 12s: the API server kept refusing to evict pod orders-api-7d9-a (3 transient refusals: too many requests, or conflicts updating the budget)',
        evicted: [],
        budgetRefusals: 0,
        transientRefusals: 3,
      });
      expect(result.stderr).toContain('Error from server (Timeout): Timeout: couldn\'t update PodDisruptionBudget "orders-api-pdb" due to conflicts');
      expectAccessEnded(s);
    });

    test.each([PRODUCTION_SHELL])('a pod lost to something else mid-drain (a node failure): ready pods below the budget and probes failing: FAIL, exit 1, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { edits: [{ at: 1, resource: 'pods', name: 'orders-api-7d9-b', patch: null }] });
      const result = runExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      expect(result.status).toBe(1);
      expect(result.json.reason).toMatch(/^drained in \d+s, but ready pods fell to 0 \(at 2027-01-15T08:00:02Z\), below the 1 poddisruptionbudget orders-api-pdb keeps; \d+ of \d+ probes of the health URL failed \(the first at 2027-01-15T08:00:01Z: HTTP 000\)$/);
      expect(result.json).toMatchObject({ verdict: 'FAIL', minReadyPods: 0 });
    });

    test.each([PRODUCTION_SHELL])('an unready pod before the drain: NOT_RUN, exit 3, nothing evicted, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { pods: [apiPods()[0], { ...apiPods()[1], ready: false }] });
      const result = runExperiment(s, cluster, {}, shell);
      expect(result.status).toBe(3);
      expect(result.json).toMatchObject({ verdict: 'NOT_RUN', reason: 'deployment orders-api is not healthy before injection; nothing was injected' });
      expect(verbCalls('create')).toEqual([]);
      expectAccessEnded(s);
    });

    test.each([PRODUCTION_SHELL])('a budget in the cluster that does not select the pods: NOT_RUN, exit 3, nothing evicted, under %s', (shell) => {
      const s = synth();
      const elsewhere = { ...s.apiBudget, metadata: { ...s.apiBudget.metadata, namespace: 'orders' }, spec: { ...s.apiBudget.spec, selector: { matchLabels: { app: 'other' } } } };
      cluster = ordersCluster(s, { budgets: [elsewhere] });
      const result = runExperiment(s, cluster, {}, shell);
      expect(result.status).toBe(3);
      expect(result.json.reason).toBe('poddisruptionbudget orders-api-pdb does not select pod(s) orders-api-7d9-a orders-api-7d9-b of deployment orders-api: their evictions would not be guarded; nothing was injected');
      expect(verbCalls('create')).toEqual([]);
    });

    test.each([PRODUCTION_SHELL])('a budget that allows no disruption now (edited in the cluster): NOT_RUN, exit 3, nothing evicted, under %s', (shell) => {
      const s = synth();
      cluster = ordersCluster(s, { budgets: [{ ...s.apiBudget, metadata: { ...s.apiBudget.metadata, namespace: 'orders' }, spec: { ...s.apiBudget.spec, minAvailable: 2 } }] });
      const result = runExperiment(s, cluster, {}, shell);
      expect(result.status).toBe(3);
      expect(result.json.reason).toBe('poddisruptionbudget orders-api-pdb allows no disruption now (it needs 2 healthy pods and has 2): a drain would stall; nothing was injected');
      expect(verbCalls('create')).toEqual([]);
    });

    test.each(SHELLS)('stopped by SIGTERM mid-drain: exit 143, an ABORTED result naming what was evicted, the access removed, under %s', async (shell) => {
      const s = synth();
      cluster = ordersCluster(s);
      const run = startExperiment(s, cluster, { PROBE_PAUSE: '1' }, shell);
      // stopped at the first probe after the eviction (by then the run has recorded it): a log line, not a time
      let probesAtEviction: number | undefined;
      const result = await run.stop('SIGTERM', (log) => {
        if (!log.includes('evicted pod orders-api-7d9-a')) return false;
        probesAtEviction ??= probes().length;
        return probes().length > probesAtEviction;
      });
      expect(result.status).toBe(143);
      expect(result.json).toMatchObject({ verdict: 'ABORTED', evicted: ['orders-api-7d9-a'], cleanup: 'done' });
      expect(cluster.bindingExists('orders-drain')).toBe(false);
    });
  });

  describe('observability-block', () => {
    const synth = (props: Partial<ExperimentProps> = {}) => synthExperiment({ scenario: ChaosScenario.OBSERVABILITY_BLOCK, ...props });
    const blockCluster = (s: Synthesized, extra: Partial<FakeClusterOptions> = {}) => ordersCluster(s, {
      ...extra,
      health: { partitionPolicy: 'orders/orders-api', ...extra.health },
    });
    const duringBlock = () => cluster.state.history[0].object;
    const HOLD = { HOLD_SECONDS: '10' };

    test.each(MAIN_PATH_SHELLS)('removes exactly the collector\'s egress for the hold time, the service keeps answering: PASS, under %s', (shell) => {
      const s = synth();
      cluster = blockCluster(s);
      const result = runExperiment(s, cluster, { ...HOLD, PROBE_PAUSE: '1' }, shell);
      expect(result.status).toBe(0);
      expect(result.json).toEqual({
        scenario: 'observability-block',
        target: 'orders-api',
        victim: '',
        injectedAt: '2027-01-15T08:00:00Z',
        healedAt: '2027-01-15T08:00:10Z',
        recoveredAt: null,
        recoverySeconds: null,
        slaSeconds: null,
        verdict: 'PASS',
        reason: 'the service kept answering while its observability stack was unreachable for 10s: all 10 probes of the health URL answered',
        blockedEgress: [OTLP_EGRESS_JSON],
        probesSent: 10,
        probesFailed: 0,
        longestGapSeconds: 1,
        firstFailedProbe: null,
        cleanup: 'done',
      });
      // during the block: the same policy without the collector's rule, DNS egress and ingress untouched
      const [dns, otlp] = s.apiPolicy.spec.egress;
      expect(otlp).toEqual(OTLP_EGRESS_JSON);
      expect(duringBlock().spec).toEqual({ ...s.apiPolicy.spec, egress: [dns] });
      expect(cluster.policy('orders-api')).toEqual({ ...s.apiPolicy, metadata: { ...s.apiPolicy.metadata, namespace: 'orders' } });
      expectExactAccess(s);
    });

    test.each([PRODUCTION_SHELL])('a service that cannot answer without its collector: FAIL, exit 1, the policy restored; probed several times a second, under %s', (shell) => {
      const s = synth();
      cluster = blockCluster(s, { health: { dependsOnEgress: OTLP_EGRESS_JSON } });
      const result = runExperiment(s, cluster, { HOLD_SECONDS: '5' }, shell);
      expect(result.status).toBe(1);
      expect(result.json).toMatchObject({
        verdict: 'FAIL',
        reason: 'the service did not degrade gracefully while its observability stack was unreachable for 5s: 25 of 25 probes of the health URL failed (the first at 2027-01-15T08:00:00Z: HTTP 503)',
        longestGapSeconds: 5,
      });
      // PROBE_PAUSE 0.2: five probes a second
      expect(probes().length).toBe(1 + 25);
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
      expectAccessEnded(s);
    });

    test.each([PRODUCTION_SHELL])('a policy that does not allow the collector: NOT_RUN, exit 3, nothing patched, under %s', (shell) => {
      const s = synth();
      const without = { ...s.apiPolicy, spec: { ...s.apiPolicy.spec, egress: s.apiPolicy.spec.egress.slice(0, 1) } };
      cluster = blockCluster(s, { networkPolicies: [without] });
      const result = runExperiment(s, cluster, HOLD, shell);
      expect(result.status).toBe(3);
      expect(result.json.reason).toBe(`networkpolicy orders-api does not allow the egress ${literalEnv(s.container).OBSERVABILITY_EGRESS}: there is nothing to block (apply the chart that adds it); nothing was injected`);
      expect(verbCalls('patch')).toEqual([]);
    });

    const badSettings: Array<[string, string, string]> = [
      ['OBSERVABILITY_EGRESS', '[]', 'OBSERVABILITY_EGRESS must be a JSON array of NetworkPolicy egress rules, got \'[]\''],
      ['OBSERVABILITY_EGRESS', '{"to":[]}', 'OBSERVABILITY_EGRESS must be a JSON array of NetworkPolicy egress rules, got \'{"to":[]}\''],
      ['PROBE_PAUSE', '.2', 'PROBE_PAUSE must be seconds from 0 to 9.99 with at most two decimals, got \'.2\''],
      ['PROBE_TIMEOUT', '0', 'PROBE_TIMEOUT must be whole seconds from 1 to 59, got \'0\''],
    ];
    test.each(SHELLS.flatMap((shell) => badSettings.map(([name, value, reason]) => [name, value, shell, reason])))('%s=%s: NOT_RUN, exit 3, before any call but the removal of the access, under %s', (name, value, shell, reason) => {
      const s = synth();
      cluster = blockCluster(s);
      const result = runExperiment(s, cluster, { [name]: value }, shell);
      expect(result.status).toBe(3);
      expect(result.json.reason).toBe(reason);
      expect(kubectl()).toEqual([['delete', 'rolebinding', 'orders-observability-block', '-n', 'orders', '--wait=false', '--ignore-not-found']]);
    });

    test.each([PRODUCTION_SHELL])('an unhealthy target: NOT_RUN, exit 3, nothing patched, under %s', (shell) => {
      const s = synth();
      cluster = blockCluster(s, { health: { up: false } });
      const result = runExperiment(s, cluster, HOLD, shell);
      expect(result.status).toBe(3);
      expect(verbCalls('patch')).toEqual([]);
      expectAccessEnded(s);
    });

    test.each(SHELLS)('stopped by SIGTERM during the block: exit 143, the policy restored, the access removed, under %s', async (shell) => {
      const s = synth();
      cluster = blockCluster(s);
      const run = startExperiment(s, cluster, { HOLD_SECONDS: '3600', PROBE_PAUSE: '1' }, shell);
      const result = await run.stop('SIGTERM', () => cluster.state.history.length > 0);
      expect(result.status).toBe(143);
      expect(result.json).toMatchObject({ verdict: 'ABORTED', cleanup: 'done' });
      expect(cluster.policy('orders-api').spec).toEqual(s.apiPolicy.spec);
      expect(result.stderr.split('\n').filter((l) => l.includes('partition removed'))).toHaveLength(1);
      expect(cluster.bindingExists('orders-observability-block')).toBe(false);
    });
  });
});
