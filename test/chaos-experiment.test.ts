import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ChaosExperiment, ChaosExperimentProps, ChaosScenario, HardenedDeployment, RecoverySla } from '../src';
import { describeWith } from './support/binaries';
import { toYaml } from './support/charts';
import { CLUSTER_STANDIN, FakeCluster } from './support/fake-cluster';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';
import { ASSETS, runScript } from './support/scripts';
import { containerEnv, literalEnv, materializeConfigMap } from './support/synthesized';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';
const NATS = { statefulSetName: 'nats', podLabels: { 'app.kubernetes.io/name': 'nats' } };

function chaosChart() {
  const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
  return { chart, api };
}

function synthExperiment(props: Partial<ChaosExperimentProps> & { scenario: ChaosScenario }) {
  const { chart, api } = chaosChart();
  const target = props.scenario === ChaosScenario.NATS_KILL ? undefined : api;
  const nats = props.scenario === ChaosScenario.NATS_KILL ? NATS : undefined;
  const experiment = new ChaosExperiment(chart, 'experiment', { metadata: { name: `orders-${props.scenario}` }, target, nats, ...props });
  const objects = synthValid(chart).filter((o) => o.metadata.name.startsWith(`orders-${props.scenario}`));
  const job = onlyOfKind(objects, 'Job');
  const pod = job.spec.template.spec;
  return { experiment, objects, job, pod, container: pod.containers[0], env: containerEnv(pod.containers[0]) };
}

describe('RecoverySla', () => {
  test('the baseline SLAs', () => {
    expect(RecoverySla.BASELINE.map((s) => [s.name, s.maxRecovery?.toSeconds() ?? null, s.gracefulDegradation])).toEqual([
      ['api-pod-kill', 30, false],
      ['nats-leader-election', 60, false],
      ['network-partition', 90, false],
      ['memory-pressure', 45, false],
      ['observability-failure', null, true],
    ]);
  });
});

