import { App, Chart, Duration } from 'cdk8s';
import {
  ChaosExperiment, ChaosScenario, EgressRule, HardenedDeployment, HardenedDeploymentProps, HardeningChecks, HealthProbe, HealthProbeKind, IngressRule,
  OperationsDocs, SoakJob, SoakTarget,
} from '../src';
import { newChart, toYaml } from './support/charts';
import { CLUSTER_DNS_EGRESS } from './support/expected';
import { onlyOfKind, synthValid } from './support/manifests';

const IMAGE = 'ghcr.io/acme/orders-worker:2.3.0';
const API_SERVER = { cidrs: ['10.0.0.10/32'], port: 6443 };

function synth(props: Partial<HardenedDeploymentProps> = {}) {
  const chart = newChart();
  const deployment = new HardenedDeployment(chart, 'app', { image: IMAGE, metadata: { name: 'orders-worker' }, ...props });
  deployment.addDisruptionBudget();
  const objects = synthValid(chart);
  const manifest = onlyOfKind(objects, 'Deployment');
  return { chart, deployment, objects, manifest, container: manifest.spec.template.spec.containers[0], policy: onlyOfKind(objects, 'NetworkPolicy') };
}

/** The checks a platform team runs, warnings included: probes present, distinct, on declared ports. */
function findings(chart: Chart): string[] {
  return new HardeningChecks(chart, { failOnWarnings: true }).findings().map((f) => `${f.ruleId}: ${f.message}`);
}

const WORKER = {
  readiness: HealthProbe.exec(['/app/worker', 'health', '--ready']),
  liveness: HealthProbe.exec(['/app/worker', 'health', '--live']),
};

describe('HardenedDeployment for a queue worker', () => {
  test('snapshot of a worker with exec probes', () => {
    expect(toYaml(synth(WORKER).objects)).toMatchSnapshot();
  });

  test('exec probes: no port declared or open, component and container "worker", every check passes', () => {
    const { deployment, manifest, container, policy, chart } = synth(WORKER);
    expect(container.name).toBe('worker');
    expect(container.ports).toBeUndefined();
    expect(container.readinessProbe).toEqual({ exec: { command: ['/app/worker', 'health', '--ready'] }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container.livenessProbe).toEqual({
      exec: { command: ['/app/worker', 'health', '--live'] }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3,
    });
    expect(manifest.metadata.labels['app.kubernetes.io/component']).toBe('worker');
    expect(manifest.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('worker');
    // nothing listens: the policy admits nothing (kubelet probes come from the node and always get in)
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-worker', 'app.kubernetes.io/instance': 'orders-worker' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [CLUSTER_DNS_EGRESS],
    });
    expect(deployment.port).toBeUndefined();
    expect(deployment.portName).toBeUndefined();
    expect(deployment.readinessPath).toBeUndefined();
    expect(deployment.readiness.kind).toBe(HealthProbeKind.EXEC);
    expect(deployment.liveness.command).toEqual(['/app/worker', 'health', '--live']);
    expect(findings(chart)).toEqual([]);
  });

  test('a health endpoint on a port of its own: declared on the container, not opened in the policy', () => {
    const { container, policy, manifest, deployment, chart } = synth({ readiness: HealthProbe.http('/ready', 9090), liveness: HealthProbe.tcp(9090) });
    expect(container.ports).toEqual([{ containerPort: 9090, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 9090, scheme: 'HTTP' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 9090 });
    expect(manifest.metadata.labels['app.kubernetes.io/component']).toBe('worker');
    expect(policy.spec.ingress).toEqual([]);
    expect(deployment.readinessPath).toBeUndefined();
    expect(findings(chart)).toEqual([]);
  });

  test('a startup probe runs the liveness check', () => {
    const { container } = synth({ ...WORKER, startupTimeout: Duration.minutes(1) });
    expect(container.startupProbe).toEqual({ exec: { command: ['/app/worker', 'health', '--live'] }, periodSeconds: 5, failureThreshold: 12 });
    expect(container.livenessProbe.initialDelaySeconds).toBeUndefined();
  });

  test('component and container name stay settable', () => {
    const { container, manifest } = synth({ ...WORKER, component: 'consumer', containerName: 'orders-consumer' });
    expect(container.name).toBe('orders-consumer');
    expect(manifest.metadata.labels['app.kubernetes.io/component']).toBe('consumer');
  });

  test('an ingress rule with its own ports opens a worker\'s metrics port to its scraper only; one without ports is refused', () => {
    const prometheus = { labels: { 'app.kubernetes.io/name': 'prometheus' }, namespaceName: 'monitoring' };
    const { policy } = synth({ ...WORKER, ingress: [IngressRule.fromPods({ ...prometheus, ports: [9102] })] });
    expect(policy.spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 9102, protocol: 'TCP' }],
    }]);
    expect(() => new HardenedDeployment(newChart(), 'app', { image: IMAGE, ...WORKER, ingress: [IngressRule.fromPods(prometheus)] }))
      .toThrow('ingress must name its ports: the Deployment serves no port of its own (a worker), got "pods {\\"app.kubernetes.io/name\\":\\"prometheus\\"} in monitoring"');
  });
});

