import { App } from 'cdk8s';
import { HardeningChecks, SoakProfile } from '../src';
import { availabilityProblems } from './support/availability';
import { toYaml } from './support/charts';
import { typeCheckK6Script } from './support/k6-typecheck';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';
import { exampleApps } from '../examples/api-service/apps';
import { ChaosChart, RestoreChart, SoakChart } from '../examples/api-service/on-demand-charts';
import { OrdersApiChart } from '../examples/api-service/orders-api-chart';

// The example app, imported the way main.ts imports it ('cdk8s-hardening' resolves to src/).
describe('example app: orders-api', () => {
  const chart = new OrdersApiChart(new App(), 'orders-api');
  const objects = synthValid(chart);

  test('snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('zero-downtime Deployment with at least 2 replicas', () => {
    const deployment = onlyOfKind(objects, 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  test('exactly one policy/v1 PDB with minAvailable 1 selects its pods', () => {
    const budgets = ofKind(objects, 'PodDisruptionBudget');
    expect(budgets).toHaveLength(1);
    expect(budgets[0].apiVersion).toBe('policy/v1');
    expect(budgets[0].spec.minAvailable).toBe(1);
    expect(availabilityProblems(objects)).toEqual([]);
  });
});

describe('example app: JetStream backup and restore', () => {
  const production = new OrdersApiChart(new App(), 'orders-api');
  const objects = synthValid(production);
  const restore = synthValid(new RestoreChart(new App(), 'orders-jetstream-restore', { backup: production.backup }));

  test('the production chart holds the daily backup CronJob, its 5Gi claim and its scripts', () => {
    const cronJob = ofKind(objects, 'CronJob').find((c) => c.metadata.name === 'orders-jetstream-backup');
    expect(cronJob.spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const env = Object.fromEntries(cronJob.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ RETENTION_DAYS: '7', INCLUDE_MESSAGES: 'true' });
    expect(onlyOfKind(objects, 'PersistentVolumeClaim').spec.resources.requests.storage).toBe('5Gi');
    const scripts = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('orders-jetstream-backup-scripts-'));
    expect(Object.keys(scripts.data).sort()).toEqual(['nats-backup-lib.sh', 'nats-backup.sh', 'nats-restore.sh']);
  });

  test('the production chart holds the weekly restore drill: after the backup window, the backup\'s claim read-only, no egress', () => {
    const drill = ofKind(objects, 'CronJob').find((c) => c.metadata.name === 'orders-jetstream-drill');
    expect(drill.spec).toMatchObject({ schedule: '0 4 * * 1', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', failedJobsHistoryLimit: 4 });
    const pod = drill.spec.jobTemplate.spec.template.spec;
    const claim = onlyOfKind(objects, 'PersistentVolumeClaim').metadata.name;
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: claim, readOnly: true } });
    expect(pod.initContainers[0].image).toBe('nats:2.14.0-alpine');
    expect(pod.containers[0].env).toContainEqual({ name: 'MAX_BACKUP_AGE_SECONDS', value: '93600' });
    const policy = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'orders-jetstream-drill');
    expect(policy.spec).toMatchObject({ policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] });
  });

  test('the restore lives in its own chart and restores the latest backup from the same claim', () => {
    expect(ofKind(objects, 'Job')).toHaveLength(0);
    const job = onlyOfKind(restore, 'Job');
    const pod = job.spec.template.spec;
    const claim = onlyOfKind(objects, 'PersistentVolumeClaim').metadata.name;
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: claim, readOnly: true } });
    expect(pod.containers[0].env).toContainEqual({ name: 'BACKUP_NAME', value: 'latest' });
  });
});

describe('example app: soak tests', () => {
  const production = new OrdersApiChart(new App(), 'orders-api');

  test.each([
    [SoakProfile.QUICK, 3600, 10],
    [SoakProfile.STAGING, 14400, 25],
    [SoakProfile.PRODUCTION, 86400, 10],
  ])('profile %# runs as a Job with its script against the API Service', (profile, seconds, vus) => {
    const chart = new SoakChart(new App(), `orders-soak-${profile.name}`, { api: production.api, profile });
    const objects = synthValid(chart);
    const job = onlyOfKind(objects, 'Job');
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(seconds + 30 + 600);
    expect(onlyOfKind(objects, 'ConfigMap').data['soak.js']).toBe(chart.soak.script);
    expect(chart.soak.script).toContain('"baseUrl": "http://orders-api.orders.svc:80"');
    expect(chart.soak.script).toContain(`"vus": ${vus}`);
    expect(typeCheckK6Script(chart.soak.script)).toEqual([]);
  });
});

const API_SERVER = { cidrs: ['10.0.0.10/32'], port: 6443 };