describe('ChaosExperiment', () => {
  test.each([ChaosScenario.API_KILL, ChaosScenario.NATS_KILL, ChaosScenario.NETWORK_BLOCK])('snapshot of %s', (scenario) => {
    const { objects } = synthExperiment({ scenario });
    expect(toYaml(objects.map((o) => (o.kind === 'ConfigMap' ? { ...o, data: Object.keys(o.data) } : o)))).toMatchSnapshot();
  });

  test.each([
    [ChaosScenario.API_KILL, 30, 390],
    [ChaosScenario.NATS_KILL, 60, 480],
    [ChaosScenario.NETWORK_BLOCK, 90, 630],
  ])('%s: a one-shot Job measured against its baseline SLA (%i s)', (scenario, sla, deadline) => {
    const { job, container, env, experiment } = synthExperiment({ scenario });
    expect(experiment.sla.maxRecovery!.toSeconds()).toBe(sla);
    expect(env).toMatchObject({ SLA_SECONDS: String(sla), TIMEOUT_SECONDS: String(sla * 3), POLL_SECONDS: '2', HEALTH_SUCCESSES: '3' });
    expect(env.NAMESPACE).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: deadline, ttlSecondsAfterFinished: 86400 });
    expect(container.command).toEqual(['/bin/sh', `/opt/chaos/${scenario}.sh`]);
    expect(container.image).toBe('alpine/k8s:1.28.13');
    expect(job.metadata.labels['chaos.cdk8s-hardening.io/scenario']).toBe(scenario);
  });

  test('each Job runs under its own ServiceAccount with a namespaced Role: no wildcard, no ClusterRole, no secrets', () => {
    for (const scenario of [ChaosScenario.API_KILL, ChaosScenario.NATS_KILL, ChaosScenario.NETWORK_BLOCK]) {
      const { objects, pod } = synthExperiment({ scenario });
      const account = onlyOfKind(objects, 'ServiceAccount');
      const role = onlyOfKind(objects, 'Role');
      const binding = onlyOfKind(objects, 'RoleBinding');
      expect(ofKind(objects, 'ClusterRole')).toHaveLength(0);
      expect(ofKind(objects, 'ClusterRoleBinding')).toHaveLength(0);
      expect(pod.serviceAccountName).toBe(account.metadata.name);
      expect(account.automountServiceAccountToken).toBe(false);
      expect(pod.automountServiceAccountToken).toBe(true);
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: account.metadata.name }]);
      for (const rule of role.rules) {
        for (const field of ['apiGroups', 'resources', 'verbs']) expect(rule[field]).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
      }
    }
  });

  test('api-kill: may read its Deployment and list and delete pods, nothing else', () => {
    const { objects, env } = synthExperiment({ scenario: ChaosScenario.API_KILL });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['orders-api'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
    ]);
    expect(env).toMatchObject({
      TARGET_DEPLOYMENT: 'orders-api',
      TARGET_SELECTOR: 'app.kubernetes.io/name=orders-api,app.kubernetes.io/instance=orders-api',
      HEALTH_URL: 'http://orders-api.orders.svc:80/readyz',
    });
  });

  test('nats-kill: may read its StatefulSet and list and delete pods; kills the meta leader', () => {
    const { objects, env } = synthExperiment({ scenario: ChaosScenario.NATS_KILL });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['nats'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
    ]);
    expect(env).toMatchObject({ NATS_STATEFULSET: 'nats', NATS_SELECTOR: 'app.kubernetes.io/name=nats', NATS_MONITOR_PORT: '8222', NATS_PREFER_LEADER: 'true' });
  });

  test('network-block: a gated chaos NetworkPolicy in the chart, armed by labelling pods (patch), held 60 s', () => {
    const { objects, env, experiment } = synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['orders-api'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch'] },
    ]);
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api', 'chaos.cdk8s-hardening.io/partition': 'orders-network-block',
    });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(env).toMatchObject({ HOLD_SECONDS: '60', GATE_LABEL: experiment.networkPolicy!.gateLabel });
  });

  test('SLA, timeout, hold time, deadline and health checks are configurable', () => {
    const { env, job } = synthExperiment({
      scenario: ChaosScenario.NETWORK_BLOCK,
      sla: RecoverySla.within(Duration.seconds(45), 'partition-tight'),
      recoveryTimeout: Duration.minutes(3),
      holdTime: Duration.minutes(2),
      activeDeadline: Duration.minutes(10),
      pollInterval: Duration.seconds(5),
      healthSuccesses: 5,
      healthUrl: 'https://orders.example.com/readyz',
    });
    expect(env).toMatchObject({
      SLA_SECONDS: '45', TIMEOUT_SECONDS: '180', HOLD_SECONDS: '120', POLL_SECONDS: '5', HEALTH_SUCCESSES: '5', HEALTH_URL: 'https://orders.example.com/readyz',
    });
    expect(job.spec.activeDeadlineSeconds).toBe(600);
  });

  test('a plain cdk8s-plus Deployment target: Deployment readiness only, no health URL', () => {
    const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
    const plain = new kplus.Deployment(chart, 'plain', { metadata: { name: 'plain' }, containers: [{ image: IMAGE }] });
    new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: plain });
    const env = containerEnv(onlyOfKind(Testing.synth(chart), 'Job').spec.template.spec.containers[0]);
    expect(env.HEALTH_URL).toBe('');
    expect(env.TARGET_SELECTOR).toBe(`cdk8s.io/metadata.addr=${plain.matchLabels['cdk8s.io/metadata.addr']}`);
  });

  test('the scripts ConfigMap ships the tested scenario script and its library', () => {
    const { objects } = synthExperiment({ scenario: ChaosScenario.NATS_KILL });
    const data = onlyOfKind(objects, 'ConfigMap').data;
    expect(Object.keys(data).sort()).toEqual(['chaos-lib.sh', 'nats-kill.sh']);
    expect(data['nats-kill.sh']).toBe(readFileSync(join(ASSETS, 'chaos', 'nats-kill.sh'), 'utf8'));
  });
});