describe('HardenedDeployment probes of an API', () => {
  test('the defaults are unchanged: GET /readyz and /livez on port http (8080), component and container "api"', () => {
    const { container, manifest, deployment, policy, chart } = synth();
    expect(container.name).toBe('api');
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container.livenessProbe).toEqual({
      httpGet: { path: '/livez', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3,
    });
    expect(manifest.metadata.labels['app.kubernetes.io/component']).toBe('api');
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect([deployment.port, deployment.portName, deployment.readinessPath, deployment.livenessPath]).toEqual([8080, 'http', '/readyz', '/livez']);
    expect(deployment.readiness).toMatchObject({ kind: HealthProbeKind.HTTP, path: '/readyz', port: undefined });
    expect(findings(chart)).toEqual([]);
  });

  test('HealthProbe.http(path) is readinessPath: the same manifest', () => {
    const byPath = synth({ readinessPath: '/health/ready', livenessPath: '/health/live' }).objects;
    const byProbe = synth({ readiness: HealthProbe.http('/health/ready'), liveness: HealthProbe.http('/health/live') }).objects;
    expect(byProbe).toEqual(byPath);
  });

  test('a TCP readiness probe on the container port: still an API, no readinessPath for soak and chaos to use', () => {
    const { container, manifest, deployment, chart } = synth({ readiness: HealthProbe.tcp(), liveness: HealthProbe.http('/livez') });
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(manifest.metadata.labels['app.kubernetes.io/component']).toBe('api');
    expect(deployment.readinessPath).toBeUndefined();
    expect(deployment.livenessPath).toBe('/livez');
    expect(findings(chart)).toEqual([]);
  });

  test('a Service with exec probes serves 8080; a health port of its own is declared next to it', () => {
    const { container, deployment, objects } = synth({ service: true, readiness: HealthProbe.http('/ready', 9090), liveness: HealthProbe.exec(['/bin/true']) });
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }, { containerPort: 9090, protocol: 'TCP' }]);
    expect(onlyOfKind(objects, 'Service').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    expect(deployment.port).toBe(8080);
    // the readiness endpoint is not behind the Service's port: no default health path
    expect(deployment.readinessPath).toBeUndefined();
  });

  test('the same HTTP path on another port is another check: accepted, each probe on its port', () => {
    const { container } = synth({ readiness: HealthProbe.http('/healthz', 9090), liveness: HealthProbe.http('/healthz') });
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }, { containerPort: 9090, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 9090, scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
  });

  test('an exec probe keeps the command it was given, not later changes to the array', () => {
    const command = ['/app/health', '--ready'];
    const readiness = HealthProbe.exec(command);
    command.push('--verbose');
    expect(readiness.command).toEqual(['/app/health', '--ready']);
    const { container } = synth({ readiness, liveness: HealthProbe.tcp() });
    expect(container.readinessProbe.exec).toEqual({ command: ['/app/health', '--ready'] });
  });

  test('a probe on its own port equal to the container port declares it once', () => {
    const { container } = synth({ port: 3000, readiness: HealthProbe.http('/ready', 3000), liveness: HealthProbe.tcp(3000) });
    expect(container.ports).toEqual([{ containerPort: 3000, name: 'http', protocol: 'TCP' }]);
  });
});

