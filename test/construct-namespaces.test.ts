import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import {
  ApiPdb, ChaosExperiment, ChaosNetworkPolicy, ChaosScenario, HardenedDeployment, HardeningAlerts, NatsBackupCronJob, NatsRestoreDrill,
  NatsRestoreJob, SoakDashboard, SoakJob, SoakTarget,
} from '../src';
import { API_SERVER, CHART_NATS_LABELS, IMAGE } from './support/chaos';
import { synthValid } from './support/manifests';
import { containerEnv } from './support/synthesized';

// A construct is one unit of deployment: every object it emits lands in one namespace, the one its
// `metadata.namespace` names, else its chart's. cdk8s defaults each object to its chart's namespace
// only, so a construct that handed `metadata.namespace` to its main object alone split itself: its
// ConfigMap, claim, NetworkPolicy, Service, budget and RBAC went to the chart's namespace (or none,
// where `kubectl apply -n` puts them), and whoever owned those names in the target namespace
// supplied the scripts or the claim while no policy covered the pods.

/** Metadata with a name, and a namespace when given. */
const meta = (name: string, namespace: string | undefined) => ({ name, ...(namespace !== undefined ? { namespace } : {}) });

/** The orders API, in `namespace` (undefined: the chart's), with a Service: a target or a workload. */
const ordersApi = (chart: Chart, namespace: string | undefined) =>
  new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: meta('orders-api', namespace), service: true });

interface ConstructCase {
  /** The construct, as the test names it. */
  readonly name: string;
  /**
   * Builds it in the chart with `metadata.namespace` set to `namespace` (undefined: left out), and
   * what it depends on (a target, a backup) in the same namespace; returns the construct.
   */
  readonly build: (chart: Chart, namespace: string | undefined) => IConstruct;
  /** The kinds it emits, in construct order: the case exercises every object, optional ones included. */
  readonly kinds: string[];
  /** Objects that live in another namespace on purpose: `Kind/name` (with `{ns}` for the construct's namespace) -> namespace. */
  readonly elsewhere?: Record<string, string>;
  /** It refuses a chart without any namespace (its alerts select objects by namespace). */
  readonly needsNamespace?: boolean;
}

