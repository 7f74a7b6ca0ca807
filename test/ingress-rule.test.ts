import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ChaosExperiment, ChaosScenario, EgressRule, HardenedDeployment, HardenedDeploymentProps, HardeningChecks, HealthProbe, IngressRule, SoakJob,
  SoakTarget,
} from '../src';
import { newChart } from './support/charts';
import { synthValid } from './support/manifests';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';
const API_SERVER = { cidrs: ['10.0.0.10/32'], port: 6443 };
const DNS_LABEL = "at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit";
const ns = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: 'TCP' }));

function ingressOf(props: Partial<HardenedDeploymentProps>, more: (api: HardenedDeployment, chart: Chart) => void = () => {}): any[] {
  const chart = newChart();
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, ...props });
  more(api, chart);
  return synthValid(chart).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'orders-api').spec.ingress;
}

describe('HardenedDeployment ingress', () => {
  test('by default the container port is open to every source, and only that port', () => {
    expect(ingressOf({})).toEqual([{ ports: tcp(8080) }]);
    expect(ingressOf({ port: 3000, service: true })).toEqual([{ ports: tcp(3000) }]);
  });

  test('the ingress controller: ingress-nginx\'s controller pods in namespace ingress-nginx, on the container port', () => {
    expect(ingressOf({ ingress: [IngressRule.fromIngressController()] })).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } }, namespaceSelector: ns('ingress-nginx') }],
      ports: tcp(8080),
    }]);
    expect(ingressOf({ ingress: [IngressRule.fromIngressController({ namespaceName: 'edge', labels: { 'app.kubernetes.io/name': 'traefik' }, ports: [8443] })] })).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } }, namespaceSelector: ns('edge') }],
      ports: tcp(8443),
    }]);
  });

  test('pods of the own namespace, of another, a workload, a whole namespace and an address range, each on its ports', () => {
    const ingress = ingressOf({
      ingress: [
        IngressRule.fromPods({ labels: { app: 'checkout' } }),
        IngressRule.fromPods({ labels: { app: 'billing' }, namespaceName: 'payments', ports: [8080, 9090, 9090] }),
        IngressRule.fromNamespace('monitoring', [9090]),
        IngressRule.fromCidr('10.20.0.0/16'),
      ],
    }, (api, chart) => api.addIngressRule(IngressRule.fromWorkload(new HardenedDeployment(chart, 'web', { image: IMAGE, metadata: { name: 'orders-web' } }))));
    expect(ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'checkout' } } }], ports: tcp(8080) },
      { from: [{ podSelector: { matchLabels: { app: 'billing' } }, namespaceSelector: ns('payments') }], ports: tcp(8080, 9090) },
      { from: [{ namespaceSelector: ns('monitoring') }], ports: tcp(9090) },
      { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: tcp(8080) },
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-web', 'app.kubernetes.io/instance': 'orders-web' } } }], ports: tcp(8080) },
    ]);
  });

  test('addIngressRule ends the open default; ingress: [] admits nobody', () => {
    expect(ingressOf({}, (api) => api.addIngressRule(IngressRule.fromIngressController()))).toHaveLength(1);
    expect(ingressOf({}, (api) => api.addIngressRule(IngressRule.fromIngressController()))[0].from).toBeDefined();
    expect(ingressOf({ ingress: [] })).toEqual([]);
  });

  test('a Deployment with restricted ingress passes every check', () => {
    const chart = newChart();
    new HardenedDeployment(chart, 'api', { image: IMAGE, service: true, ingress: [IngressRule.fromIngressController()] }).addDisruptionBudget();
    expect(new HardeningChecks(chart, { failOnWarnings: true }).findings()).toEqual([]);
  });
});

