import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HardenedDeployment, HttpMethod, SoakJob, SoakJobProps, SoakProfile, SoakTarget } from '../src';
import { describeWith } from './support/binaries';
import { newChart, toYaml } from './support/charts';
import { restrictedContainerSecurityContext } from './support/expected';
import { loadK6Script } from './support/k6-script-runtime';
import { typeCheckK6Script } from './support/k6-typecheck';
import { onlyOfKind, ofKind, synthValid } from './support/manifests';
import { ASSETS, runScript } from './support/scripts';
import { containerEnv } from './support/synthesized';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';
const ENDPOINTS = [
  { path: '/api/orders', weight: 3 },
  { path: '/api/orders', method: HttpMethod.POST, body: '{"sku":"A-1","qty":1}', headers: { 'Content-Type': 'application/json' }, expectedStatus: 201 },
];

function synthSoak(props: Partial<SoakJobProps> = {}, namespace: string | null = 'shop') {
  const chart = newChart();
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, service: true, metadata: { name: 'orders-api', namespace: namespace ?? undefined } });
  const soak = new SoakJob(chart, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: ENDPOINTS, ...props });
  const objects = synthValid(chart).filter((o) => !o.metadata.name.startsWith('orders-api'));
  const job = onlyOfKind(objects, 'Job');
  return { soak, objects, job, pod: job.spec.template.spec, container: job.spec.template.spec.containers[0] };
}