describe('example app: chaos baseline', () => {
  const production = new OrdersApiChart(new App(), 'orders-api');
  const objects = synthValid(new ChaosChart(new App(), 'orders-chaos', { api: production.api, apiServer: API_SERVER, observabilityEgress: [production.telemetryEgress] }));

  test('the chaos chart holds the six scenario Jobs with their SLAs (none for those that probe throughout)', () => {
    const jobs = ofKind(objects, 'Job');
    const sla = (job: any) => job.spec.template.spec.containers[0].env.find((e: any) => e.name === 'SLA_SECONDS')?.value ?? null;
    expect(jobs.map((j) => [j.metadata.labels['chaos.cdk8s-hardening.io/scenario'], sla(j)])).toEqual([
      ['api-kill', '30'], ['nats-kill', '60'], ['network-block', '90'], ['rollout', null], ['drain', null], ['observability-block', null],
    ]);
  });

  test('drain evicts under the production chart\'s budget; observability-block cuts the API\'s egress to its collector only', () => {
    const env = (name: string) => Object.fromEntries(ofKind(objects, 'Job').find((j) => j.metadata.name === name).spec.template.spec.containers[0].env
      .map((e: any) => [e.name, e.value]));
    const budget = onlyOfKind(synthValid(production), 'PodDisruptionBudget').metadata.name;
    expect(env('orders-chaos-drain')).toMatchObject({ TARGET_BUDGET: budget, TARGET_DEPLOYMENT: 'orders-api' });
    const apiPolicy = ofKind(synthValid(production), 'NetworkPolicy').find((p) => p.metadata.name === 'orders-api');
    const blocked = JSON.parse(env('orders-chaos-observability-block').OBSERVABILITY_EGRESS);
    expect(blocked).toEqual([{
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
      ports: [{ port: 4317, protocol: 'TCP' }],
    }]);
    expect(apiPolicy.spec.egress).toContainEqual(blocked[0]);
  });

  test('each Job\'s pod has a NetworkPolicy without ingress; network-block switches the API\'s own policy', () => {
    const jobs = ofKind(objects, 'Job');
    const policies = ofKind(objects, 'NetworkPolicy');
    expect(policies).toHaveLength(6);
    for (const job of jobs) {
      const policy = policies.find((p) => p.metadata.name === job.metadata.name);
      expect(policy.spec.ingress).toEqual([]);
      for (const [key, value] of Object.entries(policy.spec.podSelector.matchLabels)) expect(job.spec.template.metadata.labels[key]).toBe(value);
    }
    const block = jobs.find((j) => j.metadata.name === 'orders-chaos-network-block').spec.template.spec.containers[0].env;
    expect(block).toContainEqual({ name: 'TARGET_POLICY', value: 'orders-api' });
  });

  test('nats-kill targets the official chart\'s StatefulSet and pod labels', () => {
    const job = ofKind(objects, 'Job').find((j) => j.metadata.name === 'orders-chaos-nats-kill');
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'NATS_STATEFULSET', value: 'nats' });
    const policy = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'orders-chaos-nats-kill');
    expect(policy.spec.egress[2].to[0].podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': 'nats', 'app.kubernetes.io/component': 'nats',
    });
  });

  test('namespaced Roles only, without wildcards or secrets', () => {
    expect(ofKind(objects, 'ClusterRole')).toHaveLength(0);
    const roles = ofKind(objects, 'Role');
    expect(roles).toHaveLength(6);
    for (const rule of roles.flatMap((r) => r.rules)) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      expect(rule.resources).not.toContain('secrets');
    }
  });

  test('the production chart holds no chaos object', () => {
    const labels = synthValid(production).map((o) => o.metadata.labels ?? {});
    expect(labels.filter((l) => 'chaos.cdk8s-hardening.io/scenario' in l)).toEqual([]);
  });
});

describe('example app: hardening checks', () => {
  test('every chart of the example passes every rule with no finding and no suppression', () => {
    // the apps main.ts synthesizes, with every soak profile and every chaos scenario
    const { app, onDemand } = exampleApps();
    expect(new HardeningChecks(app, { failOnWarnings: true }).findings()).toEqual([]);
    expect(new HardeningChecks(onDemand, { failOnWarnings: true }).findings()).toEqual([]);
  });
});

describe('availability check', () => {
  test('flags a Deployment without a budget, with one replica and a lossy rollout', () => {
    const problems = availabilityProblems([{
      kind: 'Deployment',
      metadata: { name: 'lone' },
      spec: { replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } }, template: { metadata: { labels: { app: 'lone' } } } },
    }]);
    expect(problems).toEqual([
      'Deployment/lone: maxUnavailable must be 0, got 25%',
      'Deployment/lone: replicas must be at least 2, got 1',
      'Deployment/lone: exactly one PodDisruptionBudget must select its pods, found 0',
    ]);
  });

  test('flags a budget that allows no disruption and two budgets on one Deployment', () => {
    const deployment = {
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } }, template: { metadata: { labels: { app: 'api' } } } },
    };
    const budget = (name: string) => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'api' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
    expect(availabilityProblems([deployment, budget('a')])).toEqual([
      'PodDisruptionBudget/a: must allow at least one disruption of 2 replicas, allows 0',
    ]);
    expect(availabilityProblems([deployment, budget('a'), budget('b')])).toEqual([
      'Deployment/api: exactly one PodDisruptionBudget must select its pods, found 2',
    ]);
  });
});
