import { readFileSync } from 'fs';
import { join } from 'path';
import { EgressRule, HardenedDeployment, SoakDashboard, SoakDashboardProps, SoakJob, SoakMetricsOutput, SoakTarget } from '../src';
import { newChart } from './support/charts';
import { loadK6Script } from './support/k6-script-runtime';
import { onlyOfKind, synthValid } from './support/manifests';
import { ASSETS } from './support/scripts';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const URL = 'http://prometheus-operated.monitoring.svc:9090/api/v1/write';
const PROMETHEUS = EgressRule.toPods({ labels: { 'app.kubernetes.io/name': 'prometheus' }, namespaceName: 'monitoring', ports: [9090] });

function synthDashboard(props: SoakDashboardProps = {}) {
  const chart = newChart();
  new SoakDashboard(chart, 'dashboard', { metadata: { name: 'soak-dashboard', namespace: 'monitoring' }, ...props });
  const configMap = onlyOfKind(synthValid(chart), 'ConfigMap');
  return { configMap, dashboard: JSON.parse(configMap.data['soak-dashboard.json']) };
}

/**
 * What k6 v2.2.0's Prometheus remote-write output writes for a metric, by k6 metric type
 * (internal/output/prometheusrw/remotewrite/remotewrite.go MapPrompb, prometheus.go MapSeries,
 * trend.go): written out here, independently of the library, from the k6 source.
 */
function remoteWriteSeries(name: string, type: string, trendStats: string[], nativeHistograms: boolean): string[] {
  switch (type) {
    case 'Counter': return [`k6_${name}_total`];
    case 'Rate': return [`k6_${name}_rate`];
    case 'Gauge': return [`k6_${name}`];
    case 'Trend': return nativeHistograms ? [`k6_${name}_seconds`] : trendStats.map((s) => `k6_${name}_${s.replace(/^p\((.*)\)$/, 'p$1').replace('.', '')}`);
    default: throw new Error(type);
  }
}

/** The soak script's metrics: k6's built-ins it relies on (k6 metrics/builtin.go) and the custom ones it declares in assets/k6/soak.js. */
function soakScriptMetrics(): Array<[string, string]> {
  const script = readFileSync(join(ASSETS, 'k6', 'soak.js'), 'utf8');
  const custom = [...script.matchAll(/new (Counter|Rate|Trend|Gauge)\('([a-z_]+)'\)/g)].map((m) => [m[2], m[1]] as [string, string]);
  expect(custom).toEqual([['circuit_breaker_open', 'Counter'], ['circuit_breaker_open_rate', 'Rate']]);
  return [['http_reqs', 'Counter'], ['http_req_failed', 'Rate'], ['http_req_duration', 'Trend'], ['checks', 'Rate'], ...custom];
}

/** kube-state-metrics Job metrics (docs/metrics/workload/job-metrics.md) the verdict panel may read. */
const KSM_JOB_METRICS = ['kube_job_failed', 'kube_job_status_succeeded', 'kube_job_status_active'];
/**
 * Labels the queries may use: the soak scenarios' `window` tag and the script's `endpoint` request
 * tag; k6's default system tags status, method, expected_response (metrics/system_tag.go
 * DefaultSystemTagSet); `testid` and `profile` from SoakMetricsOutput's K6_TAGS; job_name and
 * condition of kube-state-metrics.
 */
const LABELS = ['window', 'endpoint', 'status', 'method', 'expected_response', 'testid', 'profile', 'job_name', 'condition'];

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset']);

/** Metric names of a PromQL expression: identifiers that are not functions, keywords, label names or strings. */
function metricNames(expr: string): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)].filter((m) => m[2] === undefined).map((m) => m[1]).filter((w) => !PROMQL_WORDS.has(w));
}

function labelNames(expr: string): string[] {
  const matchers = [...expr.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)\s*"/g)].map((m) => m[1]);
  const grouping = [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((l) => l.trim()).filter(Boolean));
  return [...matchers, ...grouping];
}

function exprs(dashboard: any): string[] {
  return dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
}

