import { readFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ChaosDirection, ChaosExperiment, ChaosScenario, EgressRule, HardenedDeployment, HealthProbe, IngressRule, RecoverySla } from '../src';
import { API_SERVER, CHART_NATS_LABELS, IMAGE, OTLP_EGRESS_JSON, chaosChart, otlpEgress, synthExperiment } from './support/chaos';
import { toYaml } from './support/charts';
import { CLUSTER_DNS_EGRESS, restrictedContainerSecurityContext } from './support/expected';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';
import { ASSETS } from './support/scripts';
import { commandScript, containerEnv } from './support/synthesized';

const SCENARIOS = [
  ChaosScenario.API_KILL, ChaosScenario.NATS_KILL, ChaosScenario.NETWORK_BLOCK,
  ChaosScenario.ROLLOUT, ChaosScenario.DRAIN, ChaosScenario.OBSERVABILITY_BLOCK,
];
const DNS = CLUSTER_DNS_EGRESS;
const TO_API_SERVER = { to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] };
const TO_API_PODS = {
  to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } } }],
  ports: [{ port: 8080, protocol: 'TCP' }],
};
const revoke = (name: string) => ({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], resourceNames: [name], verbs: ['delete'] });

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

  test('zero downtime: the SLA of rollout and drain, outside the baseline, without a recovery time', () => {
    expect([RecoverySla.ZERO_DOWNTIME.name, RecoverySla.ZERO_DOWNTIME.maxRecovery, RecoverySla.ZERO_DOWNTIME.gracefulDegradation]).toEqual(['zero-downtime', undefined, true]);
    expect(RecoverySla.BASELINE).not.toContain(RecoverySla.ZERO_DOWNTIME);
  });

  test('within: an SLA of your own, named (custom unless named)', () => {
    const sla = RecoverySla.within(Duration.minutes(2), 'partition-tight');
    expect([sla.name, sla.maxRecovery!.toSeconds(), sla.gracefulDegradation]).toEqual(['partition-tight', 120, false]);
    expect(RecoverySla.within(Duration.days(1)).maxRecovery!.toSeconds()).toBe(86400);
    expect(RecoverySla.within(Duration.seconds(20)).name).toBe('custom');
  });
});