describe('what reads a HardenedDeployment\'s probes', () => {
  test('a soak test needs a Service: a worker is refused', () => {
    const worker = new HardenedDeployment(newChart(), 'app', { image: IMAGE, ...WORKER });
    expect(() => SoakTarget.deployment(worker)).toThrow('target must be a HardenedDeployment with a Service (service: true), got "test/app"');
  });

  test('api-kill of a worker waits for its pods only; rollout needs a health URL, and its egress named for a worker', () => {
    const chart = new Chart(new App(), 'orders', { namespace: 'orders' });
    const worker = new HardenedDeployment(chart, 'app', { image: IMAGE, metadata: { name: 'orders-worker' }, ...WORKER });
    const kill = new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: worker, apiServer: API_SERVER });
    expect(kill.job.containers[0].env.variables.HEALTH_URL.value).toBe('');
    expect(() => new ChaosExperiment(chart, 'rollout', { scenario: ChaosScenario.ROLLOUT, target: worker, apiServer: API_SERVER }))
      .toThrow('healthUrl must be given for rollout: its verdict is that every probe of it answered (a HardenedDeployment with a Service and an HTTP readiness probe on its port has one), got nothing');
    expect(() => new ChaosExperiment(chart, 'rollout2', { scenario: ChaosScenario.ROLLOUT, target: worker, apiServer: API_SERVER, healthUrl: 'http://orders-worker-health:9090/ready' }))
      .toThrow('healthEgress must be given with a healthUrl for a HardenedDeployment that serves no port (a worker): the Job\'s NetworkPolicy must know where the health URL leads, got nothing');
    const rollout = new ChaosExperiment(chart, 'rollout3', {
      scenario: ChaosScenario.ROLLOUT, target: worker, apiServer: API_SERVER, healthUrl: 'http://10.1.2.3:9090/ready', healthEgress: [EgressRule.toCidr('10.1.2.3/32', [9090])],
    });
    expect(rollout.job.containers[0].env.variables.HEALTH_URL.value).toBe('http://10.1.2.3:9090/ready');
  });

  test('a Service whose readiness is not HTTP on its port gives chaos no default health URL', () => {
    const chart = new Chart(new App(), 'orders', { namespace: 'orders' });
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true, readiness: HealthProbe.tcp() });
    const kill = new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER });
    expect(kill.job.containers[0].env.variables.HEALTH_URL.value).toBe('');
    const soak = new SoakJob(chart, 'soak', { target: SoakTarget.deployment(api), endpoints: [{ path: '/api/orders' }], healthPath: '/healthz' });
    expect(soak.script).toContain('"/healthz"');
  });

  test('the operations documents describe exec and TCP probes in words', () => {
    const app = new App({ outdir: 'dist' });
    const chart = new Chart(app, 'orders', { namespace: 'orders' });
    new HardenedDeployment(chart, 'app', { image: IMAGE, metadata: { name: 'orders-worker' }, ...WORKER }).addDisruptionBudget();
    new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, readiness: HealthProbe.tcp(), liveness: HealthProbe.http('/livez') })
      .addDisruptionBudget();
    const docs = Object.fromEntries(new OperationsDocs(app).render().map((d) => [d.fileName, d.markdown]));
    expect(docs['RUNBOOK.md']).toContain('Probes on container `worker`: readiness the command `/app/worker health --ready`, liveness the command `/app/worker health --live`.');
    expect(docs['RUNBOOK.md']).toContain('| `Readiness probe failed` | a pod fails the command `/app/worker health --ready`: it gets no traffic |');
    expect(docs['RUNBOOK.md']).toContain('Probes on container `api`: readiness a TCP connection to port `8080`, liveness `GET /livez` on port `8080`.');
    expect(docs['DEPLOYMENT-CHECKLIST.md']).toContain('The release answers its probes: readiness the command `/app/worker health --ready`, liveness the command `/app/worker health --live`.');
    expect(docs['DEPLOYMENT-CHECKLIST.md']).toContain('The release answers its probes: readiness a TCP connection to port `8080`, liveness `GET /livez` on port `8080`.');
  });
});

