/**
 * The Grafana dashboard of soak runs (classic dashboard JSON, schemaVersion 39), over the series
 * k6 v2.2.0's Prometheus remote-write output writes for the soak script's metrics
 * (internal/output/prometheusrw/remotewrite/remotewrite.go MapPrompb and prometheus.go MapSeries:
 * prefix `k6_`, a Counter gets `_total`, a Rate `_rate`, a Trend one gauge per statistic
 * `_p95` or a native histogram `_seconds`, times in seconds; every k6 tag becomes a label):
 * http_reqs (Counter, tagged expected_response by k6), http_req_failed (Rate), http_req_duration
 * (Trend), checks (Rate), and the script's circuit_breaker_open (Counter) and
 * circuit_breaker_open_rate (Rate); scenario tags put `window` (early, steady, late) on each, and
 * SoakMetricsOutput's K6_TAGS put `testid` (the Job's name) and `profile`.
 * The verdict comes from kube-state-metrics: the Job fails exactly when the verdict is FAIL.
 */

/** How Trend metrics reach Prometheus. */
export interface LatencySeries {
  readonly description: string;
  /** PromQL of a percentile (95, 99) per window. */
  percentile(p: number): string;
}

const RUN = 'testid="$testid"';
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

export function latencyFromGauges(seriesOf: (stat: string) => string): LatencySeries {
  return {
    percentile: (p) => `max by (window) (${seriesOf(`p(${p})`)}{${RUN}})`,
    description: 'k6 pushes each statistic over the run so far, per series (endpoint, status, window): the line is the slowest endpoint of each window.',
  };
}

export function latencyFromHistograms(histogram: string): LatencySeries {
  return {
    percentile: (p) => `histogram_quantile(${p / 100}, sum by (window) (rate(${histogram}{${RUN}}[$__rate_interval])))`,
    description: 'From the native histograms k6 pushes: the quantile of the requests of each window, per interval.',
  };
}

export interface DashboardOptions {
  readonly title: string;
  readonly uid: string;
  readonly latency: LatencySeries;
}