const CASES: ConstructCase[] = [
  {
    name: 'HardenedDeployment (with its Service and disruption budget)',
    build: (chart, ns) => {
      const api = ordersApi(chart, ns);
      api.addDisruptionBudget();
      return api;
    },
    kinds: ['Deployment', 'NetworkPolicy', 'Service', 'PodDisruptionBudget'],
  },
  {
    name: 'ApiPdb',
    build: (chart, ns) => new ApiPdb(chart, 'budget', { workload: ordersApi(chart, ns), metadata: meta('orders-api-budget', ns) }),
    kinds: ['PodDisruptionBudget'],
  },
  {
    name: 'NatsBackupCronJob (NATS in another namespace)',
    build: (chart, ns) => new NatsBackupCronJob(chart, 'backup', { metadata: meta('nats-backup', ns), natsNamespace: 'messaging' }),
    kinds: ['CronJob', 'ConfigMap', 'PersistentVolumeClaim', 'NetworkPolicy'],
  },
  {
    name: 'NatsRestoreJob of a backup',
    build: (chart, ns) => {
      const backup = new NatsBackupCronJob(chart, 'backup', { metadata: meta('nats-backup', ns) });
      return new NatsRestoreJob(chart, 'restore', { metadata: meta('nats-restore', ns), backup });
    },
    kinds: ['Job', 'NetworkPolicy'],
  },
  {
    name: 'NatsRestoreJob of a claim',
    build: (chart, ns) => new NatsRestoreJob(chart, 'restore', {
      metadata: meta('nats-restore', ns), claim: kplus.PersistentVolumeClaim.fromClaimName(chart, 'Claim', 'nats-backup-data'),
    }),
    kinds: ['Job', 'ConfigMap', 'NetworkPolicy'],
  },
  {
    name: 'NatsRestoreDrill',
    build: (chart, ns) => {
      const backup = new NatsBackupCronJob(chart, 'backup', { metadata: meta('nats-backup', ns) });
      return new NatsRestoreDrill(chart, 'drill', { metadata: meta('nats-restore-drill', ns), backup });
    },
    kinds: ['CronJob', 'ConfigMap', 'NetworkPolicy'],
  },
  {
    name: 'SoakJob (with a k6-operator TestRun)',
    build: (chart, ns) => new SoakJob(chart, 'soak', {
      metadata: meta('orders-soak', ns), target: SoakTarget.deployment(ordersApi(chart, ns)), endpoints: [{ path: '/api/orders' }], testRunParallelism: 2,
    }),
    kinds: ['Job', 'ConfigMap', 'NetworkPolicy', 'TestRun', 'NetworkPolicy', 'NetworkPolicy'],
  },
  {
    name: 'ChaosExperiment api-kill',
    build: (chart, ns) => new ChaosExperiment(chart, 'experiment', {
      scenario: ChaosScenario.API_KILL, metadata: meta('orders-api-kill', ns), apiServer: API_SERVER, target: ordersApi(chart, ns),
    }),
    kinds: ['ServiceAccount', 'Job', 'ConfigMap', 'Role', 'RoleBinding', 'NetworkPolicy'],
  },
  {
    name: 'ChaosExperiment nats-kill (NATS in another namespace: its Role and RoleBinding live there)',
    build: (chart, ns) => new ChaosExperiment(chart, 'experiment', {
      scenario: ChaosScenario.NATS_KILL,
      metadata: meta('orders-nats-kill', ns),
      apiServer: API_SERVER,
      nats: { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS, namespaceName: 'messaging' },
    }),
    kinds: ['ServiceAccount', 'Job', 'ConfigMap', 'Role', 'RoleBinding', 'NetworkPolicy'],
    elsewhere: { 'Role/{ns}.orders-nats-kill': 'messaging', 'RoleBinding/{ns}.orders-nats-kill': 'messaging' },
  },
  {
    name: 'ChaosNetworkPolicy of a workload',
    build: (chart, ns) => new ChaosNetworkPolicy(chart, 'partition', { workload: ordersApi(chart, ns), metadata: meta('orders-partition', ns) }),
    kinds: ['NetworkPolicy'],
  },
  {
    name: 'ChaosNetworkPolicy of pod labels',
    build: (chart, ns) => new ChaosNetworkPolicy(chart, 'partition', { podLabels: { app: 'orders' }, metadata: meta('orders-partition', ns) }),
    kinds: ['NetworkPolicy'],
  },
  {
    name: 'HardeningAlerts',
    build: (chart, ns) => {
      // something to alert on
      new NatsBackupCronJob(chart, 'backup', { metadata: meta('nats-backup', ns) });
      return new HardeningAlerts(chart, 'alerts', { metadata: meta('orders-alerts', ns) });
    },
    kinds: ['PrometheusRule'],
    needsNamespace: true,
  },
  {
    name: 'SoakDashboard',
    build: (chart, ns) => new SoakDashboard(chart, 'dashboard', { metadata: meta('soak-dashboard', ns) }),
    kinds: ['ConfigMap'],
  },
];

/** The synthesized objects of one construct (every ApiObject below it in the tree), after the whole chart passed validation. */
function objectsOf(chart: Chart, construct: IConstruct): any[] {
  const all = synthValid(chart);
  const own = construct.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  return own.map((o) => {
    const found = all.filter((m) => m.kind === o.kind && m.metadata.name === o.name);
    if (found.length !== 1) throw new Error(`expected one synthesized ${o.kind}/${o.name}, found ${found.length}`);
    return found[0];
  });
}

/**
 * The one assertion: every object the construct emits is in `namespace` (undefined: none), except
 * the deliberate cross-namespace ones, which are exactly where `elsewhere` says.
 */
function expectAllIn(objects: any[], namespace: string | undefined, elsewhere: Record<string, string> = {}): void {
  const key = (o: any) => `${o.kind}/${o.metadata.name}`;
  const expectedElsewhere = Object.fromEntries(Object.entries(elsewhere).map(([k, v]) => [k.replace('{ns}', namespace ?? ''), v]));
  expect(objects.map((o) => [key(o), o.metadata.namespace])).toEqual(objects.map((o) => [key(o), expectedElsewhere[key(o)] ?? namespace]));
  // every deliberate exception was emitted
  expect(Object.keys(expectedElsewhere).filter((k) => !objects.some((o) => key(o) === k))).toEqual([]);
}