describe('soak tests and chaos experiments must be admitted', () => {
  let outdir = '';
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  function program(ingress: IngressRule[]) {
    outdir = mkdtempSync(join(tmpdir(), 'ingress-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'orders', { namespace: 'orders' });
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true, ingress });
    api.addDisruptionBudget();
    const onDemand = new App({ outdir: join(outdir, 'on-demand') });
    const tests = new Chart(onDemand, 'tests', { namespace: 'orders' });
    return { app, api, onDemand, tests };
  }
  const synthError = (app: App) => {
    try {
      app.synth();
      return '';
    } catch (e: any) {
      return e.message;
    }
  };

  test('a soak Job the ingress rules keep out fails synth, naming the rule to add', () => {
    const p = program([IngressRule.fromIngressController()]);
    new SoakJob(p.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toContain('[tests/soak] target must admit the soak pods: its NetworkPolicy admits only its ingress rules on port 8080 '
      + '(pods {"app.kubernetes.io/name":"ingress-nginx","app.kubernetes.io/component":"controller"} in ingress-nginx); '
      + 'add IngressRule.fromPods({ labels: { \'app.kubernetes.io/name\': \'orders-soak\' } }) to its ingress, got "orders/api"');
  });

  test('the rule the message names, added after the soak Job, lets it synthesize', () => {
    const p = program([IngressRule.fromIngressController()]);
    new SoakJob(p.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    p.api.addIngressRule(IngressRule.fromPods({ labels: { 'app.kubernetes.io/name': 'orders-soak' } }));
    expect(synthError(p.onDemand)).toBe('');
    expect(synthError(p.app)).toBe('');
  });

  test('every soak Job of the namespace by its component label; a soak Job in another namespace needs the namespace', () => {
    const p = program([IngressRule.fromPods({ labels: { 'app.kubernetes.io/component': 'soak-test' } })]);
    new SoakJob(p.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toBe('');
    const elsewhere = new Chart(p.onDemand, 'elsewhere', { namespace: 'load' });
    new SoakJob(elsewhere, 'soak', { metadata: { name: 'load-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toContain('[elsewhere/soak] target must admit the soak pods');
  });

  test('a soak Job\'s own namespace, set on its metadata, is the one its pods must be admitted from', () => {
    const p = program([IngressRule.fromPods({ labels: { 'app.kubernetes.io/component': 'soak-test' } })]);
    // in the chart of the target's namespace, but placed in another one
    new SoakJob(p.tests, 'soak', { metadata: { name: 'load-soak', namespace: 'load' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toContain('[tests/soak] target must admit the soak pods');
  });

  test('a chaos Job probing through the Service is checked too; one told where its health URL leads is not', () => {
    const p = program([IngressRule.fromIngressController()]);
    new ChaosExperiment(p.tests, 'kill', { metadata: { name: 'orders-api-kill' }, scenario: ChaosScenario.API_KILL, target: p.api, apiServer: API_SERVER });
    expect(synthError(p.onDemand)).toContain('[tests/kill] target must admit the chaos Job\'s pods: its NetworkPolicy admits only its ingress rules on port 8080');
    expect(synthError(p.onDemand)).toContain("add IngressRule.fromPods({ labels: { 'app.kubernetes.io/name': 'orders-api-kill' } }) to its ingress");
    p.api.addIngressRule(IngressRule.fromPods({ labels: { 'app.kubernetes.io/component': 'chaos-experiment' } }));
    expect(synthError(p.onDemand)).toBe('');

    const q = program([]);
    new ChaosExperiment(q.tests, 'kill', {
      metadata: { name: 'orders-api-kill' },
      scenario: ChaosScenario.API_KILL,
      target: q.api,
      apiServer: API_SERVER,
      healthUrl: 'https://orders.example.com/readyz',
      healthEgress: [EgressRule.toCidr('203.0.113.0/28', [443])],
    });
    expect(synthError(q.onDemand)).toBe('');
  });

  test('an address range cannot be judged at synth time: no refusal', () => {
    const p = program([IngressRule.fromCidr('10.0.0.0/8')]);
    new SoakJob(p.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toBe('');
  });

  test('an address range cannot be judged for a soak Job in another namespace either: no refusal', () => {
    const p = program([IngressRule.fromCidr('10.0.0.0/8')]);
    const elsewhere = new Chart(p.onDemand, 'elsewhere', { namespace: 'load' });
    new SoakJob(elsewhere, 'soak', { metadata: { name: 'load-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toBe('');
  });

  test('pods of other labels are kept out, and so are pods matching only some of a rule\'s labels', () => {
    const p = program([IngressRule.fromPods({ labels: { app: 'checkout' } })]);
    new SoakJob(p.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toContain('[tests/soak] target must admit the soak pods: its NetworkPolicy admits only its ingress rules on port 8080 (pods {"app":"checkout"}); '
      + 'add IngressRule.fromPods({ labels: { \'app.kubernetes.io/name\': \'orders-soak\' } }) to its ingress, got "orders/api"');
    const q = program([IngressRule.fromPods({ labels: { 'app.kubernetes.io/name': 'orders-soak', 'app.kubernetes.io/component': 'chaos-experiment' } })]);
    new SoakJob(q.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(q.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(q.onDemand)).toContain('[tests/soak] target must admit the soak pods');
  });

  test('a whole namespace admits a soak Job of that namespace, not one of another', () => {
    const p = program([IngressRule.fromNamespace('orders')]);
    new SoakJob(p.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toBe('');
    const q = program([IngressRule.fromNamespace('load')]);
    new SoakJob(q.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(q.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(q.onDemand)).toContain('[tests/soak] target must admit the soak pods: its NetworkPolicy admits only its ingress rules on port 8080 (every pod of namespace load)');
  });

  test('pods of a named namespace: a soak Job there is admitted, the same pods in the Deployment\'s namespace are not', () => {
    const rule = () => IngressRule.fromPods({ labels: { 'app.kubernetes.io/name': 'orders-soak' }, namespaceName: 'load' });
    const p = program([rule()]);
    new SoakJob(new Chart(p.onDemand, 'load', { namespace: 'load' }), 'soak', {
      metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }],
    });
    expect(synthError(p.onDemand)).toBe('');
    const q = program([rule()]);
    new SoakJob(q.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(q.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(q.onDemand)).toContain('[tests/soak] target must admit the soak pods: its NetworkPolicy admits only its ingress rules on port 8080 '
      + '(pods {"app.kubernetes.io/name":"orders-soak"} in load)');
  });

  test('a namespace left to kubectl apply -n on either side may be the same one: no refusal', () => {
    // the soak Job's namespace is unknown
    const p = program([IngressRule.fromPods({ labels: { 'app.kubernetes.io/name': 'orders-soak' } })]);
    new SoakJob(new Chart(p.onDemand, 'anywhere'), 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toBe('');
    // the Deployment's namespace is unknown
    outdir = mkdtempSync(join(tmpdir(), 'ingress-'));
    const app = new App({ outdir });
    const api = new HardenedDeployment(new Chart(app, 'orders'), 'api', {
      image: IMAGE, metadata: { name: 'orders-api' }, service: true, ingress: [IngressRule.fromPods({ labels: { 'app.kubernetes.io/name': 'orders-soak' } })],
    });
    const onDemand = new App({ outdir: join(outdir, 'on-demand') });
    new SoakJob(new Chart(onDemand, 'tests', { namespace: 'orders' }), 'soak', {
      metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/api/orders' }],
    });
    expect(synthError(onDemand)).toBe('');
  });

  test('a rule on other ports does not admit the container port', () => {
    const p = program([IngressRule.fromPods({ labels: { 'app.kubernetes.io/name': 'orders-soak' }, ports: [9090] })]);
    new SoakJob(p.tests, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(p.api), endpoints: [{ path: '/api/orders' }] });
    expect(synthError(p.onDemand)).toContain('target must admit the soak pods');
  });
});

describe('IngressRule refuses', () => {
  test.each([
    ['an empty pod selector', () => IngressRule.fromPods({ labels: {} }),
      'labels must name at least one label: an empty selector admits every pod (use fromNamespace for a whole namespace), got {}'],
    ['a label value that is no label value', () => IngressRule.fromPods({ labels: { app: 'a b' } }),
      'labels["app"] must be a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, or empty, got "a b"'],
    ['an empty namespace', () => IngressRule.fromPods({ labels: { app: 'x' }, namespaceName: '' }), `namespaceName must be a DNS-1123 label: ${DNS_LABEL} (a namespace name), got ""`],
    ['a namespace with upper case', () => IngressRule.fromNamespace('Monitoring'), `namespaceName must be a DNS-1123 label: ${DNS_LABEL} (a namespace name), got "Monitoring"`],
    ['an ingress controller namespace with a dot', () => IngressRule.fromIngressController({ namespaceName: 'a.b' }),
      `namespaceName must be a DNS-1123 label: ${DNS_LABEL} (a namespace name), got "a.b"`],
    ['no ports', () => IngressRule.fromNamespace('monitoring', []), 'ports must hold at least one port, or be left out for the Deployment\'s port, got []'],
    ['port 0', () => IngressRule.fromCidr('10.0.0.0/8', [0]), 'ports must be a port number from 1 to 65535, got 0'],
    ['a malformed CIDR', () => IngressRule.fromCidr('10.0.0.0/33'), 'cidr must be an IPv4 or IPv6 address range in CIDR notation (10.0.0.0/8, fd00::/8), got "10.0.0.0/33"'],
    ['a label key cdk8s cannot render', () => IngressRule.fromPods({ labels: { constructor: 'x' } }),
      'labels key must not be "constructor": cdk8s cannot render an object with that key, got "constructor"'],
    ['a workload that selects no labels', () => IngressRule.fromWorkload(new kplus.Deployment(new Chart(Testing.app(), 'c'), 'plain', { select: false, containers: [{ image: IMAGE }] })),
      'workload must select its pods by label: an empty selector admits every pod, got "c/plain"'],
  ])('fails with %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('fails with ingress rules and networkPolicy: false, and with addIngressRule then', () => {
    expect(() => new HardenedDeployment(newChart(), 'api', { image: IMAGE, networkPolicy: false, ingress: [IngressRule.fromIngressController()] }))
      .toThrow('ingress must be left out with networkPolicy: false (without a policy every source gets in), got 1');
    const api = new HardenedDeployment(newChart(), 'api', { image: IMAGE, networkPolicy: false });
    expect(() => api.addIngressRule(IngressRule.fromIngressController())).toThrow('networkPolicy must be enabled to add ingress rules, got false');
  });

  // the rules are built inside the test, where the description each one carries is made
  test.each([
    ['pods of the own namespace', () => IngressRule.fromPods({ labels: { app: 'checkout' } }), '"pods {\\"app\\":\\"checkout\\"}"'],
    ['a whole namespace', () => IngressRule.fromNamespace('monitoring'), '"every pod of namespace monitoring"'],
    ['an address range', () => IngressRule.fromCidr('10.0.0.0/8'), '"addresses 10.0.0.0/8"'],
  ])('fails on a worker with a rule that names no ports: %s', (_name, rule, peers) => {
    const worker = { readiness: HealthProbe.exec(['/app/health', '--ready']), liveness: HealthProbe.exec(['/app/health', '--live']) };
    expect(() => new HardenedDeployment(newChart(), 'app', { image: IMAGE, ...worker, ingress: [rule()] }))
      .toThrow(`ingress must name its ports: the Deployment serves no port of its own (a worker), got ${peers}`);
  });

  test('fails with something else as a rule', () => {
    expect(() => new HardenedDeployment(newChart(), 'api', { image: IMAGE, ingress: [{ from: [] } as any] }))
      .toThrow('ingress must be an IngressRule (IngressRule.fromPods, fromWorkload, fromNamespace, fromIngressController or fromCidr), got {"from":[]}');
  });
});
