import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HardenedDeployment, HttpMethod, SoakDestination, SoakJob, SoakJobProps, SoakProfile, SoakTarget } from '../src';
import { describeWith } from './support/binaries';
import { newChart, toYaml } from './support/charts';
import { CLUSTER_DNS_EGRESS, restrictedContainerSecurityContext } from './support/expected';
import { k6ImagePath } from './support/images';
import { loadK6Script } from './support/k6-script-runtime';
import { typeCheckK6Script } from './support/k6-typecheck';
import { onlyOfKind, synthValid } from './support/manifests';
import { ASSETS, runScript, SHELLS } from './support/scripts';
import { commandScript, containerEnv } from './support/synthesized';

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
    expect(commandScript(container)).toEqual({ dir: '/scripts', script: 'run-soak.sh' });
  });

  test.each([
    ['QUICK', SoakProfile.QUICK, 'quick', 3600, 10],
    ['STAGING', SoakProfile.STAGING, 'staging', 14400, 25],
    ['PRODUCTION', SoakProfile.PRODUCTION, 'production', 86400, 10],
    ['custom(90 minutes, 40)', SoakProfile.custom(Duration.minutes(90), 40), 'custom', 5400, 40],
  ])('profile %s: duration, VUs, windows and deadline arithmetic', (_name, profile, name, seconds, vus) => {
    const { soak, job } = synthSoak({ profile, gracefulStop: Duration.seconds(45), acknowledgeProductionWrites: true });
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
      'http_req_failed': ['rate<=0.01'],
      'http_req_duration': ['p(95)<500', 'p(99)<1500'],
      'http_req_duration{window:early}': ['max>=0'],
      'http_req_duration{window:late}': ['max>=0'],
      'circuit_breaker_open_rate': ['rate<=0.01'],
    });
    // the trend statistics the summary and the stability analysis read, p(99) included
    expect(options.summaryTrendStats).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']);
  });

  test('the container runs the runner on the script from /tmp, writes to /output and reports no usage; the pods are soak-test components', () => {
    const { container, job, objects } = synthSoak();
    expect(container.workingDir).toBe('/tmp');
    expect(containerEnv(container)).toEqual({ SCRIPT: '/scripts/soak.js', OUTPUT_DIR: '/output', K6_NO_USAGE_REPORT: 'true' });
    expect(job.metadata.labels['app.kubernetes.io/component']).toBe('soak-test');
    expect(job.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('soak-test');
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.policyTypes).toEqual(['Ingress', 'Egress']);
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
    const { options, config } = loadK6Script(soak.script);
    expect(options.thresholds).toEqual({
      'http_req_failed': ['rate<=0.001'],
      'http_req_duration': ['p(95)<250', 'p(99)<800'],
      'http_req_duration{window:early}': ['max>=0'],
      'http_req_duration{window:late}': ['max>=0'],
      'circuit_breaker_open_rate': ['rate<=0'],
      'http_req_duration{endpoint:POST /api/orders}': ['p(90)<400'],
    });
    expect(config.analysis.maxLatencyGrowth).toBe(1.2);
    // stored lowercase: the script compares them with the lowercased names and values it receives
    expect(config.breaker).toEqual({ statuses: [503, 429], header: 'x-circuit-breaker', headerValue: 'open' });
    expect(typeCheckK6Script(soak.script)).toEqual([]);
  });

  // k6 v2.2.0 metrics/thresholds.go: a rate threshold compares Trues/Total with the bound; `rate<0`
  // is false for every rate, `rate<=0` holds exactly when nothing failed.
  test.each([
    ['maxErrorRate', { maxErrorRate: 0 }, 'http_req_failed'],
    ['maxCircuitBreakerOpenRate', { maxCircuitBreakerOpenRate: 0 }, 'circuit_breaker_open_rate'],
  ])('%s 0 means none allowed: rate<=0, which a clean run passes', (_prop, thresholds, metric) => {
    const { options } = loadK6Script(synthSoak({ thresholds }).soak.script);
    expect(options.thresholds[metric]).toEqual(['rate<=0']);
    const [, operator, bound] = /^rate(<=|<)(.*)$/.exec(options.thresholds[metric][0])!;
    const passes = (rate: number) => (operator === '<=' ? rate <= Number(bound) : rate < Number(bound));
    expect(passes(0)).toBe(true);
    expect(passes(0.0001)).toBe(false);
  });

  describe('the ends of each range are accepted', () => {
    const configOf = (props: Partial<SoakJobProps>) => loadK6Script(synthSoak(props).soak.script);
    test('shares of 1: every request may fail or meet an open breaker', () => {
      const { options } = configOf({ thresholds: { maxErrorRate: 1, maxCircuitBreakerOpenRate: 1 } });
      expect(options.thresholds.http_req_failed).toEqual(['rate<=1']);
      expect(options.thresholds.circuit_breaker_open_rate).toEqual(['rate<=1']);
    });

    test('a latency growth of exactly 1 and a p99 equal to the p95', () => {
      const { options, config } = configOf({ thresholds: { maxLatencyGrowth: 1, p95: Duration.millis(800), p99: Duration.millis(800) } });
      expect(config.analysis.maxLatencyGrowth).toBe(1);
      expect(options.thresholds.http_req_duration).toEqual(['p(95)<800', 'p(99)<800']);
    });

    test('expected and breaker statuses of 100 and 599', () => {
      const { config } = configOf({
        endpoints: [{ path: '/a', expectedStatus: 100 }, { path: '/b', expectedStatus: 599 }], circuitBreaker: { statuses: [100, 599] },
      });
      expect(config.endpoints.map((e: any) => e.expectedStatus)).toEqual([200, 100, 599]);
      expect(config.breaker.statuses).toEqual([100, 599]);
    });

    test('a breaker recognised by its header alone', () => {
      expect(configOf({ circuitBreaker: { statuses: [], header: 'X-Breaker' } }).config.breaker).toEqual({ statuses: [], header: 'x-breaker', headerValue: null });
    });

    test('secret headers without a bearer token: no token file', () => {
      const chart = newChart();
      const soak = new SoakJob(chart, 'soak', {
        target: SoakTarget.url('https://api.example.com', SoakDestination.cidrs(['203.0.113.0/24'])),
        endpoints: ENDPOINTS,
        secretHeaders: [{ name: 'X-Api-Key', secret: kplus.Secret.fromSecretName(chart, 'key', 'soak-api-key'), key: 'key' }],
      });
      const { config } = loadK6Script(soak.script, { files: { '/var/run/secrets/soak/secret-header-0/value': 'k' } });
      expect(config.authTokenFile).toBeNull();
      expect(config.secretHeaders).toEqual([{ name: 'X-Api-Key', file: '/var/run/secrets/soak/secret-header-0/value' }]);
    });
  });

  describe('thresholds.extra on a metric with built-in thresholds', () => {
    test('a stricter bound is added: both stay visible and k6 fails on either', () => {
      const { options } = loadK6Script(synthSoak({ thresholds: { extra: { http_req_duration: ['p(95)<300', 'avg<200'], http_req_failed: ['rate<0.001'] } } }).soak.script);
      expect(options.thresholds.http_req_duration).toEqual(['p(95)<500', 'p(99)<1500', 'p(95)<300', 'avg<200']);
      expect(options.thresholds.http_req_failed).toEqual(['rate<=0.01', 'rate<0.001']);
    });

    test('an expression equal to a built-in one is kept once', () => {
      const { options } = loadK6Script(synthSoak({ thresholds: { extra: { http_req_duration: ['p(99)<1500', 'p(90)<400'] } } }).soak.script);
      expect(options.thresholds.http_req_duration).toEqual(['p(95)<500', 'p(99)<1500', 'p(90)<400']);
    });

    test('bounds as strict as the built-in ones, or stricter with <=, are added', () => {
      const { options } = loadK6Script(synthSoak({ thresholds: { extra: { http_req_failed: ['rate<=0.01', 'rate<0.01'], http_req_duration: ['p(95)<=499'] } } }).soak.script);
      expect(options.thresholds.http_req_failed).toEqual(['rate<=0.01', 'rate<0.01']);
      expect(options.thresholds.http_req_duration).toEqual(['p(95)<500', 'p(99)<1500', 'p(95)<=499']);
    });

    test('an upper bound on a window sub-metric is no built-in limit to loosen', () => {
      const { options } = loadK6Script(synthSoak({ thresholds: { extra: { 'http_req_duration{window:early}': ['max<5000'] } } }).soak.script);
      expect(options.thresholds['http_req_duration{window:early}']).toEqual(['max>=0', 'max<5000']);
    });

    test('the window sub-metrics keep their always-true threshold next to the user\'s', () => {
      const { options } = loadK6Script(synthSoak({ thresholds: { extra: { 'http_req_duration{window:late}': ['p(95)<800'] } } }).soak.script);
      expect(options.thresholds['http_req_duration{window:late}']).toEqual(['max>=0', 'p(95)<800']);
    });

    test.each([
      ['http_req_duration', 'p(95)<800', 'p(95)<500', 'thresholds.p95'],
      ['http_req_duration', 'p(99)<=1500', 'p(99)<1500', 'thresholds.p99'],
      ['http_req_failed', 'rate<0.05', 'rate<=0.01', 'thresholds.maxErrorRate'],
      ['circuit_breaker_open_rate', 'rate<=0.5', 'rate<=0.01', 'thresholds.maxCircuitBreakerOpenRate'],
    ])('a looser %s bound %s is refused, naming the prop that moves the built-in one', (metric, expression, builtIn, prop) => {
      expect(() => synthSoak({ thresholds: { extra: { [metric]: [expression] } } })).toThrow(
        `thresholds.extra["${metric}"] must not loosen the built-in "${builtIn}" (both would apply, so it would change nothing): set ${prop} instead, got "${expression}"`);
    });
  });

  test('a bearer token and secret headers as read-only files from their Secrets: no value in the ConfigMap or the environment', () => {
    const chart = newChart();
    const TOKEN = 'tok-3f9a1c77e2';
    const API_KEY = 'key-81bd0c55aa';
    const tokenSecret = new kplus.Secret(chart, 'token', { metadata: { name: 'soak-token' }, stringData: { jwt: TOKEN } });
    const keySecret = new kplus.Secret(chart, 'key', { metadata: { name: 'soak-api-key' }, stringData: { key: API_KEY } });
    const soak = new SoakJob(chart, 'soak', {
      metadata: { name: 'orders-soak' },
      target: SoakTarget.url('https://api.example.com', SoakDestination.cidrs(['203.0.113.0/24'])),
      endpoints: ENDPOINTS,
      authTokenSecret: tokenSecret,
      authTokenKey: 'jwt',
      secretHeaders: [{ name: 'X-Api-Key', secret: keySecret, key: 'key' }],
    });
    const objects = synthValid(chart);
    const pod = onlyOfKind(objects, 'Job').spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: 'auth-token', secret: { secretName: 'soak-token', items: [{ key: 'jwt', path: 'value', mode: 0o440 }], defaultMode: 0o440 },
    });
    expect(pod.volumes).toContainEqual({
      name: 'secret-header-0', secret: { secretName: 'soak-api-key', items: [{ key: 'key', path: 'value', mode: 0o440 }], defaultMode: 0o440 },
    });
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      { name: 'auth-token', mountPath: '/var/run/secrets/soak/auth-token', readOnly: true },
      { name: 'secret-header-0', mountPath: '/var/run/secrets/soak/secret-header-0', readOnly: true },
    ]));
    expect(Object.keys(containerEnv(pod.containers[0])).sort()).toEqual(['K6_NO_USAGE_REPORT', 'OUTPUT_DIR', 'SCRIPT']);
    const { config } = loadK6Script(soak.script, { files: { '/var/run/secrets/soak/auth-token/value': TOKEN, '/var/run/secrets/soak/secret-header-0/value': API_KEY } });
    expect(config.authTokenFile).toBe('/var/run/secrets/soak/auth-token/value');
    expect(config.secretHeaders).toEqual([{ name: 'X-Api-Key', file: '/var/run/secrets/soak/secret-header-0/value' }]);
    // only the Secrets themselves hold the values
    const holders = objects.filter((o) => JSON.stringify(o).includes(TOKEN) || JSON.stringify(o).includes(API_KEY)).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(holders.sort()).toEqual(['Secret/soak-api-key', 'Secret/soak-token']);
    expect(onlyOfKind(objects, 'ConfigMap').data['soak.js']).toBe(soak.script);
  });

  test('NetworkPolicy: egress only to the target pods on their container port, and DNS', () => {
    const { objects, job } = synthSoak();
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toEqual([
      CLUSTER_DNS_EGRESS,
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

  test('a URL target: the URL as given, egress to its port on the destination ranges only', () => {
    const chart = newChart();
    const soak = new SoakJob(chart, 'soak', { target: SoakTarget.url('https://api.example.com:8443/v2/', SoakDestination.cidrs(['203.0.113.0/24'])), endpoints: ENDPOINTS, healthPath: '/v2/health' });
    const { config } = loadK6Script(soak.script);
    expect(config.baseUrl).toBe('https://api.example.com:8443/v2');
    expect(config.endpoints[0].path).toBe('/v2/health');
    const policy = onlyOfKind(synthValid(chart), 'NetworkPolicy');
    expect(policy.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8443, protocol: 'TCP' }] });
  });

  test('a target in the same namespace is reached by its short Service name', () => {
    const { soak } = synthSoak({}, null);
    expect(soak.script).toContain('"baseUrl": "http://orders-api:80"');
  });
});