describe('ChaosExperiment refuses', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['an SLA of zero', () => RecoverySla.within(Duration.seconds(0)), 'maxRecovery must be whole seconds above 0, got 0 seconds'],
    // cdk8s itself refuses to build a negative Duration, before the SLA sees it
    ['a negative SLA', () => RecoverySla.within(Duration.seconds(-5)), 'Duration amounts cannot be negative. Received: -5'],
    ['a fractional SLA', () => RecoverySla.within(Duration.millis(1500)), 'maxRecovery must be whole seconds above 0, got 1 second 500 millis'],
    ['graceful degradation as the SLA of a timed scenario', () => synthExperiment({ scenario: ChaosScenario.API_KILL, sla: RecoverySla.OBSERVABILITY_FAILURE }),
      'sla must have a recovery time for api-kill (graceful degradation has none to measure), got "observability-failure"'],
    ['a hold time not below the Job deadline', () => synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, holdTime: Duration.minutes(10), activeDeadline: Duration.minutes(10) }),
      'holdTime must be below the Job deadline (10 minutes), got 10 minutes'],
    ['a deadline that leaves no time for the verdict', () => synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, holdTime: Duration.minutes(5), activeDeadline: Duration.minutes(8) }),
      'activeDeadline must exceed holdTime + recoveryTimeout (570 seconds) so the verdict comes before the kill, got 8 minutes'],
    ['a health URL without scheme', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'orders-api/readyz' }),
      'healthUrl must be an http:// or https:// URL, such as "http://orders-api.orders.svc/readyz", got "orders-api/readyz"'],
    ['a recovery timeout below the SLA', () => synthExperiment({ scenario: ChaosScenario.API_KILL, recoveryTimeout: Duration.seconds(10) }),
      'recoveryTimeout must be whole seconds, at least the SLA (30 seconds), or a slow recovery reads as a timeout, got 10 seconds'],
    ['a poll interval of zero', () => synthExperiment({ scenario: ChaosScenario.API_KILL, pollInterval: Duration.seconds(0) }),
      'pollInterval must be whole seconds, at least 1 second, got 0 seconds'],
    ['zero health successes', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthSuccesses: 0 }), 'healthSuccesses must be a whole number of at least 1, got 0'],
    ['a hold time on api-kill', () => synthExperiment({ scenario: ChaosScenario.API_KILL, holdTime: Duration.seconds(30) }),
      'holdTime must be left out: it applies to network-block only, got "api-kill"'],
    ['an unpinned image', () => synthExperiment({ scenario: ChaosScenario.API_KILL, image: 'alpine/k8s:latest' }),
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); the latest tag moves between pulls, got "alpine/k8s:latest"'],
    ['an empty NATS pod selector', () => synthExperiment({ scenario: ChaosScenario.NATS_KILL, nats: { statefulSetName: 'nats', podLabels: {} } }),
      'nats.podLabels must select pods by at least one label: an empty selector matches every pod in the namespace, got {}'],
    ['an invalid StatefulSet name', () => synthExperiment({ scenario: ChaosScenario.NATS_KILL, nats: { statefulSetName: 'NATS_0', podLabels: { app: 'nats' } } }),
      'nats.statefulSetName must be the name of a StatefulSet, got "NATS_0"'],
    ['an invalid monitoring port', () => synthExperiment({ scenario: ChaosScenario.NATS_KILL, nats: { ...NATS, monitorPort: 0 } }),
      'nats.monitorPort must be a port number from 1 to 65535, got 0'],
  ];
  test.each(cases)('fails with %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('fails without the target its scenario needs', () => {
    const { chart } = chaosChart();
    expect(() => new ChaosExperiment(chart, 'a', { scenario: ChaosScenario.API_KILL }))
      .toThrow('target must be given for api-kill: the Deployment to disrupt, got nothing');
    expect(() => new ChaosExperiment(chart, 'b', { scenario: ChaosScenario.NATS_KILL })).toThrow('nats must be given for nats-kill, got nothing');
  });

  test('fails with a target that selects no labels', () => {
    const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
    const plain = new kplus.Deployment(chart, 'plain', { select: false, containers: [{ image: IMAGE }] });
    expect(() => new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: plain }))
      .toThrow('target must select pods by at least one label: an empty selector matches every pod in the namespace, got "chaos/plain"');
  });

  test('fails with a target in another namespace', () => {
    const { api } = chaosChart();
    const other = new Chart(Testing.app(), 'other', { namespace: 'chaos' });
    expect(() => new ChaosExperiment(other, 'kill', { scenario: ChaosScenario.API_KILL, target: api }))
      .toThrow('target must live in the experiment\'s namespace (chaos): the Role is namespaced, got "orders"');
  });
});

// The manifest and the script meet: the synthesized ConfigMap's script runs with the
// synthesized Job environment against the scripted cluster STAND-IN.
describeWith(['jq'], 'ChaosExperiment as synthesized, against a scripted cluster', () => {
  test('api-kill passes when the replacement is ready in 12 s', () => {
    const { objects, container } = synthExperiment({ scenario: ChaosScenario.API_KILL });
    const cluster = new FakeCluster({
      deployments: { 'orders-api': 2 },
      pods: ['a', 'b'].map((s) => ({
        name: `orders-api-5f7-${s}`, labels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' }, owner: 'deployment/orders-api',
      })),
      replacementDelay: 12,
    });
    try {
      const dir = join(cluster.dir, 'opt-chaos');
      materializeConfigMap(onlyOfKind(objects, 'ConfigMap'), dir);
      const result = runScript('sh', join(dir, 'api-kill.sh'), { ...literalEnv(container), NAMESPACE: 'orders', ...cluster.env }, [CLUSTER_STANDIN]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout.trim())).toMatchObject({ scenario: 'api-kill', recoverySeconds: 12, slaSeconds: 30, verdict: 'PASS' });
    } finally {
      cluster.dispose();
    }
  });
});