describe('ChaosExperiment', () => {
  test.each(SCENARIOS)('snapshot of %s', (scenario) => {
    const { objects } = synthExperiment({ scenario });
    expect(toYaml(objects.map((o) => (o.kind === 'ConfigMap' ? { ...o, data: Object.keys(o.data) } : o)))).toMatchSnapshot();
  });

  test.each([
    [ChaosScenario.API_KILL, 30, 390],
    [ChaosScenario.NATS_KILL, 60, 480],
    [ChaosScenario.NETWORK_BLOCK, 90, 630],
  ])('%s: a one-shot Job measured against its baseline SLA (%i s)', (scenario, sla, deadline) => {
    const { job, pod, container, experiment } = synthExperiment({ scenario });
    const env = containerEnv(container);
    expect(experiment.sla.maxRecovery!.toSeconds()).toBe(sla);
    expect(env).toMatchObject({
      SLA_SECONDS: String(sla), TIMEOUT_SECONDS: String(sla * 3), POLL_SECONDS: '2', HEALTH_SUCCESSES: '3', ACCESS_BINDING: `orders-${scenario}`, HOME: '/home/chaos',
    });
    expect(env.NAMESPACE).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(env.POD_NAME).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: deadline, ttlSecondsAfterFinished: 86400 });
    expect(pod.restartPolicy).toBe('Never');
    expect(commandScript(container)).toEqual({ dir: '/opt/chaos', script: `${scenario}.sh` });
    expect(container.workingDir).toBe('/tmp');
    expect(container.image).toBe('alpine/k8s:1.28.13');
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.securityContext).toEqual(restrictedContainerSecurityContext(65532, 65532));
    expect(container.resources).toEqual({
      limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '128Mi' },
      requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '32Mi' },
    });
    expect(job.metadata.labels['chaos.cdk8s-hardening.io/scenario']).toBe(scenario);
  });

  test.each(SCENARIOS)('%s: no legacy token; a projected token that expires after 10 minutes, with the CA and namespace kubectl reads', (scenario) => {
    const { objects, pod, container } = synthExperiment({ scenario });
    expect(onlyOfKind(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toContainEqual({
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o444,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
  });

  test('each Job runs under its own ServiceAccount with a namespaced Role: no wildcard, no ClusterRole, no secrets, never patch or update on pods', () => {
    for (const scenario of SCENARIOS) {
      const { objects, pod } = synthExperiment({ scenario });
      const account = onlyOfKind(objects, 'ServiceAccount');
      const role = onlyOfKind(objects, 'Role');
      const binding = onlyOfKind(objects, 'RoleBinding');
      expect(ofKind(objects, 'ClusterRole')).toHaveLength(0);
      expect(ofKind(objects, 'ClusterRoleBinding')).toHaveLength(0);
      expect(pod.serviceAccountName).toBe(account.metadata.name);
      expect(binding.metadata.name).toBe(`orders-${scenario}`);
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: account.metadata.name, namespace: 'orders' }]);
      expect(role.rules.length).toBeGreaterThan(0);
      for (const rule of role.rules) {
        for (const field of ['apiGroups', 'resources', 'verbs']) expect(rule[field]).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
        if (rule.resources.includes('pods')) expect(rule.verbs.filter((v: string) => ['patch', 'update', 'create'].includes(v))).toEqual([]);
      }
    }
  });

  test('api-kill: reads its Deployment, lists and deletes pods, deletes its own RoleBinding; reaches DNS, the API server and the API pods only', () => {
    const { objects, container } = synthExperiment({ scenario: ChaosScenario.API_KILL });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['orders-api'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
      revoke('orders-api-kill'),
    ]);
    expect(containerEnv(container)).toMatchObject({
      TARGET_DEPLOYMENT: 'orders-api',
      TARGET_SELECTOR: 'app.kubernetes.io/name=orders-api,app.kubernetes.io/instance=orders-api',
      HEALTH_URL: 'http://orders-api.orders.svc:80/readyz',
    });
    expect(onlyOfKind(objects, 'NetworkPolicy').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-api-kill', 'app.kubernetes.io/instance': 'orders-api-kill', 'app.kubernetes.io/component': 'chaos-experiment' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [DNS, TO_API_SERVER, TO_API_PODS],
    });
  });

  test.each([
    [ChaosScenario.ROLLOUT, 'zero-downtime', 900, { TIMEOUT_SECONDS: '600' }],
    [ChaosScenario.DRAIN, 'zero-downtime', 900, { TIMEOUT_SECONDS: '600', TARGET_BUDGET: 'orders-api-pdb' }],
    [ChaosScenario.OBSERVABILITY_BLOCK, 'observability-failure', 360, { HOLD_SECONDS: '60', TARGET_POLICY: 'orders-api' }],
  ])('%s: a one-shot Job whose verdict is that every probe answered (SLA %s, deadline %i s)', (scenario, sla, deadline, settings) => {
    const { job, container, experiment } = synthExperiment({ scenario });
    const env = containerEnv(container);
    expect([experiment.sla.name, experiment.sla.maxRecovery, experiment.sla.gracefulDegradation]).toEqual([sla, undefined, true]);
    expect(env).toMatchObject({
      ...settings,
      TARGET_DEPLOYMENT: 'orders-api',
      TARGET_SELECTOR: 'app.kubernetes.io/name=orders-api,app.kubernetes.io/instance=orders-api',
      HEALTH_URL: 'http://orders-api.orders.svc:80/readyz',
      POLL_SECONDS: '2',
      ACCESS_BINDING: `orders-${scenario}`,
    });
    // no recovery to measure: no SLA seconds, no streak of healthy answers
    for (const name of ['SLA_SECONDS', 'HEALTH_SUCCESSES', 'PROBE_PAUSE']) expect(env[name]).toBeUndefined();
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: deadline, ttlSecondsAfterFinished: 86400 });
    expect(commandScript(container)).toEqual({ dir: '/opt/chaos', script: `${scenario}.sh` });
  });

  test('rollout: get and patch on its Deployment, list on ReplicaSets and pods; probes the API pods', () => {
    const { objects } = synthExperiment({ scenario: ChaosScenario.ROLLOUT });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['orders-api'], verbs: ['get', 'patch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      revoke('orders-rollout'),
    ]);
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress).toEqual([DNS, TO_API_SERVER, TO_API_PODS]);
  });

  test('rollout and drain wait for the target\'s replicas times its progress deadline by default, at least its progress deadline', () => {
    const { chart } = chaosChart('orders', false);
    const api = new HardenedDeployment(chart, 'slow', { image: IMAGE, metadata: { name: 'slow-api' }, service: true, replicas: 3, progressDeadline: Duration.minutes(2) });
    api.addDisruptionBudget();
    const rollout = new ChaosExperiment(chart, 'rollout', { scenario: ChaosScenario.ROLLOUT, target: api, apiServer: API_SERVER, metadata: { name: 'slow-rollout' } });
    const drain = new ChaosExperiment(chart, 'drain', {
      scenario: ChaosScenario.DRAIN, target: api, apiServer: API_SERVER, metadata: { name: 'slow-drain' }, recoveryTimeout: Duration.minutes(2),
    });
    const env = (e: ChaosExperiment) => containerEnv(ApiObject.of(e.job).toJson().spec.template.spec.containers[0]);
    expect(env(rollout).TIMEOUT_SECONDS).toBe('360');
    expect(env(drain).TIMEOUT_SECONDS).toBe('120');
  });

  test('drain: get on its Deployment and its budget, list on pods, create on pods/eviction; never delete, patch or update pods', () => {
    const { objects, all } = synthExperiment({ scenario: ChaosScenario.DRAIN });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['orders-api'], verbs: ['get'] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], resourceNames: ['orders-api-pdb'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      revoke('orders-drain'),
    ]);
    expect(onlyOfKind(all, 'PodDisruptionBudget').metadata.name).toBe('orders-api-pdb');
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress).toEqual([DNS, TO_API_SERVER, TO_API_PODS]);
  });

  test('drain finds the budget in any chart of the target\'s app, in the target\'s namespace, made without ApiPdb too', () => {
    const { chart, api } = chaosChart('orders', false);
    const budgets = new Chart(chart.node.scope as App, 'budgets', { namespace: 'orders' });
    new kplus.k8s.KubePodDisruptionBudget(budgets, 'pdb', {
      metadata: { name: 'hand-made' }, spec: { maxUnavailable: kplus.k8s.IntOrString.fromString('50%'), selector: { matchLabels: api.matchLabels } },
    });
    // the same labels in another namespace do not count, whether the chart or the budget's metadata says it
    new kplus.k8s.KubePodDisruptionBudget(new Chart(chart.node.scope as App, 'elsewhere', { namespace: 'other' }), 'pdb', {
      metadata: { name: 'elsewhere' }, spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: api.matchLabels } },
    });
    new kplus.k8s.KubePodDisruptionBudget(budgets, 'moved', {
      metadata: { name: 'moved', namespace: 'other' }, spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: api.matchLabels } },
    });
    // nor does a budget of other pods in the target's namespace
    new kplus.k8s.KubePodDisruptionBudget(budgets, 'workers', {
      metadata: { name: 'workers' }, spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/name': 'orders-worker' } } },
    });
    const chaos = new Chart(new App(), 'chaos', { namespace: 'orders' });
    const drain = new ChaosExperiment(chaos, 'drain', { scenario: ChaosScenario.DRAIN, target: api, apiServer: API_SERVER });
    expect(ApiObject.of(drain.role).toJson().rules).toContainEqual({ apiGroups: ['policy'], resources: ['poddisruptionbudgets'], resourceNames: ['hand-made'], verbs: ['get'] });
  });

  test('observability-block: switches the API\'s own NetworkPolicy; the rules to remove are exactly the policy\'s', () => {
    const { objects, container, apiPolicy } = synthExperiment({ scenario: ChaosScenario.OBSERVABILITY_BLOCK, holdTime: Duration.minutes(3) });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['orders-api'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], resourceNames: ['orders-api'], verbs: ['get', 'patch'] },
      revoke('orders-observability-block'),
    ]);
    const env = containerEnv(container);
    expect(env.HOLD_SECONDS).toBe('180');
    expect(JSON.parse(env.OBSERVABILITY_EGRESS)).toEqual([OTLP_EGRESS_JSON]);
    expect(apiPolicy.spec.egress).toContainEqual(JSON.parse(env.OBSERVABILITY_EGRESS)[0]);
    // the Job reaches the API pods, never the observability stack
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress).toEqual([DNS, TO_API_SERVER, TO_API_PODS]);
  });

  test('observability-block finds a rule in the target\'s policy whatever the order of its labels', () => {
    const { chart, api } = chaosChart();
    // the policy comes out with its keys sorted, the rule as given: name before component
    const labels = { 'app.kubernetes.io/name': 'opentelemetry-collector', 'app.kubernetes.io/component': 'collector' };
    const collector = () => EgressRule.toPods({ labels, namespaceName: 'observability', ports: [4318] });
    api.addEgressRule(collector());
    const block = new ChaosExperiment(chart, 'block', { scenario: ChaosScenario.OBSERVABILITY_BLOCK, target: api, apiServer: API_SERVER, observabilityEgress: [collector()] });
    const env = containerEnv(ApiObject.of(block.job).toJson().spec.template.spec.containers[0]);
    expect(JSON.parse(env.OBSERVABILITY_EGRESS)).toEqual([{
      to: [{ podSelector: { matchLabels: labels }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
      ports: [{ port: 4318, protocol: 'TCP' }],
    }]);
  });

  test('the Job\'s NetworkPolicy selects the Job\'s pods', () => {
    for (const scenario of SCENARIOS) {
      const { objects, job } = synthExperiment({ scenario });
      const selector = onlyOfKind(objects, 'NetworkPolicy').spec.podSelector.matchLabels;
      for (const [key, value] of Object.entries(selector)) expect(job.spec.template.metadata.labels[key]).toBe(value);
    }
  });

  test('nats-kill: reads its StatefulSet, lists and deletes pods; probes the NATS pods\' monitoring port; the script reads the selector itself', () => {
    const { objects, container } = synthExperiment({ scenario: ChaosScenario.NATS_KILL });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['nats'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
      revoke('orders-nats-kill'),
    ]);
    const env = containerEnv(container);
    expect(env).toMatchObject({ NATS_STATEFULSET: 'nats', NATS_MONITOR_PORT: '8222', NATS_PREFER_LEADER: 'true' });
    for (const name of ['NATS_SELECTOR', 'NATS_NAMESPACE', 'ACCESS_NAMESPACE', 'HEALTH_URL', 'TARGET_SELECTOR']) expect(env[name]).toBeUndefined();
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress).toEqual([
      DNS, TO_API_SERVER, { to: [{ podSelector: { matchLabels: CHART_NATS_LABELS } }], ports: [{ port: 8222, protocol: 'TCP' }] },
    ]);
  });

  test('nats-kill across namespaces: Role and RoleBinding in the NATS namespace for the ServiceAccount of the experiment\'s namespace', () => {
    const { objects, container, experiment } = synthExperiment({
      scenario: ChaosScenario.NATS_KILL, nats: { statefulSetName: 'nats', namespaceName: 'messaging', podLabels: CHART_NATS_LABELS, monitorPort: 8223 },
    }, 'payments');
    const role = onlyOfKind(objects, 'Role');
    const binding = onlyOfKind(objects, 'RoleBinding');
    // named after both namespaces: experiments of several namespaces never share (or delete) one another's
    expect([role.metadata.namespace, role.metadata.name]).toEqual(['messaging', 'payments.orders-nats-kill']);
    expect(experiment.role.metadata.namespace).toBe('messaging');
    expect([binding.metadata.namespace, binding.metadata.name]).toEqual(['messaging', 'payments.orders-nats-kill']);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'payments.orders-nats-kill' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-nats-kill', namespace: 'payments' }]);
    expect(role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['nats'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
      revoke('payments.orders-nats-kill'),
    ]);
    for (const kind of ['Job', 'ServiceAccount', 'ConfigMap', 'NetworkPolicy']) expect(onlyOfKind(objects, kind).metadata.namespace).toBe('payments');
    expect(containerEnv(container)).toMatchObject({
      NATS_NAMESPACE: 'messaging', ACCESS_NAMESPACE: 'messaging', ACCESS_BINDING: 'payments.orders-nats-kill', NATS_MONITOR_PORT: '8223',
    });
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress[2]).toEqual({
      to: [{ podSelector: { matchLabels: CHART_NATS_LABELS }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'messaging' } } }],
      ports: [{ port: 8223, protocol: 'TCP' }],
    });
  });

  test('nats-kill naming the experiment\'s own namespace as the NATS namespace: Role, RoleBinding and egress as within one namespace', () => {
    const { objects, container } = synthExperiment({
      scenario: ChaosScenario.NATS_KILL, nats: { statefulSetName: 'nats', namespaceName: 'orders', podLabels: CHART_NATS_LABELS },
    });
    for (const kind of ['Role', 'RoleBinding']) expect([onlyOfKind(objects, kind).metadata.namespace, onlyOfKind(objects, kind).metadata.name]).toEqual(['orders', 'orders-nats-kill']);
    expect(containerEnv(container)).toMatchObject({ NATS_NAMESPACE: 'orders', ACCESS_NAMESPACE: 'orders', ACCESS_BINDING: 'orders-nats-kill' });
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress[2]).toEqual({ to: [{ podSelector: { matchLabels: CHART_NATS_LABELS } }], ports: [{ port: 8222, protocol: 'TCP' }] });
  });

  test('network-block: switches the API\'s own NetworkPolicy (get and patch on it by name); no pod write, no chaos policy', () => {
    const { objects, container, all } = synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, direction: ChaosDirection.INGRESS });
    expect(onlyOfKind(objects, 'Role').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['orders-api'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], resourceNames: ['orders-api'], verbs: ['get', 'patch'] },
      revoke('orders-network-block'),
    ]);
    expect(containerEnv(container)).toMatchObject({ HOLD_SECONDS: '60', DIRECTION: 'Ingress', TARGET_POLICY: 'orders-api' });
    expect(ofKind(all, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['orders-api', 'orders-network-block']);
  });

  test('network-block cuts both directions unless told otherwise', () => {
    const { container } = synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK });
    expect(containerEnv(container)).toMatchObject({ HOLD_SECONDS: '60', DIRECTION: 'Both', TARGET_POLICY: 'orders-api' });
  });

  test('no label takes a pod out of the API\'s NetworkPolicy: its selector is the workload\'s labels only', () => {
    const { apiPolicy } = synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK });
    expect(apiPolicy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } });
  });

  test('SLA, timeout, hold time, deadline and health checks are configurable', () => {
    const { container, job, objects } = synthExperiment({
      scenario: ChaosScenario.NETWORK_BLOCK,
      sla: RecoverySla.within(Duration.seconds(45), 'partition-tight'),
      recoveryTimeout: Duration.minutes(3),
      holdTime: Duration.minutes(2),
      activeDeadline: Duration.minutes(10),
      ttlAfterFinished: Duration.hours(2),
      pollInterval: Duration.seconds(5),
      healthSuccesses: 5,
      healthUrl: 'https://orders.example.com/readyz?probe=chaos',
      healthEgress: [EgressRule.toCidr('203.0.113.0/24', [443])],
    });
    expect(containerEnv(container)).toMatchObject({
      SLA_SECONDS: '45', TIMEOUT_SECONDS: '180', HOLD_SECONDS: '120', POLL_SECONDS: '5', HEALTH_SUCCESSES: '5', HEALTH_URL: 'https://orders.example.com/readyz?probe=chaos',
    });
    expect(job.spec.activeDeadlineSeconds).toBe(600);
    expect(job.spec.ttlSecondsAfterFinished).toBe(7200);
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress).toEqual([DNS, TO_API_SERVER, { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  test('as many healthy answers as fit the recovery timeout: 45 answers 2 seconds apart take 88 of its 90 seconds', () => {
    expect(containerEnv(synthExperiment({ scenario: ChaosScenario.API_KILL, healthSuccesses: 45 }).container).HEALTH_SUCCESSES).toBe('45');
  });

  test('a deadline one second past holdTime + recoveryTimeout (60 + 270 seconds)', () => {
    const { job } = synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, activeDeadline: Duration.seconds(331) });
    expect(job.spec.activeDeadlineSeconds).toBe(331);
  });

  test.each([
    'http://[fd00::1]:8080/readyz',
    'http://a/readyz',
    'http://orders-api:8080',
    'http://orders-api:1/readyz',
    'http://orders-api:65535/readyz',
  ])('a health URL as written: %s (a bracketed IPv6 host, a one-letter host, no path, the lowest and highest port)', (healthUrl) => {
    expect(containerEnv(synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl }).container).HEALTH_URL).toBe(healthUrl);
  });

  test('a plain cdk8s-plus Deployment target (api-kill): Deployment readiness only, no health URL, no probe egress', () => {
    const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
    const plain = new kplus.Deployment(chart, 'plain', { metadata: { name: 'plain' }, containers: [{ image: IMAGE }] });
    new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: plain, apiServer: API_SERVER });
    const objects = Testing.synth(chart);
    const job = onlyOfKind(objects, 'Job');
    const env = containerEnv(job.spec.template.spec.containers[0]);
    expect(env.HEALTH_URL).toBe('');
    expect(env.TARGET_SELECTOR).toBe(`cdk8s.io/metadata.addr=${plain.matchLabels['cdk8s.io/metadata.addr']}`);
    expect(job.metadata.name).toBe('chaos-kill-c8fd6549');
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress).toEqual([DNS, TO_API_SERVER]);
  });

  test.each([
    ['without a Service', { service: false }],
    ['whose readiness probe is no HTTP GET', { readiness: HealthProbe.tcp() }],
  ])('a HardenedDeployment target %s (api-kill): no default health URL, Deployment readiness only', (_name, props) => {
    const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true, ...props });
    new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER, metadata: { name: 'orders-api-kill' } });
    const objects = synthValid(chart);
    expect(containerEnv(onlyOfKind(objects, 'Job').spec.template.spec.containers[0]).HEALTH_URL).toBe('');
    expect(objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'orders-api-kill').spec.egress).toEqual([DNS, TO_API_SERVER]);
  });

  test('a Job probing the target through its Service must be among the target\'s ingress peers; one told where its health URL leads need not', () => {
    const { chart, api } = chaosChart();
    api.addIngressRule(IngressRule.fromIngressController());
    new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER, metadata: { name: 'orders-api-kill' } });
    expect(() => Testing.synth(chart)).toThrow('[chaos/kill] target must admit the chaos Job\'s pods: its NetworkPolicy admits only its ingress rules on port 8080 '
      + '(pods {"app.kubernetes.io/name":"ingress-nginx","app.kubernetes.io/component":"controller"} in ingress-nginx); '
      + 'add IngressRule.fromPods({ labels: { \'app.kubernetes.io/name\': \'orders-api-kill\' } }) to its ingress, got "chaos/api"');
    const outside = chaosChart();
    outside.api.addIngressRule(IngressRule.fromIngressController());
    new ChaosExperiment(outside.chart, 'kill', {
      scenario: ChaosScenario.API_KILL,
      target: outside.api,
      apiServer: API_SERVER,
      metadata: { name: 'orders-api-kill' },
      healthUrl: 'https://orders.example.com/readyz',
      healthEgress: [EgressRule.toCidr('203.0.113.0/24', [443])],
    });
    expect(containerEnv(onlyOfKind(synthValid(outside.chart), 'Job').spec.template.spec.containers[0]).HEALTH_URL).toBe('https://orders.example.com/readyz');
  });

  test('a target is read as it stands, not rendered: containers added after the experiment are fine', () => {
    const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
    const plain = new kplus.Deployment(chart, 'plain', { metadata: { name: 'plain' }, replicas: 3, progressDeadline: Duration.minutes(4) });
    const rollout = new ChaosExperiment(chart, 'rollout', {
      scenario: ChaosScenario.ROLLOUT, target: plain, apiServer: API_SERVER, healthUrl: 'http://plain/readyz', healthEgress: [EgressRule.toWorkload(plain, [8080])],
    });
    plain.addContainer({ image: IMAGE, portNumber: 8080 });
    const job = onlyOfKind(Testing.synth(chart), 'Job');
    // replicas x progress deadline
    expect(containerEnv(job.spec.template.spec.containers[0]).TIMEOUT_SECONDS).toBe('720');
    expect(rollout.sla).toBe(RecoverySla.ZERO_DOWNTIME);
  });

  test('the scripts ConfigMap ships the tested scenario script and its library', () => {
    const { objects } = synthExperiment({ scenario: ChaosScenario.NATS_KILL });
    const data = onlyOfKind(objects, 'ConfigMap').data;
    expect(Object.keys(data).sort()).toEqual(['chaos-lib.sh', 'nats-kill.sh']);
    expect(data['nats-kill.sh']).toBe(readFileSync(join(ASSETS, 'chaos', 'nats-kill.sh'), 'utf8'));
    expect(data['chaos-lib.sh']).toBe(readFileSync(join(ASSETS, 'chaos', 'chaos-lib.sh'), 'utf8'));
  });

  test('every object passes schema and PSS restricted, in a chart without a namespace too', () => {
    const { chart, api } = chaosChart(null);
    new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER, metadata: { name: 'kill' } });
    const binding = onlyOfKind(synthValid(chart), 'RoleBinding');
    // no namespace known: the subject's namespace defaults to the RoleBinding's, which is the same
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kill' }]);
  });
});