describe('SoakDashboard', () => {
  test('a ConfigMap the Grafana sidecar loads: grafana_dashboard "1" and a .json key', () => {
    const { configMap } = synthDashboard();
    expect(configMap.metadata.labels).toMatchObject({ 'grafana_dashboard': '1', 'app.kubernetes.io/component': 'soak-dashboard' });
    expect(configMap.metadata.namespace).toBe('monitoring');
    expect(Object.keys(configMap.data)).toEqual(['soak-dashboard.json']);
    expect(synthDashboard({ sidecarLabels: { grafana_dashboard: 'soak' } }).configMap.metadata.labels.grafana_dashboard).toBe('soak');
  });

  test('dashboard structure: uid, title, a datasource and a Job variable, panels on a 24-column grid without overlap', () => {
    const { dashboard } = synthDashboard();
    expect(dashboard).toMatchObject({ uid: 'cdk8s-hardening-soak', title: 'Soak tests (cdk8s-hardening)', schemaVersion: 39, editable: false });
    expect(dashboard.templating.list.map((v: any) => [v.type, v.name])).toEqual([['datasource', 'datasource'], ['query', 'testid']]);
    expect(dashboard.templating.list[1].query.query).toBe('label_values(k6_http_reqs_total, testid)');
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(['stat', 'timeseries', 'table']).toContain(panel.type);
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      const { x, y, w, h } = panel.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`)).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
      const refIds = panel.targets.map((t: any) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of panel.targets) expect(t.expr).toMatch(/testid="\$testid"|job_name="\$testid"/);
    }
  });

  test('shows request rate, error rate, p95 and p99 per window, breaker opens and the verdict', () => {
    const { dashboard } = synthDashboard();
    const titles = dashboard.panels.map((p: any) => p.title);
    expect(titles).toEqual(expect.arrayContaining([
      'Verdict', 'Request rate per window', 'Error rate per window', 'p95 latency per window', 'p99 latency per window', 'Circuit breaker opens per window',
    ]));
    const panel = (title: string) => dashboard.panels.find((p: any) => p.title === title);
    expect(panel('p95 latency per window').targets[0].expr).toBe('max by (window) (k6_http_req_duration_p95{testid="$testid"})');
    expect(panel('p99 latency per window').targets[0].expr).toBe('max by (window) (k6_http_req_duration_p99{testid="$testid"})');
    expect(panel('Error rate per window').targets[0].expr).toBe('(sum by (window) (rate(k6_http_reqs_total{testid="$testid", expected_response="false"}[$__rate_interval])) '
      + 'or 0 * sum by (window) (rate(k6_http_reqs_total{testid="$testid"}[$__rate_interval]))) '
      + '/ sum by (window) (rate(k6_http_reqs_total{testid="$testid"}[$__rate_interval]))');
    expect(panel('Verdict').fieldConfig.defaults.mappings[0].options).toEqual({
      0: { text: 'RUNNING', color: 'blue' }, 1: { text: 'PASS', color: 'green' }, 2: { text: 'FAIL', color: 'red' },
    });
  });

  test('panel ids, kinds, titles and places: stats on top, then per-window series in pairs, the failing endpoints beside the checks', () => {
    const { dashboard } = synthDashboard();
    expect(dashboard.panels.map((p: any) => [p.id, p.type, p.title, p.gridPos])).toEqual([
      [1, 'stat', 'Verdict', { x: 0, y: 0, w: 6, h: 5 }],
      [2, 'stat', 'Requests', { x: 6, y: 0, w: 6, h: 5 }],
      [3, 'stat', 'Failed requests', { x: 12, y: 0, w: 6, h: 5 }],
      [4, 'stat', 'Circuit breaker opens', { x: 18, y: 0, w: 6, h: 5 }],
      [5, 'timeseries', 'Request rate per window', { x: 0, y: 5, w: 12, h: 8 }],
      [6, 'timeseries', 'Error rate per window', { x: 12, y: 5, w: 12, h: 8 }],
      [7, 'timeseries', 'p95 latency per window', { x: 0, y: 13, w: 12, h: 8 }],
      [8, 'timeseries', 'p99 latency per window', { x: 12, y: 13, w: 12, h: 8 }],
      [9, 'timeseries', 'Circuit breaker opens per window', { x: 0, y: 21, w: 12, h: 8 }],
      [10, 'timeseries', 'Breaker-open share per window', { x: 12, y: 21, w: 12, h: 8 }],
      [11, 'timeseries', 'Checks passed per window', { x: 0, y: 29, w: 12, h: 8 }],
      [12, 'table', 'Failing endpoints', { x: 12, y: 29, w: 12, h: 8 }],
    ]);
  });

  test('stat panels: one range query reduced to its last non-null value (not one value per row), their unit, the verdict as RUNNING, PASS or FAIL', () => {
    const { dashboard } = synthDashboard();
    const stats = dashboard.panels.filter((p: any) => p.type === 'stat');
    expect(stats.map((p: any) => [p.title, p.fieldConfig])).toEqual([
      ['Verdict', {
        defaults: {
          mappings: [{ type: 'value', options: { 0: { text: 'RUNNING', color: 'blue' }, 1: { text: 'PASS', color: 'green' }, 2: { text: 'FAIL', color: 'red' } } }],
          noValue: 'no Job',
        },
        overrides: [],
      }],
      ['Requests', { defaults: { unit: 'short' }, overrides: [] }],
      ['Failed requests', { defaults: { unit: 'percentunit' }, overrides: [] }],
      ['Circuit breaker opens', { defaults: { unit: 'short' }, overrides: [] }],
    ]);
    for (const p of stats) {
      expect(p.options).toEqual({ reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', textMode: 'value' });
      expect(p.targets).toStrictEqual([{ refId: 'A', datasource: DATASOURCE, expr: expect.any(String), range: true }]);
    }
  });

  test('time series panels: one range query, a line per window named after it, their unit, a list legend and a shared tooltip', () => {
    const { dashboard } = synthDashboard();
    const series = dashboard.panels.filter((p: any) => p.type === 'timeseries');
    expect(series.map((p: any) => [p.title, p.fieldConfig])).toEqual([
      ['Request rate per window', { defaults: { unit: 'reqps' }, overrides: [] }],
      ['Error rate per window', { defaults: { unit: 'percentunit' }, overrides: [] }],
      ['p95 latency per window', { defaults: { unit: 's' }, overrides: [] }],
      ['p99 latency per window', { defaults: { unit: 's' }, overrides: [] }],
      ['Circuit breaker opens per window', { defaults: { unit: 'reqps' }, overrides: [] }],
      ['Breaker-open share per window', { defaults: { unit: 'percentunit' }, overrides: [] }],
      ['Checks passed per window', { defaults: { unit: 'percentunit' }, overrides: [] }],
    ]);
    for (const p of series) {
      expect(p.options).toEqual({ legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } });
      expect(p.targets).toStrictEqual([{ refId: 'A', datasource: DATASOURCE, expr: expect.any(String), legendFormat: '{{window}}', range: true }]);
    }
  });

  test('the failing endpoints table: an instant query in table format (one row per series, its labels as columns), no range query', () => {
    const { dashboard } = synthDashboard();
    const table = dashboard.panels.find((p: any) => p.type === 'table');
    expect(table.fieldConfig).toEqual({ defaults: {}, overrides: [] });
    expect(table.options).toEqual({ showHeader: true });
    expect(table.targets).toStrictEqual([{ refId: 'A', datasource: DATASOURCE, expr: expect.any(String), instant: true, format: 'table' }]);
  });

  test('dashboard settings: tags, UTC, 30 s refresh, the last 6 hours, a Prometheus data source variable and a single Job picked among the pushed testids', () => {
    const { dashboard } = synthDashboard();
    expect(Object.keys(dashboard)).toEqual([
      'uid', 'title', 'description', 'tags', 'editable', 'schemaVersion', 'version', 'timezone', 'refresh', 'time', 'templating', 'panels',
    ]);
    expect(dashboard.tags).toEqual(['cdk8s-hardening', 'k6', 'soak']);
    expect(dashboard.version).toBe(1);
    expect(dashboard.timezone).toBe('utc');
    expect(dashboard.refresh).toBe('30s');
    expect(dashboard.time).toEqual({ from: 'now-6h', to: 'now' });
    expect(dashboard.templating).toEqual({
      list: [
        { type: 'datasource', name: 'datasource', label: 'Prometheus', query: 'prometheus', hide: 0 },
        {
          type: 'query',
          name: 'testid',
          label: 'Soak Job',
          datasource: DATASOURCE,
          definition: 'label_values(k6_http_reqs_total, testid)',
          query: { query: 'label_values(k6_http_reqs_total, testid)', refId: 'testid' },
          // on time range change, sorted alphabetically, shown
          refresh: 2,
          sort: 1,
          hide: 0,
        },
      ],
    });
  });

  test.each([
    ['trend statistics', undefined],
    ['native histograms', SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, nativeHistograms: true })],
  ])('the descriptions, with %s', (_name, metricsOutput) => {
    const { dashboard } = synthDashboard({ metricsOutput });
    const panels = dashboard.panels.map((p: any) => ({ title: p.title, description: p.description }));
    expect({ description: dashboard.description, panels }).toMatchSnapshot();
  });

  test.each([
    ['trend statistics (the default)', undefined, false],
    ['native histograms', SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, nativeHistograms: true }), true],
  ])('with %s, every query reads only series the soak script produces through remote write, or the Job status', (_name, metricsOutput, native) => {
    const { dashboard } = synthDashboard({ metricsOutput });
    const script = soakScriptMetrics();
    const produced = script.flatMap(([name, type]) => remoteWriteSeries(name, type, ['p(95)', 'p(99)'], native));
    const used = new Set(exprs(dashboard).flatMap(metricNames));
    expect([...used].filter((m) => !produced.includes(m) && !KSM_JOB_METRICS.includes(m))).toEqual([]);
    // and each metric of the soak script is on the dashboard
    for (const [name, type] of script) expect(remoteWriteSeries(name, type, ['p(95)', 'p(99)'], native).some((s) => used.has(s))).toBe(true);
    const labels = new Set(exprs(dashboard).flatMap(labelNames));
    expect([...labels].filter((l) => !LABELS.includes(l))).toEqual([]);
    if (native) {
      expect(exprs(dashboard)).toContain('histogram_quantile(0.95, sum by (window) (rate(k6_http_req_duration_seconds{testid="$testid"}[$__rate_interval])))');
    }
  });

  test('the labels the queries use are the tags the soak Job really sets', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: { name: 'orders-api', namespace: 'shop' } });
    const soak = new SoakJob(chart, 'soak', {
      metadata: { name: 'orders-soak' },
      target: SoakTarget.deployment(api),
      endpoints: [{ path: '/api/orders' }],
      metricsOutput: SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS }),
    });
    const windows = Object.values(loadK6Script(soak.script).options.scenarios).map((s: any) => s.tags.window);
    expect(windows).toEqual(['early', 'steady', 'late']);
    expect(readFileSync(join(ASSETS, 'k6', 'soak.js'), 'utf8')).toContain('tags: { endpoint: endpoint.name }');
    const env = onlyOfKind(synthValid(chart), 'Job').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'K6_TAGS', value: 'testid:orders-soak,profile:quick' });
  });

  test('the metric-name reader finds metrics and skips functions, keywords, labels and strings', () => {
    expect(metricNames('sum by (window) (rate(a_total{x="b_c"}[5m])) / on (y) group_left () max(c) or vector(1)')).toEqual(['a_total', 'c']);
  });

  test.each([
    ['a uid with a slash', { uid: 'soak/dash' }, 'uid must be 1 to 40 letters, digits, "-" or "_", got "soak/dash"'],
    ['an empty title', { title: ' ' }, 'title must not be empty, got " "'],
    ['a sidecar label with a space', { sidecarLabels: { grafana_dashboard: 'a b' } },
      'sidecarLabels["grafana_dashboard"] must be a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', '
      + 'starting and ending with a letter or digit, or empty, got "a b"'],
  ])('fails on %s', (_name, props, message) => {
    expect(() => new SoakDashboard(newChart(), 'dashboard', props as SoakDashboardProps)).toThrow(new Error(message));
  });

  test.each([
    ['only p(95)', ['p(95)'], 'got ["p(95)"]'],
    ['only p(99)', ['p(99)'], 'got ["p(99)"]'],
    ['neither percentile', ['avg', 'p(90)', 'max'], 'got ["avg","p(90)","max"]'],
  ])('refuses an output pushing Trend statistics with %s: the latency panels need both', (_name, trendStats, got) => {
    const metricsOutput = SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, trendStats });
    expect(() => new SoakDashboard(newChart(), 'dashboard', { metricsOutput })).toThrow(new Error(
      `metricsOutput must push p(95) and p(99) (trendStats) or native histograms: the dashboard draws both percentiles, ${got}`));
  });

  test.each([
    ['both percentiles among other statistics', { trendStats: ['med', 'p(99)', 'avg', 'p(95)'] }, [
      'max by (window) (k6_http_req_duration_p95{testid="$testid"})',
      'max by (window) (k6_http_req_duration_p99{testid="$testid"})',
    ]],
    ['native histograms, whatever trendStats says', { nativeHistograms: true, trendStats: ['avg'] }, [
      'histogram_quantile(0.95, sum by (window) (rate(k6_http_req_duration_seconds{testid="$testid"}[$__rate_interval])))',
      'histogram_quantile(0.99, sum by (window) (rate(k6_http_req_duration_seconds{testid="$testid"}[$__rate_interval])))',
    ]],
  ])('accepts an output pushing %s, and draws p95 and p99 from it', (_name, options, latency) => {
    const { dashboard } = synthDashboard({ metricsOutput: SoakMetricsOutput.prometheusRemoteWrite({ url: URL, egress: PROMETHEUS, ...options }) });
    const expr = (title: string) => dashboard.panels.find((p: any) => p.title === title).targets[0].expr;
    expect([expr('p95 latency per window'), expr('p99 latency per window')]).toEqual(latency);
  });
});