describe('SoakJob refuses', () => {
  const cases: Array<[string, () => unknown, string | RegExp]> = [
    ['zero VUs', () => SoakProfile.custom(Duration.hours(1), 0), 'vus must be a whole number of at least 1, got 0'],
    ['negative VUs', () => SoakProfile.custom(Duration.hours(1), -5), 'vus must be a whole number of at least 1, got -5'],
    ['a duration under one minute', () => SoakProfile.custom(Duration.seconds(59), 10),
      'duration must be whole seconds from 1 minute to 2147483047 seconds (the run is split into early, steady and late windows; '
      + 'duration + gracefulStop + 10 minutes is an int32 deadline), got 59 seconds'],
    ['no endpoints', () => synthSoak({ endpoints: [] }), 'endpoints must name at least one API endpoint (the health endpoint alone is no workload), got []'],
    ['weights summing to zero', () => synthSoak({ endpoints: [{ path: '/a', weight: 0 }], healthWeight: 0 }), 'endpoints must have weights that sum to more than 0, got [0,0]'],
    ['a negative weight', () => synthSoak({ endpoints: [{ path: '/a', weight: -1 }] }), 'endpoints[0].weight must be 0 or more, got -1'],
    ['a negative health weight', () => synthSoak({ healthWeight: -1 }), 'healthWeight must be 0 or more, got -1'],
    ['a malformed base URL', () => SoakTarget.url('orders-api:80', SoakDestination.internet()), 'baseUrl must be an http:// or https:// URL with a host, such as "http://orders-api.shop.svc:80", got "orders-api:80"'],
    ['a base URL with a bad port', () => SoakTarget.url('http://orders-api:99999', SoakDestination.internet()), 'baseUrl must be an http:// or https:// URL with a host, such as "http://orders-api.shop.svc:80", got "http://orders-api:99999"'],
    ['a relative endpoint path', () => synthSoak({ endpoints: [{ path: 'api/orders' }] }), 'endpoints[0].path must be an absolute URL path such as "/api/orders", got "api/orders"'],
    ['a health path with a space', () => synthSoak({ healthPath: '/ready z' }), 'healthPath must be an absolute URL path such as "/api/orders", got "/ready z"'],
    ['an impossible expected status', () => synthSoak({ endpoints: [{ path: '/a', expectedStatus: 700 }] }), 'endpoints[0].expectedStatus must be an HTTP status from 100 to 599, got 700'],
    ['a threshold that cannot parse', () => synthSoak({ thresholds: { extra: { http_req_duration: ['p95 < 500ms'] } } }),
      'thresholds.extra["http_req_duration"] must hold k6 threshold expressions such as "p(95)<500", "rate<0.01" or "count<10", got "p95 < 500ms"'],
    ['a percentile above 100', () => synthSoak({ thresholds: { extra: { http_req_duration: ['p(101)<500'] } } }),
      'thresholds.extra["http_req_duration"] must hold k6 threshold expressions such as "p(95)<500", "rate<0.01" or "count<10", got "p(101)<500"'],
    ['a malformed metric name', () => synthSoak({ thresholds: { extra: { 'http req': ['rate<0.1'] } } }),
      'thresholds.extra["http req"] must name a k6 metric such as "http_req_duration" or a sub-metric such as "http_req_duration{endpoint:GET /orders}", got "http req"'],
    ['an empty threshold list', () => synthSoak({ thresholds: { extra: { checks: [] } } }), 'thresholds.extra["checks"] must hold at least one expression, got []'],
    ['a metric name with a line break', () => synthSoak({ thresholds: { extra: { 'a\r\n"b': ['rate<1'] } } }),
      'thresholds.extra["a\\r\\n\\"b"] must name a k6 metric such as "http_req_duration" or a sub-metric such as "http_req_duration{endpoint:GET /orders}", got "a\\r\\n\\"b"'],
    ['an error rate above 1', () => synthSoak({ thresholds: { maxErrorRate: 5 } }), 'thresholds.maxErrorRate must be a share from 0 to 1, got 5'],
    ['an error rate below 0', () => synthSoak({ thresholds: { maxErrorRate: -0.01 } }), 'thresholds.maxErrorRate must be a share from 0 to 1, got -0.01'],
    ['a breaker rate just above 1', () => synthSoak({ thresholds: { maxCircuitBreakerOpenRate: 1.01 } }),
      'thresholds.maxCircuitBreakerOpenRate must be a share from 0 to 1, got 1.01'],
    ['a blank endpoint name', () => synthSoak({ endpoints: [{ path: '/a', name: ' ' }] }), 'endpoints[0].name must be a non-empty name, got " "'],
    ['one header twice in different case', () => synthSoak({ endpoints: [{ path: '/a', headers: { 'X-Tenant': 'a', 'x-tenant': 'b' } }] }),
      'endpoints[0].headers must name each header once, ignoring case (HTTP header names are case-insensitive), and none of secretHeaders, got "x-tenant"'],
    ['an endpoint header that a secret header also sets, in another case', () => synthSoak({
      endpoints: [{ path: '/a', headers: { 'x-tenant': 'a' } }],
      secretHeaders: [{ name: 'X-Tenant', secret: kplus.Secret.fromSecretName(newChart(), 's', 'keys'), key: 'k' }],
    }), 'endpoints[0].headers must name each header once, ignoring case (HTTP header names are case-insensitive), and none of secretHeaders, got "x-tenant"'],
    ['two secret headers differing in case', () => synthSoak({
      secretHeaders: ['X-Tenant', 'x-TENANT'].map((name) => ({ name, secret: kplus.Secret.fromSecretName(newChart(), 's', 'keys'), key: 'k' })),
    }), 'secretHeaders[1].name must name a header once, ignoring case (Authorization comes from authTokenSecret), got "x-TENANT"'],
    ['a secret header name that is no string', () => synthSoak({
      secretHeaders: [{ name: ['X-Tenant'] as unknown as string, secret: kplus.Secret.fromSecretName(newChart(), 's', 'keys'), key: 'k' }],
    }), 'secretHeaders[0].name must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~, got ["X-Tenant"]'],
    ['a secret header from a Secret whose name is no DNS subdomain', () => synthSoak({
      secretHeaders: [{ name: 'X-Tenant', secret: kplus.Secret.fromSecretName(newChart(), 's', 'Keys!'), key: 'k' }],
    }), 'secretHeaders[0].secret must be a DNS-1123 subdomain'],
    ['a breaker header value with a leading space', () => synthSoak({ circuitBreaker: { header: 'X-Breaker', headerValue: ' open' } }),
      'circuitBreaker.headerValue must be non-empty without leading or trailing spaces (received header values are trimmed), got " open"'],
    ['a label key the API server refuses', () => synthSoak({ metadata: { name: 'orders-soak', labels: { 'bad key!': 'x' } } }), 'metadata.labels key must be a label key'],
    ['an endpoint path that is no string', () => synthSoak({ endpoints: [{ path: ['/a'] as unknown as string }] }),
      'endpoints[0].path must be an absolute URL path such as "/api/orders", got ["/a"]'],
    ['an expected status of 99', () => synthSoak({ endpoints: [{ path: '/a', expectedStatus: 99 }] }), 'endpoints[0].expectedStatus must be an HTTP status from 100 to 599, got 99'],
    ['an expected status of 600', () => synthSoak({ endpoints: [{ path: '/a', expectedStatus: 600 }] }), 'endpoints[0].expectedStatus must be an HTTP status from 100 to 599, got 600'],
    ['a fractional expected status', () => synthSoak({ endpoints: [{ path: '/a', expectedStatus: 200.5 }] }),
      'endpoints[0].expectedStatus must be an HTTP status from 100 to 599, got 200.5'],
    ...[99, 600, 503.5].map((status): [string, () => unknown, string] => [`a breaker status of ${status}`,
      () => synthSoak({ circuitBreaker: { statuses: [503, status] } }), `circuitBreaker.statuses must hold HTTP statuses from 100 to 599, got ${status}`]),
    ['a breaker header that is no header name', () => synthSoak({ circuitBreaker: { header: 'X Breaker' } }),
      'circuitBreaker.header must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~, got "X Breaker"'],
    ['a breaker header that is no string', () => synthSoak({ circuitBreaker: { header: ['X-Breaker'] as unknown as string } }),
      'circuitBreaker.header must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~, got ["X-Breaker"]'],
    ['an empty breaker header value', () => synthSoak({ circuitBreaker: { header: 'X-Breaker', headerValue: '' } }),
      'circuitBreaker.headerValue must be non-empty without leading or trailing spaces (received header values are trimmed), got ""'],
    ['a breaker header value with a line break', () => synthSoak({ circuitBreaker: { header: 'X-Breaker', headerValue: 'open\n' } }),
      'circuitBreaker.headerValue must contain no control characters (newlines, tabs, escapes), got "open\\n"'],
    ['a growth limit below 1', () => synthSoak({ thresholds: { maxLatencyGrowth: 0.9 } }), 'thresholds.maxLatencyGrowth must be a finite ratio of at least 1, got 0.9'],
    ['p99 below p95', () => synthSoak({ thresholds: { p95: Duration.millis(800), p99: Duration.millis(500) } }),
      'thresholds.p99 must be at least the p95 limit (800 ms), got 500 millis'],
    ...['Authorization', 'Cookie', 'Proxy-Authorization', 'X-Api-Key', 'x-auth-token', 'X-SESSION-ID', 'X-Client-Secret', 'X-Password', 'X-Passwd',
      'X-Amz-Security-Token', 'X-Credential', 'Api-Key', 'X-Authentication'].map((header): [string, () => unknown, string] => [
      `a credential header ${header}`, () => synthSoak({ endpoints: [{ path: '/a', headers: { [header]: 'abc' } }] }),
      'endpoints[0].headers must not carry credentials (a header whose name contains key, token, secret, password, passwd, auth, session, cookie or '
      + `credential would be stored in a ConfigMap): use authTokenSecret for a bearer token or secretHeaders for any other secret header, got "${header}"`,
    ]),
    ['a breaker with nothing to recognise', () => synthSoak({ circuitBreaker: { statuses: [] } }),
      'circuitBreaker must name statuses or a header, or breaker openings cannot be recognised, got {"statuses":[]}'],
    ['an unpinned k6 image', () => synthSoak({ image: 'grafana/k6' }),
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); an image without a tag runs whatever latest is, got "grafana/k6"'],
    ['parallelism above the VUs', () => synthSoak({ testRunParallelism: 11 }), "testRunParallelism must be a whole number from 1 to the profile's VUs (10), got 11"],
  ];
  test.each(cases)('fails with %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  // Values that synth used to accept and that k6, the API server or the script then refused or misread.
  const WINDOWS_AND_DEADLINE = ' (the run is split into early, steady and late windows; duration + gracefulStop + 10 minutes is an int32 deadline)';
  const limits: Array<[string, () => unknown, string | RegExp]> = [
    ['an infinite growth limit (JSON null in the script)', () => synthSoak({ thresholds: { maxLatencyGrowth: Infinity } }),
      'thresholds.maxLatencyGrowth must be a finite ratio of at least 1, got Infinity'],
    ['a NaN growth limit', () => synthSoak({ thresholds: { maxLatencyGrowth: NaN } }), 'thresholds.maxLatencyGrowth must be a finite ratio of at least 1, got NaN'],
    ['a NaN error rate', () => synthSoak({ thresholds: { maxErrorRate: NaN } }), 'thresholds.maxErrorRate must be a share from 0 to 1, got NaN'],
    ['a 21-digit duration (k6 durations and the int32 deadline)', () => SoakProfile.custom(Duration.seconds(1e21), 1),
      `duration must be whole seconds from 1 minute to 2147483047 seconds${WINDOWS_AND_DEADLINE}, got 11574074074074074 days`],
    ['a duration whose deadline overflows int32', () => SoakProfile.custom(Duration.seconds(2147483047 + 1), 1),
      `duration must be whole seconds from 1 minute to 2147483047 seconds${WINDOWS_AND_DEADLINE}, got 24855 days 3 hours`],
    ['VUs beyond int32', () => SoakProfile.custom(Duration.hours(1), 2 ** 31), 'vus must be a whole number from 1 to 2147483647 (int32), got 2147483648'],
    ['fractional VUs', () => SoakProfile.custom(Duration.hours(1), 2.5), 'vus must be a whole number of at least 1, got 2.5'],
    ['a gracefulStop that pushes the deadline past int32', () => synthSoak({ profile: SoakProfile.custom(Duration.seconds(2147483000), 1), gracefulStop: Duration.seconds(100) }),
      "gracefulStop must be whole seconds from 0 seconds to 47 seconds (duration + gracefulStop + 10 minutes is the Job's activeDeadlineSeconds, an int32), got 1 minute 40 seconds"],
    ['a gracefulStop of a fraction of a second', () => synthSoak({ gracefulStop: Duration.millis(1500) }), /^gracefulStop must be whole seconds from 0 seconds to /],
    ['a sub-millisecond think time', () => synthSoak({ thinkTime: Duration.millis(0.5) }),
      'thinkTime must be whole milliseconds from 0 to 2147483647, got '],
    ['a NaN think time', () => synthSoak({ thinkTime: Duration.millis(NaN) }), 'thinkTime must be whole milliseconds from 0 to 2147483647, got NaN'],
    ['a sub-millisecond p95', () => synthSoak({ thresholds: { p95: Duration.millis(0.5) } }), 'thresholds.p95 must be whole milliseconds from 1 to 2147483647, got '],
    ['a NaN p99', () => synthSoak({ thresholds: { p99: Duration.millis(NaN) } }), 'thresholds.p99 must be whole milliseconds from 1 to 2147483647, got NaN'],
    ['a zero p95', () => synthSoak({ thresholds: { p95: Duration.millis(0) } }), 'thresholds.p95 must be whole milliseconds from 1 to 2147483647, got '],
    ['a TTL beyond int32', () => synthSoak({ ttlAfterFinished: Duration.days(30000) }),
      'ttlAfterFinished must be whole seconds from 0 seconds to 2147483647 seconds (int32), got 30000 days'],
    ['a Job name over 63 characters', () => synthSoak({ metadata: { name: `soak-${'x'.repeat(59)}` } }),
      `metadata.name must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (a Job's pods carry its name in a label), got "soak-${'x'.repeat(59)}"`],
    ['an invalid token key', () => synthSoak({ authTokenSecret: kplus.Secret.fromSecretName(newChart(), 's', 'soak-token'), authTokenKey: 'my token' }),
      'authTokenKey must be a Secret key: at most 253 letters, digits, \'-\', \'_\' and \'.\', not \'.\' or \'..\', got "my token"'],
    ['a token key without a Secret', () => synthSoak({ authTokenKey: 'jwt' }), 'authTokenKey must come with authTokenSecret, got "jwt"'],
    ['an invalid token Secret name', () => synthSoak({ authTokenSecret: kplus.Secret.fromSecretName(newChart(), 's', 'Soak_Token') }),
      'authTokenSecret must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got "Soak_Token"'],
    ['an invalid secret header key', () => synthSoak({ secretHeaders: [{ name: 'X-Api-Key', secret: kplus.Secret.fromSecretName(newChart(), 's', 'keys'), key: '..' }] }),
      'secretHeaders[0].key must be a Secret key: at most 253 letters, digits, \'-\', \'_\' and \'.\', not \'.\' or \'..\', got ".."'],
    ['a secret header that is not a header name', () => synthSoak({ secretHeaders: [{ name: 'X Api Key', secret: kplus.Secret.fromSecretName(newChart(), 's', 'keys'), key: 'k' }] }),
      'secretHeaders[0].name must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~, got "X Api Key"'],
    ['a second Authorization through secretHeaders', () => synthSoak({
      authTokenSecret: kplus.Secret.fromSecretName(newChart(), 't', 'token'),
      secretHeaders: [{ name: 'authorization', secret: kplus.Secret.fromSecretName(newChart(), 's', 'keys'), key: 'k' }],
    }), 'secretHeaders[0].name must name a header once, ignoring case (Authorization comes from authTokenSecret), got "authorization"'],
    ['a control character in a path', () => synthSoak({ endpoints: [{ path: '/api/\u0000orders' }] }),
      'endpoints[0].path must contain no control characters (newlines, tabs, escapes), got "/api/\\u0000orders"'],
    ['a header value that would inject a header', () => synthSoak({ endpoints: [{ path: '/a', headers: { 'X-Tenant': 'a\r\nX-Injected: 1' } }] }),
      'endpoints[0].headers["X-Tenant"] must contain no control characters (newlines, tabs, escapes), got "a\\r\\nX-Injected: 1"'],
    ['a header name that is not a token', () => synthSoak({ endpoints: [{ path: '/a', headers: { 'Content Type': 'text/plain' } }] }),
      'endpoints[0].headers must have header names made of letters, digits and !#$%&\'*+-.^_`|~, got "Content Type"'],
    ['the same header twice in different case', () => synthSoak({ endpoints: [{ path: '/a', headers: { 'content-type': 'a', 'Content-Type': 'b' } }] }),
      'endpoints[0].headers must name each header once, ignoring case (HTTP header names are case-insensitive), and none of secretHeaders, got "Content-Type"'],
    ['a newline in an endpoint name', () => synthSoak({ endpoints: [{ path: '/a', name: 'orders\nFAIL' }] }),
      'endpoints[0].name must contain no control characters (newlines, tabs, escapes), got "orders\\nFAIL"'],
    ['"::" in an endpoint name (k6 check() throws)', () => synthSoak({ endpoints: [{ path: '/a', name: 'orders::list' }] }),
      'endpoints[0].name must not contain "::", which k6 refuses in check names, got "orders::list"'],
    ['"::" in a path that names the endpoint', () => synthSoak({ endpoints: [{ path: '/a::b' }] }),
      'endpoints[0].path must not contain "::", which k6 refuses in check names (set endpoints[0].name), got "GET /a::b"'],
    ['a breaker header that is not a header name', () => synthSoak({ circuitBreaker: { header: 'x breaker' } }),
      'circuitBreaker.header must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~, got "x breaker"'],
    ['a breaker value with surrounding spaces (received values are trimmed)', () => synthSoak({ circuitBreaker: { header: 'X-Breaker', headerValue: ' open' } }),
      'circuitBreaker.headerValue must be non-empty without leading or trailing spaces (received header values are trimmed), got " open"'],
    ['a breaker value without a header', () => synthSoak({ circuitBreaker: { headerValue: 'open' } }), 'circuitBreaker.headerValue must come with circuitBreaker.header, got "open"'],
    ['a threshold on a metric the script never records (k6 exits 104)', () => synthSoak({ thresholds: { extra: { http_req_duraton: ['p(95)<300'] } } }),
      /^thresholds.extra\["http_req_duraton"\] must name a metric the soak script records \(vus, vus_max, .*circuit_breaker_open_rate\), got "http_req_duraton"$/],
    ['an aggregation the metric type has not (k6 exits 104)', () => synthSoak({ thresholds: { extra: { http_req_duration: ['rate<0.1'] } } }),
      'thresholds.extra["http_req_duration"] must use an aggregation that a trend metric has (avg, min, max, med, p(N)), got "rate<0.1"'],
    ['a filter on an endpoint that does not exist (it would always pass)', () => synthSoak({ thresholds: { extra: { 'http_req_duration{endpoint:GET /orders}': ['p(95)<300'] } } }),
      'thresholds.extra["http_req_duration{endpoint:GET /orders}"] must filter endpoint on a value the script uses ("health /readyz", "GET /api/orders", "POST /api/orders"); a filter that matches nothing always passes, got "GET /orders"'],
    ['a filter on a window that does not exist', () => synthSoak({ thresholds: { extra: { 'http_req_duration{window:middle}': ['p(95)<300'] } } }),
      'thresholds.extra["http_req_duration{window:middle}"] must filter window on a value the script uses ("early", "steady", "late"); a filter that matches nothing always passes, got "middle"'],
    ['a tag filter k6 cannot parse', () => synthSoak({ thresholds: { extra: { 'http_req_duration{endpoint}': ['p(95)<300'] } } }),
      /^thresholds.extra\["http_req_duration{endpoint}"\] must name a k6 metric such as/],
  ];
  test.each(limits)('fails with %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
  test('fails with a target Deployment that has no Service', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE });
    expect(() => SoakTarget.deployment(api)).toThrow('target must be a HardenedDeployment with a Service (service: true), got "test/api"');
  });
});