/** Builds a case in a chart with `chartNamespace` (undefined: none) and `metadata.namespace` (undefined: left out). */
function synthCase(c: ConstructCase, chartNamespace: string | undefined, metadataNamespace: string | undefined) {
  const chart = new Chart(Testing.app(), 'namespaces', chartNamespace !== undefined ? { namespace: chartNamespace } : {});
  const construct = c.build(chart, metadataNamespace);
  const objects = objectsOf(chart, construct);
  expect(objects.map((o) => o.kind)).toEqual(c.kinds);
  return objects;
}

describe('every object a construct emits lands in the construct\'s namespace', () => {
  test.each(CASES)('$name: a chart without a namespace, metadata.namespace orders: all in orders', (c) => {
    expectAllIn(synthCase(c, undefined, 'orders'), 'orders', c.elsewhere);
  });

  test.each(CASES)('$name: a chart in orders, no metadata.namespace: all in orders', (c) => {
    expectAllIn(synthCase(c, 'orders', undefined), 'orders', c.elsewhere);
  });

  test.each(CASES)('$name: a chart in a, metadata.namespace b: all in b', (c) => {
    expectAllIn(synthCase(c, 'a', 'b'), 'b', c.elsewhere);
  });

  // a cross-namespace nats-kill needs the experiment's namespace known, HardeningAlerts the watched objects'
  test.each(CASES.filter((c) => c.elsewhere === undefined && !c.needsNamespace))('$name: no namespace anywhere: none on any object (all where kubectl apply -n puts them)', (c) => {
    expectAllIn(synthCase(c, undefined, undefined), undefined);
  });
});

describe('references use the construct\'s namespace', () => {
  const RESOLVED = [['a chart without a namespace, metadata.namespace orders', undefined, 'orders', 'orders'], ['a chart in a, metadata.namespace b', 'a', 'b', 'b']] as const;

  test.each(RESOLVED)('ChaosExperiment, %s: the RoleBinding names the ServiceAccount in it, the health URL its Service there', (_name, chartNs, metaNs, ns) => {
    const objects = synthCase(CASES.find((c) => c.name === 'ChaosExperiment api-kill')!, chartNs, metaNs);
    const binding = objects.find((o) => o.kind === 'RoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-api-kill', namespace: ns }]);
    const job = objects.find((o) => o.kind === 'Job');
    expect(containerEnv(job.spec.template.spec.containers[0]).HEALTH_URL).toBe(`http://orders-api.${ns}.svc:80/readyz`);
    expect(job.spec.template.spec.serviceAccountName).toBe('orders-api-kill');
  });

  test.each(RESOLVED)('ChaosExperiment nats-kill across namespaces, %s: the RoleBinding in the NATS namespace names the ServiceAccount in it', (_name, chartNs, metaNs, ns) => {
    const objects = synthCase(CASES.find((c) => c.name.startsWith('ChaosExperiment nats-kill'))!, chartNs, metaNs);
    const binding = objects.find((o) => o.kind === 'RoleBinding');
    expect(binding.metadata).toMatchObject({ name: `${ns}.orders-nats-kill`, namespace: 'messaging' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-nats-kill', namespace: ns }]);
  });

  test.each(RESOLVED)('SoakJob, %s: the script asks the target\'s Service there, the TestRun reads the ConfigMap beside it', (_name, chartNs, metaNs, ns) => {
    const objects = synthCase(CASES.find((c) => c.name.startsWith('SoakJob'))!, chartNs, metaNs);
    const scripts = objects.find((o) => o.kind === 'ConfigMap');
    expect(scripts.data['soak.js']).toContain(`http://orders-api.${ns}.svc:80`);
    const testRun = objects.find((o) => o.kind === 'TestRun');
    expect(testRun.spec.script.configMap.name).toBe(scripts.metadata.name);
    expect([testRun.metadata.namespace, scripts.metadata.namespace]).toEqual([ns, ns]);
  });

  test.each(RESOLVED)('NatsBackupCronJob, %s: the CronJob mounts the claim and the scripts of its own namespace; NATS stays where natsNamespace says', (_name, chartNs, metaNs, ns) => {
    const objects = synthCase(CASES.find((c) => c.name.startsWith('NatsBackupCronJob'))!, chartNs, metaNs);
    const pod = objects.find((o) => o.kind === 'CronJob').spec.jobTemplate.spec.template.spec;
    const claim = objects.find((o) => o.kind === 'PersistentVolumeClaim');
    const scripts = objects.find((o) => o.kind === 'ConfigMap');
    const volume = (source: string, ref: object) => expect.objectContaining({ [source]: expect.objectContaining(ref) });
    expect(pod.volumes).toContainEqual(volume('persistentVolumeClaim', { claimName: claim.metadata.name }));
    expect(pod.volumes).toContainEqual(volume('configMap', { name: scripts.metadata.name }));
    expect([claim.metadata.namespace, scripts.metadata.namespace]).toEqual([ns, ns]);
    const policy = objects.find((o) => o.kind === 'NetworkPolicy');
    expect(policy.spec.egress[1].to).toEqual([{
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'messaging' } },
    }]);
  });
});