const HEALTH_URL_REFUSED = 'healthUrl must be an http:// or https:// URL with a host, an optional port and a path of URL characters '
  + '(percent-encode spaces, quotes, braces and brackets), such as "http://orders-api.orders.svc/readyz", got ';

describe('ChaosExperiment refuses', () => {
  const natsWith = (nats: object) => ({ scenario: ChaosScenario.NATS_KILL, nats: { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS, ...nats } });
  const cases: Array<[string, () => unknown, string]> = [
    ['an SLA of zero', () => RecoverySla.within(Duration.seconds(0)), 'maxRecovery must be whole seconds from 1 second to 1 day, got 0 seconds'],
    // cdk8s itself refuses to build a negative Duration, before the SLA sees it
    ['a negative SLA', () => RecoverySla.within(Duration.seconds(-5)), 'Duration amounts cannot be negative. Received: -5'],
    ['a fractional SLA', () => RecoverySla.within(Duration.millis(1500)), 'maxRecovery must be whole seconds from 1 second to 1 day, got 1 second 500 millis'],
    ['a sub-millisecond SLA', () => RecoverySla.within(Duration.millis(0.5)), 'maxRecovery must be whole seconds from 1 second to 1 day, got 0.5 millis'],
    ['a huge SLA, blamed on the SLA itself', () => RecoverySla.within(Duration.days(1e6)), 'maxRecovery must be whole seconds from 1 second to 1 day, got 1000000 days'],
    ['graceful degradation as the SLA of a timed scenario', () => synthExperiment({ scenario: ChaosScenario.API_KILL, sla: RecoverySla.OBSERVABILITY_FAILURE }),
      'sla must have a recovery time for api-kill (graceful degradation has none to measure), got "observability-failure"'],
    ['an SLA over a day made without RecoverySla.within (a plain object)', () => synthExperiment({
      scenario: ChaosScenario.API_KILL, sla: { name: 'two-days', maxRecovery: Duration.days(2), gracefulDegradation: false } as unknown as RecoverySla,
    }), 'sla must be whole seconds from 1 second to 1 day, got 2 days'],
    ['a hold time not below the Job deadline', () => synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, holdTime: Duration.minutes(10), activeDeadline: Duration.minutes(10) }),
      'holdTime must be below the Job deadline (10 minutes), got 10 minutes'],
    ['a deadline that leaves no time for the verdict', () => synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, holdTime: Duration.minutes(5), activeDeadline: Duration.minutes(8) }),
      'activeDeadline must exceed holdTime + recoveryTimeout (570 seconds) so the verdict comes before the kill, got 8 minutes'],
    ['a deadline of exactly holdTime + recoveryTimeout', () => synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, activeDeadline: Duration.seconds(330) }),
      'activeDeadline must exceed holdTime + recoveryTimeout (330 seconds) so the verdict comes before the kill, got 5 minutes 30 seconds'],
    ['a fractional deadline', () => synthExperiment({ scenario: ChaosScenario.API_KILL, activeDeadline: Duration.millis(600_500) }),
      'activeDeadline must be whole seconds from 1 second to 2147483647 seconds (int32), got 10 minutes 500 millis'],
    ['a fractional deadline on rollout', () => synthExperiment({ scenario: ChaosScenario.ROLLOUT, activeDeadline: Duration.millis(900_500) }),
      'activeDeadline must be whole seconds from 1 second to 2147483647 seconds (int32), got 15 minutes 500 millis'],
    ['a fractional ttl', () => synthExperiment({ scenario: ChaosScenario.API_KILL, ttlAfterFinished: Duration.millis(1500) }),
      'ttlAfterFinished must be whole seconds from 0 seconds to 2147483647 seconds (int32), got 1 second 500 millis'],
    ['a health URL without scheme', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'orders-api/readyz' }),
      HEALTH_URL_REFUSED + '"orders-api/readyz"'],
    ['a health URL with a curl glob range', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'http://orders-api/readyz/[1-99999]' }),
      HEALTH_URL_REFUSED + '"http://orders-api/readyz/[1-99999]"'],
    ['a health URL with a curl glob set', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'http://orders-{a,b}/readyz' }),
      HEALTH_URL_REFUSED + '"http://orders-{a,b}/readyz"'],
    ['a health URL with a space', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'http://orders-api/ready z' }),
      HEALTH_URL_REFUSED + '"http://orders-api/ready z"'],
    ['a health URL with a broken percent-encoding', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'http://orders-api/ready%zz' }),
      HEALTH_URL_REFUSED + '"http://orders-api/ready%zz"'],
    ['a health URL with a port out of range', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'http://orders-api:99999/readyz' }),
      HEALTH_URL_REFUSED + '"http://orders-api:99999/readyz"'],
    ['a health URL with port 0', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'http://orders-api:0/readyz' }),
      HEALTH_URL_REFUSED + '"http://orders-api:0/readyz"'],
    ['a health URL with a percent sign and a single hex digit', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'http://orders-api/ready%2' }),
      HEALTH_URL_REFUSED + '"http://orders-api/ready%2"'],
    ['a health URL after other text', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'curl http://orders-api/readyz' }),
      HEALTH_URL_REFUSED + '"curl http://orders-api/readyz"'],
    ['a health URL with a control character', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthUrl: 'http://orders-api/readyz\n' }),
      'healthUrl must contain no control characters (newlines, tabs, escapes), got "http://orders-api/readyz\\n"'],
    ['a recovery timeout below the SLA', () => synthExperiment({ scenario: ChaosScenario.API_KILL, recoveryTimeout: Duration.seconds(10) }),
      'recoveryTimeout must be whole seconds from 30 seconds to 7 days: at least the SLA, or a slow recovery reads as a timeout, got 10 seconds'],
    ['a huge recovery timeout', () => synthExperiment({ scenario: ChaosScenario.API_KILL, recoveryTimeout: Duration.days(1e5) }),
      'recoveryTimeout must be whole seconds from 30 seconds to 7 days: at least the SLA, or a slow recovery reads as a timeout, got 100000 days'],
    ['a poll interval of zero', () => synthExperiment({ scenario: ChaosScenario.API_KILL, pollInterval: Duration.seconds(0) }),
      'pollInterval must be whole seconds from 1 second to 1 hour, got 0 seconds'],
    ['a fractional poll interval', () => synthExperiment({ scenario: ChaosScenario.API_KILL, pollInterval: Duration.millis(2500) }),
      'pollInterval must be whole seconds from 1 second to 1 hour, got 2 seconds 500 millis'],
    ['a fractional hold time', () => synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, holdTime: Duration.millis(30_500) }),
      'holdTime must be whole seconds from 1 second to 1 day, got 30 seconds 500 millis'],
    ['zero health successes', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthSuccesses: 0 }), 'healthSuccesses must be a whole number from 1 to 100, got 0'],
    ['1e21 health successes', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthSuccesses: 1e21 }), 'healthSuccesses must be a whole number from 1 to 100, got 1e+21'],
    // an int32 the script would refuse (more than 9 digits), so the Job could only exit 3
    ['2^31-1 health successes', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthSuccesses: 2147483647 }),
      'healthSuccesses must be a whole number from 1 to 100, got 2147483647'],
    ['health successes that cannot fit in the timeout', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthSuccesses: 50 }),
      'healthSuccesses must fit 50 healthy answers 2 seconds apart within the recovery timeout (90 seconds), got 50'],
    ['one healthy answer more than fits the recovery timeout', () => synthExperiment({ scenario: ChaosScenario.API_KILL, healthSuccesses: 46 }),
      'healthSuccesses must fit 46 healthy answers 2 seconds apart within the recovery timeout (90 seconds), got 46'],
    ['a poll interval that leaves no room for the answers', () => synthExperiment({ scenario: ChaosScenario.API_KILL, pollInterval: Duration.seconds(45) }),
      'pollInterval must let 3 healthy answers 45 seconds apart within the recovery timeout (90 seconds), got 45 seconds'],
    ['a recovery timeout that leaves no room for the answers', () => synthExperiment({
      scenario: ChaosScenario.API_KILL, sla: RecoverySla.within(Duration.seconds(2)), recoveryTimeout: Duration.seconds(4),
    }), 'recoveryTimeout must leave room for 3 healthy answers 2 seconds apart within the recovery timeout (4 seconds), got 4 seconds'],
    // only the SLA was set: the blame goes to it, not to the defaults it scales
    ['an SLA too short for the default answers', () => synthExperiment({ scenario: ChaosScenario.API_KILL, sla: RecoverySla.within(Duration.seconds(1)) }),
      'sla must leave room for 3 healthy answers 2 seconds apart within the recovery timeout (3 seconds), 3 times the SLA by default: set recoveryTimeout or a longer SLA, got 1 second'],
    ['a scenario that is not a ChaosScenario (a string from another jsii language)', () => synthExperiment({ scenario: 'disk-fill' as any }),
      'scenario must be a ChaosScenario (api-kill, nats-kill, network-block, rollout, drain, observability-block), got "disk-fill"'],
    ['a hold time on api-kill', () => synthExperiment({ scenario: ChaosScenario.API_KILL, holdTime: Duration.seconds(30) }),
      'holdTime must be left out: it applies to network-block and observability-block only, got "api-kill"'],
    ['a direction on api-kill', () => synthExperiment({ scenario: ChaosScenario.API_KILL, direction: ChaosDirection.EGRESS }),
      'direction must be left out: it applies to network-block only, got "api-kill"'],
    ['zero downtime as the SLA of a timed scenario', () => synthExperiment({ scenario: ChaosScenario.API_KILL, sla: RecoverySla.ZERO_DOWNTIME }),
      'sla must have a recovery time for api-kill (graceful degradation has none to measure), got "zero-downtime"'],
    ['a timed SLA for rollout', () => synthExperiment({ scenario: ChaosScenario.ROLLOUT, sla: RecoverySla.API_POD_KILL }),
      'sla must have no recovery time for rollout: its verdict is that every probe of the health URL answered (RecoverySla.ZERO_DOWNTIME or OBSERVABILITY_FAILURE), got "api-pod-kill"'],
    ['health successes on rollout', () => synthExperiment({ scenario: ChaosScenario.ROLLOUT, healthSuccesses: 3 }),
      'healthSuccesses must be left out: it applies to the recovery of api-kill, nats-kill and network-block, got "rollout"'],
    ['a direction on drain', () => synthExperiment({ scenario: ChaosScenario.DRAIN, direction: ChaosDirection.BOTH }),
      'direction must be left out: it applies to network-block only, got "drain"'],
    ['a hold time on rollout', () => synthExperiment({ scenario: ChaosScenario.ROLLOUT, holdTime: Duration.seconds(30) }),
      'holdTime must be left out: it applies to network-block and observability-block only, got "rollout"'],
    ['a recovery timeout on observability-block', () => synthExperiment({ scenario: ChaosScenario.OBSERVABILITY_BLOCK, recoveryTimeout: Duration.minutes(5) }),
      'recoveryTimeout must be left out for observability-block: it measures the hold time, with nothing to wait for afterwards, got "observability-block"'],
    ['a rollout timeout below the progress deadline', () => synthExperiment({ scenario: ChaosScenario.ROLLOUT, recoveryTimeout: Duration.minutes(1) }),
      'recoveryTimeout must be whole seconds from 5 minutes to 7 days: at least the target\'s progress deadline, the time it gives a new pod to become available, got 1 minute'],
    ['a drain deadline that leaves no time for the verdict', () => synthExperiment({ scenario: ChaosScenario.DRAIN, activeDeadline: Duration.minutes(10) }),
      'activeDeadline must exceed recoveryTimeout (600 seconds) so the verdict comes before the kill, got 10 minutes'],
    ['a block as long as the Job deadline', () => synthExperiment({ scenario: ChaosScenario.OBSERVABILITY_BLOCK, activeDeadline: Duration.minutes(1) }),
      'holdTime must be below the Job deadline (1 minute), got 1 minute'],
    ['a fractional block', () => synthExperiment({ scenario: ChaosScenario.OBSERVABILITY_BLOCK, holdTime: Duration.millis(1500) }),
      'holdTime must be whole seconds from 1 second to 1 day, got 1 second 500 millis'],
    ['observability egress on network-block', () => synthExperiment({ scenario: ChaosScenario.NETWORK_BLOCK, observabilityEgress: [otlpEgress()] }),
      'observabilityEgress must be left out: it applies to observability-block only, got "network-block"'],
    ['observability-block without the observability egress', () => synthExperiment({ scenario: ChaosScenario.OBSERVABILITY_BLOCK, observabilityEgress: [] }),
      'observabilityEgress must name the egress rules of the target\'s NetworkPolicy that lead to the observability stack (the EgressRule.toPods or EgressRule.toCidr given to the HardenedDeployment), got []'],
    ['observability-block with the observability egress left out', () => synthExperiment({ scenario: ChaosScenario.OBSERVABILITY_BLOCK, observabilityEgress: undefined }),
      'observabilityEgress must name the egress rules of the target\'s NetworkPolicy that lead to the observability stack (the EgressRule.toPods or EgressRule.toCidr given to the HardenedDeployment), got nothing'],
    ['observability egress the target\'s policy does not allow', () => synthExperiment({ scenario: ChaosScenario.OBSERVABILITY_BLOCK, observabilityEgress: [EgressRule.toCidr('203.0.113.0/24', [443])] }),
      'observabilityEgress must be egress rules of the target\'s NetworkPolicy (HardenedDeployment egress or addEgressRule, added before the experiment): '
      + 'the block removes exactly those for the hold time, got {"ports":[{"port":443,"protocol":"TCP"}],"to":[{"ipBlock":{"cidr":"203.0.113.0/24"}}]}'],
    ['observability egress on another port than the policy allows', () => synthExperiment({
      scenario: ChaosScenario.OBSERVABILITY_BLOCK,
      observabilityEgress: [EgressRule.toPods({ labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' }, namespaceName: 'observability', ports: [4318] })],
    }), 'observabilityEgress must be egress rules of the target\'s NetworkPolicy (HardenedDeployment egress or addEgressRule, added before the experiment): '
      + 'the block removes exactly those for the hold time, got {"ports":[{"port":4318,"protocol":"TCP"}],"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"observability"}},"podSelector":{"matchLabels":{"app.kubernetes.io/name":"opentelemetry-collector"}}}]}'],
    ['observability-block on a Deployment without its own NetworkPolicy', () => {
      const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
      const plain = new kplus.Deployment(chart, 'plain', { containers: [{ image: IMAGE }] });
      return new ChaosExperiment(chart, 'block', {
        scenario: ChaosScenario.OBSERVABILITY_BLOCK,
        target: plain,
        apiServer: API_SERVER,
        healthUrl: 'http://plain/readyz',
        healthEgress: [EgressRule.toWorkload(plain, [8080])],
        observabilityEgress: [otlpEgress()],
      });
    }, 'target must be a HardenedDeployment with its NetworkPolicy for observability-block: the block removes the observability egress from that policy and restores it, got "chaos/plain"'],
    ['rollout without a health URL', () => {
      const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
      const plain = new kplus.Deployment(chart, 'plain', { containers: [{ image: IMAGE }] });
      return new ChaosExperiment(chart, 'rollout', { scenario: ChaosScenario.ROLLOUT, target: plain, apiServer: API_SERVER });
    }, 'healthUrl must be given for rollout: its verdict is that every probe of it answered (a HardenedDeployment with a Service and an HTTP readiness probe on its port has one), got nothing'],
    ['drain of a Deployment without a disruption budget', () => {
      const { chart, api } = chaosChart('orders', false);
      return new ChaosExperiment(chart, 'drain', { scenario: ChaosScenario.DRAIN, target: api, apiServer: API_SERVER });
    }, 'target must have a disruption budget for drain (HardenedDeployment.addDisruptionBudget(), or an ApiPdb selecting its pods in its namespace): '
      + 'without one the evictions take every pod at once, got "chaos/api"'],
    ['drain of a Deployment selected by two budgets', () => {
      const { chart, api } = chaosChart();
      new kplus.k8s.KubePodDisruptionBudget(chart, 'second', { metadata: { name: 'second' }, spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: api.matchLabels } } });
      return new ChaosExperiment(chart, 'drain', { scenario: ChaosScenario.DRAIN, target: api, apiServer: API_SERVER });
    }, 'target must be selected by one disruption budget for drain: the eviction API refuses pods selected by more than one, got ["orders-api-pdb","second"]'],
    ['drain under a budget that allows no disruption', () => {
      const { chart, api } = chaosChart('orders', false);
      new kplus.k8s.KubePodDisruptionBudget(chart, 'tight', { metadata: { name: 'tight' }, spec: { minAvailable: kplus.k8s.IntOrString.fromString('100%'), selector: { matchLabels: api.matchLabels } } });
      return new ChaosExperiment(chart, 'drain', { scenario: ChaosScenario.DRAIN, target: api, apiServer: API_SERVER });
    }, 'target must have a disruption budget that allows a disruption for drain: tight keeps 2 of its 2 pods, so every eviction is refused, got "chaos/api"'],
    ['drain under a budget that keeps no pod', () => {
      const { chart, api } = chaosChart('orders', false);
      new kplus.k8s.KubePodDisruptionBudget(chart, 'loose', { metadata: { name: 'loose' }, spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(2), selector: { matchLabels: api.matchLabels } } });
      return new ChaosExperiment(chart, 'drain', { scenario: ChaosScenario.DRAIN, target: api, apiServer: API_SERVER });
    }, 'target must have a disruption budget that keeps at least one pod for drain: loose lets all 2 pods go at once, got "chaos/api"'],
    ['drain under a budget that sets neither minAvailable nor maxUnavailable', () => {
      const { chart, api } = chaosChart('orders', false);
      new kplus.k8s.KubePodDisruptionBudget(chart, 'open', { metadata: { name: 'open' }, spec: { selector: { matchLabels: api.matchLabels } } });
      return new ChaosExperiment(chart, 'drain', { scenario: ChaosScenario.DRAIN, target: api, apiServer: API_SERVER });
    }, 'target must have a disruption budget that keeps at least one pod for drain: open lets all 2 pods go at once, got "chaos/api"'],
    ['an unpinned image', () => synthExperiment({ scenario: ChaosScenario.API_KILL, image: 'alpine/k8s:latest' }),
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); the latest tag moves between pulls, got "alpine/k8s:latest"'],
    ['a Job name over 63 characters', () => synthExperiment({ scenario: ChaosScenario.API_KILL, metadata: { name: `orders-api-kill-${'x'.repeat(48)}` } }),
      `metadata.name must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (a Job name: its pods carry it in a label), got "orders-api-kill-${'x'.repeat(48)}"`],
    ['no API server address', () => synthExperiment({ scenario: ChaosScenario.API_KILL, apiServer: { cidrs: [], port: 443 } }),
      'apiServer.cidrs must list the addresses of the Kubernetes API server endpoints (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes), got []'],
    ['no API server at all (a caller without types)', () => synthExperiment({ scenario: ChaosScenario.API_KILL, apiServer: undefined as any }),
      'apiServer.cidrs must list the addresses of the Kubernetes API server endpoints (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes), got nothing'],
    ['API server addresses that are not a list', () => synthExperiment({ scenario: ChaosScenario.API_KILL, apiServer: { cidrs: '10.0.0.10/32' as any, port: 6443 } }),
      'apiServer.cidrs must list the addresses of the Kubernetes API server endpoints (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes), got "10.0.0.10/32"'],
    ['an API server address that is no CIDR', () => synthExperiment({ scenario: ChaosScenario.API_KILL, apiServer: { cidrs: ['10.0.0.0/33'], port: 443 } }),
      'apiServer.cidrs must be an IPv4 or IPv6 address range in CIDR notation (10.0.0.0/8, fd00::/8), got "10.0.0.0/33"'],
    ['an API server port out of range', () => synthExperiment({ scenario: ChaosScenario.API_KILL, apiServer: { cidrs: ['10.0.0.10/32'], port: 0 } }),
      'apiServer.port must be a port number from 1 to 65535, got 0'],
    ['an empty NATS pod selector', () => synthExperiment(natsWith({ podLabels: {} })), 'nats.podLabels must have at least one label: an empty selector selects every pod, got {}'],
    ['a NATS selector smuggled into a label key', () => synthExperiment(natsWith({ podLabels: { 'nats,app.kubernetes.io/instance!': 'x' } })),
      'nats.podLabels key must be a label key: an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "nats,app.kubernetes.io/instance!"'],
    ['a NATS label value that is no label value', () => synthExperiment(natsWith({ podLabels: { app: 'nats,app.kubernetes.io/instance!=x' } })),
      'nats.podLabels["app"] must be a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, or empty, got "nats,app.kubernetes.io/instance!=x"'],
    ['an invalid StatefulSet name', () => synthExperiment(natsWith({ statefulSetName: 'NATS_0' })),
      'nats.statefulSetName must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got "NATS_0"'],
    ['an invalid monitoring port', () => synthExperiment(natsWith({ monitorPort: 0 })), 'nats.monitorPort must be a port number from 1 to 65535, got 0'],
    ['an invalid NATS namespace', () => synthExperiment(natsWith({ namespaceName: 'Messaging' })),
      'nats.namespaceName must be a DNS-1123 label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit, got "Messaging"'],
    ['a NATS namespace while the experiment\'s is unknown', () => synthExperiment(natsWith({ namespaceName: 'messaging' }), null),
      'nats.namespaceName must be left out unless the experiment\'s namespace is known (a namespace on the chart or in metadata): the RoleBinding in the NATS namespace must name the ServiceAccount with its namespace, got "messaging"'],
    ['a health URL on nats-kill', () => synthExperiment({ ...natsWith({}), healthUrl: 'http://nats:8222/healthz' }),
      'healthUrl must be left out for nats-kill (it targets `nats`), got "nats-kill"'],
    ['a target on nats-kill', () => {
      const { chart, api } = chaosChart();
      return new ChaosExperiment(chart, 'kill', { ...natsWith({}), target: api, apiServer: API_SERVER });
    }, 'target must be left out for nats-kill (it targets `nats`), got "nats-kill"'],
    ['health egress on nats-kill', () => synthExperiment({ ...natsWith({}), healthEgress: [EgressRule.toCidr('203.0.113.0/24', [443])] }),
      'healthEgress must be left out for nats-kill (it targets `nats`), got "nats-kill"'],
    ['a NATS server on api-kill', () => synthExperiment({ scenario: ChaosScenario.API_KILL, nats: { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS } }),
      'nats must be left out for api-kill (it targets `target`), got "api-kill"'],
    ['network-block on a Deployment without its own NetworkPolicy', () => {
      const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
      const plain = new kplus.Deployment(chart, 'plain', { containers: [{ image: IMAGE }] });
      return new ChaosExperiment(chart, 'block', { scenario: ChaosScenario.NETWORK_BLOCK, target: plain, apiServer: API_SERVER });
    }, 'target must be a HardenedDeployment with its NetworkPolicy for network-block: the partition switches that policy to deny and back, got "chaos/plain"'],
    ['a health URL without egress for a plain Deployment', () => {
      const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
      const plain = new kplus.Deployment(chart, 'plain', { containers: [{ image: IMAGE }] });
      return new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: plain, apiServer: API_SERVER, healthUrl: 'http://plain/readyz' });
    }, 'healthEgress must be given with a healthUrl for a target that is not a HardenedDeployment: the Job\'s NetworkPolicy must know where the health URL leads, got nothing'],
    ['health egress without a health URL to probe', () => {
      const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
      const plain = new kplus.Deployment(chart, 'plain', { containers: [{ image: IMAGE }] });
      return new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: plain, apiServer: API_SERVER, healthEgress: [EgressRule.toWorkload(plain, [8080])] });
    }, 'healthEgress must be left out without a health URL to probe, got "given"'],
    ['a health URL without egress for a worker that serves no port', () => {
      const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
      const worker = new HardenedDeployment(chart, 'worker', {
        image: IMAGE, metadata: { name: 'orders-worker' }, readiness: HealthProbe.exec(['/app/worker', 'health', '--ready']), liveness: HealthProbe.exec(['/app/worker', 'health', '--live']),
      });
      return new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: worker, apiServer: API_SERVER, healthUrl: 'http://orders-worker-health/readyz' });
    }, 'healthEgress must be given with a healthUrl for a HardenedDeployment that serves no port (a worker): the Job\'s NetworkPolicy must know where the health URL leads, got nothing'],
    ['network-block on a HardenedDeployment without its NetworkPolicy', () => {
      const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
      const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, networkPolicy: false });
      return new ChaosExperiment(chart, 'block', { scenario: ChaosScenario.NETWORK_BLOCK, target: api, apiServer: API_SERVER });
    }, 'target must be a HardenedDeployment with its NetworkPolicy for network-block: the partition switches that policy to deny and back, got "chaos/api"'],
    ['metadata labels that are no labels', () => synthExperiment({ scenario: ChaosScenario.API_KILL, metadata: { name: 'orders-api-kill', labels: { 'bad key!': 'x' } } }),
      'metadata.labels key must be a label key: an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "bad key!"'],
  ];
  test.each(cases)('fails with %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('fails without the target its scenario needs', () => {
    const { chart } = chaosChart();
    expect(() => new ChaosExperiment(chart, 'a', { scenario: ChaosScenario.API_KILL, apiServer: API_SERVER }))
      .toThrow('target must be given for api-kill: the Deployment to disrupt, got nothing');
    expect(() => new ChaosExperiment(chart, 'b', { scenario: ChaosScenario.NATS_KILL, apiServer: API_SERVER })).toThrow('nats must be given for nats-kill, got nothing');
  });

  test('fails with a target that selects no labels', () => {
    const chart = new Chart(Testing.app(), 'chaos', { namespace: 'orders' });
    const plain = new kplus.Deployment(chart, 'plain', { select: false, containers: [{ image: IMAGE }] });
    expect(() => new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: plain, apiServer: API_SERVER }))
      .toThrow('target must select pods by at least one label: an empty selector matches every pod in the namespace, got "chaos/plain"');
  });

  test('fails with a target in another namespace', () => {
    const { api } = chaosChart();
    const other = new Chart(Testing.app(), 'other', { namespace: 'chaos' });
    expect(() => new ChaosExperiment(other, 'kill', { scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER }))
      .toThrow('target must live in the experiment\'s namespace (chaos): the Role is namespaced, got "orders"');
    // a chart without a namespace: the experiment, or the target, lands in the default one
    expect(() => new ChaosExperiment(new Chart(Testing.app(), 'unset'), 'kill', { scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER }))
      .toThrow('target must live in the experiment\'s namespace (the default): the Role is namespaced, got "orders"');
    expect(() => new ChaosExperiment(other, 'kill-unset', { scenario: ChaosScenario.API_KILL, target: chaosChart(null).api, apiServer: API_SERVER }))
      .toThrow('target must live in the experiment\'s namespace (chaos): the Role is namespaced, got "the default"');
  });
});