describeWith(['shellcheck', 'dash', 'busybox'], 'run-soak.sh', () => {
  const RUNNER = join(ASSETS, 'k6', 'run-soak.sh');
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
    ['k6 refused its options (exit 104)', '104', 'none', 104, 'soak: FAIL: k6 exited 104 (99: a threshold failed); stability verdict MISSING'],
    ['k6 passed but wrote no verdict', '0', 'none', 90, 'the stability verdict is MISSING'],
  ])('%s', (_name, exit, verdict, expected, message) => {
    for (const shell of SHELLS) {
      const log = join(output, 'k6.log');
      const result = runScript(shell, RUNNER, {
        SCRIPT: '/scripts/soak.js', OUTPUT_DIR: output, K6_STANDIN_EXIT: exit, K6_STANDIN_VERDICT: verdict, K6_STANDIN_LOG: log,
      }, [k6ImagePath()]);
      expect(result.status).toBe(expected);
      expect(result.stderr).toContain(message);
      expect(readFileSync(log, 'utf8').trim().split('\n').pop()).toBe('run --no-color /scripts/soak.js');
      rmSync(join(output, 'verdict'), { force: true });
    }
  });
});

describe('a PRODUCTION soak that changes state', () => {
  const WRITE = { path: '/api/orders', method: HttpMethod.POST, expectedStatus: 201 };

  test.each([HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE])('fails with %s endpoints and no acknowledgement', (method) => {
    expect(() => synthSoak({ profile: SoakProfile.PRODUCTION, endpoints: [{ path: '/api/orders' }, { ...WRITE, method }] })).toThrow(
      `acknowledgeProductionWrites must be true for a PRODUCTION soak whose endpoints change state (${method} for 24 hours create, change or delete real records), got nothing`);
    expect(() => synthSoak({ profile: SoakProfile.PRODUCTION, endpoints: [{ ...WRITE, method }], acknowledgeProductionWrites: false }))
      .toThrow(/^acknowledgeProductionWrites must be true for a PRODUCTION soak whose endpoints change state .*, got false$/);
  });

  test('the error names each state-changing method once', () => {
    expect(() => synthSoak({ profile: SoakProfile.PRODUCTION, endpoints: [WRITE, { ...WRITE, method: HttpMethod.DELETE }, { ...WRITE, path: '/api/carts' }] }))
      .toThrow('(POST, DELETE for 24 hours create, change or delete real records)');
  });

  test('synthesizes with the acknowledgement, and other profiles or read-only endpoints need none', () => {
    expect(() => synthSoak({ profile: SoakProfile.PRODUCTION, endpoints: [WRITE], acknowledgeProductionWrites: true })).not.toThrow();
    expect(() => synthSoak({ profile: SoakProfile.PRODUCTION, endpoints: [{ path: '/api/orders' }] })).not.toThrow();
    expect(() => synthSoak({ profile: SoakProfile.STAGING, endpoints: [WRITE] })).not.toThrow();
  });
});