export function soakDashboard(options: DashboardOptions): Record<string, unknown> {
  const requests = (extra = '') => `sum by (window) (rate(k6_http_reqs_total{${RUN}${extra}}[$__rate_interval]))`;
  const requestsInRange = (extra = '') => `sum(last_over_time(k6_http_reqs_total{${RUN}${extra}}[$__range]))`;
  // k6 creates the expected_response="false" series at the run's first failure: until then the share is 0 of the total, not no data
  const failedShare = (failed: string, total: string) => `(${failed} or 0 * ${total}) / ${total}`;
  const FAILED = ', expected_response="false"';
  const panels = [
    stat(1, 'Verdict', { x: 0, y: 0, w: 6, h: 5 }, [
      target('A', '(max(kube_job_failed{job_name="$testid", condition="true"}) * 2) or max(kube_job_status_succeeded{job_name="$testid"}) '
        + 'or (max(kube_job_status_active{job_name="$testid"}) * 0)'),
    ], 'The soak Job\'s outcome (kube-state-metrics): it fails exactly when the stability verdict is FAIL. '
      + 'No data once the Job is deleted (ttlSecondsAfterFinished).', {
      mappings: [{ type: 'value', options: { 0: { text: 'RUNNING', color: 'blue' }, 1: { text: 'PASS', color: 'green' }, 2: { text: 'FAIL', color: 'red' } } }],
      noValue: 'no Job',
    }),
    // k6 counts each window's requests from the window's start: the last value of each window seen in the range is the
    // run's total when the range covers the run, and counts a window whole even when the range starts inside it
    stat(2, 'Requests', { x: 6, y: 0, w: 6, h: 5 }, [target('A', requestsInRange())],
      'Requests the run sent: the last value of each window\'s counter seen in the selected time range (the whole run when the range covers it).',
      { unit: 'short' }),
    stat(3, 'Failed requests', { x: 12, y: 0, w: 6, h: 5 }, [target('A', failedShare(requestsInRange(FAILED), requestsInRange()))],
      'Share of the requests counted in Requests that got an unexpected status (k6 tags them expected_response="false"); 0 when none failed.',
      { unit: 'percentunit' }),
    stat(4, 'Circuit breaker opens', { x: 18, y: 0, w: 6, h: 5 }, [
      target('A', `sum(last_over_time(k6_circuit_breaker_open_total{${RUN}}[$__range]))`),
    ], 'Responses that signalled an open circuit breaker.', { unit: 'short' }),
    timeseries(5, 'Request rate per window', { x: 0, y: 5, w: 12, h: 8 }, [target('A', requests(), '{{window}}')],
      'Requests per second, by soak window.', 'reqps'),
    timeseries(6, 'Error rate per window', { x: 12, y: 5, w: 12, h: 8 }, [
      target('A', failedShare(requests(FAILED), requests()), '{{window}}'),
    ], 'Share of requests with an unexpected status, per interval and window; 0 when none failed.', 'percentunit'),
    timeseries(7, 'p95 latency per window', { x: 0, y: 13, w: 12, h: 8 }, [target('A', options.latency.percentile(95), '{{window}}')],
      `${options.latency.description} Leak detection compares the late window with the early one.`, 's'),
    timeseries(8, 'p99 latency per window', { x: 12, y: 13, w: 12, h: 8 }, [target('A', options.latency.percentile(99), '{{window}}')],
      options.latency.description, 's'),
    timeseries(9, 'Circuit breaker opens per window', { x: 0, y: 21, w: 12, h: 8 }, [
      target('A', `sum by (window) (rate(k6_circuit_breaker_open_total{${RUN}}[$__rate_interval]))`, '{{window}}'),
    ], 'Responses per second that signalled an open breaker (the soak script\'s circuit_breaker_open counter).', 'reqps'),
    timeseries(10, 'Breaker-open share per window', { x: 12, y: 21, w: 12, h: 8 }, [
      target('A', `max by (window) (k6_circuit_breaker_open_rate_rate{${RUN}})`, '{{window}}'),
    ], 'The soak script\'s circuit_breaker_open_rate over each window so far (the threshold compares it over the run).', 'percentunit'),
    timeseries(11, 'Checks passed per window', { x: 0, y: 29, w: 12, h: 8 }, [
      target('A', `min by (window) (k6_checks_rate{${RUN}})`, '{{window}}'),
    ], 'The worst check (expected status per endpoint) of each window so far.', 'percentunit'),
    // an instant query only sees series pushed within the lookback (5 minutes): the last value in the range keeps the
    // rows of a window that has ended, and of a run that has ended
    table(12, 'Failing endpoints', { x: 12, y: 29, w: 12, h: 8 }, [
      target('A', `max by (window, endpoint, method, status) (last_over_time(k6_http_req_failed_rate{${RUN}}[$__range])) > 0`, '', true),
    ], 'Endpoint, method and status combinations k6 counted as failed (http_req_failed), per window, in the selected time range.'),
  ];
  return {
    uid: options.uid,
    title: options.title,
    description: 'Soak tests run by cdk8s-hardening SoakJobs: load, errors, latency per window, circuit breaker and verdict.',
    tags: ['cdk8s-hardening', 'k6', 'soak'],
    editable: false,
    schemaVersion: 39,
    version: 1,
    timezone: 'utc',
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { type: 'datasource', name: 'datasource', label: 'Prometheus', query: 'prometheus', hide: 0 },
        {
          type: 'query',
          name: 'testid',
          label: 'Soak Job',
          datasource: DATASOURCE,
          definition: 'label_values(k6_http_reqs_total, testid)',
          query: { query: 'label_values(k6_http_reqs_total, testid)', refId: 'testid' },
          refresh: 2,
          sort: 1,
          hide: 0,
        },
      ],
    },
    panels,
  };
}

interface GridPos { x: number; y: number; w: number; h: number }

function target(refId: string, expr: string, legendFormat = '', instant = false): Record<string, unknown> {
  return { refId, datasource: DATASOURCE, expr, ...(legendFormat ? { legendFormat } : {}), ...(instant ? { instant: true, format: 'table' } : { range: true }) };
}

interface StatConfig { unit?: string; mappings?: object[]; noValue?: string }

function stat(id: number, title: string, gridPos: GridPos, targets: object[], description: string, config: StatConfig) {
  return {
    id,
    type: 'stat',
    title,
    description,
    gridPos,
    datasource: DATASOURCE,
    targets,
    fieldConfig: { defaults: { ...config }, overrides: [] },
    options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', textMode: 'value' },
  };
}

function timeseries(id: number, title: string, gridPos: GridPos, targets: object[], description: string, unit: string) {
  return {
    id,
    type: 'timeseries',
    title,
    description,
    gridPos,
    datasource: DATASOURCE,
    targets,
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
  };
}

function table(id: number, title: string, gridPos: GridPos, targets: object[], description: string) {
  return { id, type: 'table', title, description, gridPos, datasource: DATASOURCE, targets, fieldConfig: { defaults: {}, overrides: [] }, options: { showHeader: true } };
}