describe('a reference across namespaces that cannot work is refused', () => {
  const app = () => Testing.app();

  test('fails: an ApiPdb in another namespace than its workload (a budget covers the pods of its own namespace only)', () => {
    const chart = new Chart(app(), 'budgets');
    const api = ordersApi(chart, 'orders');
    expect(() => api.addDisruptionBudget({ metadata: { namespace: 'shop' } })).toThrow(new Error(
      'metadata.namespace must be left out or be the workload\'s namespace orders: a budget covers the pods of its own namespace only, got "shop"'));
    expect(() => new ApiPdb(new Chart(app(), 'other'), 'budget', { workload: ordersApi(new Chart(app(), 'api'), undefined), metadata: { namespace: 'orders' } })).toThrow(new Error(
      'metadata.namespace must be left out or be the workload\'s namespace (the default): a budget covers the pods of its own namespace only, got "orders"'));
  });

  test('an ApiPdb in another chart follows its workload\'s namespace, not its chart\'s', () => {
    const apiChart = new Chart(app(), 'api', { namespace: 'orders' });
    const budgetChart = new Chart(app(), 'budgets', { namespace: 'ops' });
    const budget = new ApiPdb(budgetChart, 'budget', { workload: ordersApi(apiChart, undefined) });
    expect(budget.apiObject.toJson().metadata.namespace).toBe('orders');
  });

  test('fails: a ChaosNetworkPolicy of a workload in another namespace (it would isolate nothing)', () => {
    const chart = new Chart(app(), 'chaos', { namespace: 'ops' });
    const api = ordersApi(chart, 'orders');
    expect(() => new ChaosNetworkPolicy(chart, 'partition', { workload: api, metadata: { namespace: 'ops' } })).toThrow(new Error(
      'metadata.namespace must be left out or be the workload\'s namespace orders: a NetworkPolicy selects the pods of its own namespace only, got "ops"'));
    // left out, it follows the workload rather than the chart
    const partition = new ChaosNetworkPolicy(chart, 'follows', { workload: api });
    expect(partition.apiObject.toJson().metadata.namespace).toBe('orders');
  });

  test('fails: a NatsRestoreJob of a backup in another namespace (its claim and scripts cannot be mounted there)', () => {
    const chart = new Chart(app(), 'nats');
    const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup', namespace: 'messaging' } });
    expect(() => new NatsRestoreJob(chart, 'restore', { metadata: { name: 'nats-restore', namespace: 'orders' }, backup })).toThrow(new Error(
      'backup must be in the restore Job\'s namespace orders: a claim and its scripts are mounted in their own namespace only, got "messaging"'));
  });

  test('fails: a NatsRestoreDrill of a backup in another namespace given through metadata', () => {
    const chart = new Chart(app(), 'nats');
    const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup', namespace: 'messaging' } });
    expect(() => new NatsRestoreDrill(chart, 'drill', { metadata: { name: 'nats-restore-drill', namespace: 'orders' }, backup })).toThrow(new Error(
      'backup must be in the drill\'s namespace orders: a claim is mounted in its own namespace only, got "messaging"'));
  });

  test('fails: a NatsBackupCronJob or NatsRestoreJob given a claim construct of another namespace', () => {
    const chart = new Chart(app(), 'nats');
    const claim = new kplus.PersistentVolumeClaim(chart, 'claim', { metadata: { name: 'backups', namespace: 'messaging' } });
    expect(() => new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup', namespace: 'orders' }, existingClaim: claim })).toThrow(new Error(
      'existingClaim must be in the backup\'s namespace orders: a claim is mounted in its own namespace only, got "messaging"'));
    expect(() => new NatsRestoreJob(chart, 'restore', { metadata: { name: 'nats-restore', namespace: 'orders' }, claim })).toThrow(new Error(
      'claim must be in the restore Job\'s namespace orders: a claim is mounted in its own namespace only, got "messaging"'));
  });
});