describe('HardenedDeployment probes refuse', () => {
  test.each([
    ['readiness and readinessPath', { readiness: HealthProbe.tcp(), readinessPath: '/ready' },
      'readinessPath must be left out when readiness is given (HealthProbe.http(path) holds the path), got "/ready"'],
    ['liveness and livenessPath', { liveness: HealthProbe.tcp(), livenessPath: '/live' },
      'livenessPath must be left out when liveness is given (HealthProbe.http(path) holds the path), got "/live"'],
    ['the same command twice', { readiness: HealthProbe.exec(['/health']), liveness: HealthProbe.exec(['/health']) },
      'liveness must differ from readiness, or a failing dependency restarts every pod, got "exec [\\"/health\\"]"'],
    ['TCP twice on the container port', { readiness: HealthProbe.tcp(), liveness: HealthProbe.tcp(8080) },
      'liveness must differ from readiness, or a failing dependency restarts every pod, got "TCP port 8080"'],
    ['the same HTTP path, once by path and once by probe', { readiness: HealthProbe.http('/healthz'), livenessPath: undefined, liveness: HealthProbe.http('/healthz', 8080) },
      'liveness must differ from readiness, or a failing dependency restarts every pod, got "GET /healthz on port 8080"'],
    ['a readiness path equal to the default liveness path', { readinessPath: '/livez' },
      'livenessPath must differ from readinessPath, or a failing dependency restarts every pod, got "/livez"'],
    ['a port name on a worker', { ...WORKER, portName: 'metrics' },
      'portName must be left out when the Deployment serves no port (its probes name their own ports or run commands; set port to declare one), got "metrics"'],
    ['something else as a probe', { readiness: { kind: 'http', path: '/ready' } as any },
      'readiness must be HealthProbe.http(path), HealthProbe.tcp(port) or HealthProbe.exec(command), got {"kind":"http","path":"/ready"}'],
  ] as Array<[string, Partial<HardenedDeploymentProps>, string]>)('fails with %s', (_name, props, message) => {
    expect(() => new HardenedDeployment(newChart(), 'app', { image: IMAGE, ...props })).toThrow(message);
  });

  test.each([
    ['a relative path', () => HealthProbe.http('ready'), 'HealthProbe.http path must be an absolute HTTP path such as "/healthz", got "ready"'],
    ['a path with a space', () => HealthProbe.http('/re ady'), 'HealthProbe.http path must be an absolute HTTP path such as "/healthz", got "/re ady"'],
    ['a path with a newline', () => HealthProbe.http('/ready\n'), 'HealthProbe.http path must contain no control characters (newlines, tabs, escapes), got "/ready\\n"'],
    ['HTTP port 0', () => HealthProbe.http('/ready', 0), 'HealthProbe.http port must be a port number from 1 to 65535, got 0'],
    ['TCP port 65536', () => HealthProbe.tcp(65536), 'HealthProbe.tcp port must be a port number from 1 to 65535, got 65536'],
    ['a fractional TCP port', () => HealthProbe.tcp(80.5), 'HealthProbe.tcp port must be a port number from 1 to 65535, got 80.5'],
    ['an empty command', () => HealthProbe.exec([]),
      'HealthProbe.exec command must hold the program and its arguments: a non-empty program name, no NUL characters, got []'],
    ['a blank program', () => HealthProbe.exec([' ', 'x']),
      'HealthProbe.exec command must hold the program and its arguments: a non-empty program name, no NUL characters, got [" ","x"]'],
    ['a NUL in an argument', () => HealthProbe.exec(['/health', 'a\u0000b']),
      'HealthProbe.exec command must hold the program and its arguments: a non-empty program name, no NUL characters, got ["/health","a\\u0000b"]'],
    ['a path that is no string', () => HealthProbe.http(['/ready'] as any), 'HealthProbe.http path must be an absolute HTTP path such as "/healthz", got ["/ready"]'],
    ['a relative path holding a slash', () => HealthProbe.http('api/readyz'), 'HealthProbe.http path must be an absolute HTTP path such as "/healthz", got "api/readyz"'],
    ['a command that is no array', () => HealthProbe.exec('/app/health' as any),
      'HealthProbe.exec command must hold the program and its arguments: a non-empty program name, no NUL characters, got "/app/health"'],
    ['a program that is no string', () => HealthProbe.exec([42] as any),
      'HealthProbe.exec command must hold the program and its arguments: a non-empty program name, no NUL characters, got [42]'],
    ['an argument that is no string', () => HealthProbe.exec(['/health', 42] as any),
      'HealthProbe.exec command must hold the program and its arguments: a non-empty program name, no NUL characters, got ["/health",42]'],
  ])('HealthProbe fails with %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});
