import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EgressRule, HardenedDeployment, SoakJob, SoakJobProps, SoakMetricsOutput, SoakProfile, SoakTarget } from '../src';
import { newChart } from './support/charts';
import { onlyOfKind, synthValid } from './support/manifests';
import { containerEnv } from './support/synthesized';

const URL = 'http://prometheus-operated.monitoring.svc:9090/api/v1/write';
const PROMETHEUS = EgressRule.toPods({ labels: { 'app.kubernetes.io/name': 'prometheus' }, namespaceName: 'monitoring', ports: [9090] });

function synthSoak(props: Partial<SoakJobProps> = {}) {
  const chart = newChart();
  const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: { name: 'orders-api', namespace: 'shop' } });
  new SoakJob(chart, 'soak', {
    metadata: { name: 'orders-soak', namespace: 'shop' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/api/orders' }], ...props,
  });
  const objects = synthValid(chart).filter((o) => o.metadata.name.startsWith('orders-soak'));
  const job = onlyOfKind(objects, 'Job');
  const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'orders-soak');
  return { objects, job, env: containerEnv(job.spec.template.spec.containers[0]), policy };
}

// k6 v2.2.0 reads all of it from its environment: K6_OUT (internal/cmd/config.go), K6_PROMETHEUS_RW_*
// (internal/output/prometheusrw/remotewrite/config.go), K6_FEATURES (internal/features), K6_TAGS (lib/options.go).
describe('SoakMetricsOutput.prometheusRemoteWrite on a SoakJob', () => {
  test('selects k6\'s remote-write output with its URL, p95 and p99 gauges, stale markers, and tags runs by Job and profile', () => {
    const metricsOutput = SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS });
    const { env } = synthSoak({ metricsOutput, profile: SoakProfile.STAGING });
    expect(env).toMatchObject({
      K6_OUT: 'experimental-prometheus-rw',
      K6_PROMETHEUS_RW_SERVER_URL: URL,
      K6_PROMETHEUS_RW_PUSH_INTERVAL: '5000ms',
      K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99)',
      K6_PROMETHEUS_RW_STALE_MARKERS: 'true',
      K6_TAGS: 'testid:orders-soak,profile:staging',
    });
    expect(env.K6_FEATURES).toBeUndefined();
  });

  test('without an output nothing is pushed and egress stays limited to the target', () => {
    const { env, policy } = synthSoak();
    expect(Object.keys(env).filter((k) => k === 'K6_OUT' || k.startsWith('K6_PROMETHEUS_RW') || k === 'K6_TAGS')).toEqual([]);
    expect(policy.spec.egress).toHaveLength(2);
  });

  test('native histograms, push interval, headers and a bearer token by Secret reference', () => {
    const chart = newChart();
    const token = kplus.Secret.fromSecretName(chart, 'token', 'remote-write-token');
    const { env } = synthSoak({
      metricsOutput: SoakMetricsOutput.prometheusRemoteWrite({
        url: 'https://mimir.example.com/api/v1/push',
        egress: EgressRule.toCidr('203.0.113.0/24', [443]),
        nativeHistograms: true,
        pushInterval: Duration.seconds(15),
        staleMarkers: false,
        headers: { 'X-Scope-OrgID': 'orders' },
        bearerTokenSecret: token,
        bearerTokenKey: 'rw-token',
      }),
    });
    expect(env).toMatchObject({
      'K6_FEATURES': 'native-histograms',
      'K6_PROMETHEUS_RW_PUSH_INTERVAL': '15000ms',
      'K6_PROMETHEUS_RW_STALE_MARKERS': 'false',
      'K6_PROMETHEUS_RW_HEADERS_X-Scope-OrgID': 'orders',
      'K6_PROMETHEUS_RW_BEARER_TOKEN': { secretKeyRef: { name: 'remote-write-token', key: 'rw-token' } },
    });
    expect(env.K6_PROMETHEUS_RW_TREND_STATS).toBeUndefined();
  });

  test('the NetworkPolicy lets the pods reach exactly the destination given, never the URL\'s port on every address', () => {
    expect(synthSoak({ metricsOutput: SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS }) }).policy.spec.egress[2]).toEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    });
    const mimir = SoakMetricsOutput.prometheusRemoteWrite({ url: 'https://mimir.example.com/api/v1/push', egress: EgressRule.toCidr('203.0.113.0/24', [443]) });
    expect(synthSoak({ metricsOutput: mimir }).policy.spec.egress[2]).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] });
  });

  test('the bearer token key defaults to token', () => {
    const chart = newChart();
    const token = kplus.Secret.fromSecretName(chart, 'token', 'remote-write-token');
    const options = { url: URL, egress: PROMETHEUS, bearerTokenSecret: token, allowTokenOverHttp: true };
    const { env } = synthSoak({ metricsOutput: SoakMetricsOutput.prometheusRemoteWrite(options) });
    expect(env.K6_PROMETHEUS_RW_BEARER_TOKEN).toEqual({ secretKeyRef: { name: 'remote-write-token', key: 'token' } });
  });

  test('the k6-operator TestRun runners get the bearer token by Secret reference too', () => {
    const chart = newChart();
    const token = kplus.Secret.fromSecretName(chart, 'token', 'remote-write-token');
    const metricsOutput = SoakMetricsOutput.prometheusRemoteWrite({ url: URL.replace('http:', 'https:'), egress: PROMETHEUS, bearerTokenSecret: token, bearerTokenKey: 'rw-token' });
    const { objects } = synthSoak({ metricsOutput, testRunParallelism: 2 });
    const env = onlyOfKind(objects, 'TestRun').spec.runner.env;
    expect(env.filter((e: any) => e.name === 'K6_PROMETHEUS_RW_BEARER_TOKEN')).toEqual([
      { name: 'K6_PROMETHEUS_RW_BEARER_TOKEN', valueFrom: { secretKeyRef: { name: 'remote-write-token', key: 'rw-token' } } },
    ]);
    const without = synthSoak({ metricsOutput: SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS }), testRunParallelism: 2 });
    expect(onlyOfKind(without.objects, 'TestRun').spec.runner.env.map((e: any) => e.name)).not.toContain('K6_PROMETHEUS_RW_BEARER_TOKEN');
  });

  test('the k6-operator TestRun runners push the same way', () => {
    const metricsOutput = SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS });
    const { objects } = synthSoak({ metricsOutput, testRunParallelism: 2 });
    const env = onlyOfKind(objects, 'TestRun').spec.runner.env;
    expect(env).toContainEqual({ name: 'K6_OUT', value: 'experimental-prometheus-rw' });
    expect(env).toContainEqual({ name: 'K6_TAGS', value: 'testid:orders-soak,profile:quick' });
  });

  test('exposes what a dashboard needs', () => {
    const output = SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, trendStats: ['p(90)', 'p(99.9)', 'avg'] });
    expect(output.trendStats).toEqual(['p(90)', 'p(99.9)', 'avg']);
    expect(output.nativeHistograms).toBe(false);
    expect(output.port).toBe(9090);
    expect(SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, nativeHistograms: true }).trendStats).toEqual([]);
  });

  test('the port of a URL without one is its scheme\'s: 80 for http, 443 for https', () => {
    expect(SoakMetricsOutput.prometheusRemoteWrite({ url: 'http://prometheus-operated.monitoring.svc/api/v1/write', egress: PROMETHEUS }).port).toBe(80);
    expect(SoakMetricsOutput.prometheusRemoteWrite({ url: 'https://mimir.example.com/api/v1/push', egress: PROMETHEUS }).port).toBe(443);
    expect(SoakMetricsOutput.prometheusRemoteWrite({ url: 'https://mimir.example.com:8443/api/v1/push', egress: PROMETHEUS }).port).toBe(8443);
  });

  test('fails on a bearer token to an http:// URL unless the hop is declared encrypted', () => {
    const token = kplus.Secret.fromSecretName(newChart(), 'token', 'remote-write-token');
    expect(() => SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, bearerTokenSecret: token }))
      .toThrow(`url must be https:// when bearerTokenSecret is set: over http:// the token crosses the network in clear (set allowTokenOverHttp where a service mesh encrypts the hop), got "${URL}"`);
    const withToken = (allowTokenOverHttp: boolean) => () =>
      SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, bearerTokenSecret: token, allowTokenOverHttp });
    expect(withToken(false)).toThrow('url must be https://');
    expect(withToken(true)).not.toThrow();
    // without a token, plain http stays allowed: an in-cluster Prometheus without authentication
    expect(() => SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS })).not.toThrow();
  });

  test('fails on a bearer token key that is not a Secret key', () => {
    const token = kplus.Secret.fromSecretName(newChart(), 'token', 'remote-write-token');
    expect(() => SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, bearerTokenSecret: token, bearerTokenKey: 'rw/token', allowTokenOverHttp: true }))
      .toThrow('bearerTokenKey must be a Secret key: at most 253 letters, digits, \'-\', \'_\' and \'.\', not \'.\' or \'..\', got "rw/token"');
  });

  test.each([
    ['a URL that does not parse', { url: '/api/v1/write' }, 'url must be an http(s) URL with a host, such as "http://prometheus-operated.monitoring.svc:9090/api/v1/write", without credentials, got "/api/v1/write"'],
    ['a URL with a user name only', { url: 'http://admin@prometheus:9090/api/v1/write' }, 'url must be an http(s) URL with a host, such as "http://prometheus-operated.monitoring.svc:9090/api/v1/write", without credentials, got "http://admin@prometheus:9090/api/v1/write"'],
    ['a URL with a password only', { url: 'http://:secret@prometheus:9090/api/v1/write' }, 'url must be an http(s) URL with a host, such as "http://prometheus-operated.monitoring.svc:9090/api/v1/write", without credentials, got "http://:secret@prometheus:9090/api/v1/write"'],
    ['a URL without scheme', { url: 'prometheus:9090/api/v1/write' }, 'url must be an http(s) URL with a host, such as "http://prometheus-operated.monitoring.svc:9090/api/v1/write", without credentials, got "prometheus:9090/api/v1/write"'],
    ['a URL with credentials', { url: 'http://admin:secret@prometheus:9090/api/v1/write' }, 'url must be an http(s) URL with a host, such as "http://prometheus-operated.monitoring.svc:9090/api/v1/write", without credentials, got "http://admin:secret@prometheus:9090/api/v1/write"'],
    ['a ws URL', { url: 'ws://prometheus:9090/' }, 'url must be an http(s) URL with a host, such as "http://prometheus-operated.monitoring.svc:9090/api/v1/write", without credentials, got "ws://prometheus:9090/"'],
    ['an unknown trend statistic', { url: URL, trendStats: ['p95'] }, 'trendStats must hold k6 trend statistics: avg, min, med, max, count, sum or p(0-100), got "p95"'],
    ['a percentile above 100', { url: URL, trendStats: ['p(101)'] }, 'trendStats must hold k6 trend statistics: avg, min, med, max, count, sum or p(0-100), got "p(101)"'],
    ['no trend statistic', { url: URL, trendStats: [] }, 'trendStats must name at least one statistic, got []'],
    ['a push interval under a second', { url: URL, pushInterval: Duration.millis(500) }, 'pushInterval must be whole milliseconds from 1000 to 3600000 (at least a second), got 500 millis'],
    ['an Authorization header', { url: URL, egress: PROMETHEUS, headers: { Authorization: 'Bearer x' } }, 'headers must not carry credentials (a header whose name contains key, token, secret, password, passwd, auth, session, cookie or credential would be stored in the manifest): use bearerTokenSecret, got "Authorization"'],
    ['an API key header', { url: URL, egress: PROMETHEUS, headers: { 'X-Api-Key': 'k' } }, 'headers must not carry credentials (a header whose name contains key, token, secret, password, passwd, auth, session, cookie or credential would be stored in the manifest): use bearerTokenSecret, got "X-Api-Key"'],
    ['a header name with a space', { url: URL, headers: { 'X Tenant': 'a' } }, 'headers must have HTTP header names (letters, digits and dashes), got "X Tenant"'],
    ['a header value on two lines', { url: URL, headers: { 'X-Tenant': 'a\nb' } }, 'headers["X-Tenant"] must be one line, got "a\\nb"'],
  ])('fails on %s', (_name, options, message) => {
    expect(() => SoakMetricsOutput.prometheusRemoteWrite(options as any)).toThrow(message);
  });
});