describe('SoakJob', () => {
  test('snapshot', () => {
    expect(toYaml(synthSoak().objects)).toMatchSnapshot();
  });

  test('a Job that never retries, with a pinned k6 image, a TTL and a deadline above the run', () => {
    const { job, container } = synthSoak();
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
    expect(job.spec.activeDeadlineSeconds).toBe(3600 + 30 + 600);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(container.image).toBe('grafana/k6:2.2.0');
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.command).toEqual(['/bin/sh', '/scripts/run-soak.sh']);
  });

  test.each([
    ['QUICK', SoakProfile.QUICK, 'quick', 3600, 10],
    ['STAGING', SoakProfile.STAGING, 'staging', 14400, 25],
    ['PRODUCTION', SoakProfile.PRODUCTION, 'production', 86400, 10],
    ['custom(90 minutes, 40)', SoakProfile.custom(Duration.minutes(90), 40), 'custom', 5400, 40],
  ])('profile %s: duration, VUs, windows and deadline arithmetic', (_name, profile, name, seconds, vus) => {
    const { soak, job } = synthSoak({ profile, gracefulStop: Duration.seconds(45) });
    expect(profile.name).toBe(name);
    expect(job.spec.activeDeadlineSeconds).toBe(seconds + 45 + 600);
    expect(soak.activeDeadline.toSeconds()).toBe(seconds + 45 + 600);
    const { options } = loadK6Script(soak.script);
    const windows = Object.entries(options.scenarios) as Array<[string, any]>;
    expect(windows.map(([w]) => w)).toEqual(['early', 'steady', 'late']);
    let start = 0;
    for (const [window, scenario] of windows) {
      expect(scenario).toMatchObject({ executor: 'constant-vus', exec: 'soak', vus, gracefulStop: '45s', tags: { window }, startTime: `${start}s` });
      start += parseInt(scenario.duration, 10);
    }
    expect(start).toBe(seconds);
    expect(parseInt(options.scenarios.early.duration, 10)).toBe(Math.round(seconds * 0.2));
  });

  test('PSS restricted as the k6 image user 12345, read-only root, emptyDirs for output and /tmp', () => {
    const { pod, container } = synthSoak();
    expect(container.securityContext).toEqual(restrictedContainerSecurityContext(12345, 12345));
    expect(pod.securityContext).toMatchObject({ runAsUser: 12345, runAsGroup: 12345, fsGroup: 12345, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.volumeMounts).toEqual([
      { name: 'scripts', mountPath: '/scripts', readOnly: true },
      { name: 'output', mountPath: '/output' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(container.resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '256Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '1', 'memory': '1024Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  test('the ConfigMap holds the generated script and the runner, and the script type-checks against @types/k6', () => {
    const { objects, soak } = synthSoak();
    const configMap = onlyOfKind(objects, 'ConfigMap');
    expect(configMap.data['soak.js']).toBe(soak.script);
    expect(configMap.data['run-soak.sh']).toBe(readFileSync(join(ASSETS, 'k6', 'run-soak.sh'), 'utf8'));
    expect(soak.script.startsWith('// @ts-check')).toBe(true);
    expect(soak.script).toContain("/** @type {import('k6/options').Options} */");
    expect(typeCheckK6Script(soak.script)).toEqual([]);
  });

  test('the type check catches a script that misuses the k6 API', () => {
    const { soak } = synthSoak();
    expect(typeCheckK6Script(soak.script.replace('export const options = {', 'export const options = { vuz: 3,')))
      .toEqual([expect.stringContaining("'vuz' does not exist in type 'Options'")]);
  });

  test('mixed workload: the health endpoint and the API endpoints with weights, think time and the Service URL', () => {
    const { soak } = synthSoak({ thinkTime: Duration.millis(500), healthWeight: 2 });
    const config = JSON.parse(/const CONFIG = (\{[\s\S]*?\n\});/.exec(soak.script)![1]);
    expect(config.baseUrl).toBe('http://orders-api.shop.svc:80');
    expect(config.thinkTimeSeconds).toBe(0.5);
    expect(config.endpoints).toEqual([
      { name: 'health /readyz', method: 'GET', path: '/readyz', body: null, headers: {}, expectedStatus: 200, weight: 2 },
      { name: 'GET /api/orders', method: 'GET', path: '/api/orders', body: null, headers: {}, expectedStatus: 200, weight: 3 },
      { name: 'POST /api/orders', method: 'POST', path: '/api/orders', body: '{"sku":"A-1","qty":1}', headers: { 'Content-Type': 'application/json' }, expectedStatus: 201, weight: 1 },
    ]);
  });

  test('default thresholds: error rate, p95, p99, circuit breaker, and the always-true window thresholds', () => {
    const { options } = loadK6Script(synthSoak().soak.script);
    expect(options.thresholds).toEqual({
      'http_req_failed': ['rate<0.01'],
      'http_req_duration': ['p(95)<500', 'p(99)<1500'],
      'http_req_duration{window:early}': ['max>=0'],
      'http_req_duration{window:late}': ['max>=0'],
      'circuit_breaker_open_rate': ['rate<0.01'],
    });
    expect(options.summaryTrendStats).toContain('p(99)');
  });

  test('thresholds, breaker tracking and growth limit are configurable', () => {
    const { soak } = synthSoak({
      thresholds: {
        maxErrorRate: 0.001,
        p95: Duration.millis(250),
        p99: Duration.millis(800),
        maxLatencyGrowth: 1.2,
        maxCircuitBreakerOpenRate: 0,
        extra: { 'http_req_duration{endpoint:POST /api/orders}': ['p(90)<400'] },
      },
      circuitBreaker: { statuses: [503, 429], header: 'X-Circuit-Breaker', headerValue: 'OPEN' },
    });
    const { options } = loadK6Script(soak.script);
    expect(options.thresholds).toMatchObject({
      'http_req_failed': ['rate<0.001'],
      'http_req_duration': ['p(95)<250', 'p(99)<800'],
      'circuit_breaker_open_rate': ['rate<0'],
      'http_req_duration{endpoint:POST /api/orders}': ['p(90)<400'],
    });
    expect(soak.script).toContain('"maxLatencyGrowth": 1.2');
    expect(soak.script).toMatch(/"statuses": \[\s*503,\s*429\s*\],\s*"header": "x-circuit-breaker",\s*"headerValue": "open"/);
    expect(typeCheckK6Script(soak.script)).toEqual([]);
  });

  test('a bearer token by Secret reference, never in the ConfigMap', () => {
    const chart = newChart();
    const secret = kplus.Secret.fromSecretName(chart, 'token', 'soak-token');
    const soak = new SoakJob(chart, 'soak', { target: SoakTarget.url('https://api.example.com'), endpoints: ENDPOINTS, authTokenSecret: secret, authTokenKey: 'jwt' });
    const objects = synthValid(chart);
    expect(containerEnv(onlyOfKind(objects, 'Job').spec.template.spec.containers[0]).AUTH_TOKEN)
      .toEqual({ secretKeyRef: { name: 'soak-token', key: 'jwt' } });
    expect(soak.script).toContain('headers.Authorization = `Bearer ${authToken}`');
  });

  test('NetworkPolicy: egress only to the target pods on their container port, and DNS', () => {
    const { objects, job } = synthSoak();
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toEqual([
      { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
      {
        to: [{
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } },
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
        }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
    expect(job.spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
  });

  test('a URL target: the URL as given, egress pinned to its port only', () => {
    const chart = newChart();
    const soak = new SoakJob(chart, 'soak', { target: SoakTarget.url('https://api.example.com:8443/v2/'), endpoints: ENDPOINTS, healthPath: '/v2/health' });
    expect(soak.script).toContain('"baseUrl": "https://api.example.com:8443/v2"');
    expect(soak.script).toContain('"path": "/v2/health"');
    const policy = onlyOfKind(synthValid(chart), 'NetworkPolicy');
    expect(policy.spec.egress[1]).toEqual({ ports: [{ port: 8443, protocol: 'TCP' }] });
  });

  test('a target in the same namespace is reached by its short Service name', () => {
    const { soak } = synthSoak({}, null);
    expect(soak.script).toContain('"baseUrl": "http://orders-api:80"');
  });

  test('optional k6-operator TestRun with parallelism, restricted pods', () => {
    const { objects } = synthSoak({ testRunParallelism: 4, profile: SoakProfile.STAGING });
    const testRun = onlyOfKind(objects, 'TestRun');
    expect(testRun.apiVersion).toBe('k6.io/v1alpha1');
    expect(testRun.spec).toMatchObject({
      parallelism: 4,
      script: { configMap: { name: 'orders-soak-script', file: 'soak.js' } },
      cleanup: 'post',
      runner: {
        image: 'grafana/k6:2.2.0',
        automountServiceAccountToken: 'false',
        securityContext: { runAsNonRoot: true, runAsUser: 12345, seccompProfile: { type: 'RuntimeDefault' } },
        containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      },
    });
    expect(ofKind(synthSoak().objects, 'TestRun')).toHaveLength(0);
  });
});

describe('SoakJob refuses', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['zero VUs', () => SoakProfile.custom(Duration.hours(1), 0), 'vus must be a whole number of at least 1, got 0'],
    ['negative VUs', () => SoakProfile.custom(Duration.hours(1), -5), 'vus must be a whole number of at least 1, got -5'],
    ['a duration under one minute', () => SoakProfile.custom(Duration.seconds(59), 10),
      'duration must be whole seconds, at least 1 minute (the run is split into early, steady and late windows), got 59 seconds'],
    ['no endpoints', () => synthSoak({ endpoints: [] }), 'endpoints must name at least one API endpoint (the health endpoint alone is no workload), got []'],
    ['weights summing to zero', () => synthSoak({ endpoints: [{ path: '/a', weight: 0 }], healthWeight: 0 }), 'endpoints must have weights that sum to more than 0, got [0,0]'],
    ['a negative weight', () => synthSoak({ endpoints: [{ path: '/a', weight: -1 }] }), 'endpoints[0].weight must be 0 or more, got -1'],
    ['a malformed base URL', () => SoakTarget.url('orders-api:80'), 'baseUrl must be an http:// or https:// URL with a host, such as "http://orders-api.shop.svc:80", got "orders-api:80"'],
    ['a base URL with a bad port', () => SoakTarget.url('http://orders-api:99999'), 'baseUrl must be an http:// or https:// URL with a host, such as "http://orders-api.shop.svc:80", got "http://orders-api:99999"'],
    ['a relative endpoint path', () => synthSoak({ endpoints: [{ path: 'api/orders' }] }), 'endpoints[0].path must be an absolute URL path such as "/api/orders", got "api/orders"'],
    ['a health path with a space', () => synthSoak({ healthPath: '/ready z' }), 'healthPath must be an absolute URL path such as "/api/orders", got "/ready z"'],
    ['an impossible expected status', () => synthSoak({ endpoints: [{ path: '/a', expectedStatus: 700 }] }), 'endpoints[0].expectedStatus must be an HTTP status from 100 to 599, got 700'],
    ['a threshold that cannot parse', () => synthSoak({ thresholds: { extra: { http_req_duration: ['p95 < 500ms'] } } }),
      'thresholds["http_req_duration"] must hold k6 threshold expressions such as "p(95)<500", "rate<0.01" or "count<10", got "p95 < 500ms"'],
    ['a percentile above 100', () => synthSoak({ thresholds: { extra: { http_req_duration: ['p(101)<500'] } } }),
      'thresholds["http_req_duration"] must hold k6 threshold expressions such as "p(95)<500", "rate<0.01" or "count<10", got "p(101)<500"'],
    ['a malformed metric name', () => synthSoak({ thresholds: { extra: { 'http req': ['rate<0.1'] } } }),
      'thresholds must name k6 metrics such as "http_req_duration" or "http_req_duration{endpoint:orders}", got "http req"'],
    ['an empty threshold list', () => synthSoak({ thresholds: { extra: { checks: [] } } }), 'thresholds["checks"] must hold at least one expression, got []'],
    ['an error rate above 1', () => synthSoak({ thresholds: { maxErrorRate: 5 } }), 'thresholds.maxErrorRate must be a share from 0 to 1, got 5'],
    ['a growth limit below 1', () => synthSoak({ thresholds: { maxLatencyGrowth: 0.9 } }), 'thresholds.maxLatencyGrowth must be a ratio of at least 1, got 0.9'],
    ['p99 below p95', () => synthSoak({ thresholds: { p95: Duration.millis(800), p99: Duration.millis(500) } }),
      'thresholds.p99 must be at least the p95 limit (800 ms), got 500 millis'],
    ['a credential header', () => synthSoak({ endpoints: [{ path: '/a', headers: { Authorization: 'Bearer abc' } }] }),
      'endpoints[0].headers must not carry credentials (they would be stored in a ConfigMap): use authTokenSecret, got "Authorization"'],
    ['a breaker with nothing to recognise', () => synthSoak({ circuitBreaker: { statuses: [] } }),
      'circuitBreaker must name statuses or a header, or breaker openings cannot be recognised, got {"statuses":[]}'],
    ['an unpinned k6 image', () => synthSoak({ image: 'grafana/k6' }),
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); an image without a tag runs whatever latest is, got "grafana/k6"'],
    ['parallelism above the VUs', () => synthSoak({ testRunParallelism: 11 }), "testRunParallelism must be a whole number from 1 to the profile's VUs (10), got 11"],
  ];
  test.each(cases)('fails with %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('fails with a target Deployment that has no Service', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE });
    expect(() => SoakTarget.deployment(api)).toThrow('target must be a HardenedDeployment with a Service (service: true), got "test/api"');
  });
});

describeWith(['shellcheck', 'dash'], 'run-soak.sh', () => {
  const RUNNER = join(ASSETS, 'k6', 'run-soak.sh');
  const K6_STANDIN = join(__dirname, 'support', 'k6-standin');
  let output: string;
  beforeEach(() => {
    output = mkdtempSync(join(tmpdir(), 'soak-output-'));
  });
  afterEach(() => rmSync(output, { recursive: true, force: true }));

  test('is shellcheck-clean', () => {
    const result = spawnSync('shellcheck', [RUNNER], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  // k6 is not installable here: a stand-in k6 plays the exit codes and verdict files of a real run.
  test.each([
    ['k6 passed and the verdict is PASS', '0', 'PASS', 0, 'soak: PASS'],
    ['k6 passed but the verdict is FAIL (a leak)', '0', 'FAIL', 90, 'soak: FAIL: thresholds passed but the stability verdict is FAIL'],
    ['a threshold failed (k6 exit 99)', '99', 'FAIL', 99, 'soak: FAIL: k6 exited 99 (99: a threshold failed); stability verdict FAIL'],
    ['k6 crashed before any summary', '107', 'none', 107, 'soak: FAIL: k6 exited 107 (99: a threshold failed); stability verdict MISSING'],
    ['k6 passed but wrote no verdict', '0', 'none', 90, 'the stability verdict is MISSING'],
  ])('%s', (_name, exit, verdict, expected, message) => {
    for (const shell of ['bash', 'dash']) {
      const log = join(output, 'k6.log');
      const result = runScript(shell, RUNNER, {
        SCRIPT: '/scripts/soak.js', OUTPUT_DIR: output, K6_STANDIN_EXIT: exit, K6_STANDIN_VERDICT: verdict, K6_STANDIN_LOG: log,
      }, [K6_STANDIN]);
      expect(result.status).toBe(expected);
      expect(result.stderr).toContain(message);
      expect(readFileSync(log, 'utf8').trim().split('\n').pop()).toBe('run --no-color /scripts/soak.js');
      rmSync(join(output, 'verdict'), { force: true });
    }
  });
});
