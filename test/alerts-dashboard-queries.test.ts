import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { SoakDashboard } from '../src';
import { describeWith } from './support/binaries';
import { newChart } from './support/charts';
import { onlyOfKind, synthValid } from './support/manifests';
import { promtool, PromtoolResult } from './support/promtool';

/**
 * What Grafana sends for the dashboard's variables: the Job picked in `testid` as is (a
 * single-valued query variable, Job names need no escaping), `$__range` as whole seconds with an
 * `s` and `$__rate_interval` as a Go duration (pkg/tsdb/prometheus interpolateVariables), here for
 * a one-hour time range unless said and a one-minute scrape interval: max(step + scrape, 4 × scrape) = 4m.
 * Any other variable in a query is an error: Grafana would send it to Prometheus unresolved.
 */
function interpolate(expr: string, testid: string, range = '3600s'): string {
  const values: Record<string, string> = { testid, __range: range, __rate_interval: '4m0s' };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced, bare) => {
    const value = values[braced ?? bare];
    if (value === undefined) throw new Error(`the query uses ${match}, which the test does not resolve`);
    return value;
  });
}

type Window = 'early' | 'steady' | 'late';
const WINDOWS: Window[] = ['early', 'steady', 'late'];

/**
 * The values of a series k6 writes during one window: the synthetic run has three windows of ten
 * minutes, one sample a minute (11 samples, from the window's first to its last minute). k6
 * writes only the series that got samples, so a window's series stop when it ends, and at the end
 * of the run (31m) it marks every series stale (K6_PROMETHEUS_RW_STALE_MARKERS, on by default).
 */
function during(window: Window, samples: string): string {
  const i = WINDOWS.indexOf(window);
  return [i > 0 ? `_x${10 * i}` : '', samples, i < 2 ? `_x${20 - 10 * i}` : '', 'stale'].filter(Boolean).join(' ');
}

/** Requests of one window that share their tags, with the p95 and p99 k6 reports for them (seconds). */
interface Requests {
  readonly window: Window;
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly expectedStatus: number;
  readonly perMinute: number;
  readonly p95: number;
  readonly p99: number;
}

interface Run {
  readonly testid: string;
  readonly profile: string;
  readonly requests: Requests[];
  /** Responses that signalled an open breaker, per minute, and circuit_breaker_open_rate, per window. */
  readonly breaker: Record<Window, { perMinute: number; share: number }>;
}

/**
 * The run under test, orders-soak: early 2 req/s (1 in 8 a 503), steady 2.5 req/s (create-order
 * fails half the time), late 1 req/s (half 500s); breakers open in steady and late.
 */
const ORDERS: Run = {
  testid: 'orders-soak',
  profile: 'quick',
  requests: [
    { window: 'early', endpoint: 'orders', method: 'GET', path: '/api/orders', status: 200, expectedStatus: 200, perMinute: 105, p95: 0.125, p99: 0.25 },
    { window: 'early', endpoint: 'orders', method: 'GET', path: '/api/orders', status: 503, expectedStatus: 200, perMinute: 15, p95: 0.0625, p99: 0.125 },
    { window: 'steady', endpoint: 'orders', method: 'GET', path: '/api/orders', status: 200, expectedStatus: 200, perMinute: 90, p95: 0.25, p99: 0.5 },
    { window: 'steady', endpoint: 'create-order', method: 'POST', path: '/api/orders', status: 201, expectedStatus: 201, perMinute: 30, p95: 0.375, p99: 0.75 },
    { window: 'steady', endpoint: 'create-order', method: 'POST', path: '/api/orders', status: 500, expectedStatus: 201, perMinute: 30, p95: 0.0625, p99: 0.0625 },
    { window: 'late', endpoint: 'orders', method: 'GET', path: '/api/orders', status: 200, expectedStatus: 200, perMinute: 30, p95: 0.5, p99: 1 },
    { window: 'late', endpoint: 'orders', method: 'GET', path: '/api/orders', status: 500, expectedStatus: 200, perMinute: 30, p95: 0.25, p99: 2 },
  ],
  breaker: { early: { perMinute: 0, share: 0 }, steady: { perMinute: 15, share: 0.1 }, late: { perMinute: 30, share: 0.5 } },
};

/**
 * A healthy run, catalog-soak: 1 req/s, every response the expected one. k6 creates the
 * expected_response="false" series of http_reqs at a run's first failure, so this run has none.
 */
const CATALOG: Run = {
  testid: 'catalog-soak',
  profile: 'quick',
  requests: WINDOWS.map((window) => ({
    window, endpoint: 'products', method: 'GET', path: '/api/products', status: 200, expectedStatus: 200, perMinute: 60, p95: 0.125, p99: 0.25,
  })),
  breaker: { early: { perMinute: 0, share: 0 }, steady: { perMinute: 0, share: 0 }, late: { perMinute: 0, share: 0 } },
};

/** Another soak pushing at the same time, with larger numbers everywhere: none of them may show for orders-soak. */
const BILLING: Run = {
  testid: 'billing-soak',
  profile: 'staging',
  requests: WINDOWS.flatMap((window) => [200, 500].map((status) => ({
    window, endpoint: 'pay', method: 'POST', path: '/api/payments', status, expectedStatus: 200, perMinute: 600, p95: 4, p99: 8,
  }))),
  breaker: { early: { perMinute: 600, share: 0.75 }, steady: { perMinute: 600, share: 0.75 }, late: { perMinute: 600, share: 0.75 } },
};

function series(name: string, labels: Record<string, string>, values: string) {
  return { series: `${name}${labelSet(labels)}`, values };
}

function labelSet(labels: Record<string, string>): string {
  return `{${Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ')}}`;
}

/**
 * The series k6 v2.2.0's remote-write output writes for a run of the soak script: every k6 tag
 * becomes a label, K6_TAGS adds testid and profile, the scenario (named after its window) adds
 * scenario and window; requests carry k6's default system tags and the script's endpoint tag,
 * checks their check name, the script's custom metrics the scenario tags only.
 */
function k6Series(run: Run) {
  const runTags = { testid: run.testid, profile: run.profile };
  const requestSeries = run.requests.flatMap((r) => {
    const url = `http://orders-api.shop.svc:8080${r.path}`;
    const expected = String(r.status === r.expectedStatus);
    const requestTags = { endpoint: r.endpoint, method: r.method, status: String(r.status), expected_response: expected };
    const labels = { ...runTags, scenario: r.window, window: r.window, ...requestTags, url, name: url, proto: 'HTTP/1.1' };
    return [
      series('k6_http_reqs_total', labels, during(r.window, `0+${r.perMinute}x10`)),
      series('k6_http_req_failed_rate', labels, during(r.window, `${r.status === r.expectedStatus ? 0 : 1}x10`)),
      series('k6_http_req_duration_p95', labels, during(r.window, `${r.p95}x10`)),
      series('k6_http_req_duration_p99', labels, during(r.window, `${r.p99}x10`)),
    ];
  });
  const checks = new Map<string, { window: Window; check: string; passed: number; total: number }>();
  for (const r of run.requests) {
    const check = `${r.endpoint} answers ${r.expectedStatus}`;
    const entry = checks.get(`${r.window}/${check}`) ?? { window: r.window, check, passed: 0, total: 0 };
    entry.total += r.perMinute;
    if (r.status === r.expectedStatus) entry.passed += r.perMinute;
    checks.set(`${r.window}/${check}`, entry);
  }
  const checkSeries = [...checks.values()].map((c) =>
    series('k6_checks_rate', { ...runTags, scenario: c.window, window: c.window, check: c.check }, during(c.window, `${c.passed / c.total}x10`)));
  const breakerSeries = WINDOWS.flatMap((window) => {
    const labels = { ...runTags, scenario: window, window };
    return [
      series('k6_circuit_breaker_open_total', labels, during(window, `0+${run.breaker[window].perMinute}x10`)),
      series('k6_circuit_breaker_open_rate_rate', labels, during(window, `${run.breaker[window].share}x10`)),
    ];
  });
  return [...requestSeries, ...checkSeries, ...breakerSeries];
}

/**
 * kube-state-metrics' Job series (docs/metrics/workload/job-metrics.md): orders-soak is pending at
 * 0m, runs until 30m and succeeds; billing-soak runs as long and fails (the soak verdict was FAIL,
 * backoffLimit 0), so kube_job_failed appears with one series per condition status. Both Jobs are
 * deleted after 50m (ttlSecondsAfterFinished): their series go stale at 51m.
 */
function jobSeries() {
  const job = (name: string) => ({ job: 'kube-state-metrics', namespace: 'shop', job_name: name });
  return [
    series('kube_job_status_active', job('orders-soak'), '0 1x29 0x19 stale'),
    series('kube_job_status_succeeded', job('orders-soak'), '0x30 1x19 stale'),
    series('kube_job_status_failed', job('orders-soak'), '0x50 stale'),
    series('kube_job_complete', { ...job('orders-soak'), condition: 'true' }, '_x31 1x19 stale'),
    series('kube_job_complete', { ...job('orders-soak'), condition: 'false' }, '_x31 0x19 stale'),
    series('kube_job_status_active', job('billing-soak'), '1x30 0x19 stale'),
    series('kube_job_status_succeeded', job('billing-soak'), '0x50 stale'),
    series('kube_job_status_failed', job('billing-soak'), '0x30 1x19 stale'),
    series('kube_job_failed', { ...job('billing-soak'), condition: 'true' }, '_x31 1x19 stale'),
    series('kube_job_failed', { ...job('billing-soak'), condition: 'false' }, '_x31 0x19 stale'),
    series('kube_job_failed', { ...job('billing-soak'), condition: 'unknown' }, '_x31 0x19 stale'),
  ];
}

const INPUT = [...k6Series(ORDERS), ...k6Series(CATALOG), ...k6Series(BILLING), ...jobSeries()];

/**
 * One evaluation of a panel's query: for the Job picked (orders-soak unless said), at a time of the
 * synthetic run (the end of the dashboard's time range), with the range's length as `$__range`
 * (an hour unless said), the samples it must return.
 */
interface Evaluation {
  readonly testid?: string;
  readonly at: string;
  readonly range?: string;
  readonly samples: Array<[Record<string, string>, number]>;
}

const PER_WINDOW = (early: number, steady: number, late: number, testid?: string): Evaluation[] => [
  { testid, at: '8m', samples: [[{ window: 'early' }, early]] },
  { testid, at: '18m', samples: [[{ window: 'steady' }, steady]] },
  { testid, at: '28m', samples: [[{ window: 'late' }, late]] },
];

/** The rows of orders-soak's failures. */
const FAILING: Record<Window, Record<string, string>> = {
  early: { window: 'early', endpoint: 'orders', method: 'GET', status: '503' },
  steady: { window: 'steady', endpoint: 'create-order', method: 'POST', status: '500' },
  late: { window: 'late', endpoint: 'orders', method: 'GET', status: '500' },
};

/** What each panel's query must return for the series above. */
const EXPECTED: Record<string, Evaluation[]> = {
  // 0 RUNNING (also while pending), 1 PASS, 2 FAIL; nothing for a Job that never ran, nor once the Job's series are stale
  // (Grafana's lastNotNull then keeps showing the last verdict while it is inside the time range)
  'Verdict': [
    { at: '0m', samples: [[{}, 0]] },
    { at: '15m', samples: [[{}, 0]] },
    { at: '40m', samples: [[{}, 1]] },
    { at: '55m', samples: [] },
    { testid: 'billing-soak', at: '15m', samples: [[{}, 0]] },
    { testid: 'billing-soak', at: '40m', samples: [[{}, 2]] },
    { testid: 'billing-soak', at: '55m', samples: [] },
    { testid: 'never-ran', at: '40m', samples: [] },
  ],
  // each window's counter as last seen in the range: during the run, early's 1200 and five minutes of steady (150/min);
  // after it, all 3300, though every series is stale; a range from 25m to 40m sees only the late window, and all of
  // its 600 requests, though it sent 300 of them from 25m on
  'Requests': [
    { at: '15m', samples: [[{}, 1950]] },
    { at: '40m', samples: [[{}, 3300]] },
    { at: '40m', range: '900s', samples: [[{}, 600]] },
  ],
  // 503s of early (150) and create-order's 500s so far (5 × 30); after the run 150 + 300 + 300 of 3300;
  // 0 for a run without failures, which has no failed series
  'Failed requests': [
    { at: '15m', samples: [[{}, 300 / 1950]] },
    { at: '40m', samples: [[{}, 750 / 3300]] },
    { testid: CATALOG.testid, at: '15m', samples: [[{}, 0]] },
    { testid: CATALOG.testid, at: '40m', samples: [[{}, 0]] },
  ],
  'Circuit breaker opens': [
    { at: '15m', samples: [[{}, 75]] },
    { at: '40m', samples: [[{}, 450]] },
  ],
  'Request rate per window': PER_WINDOW(2, 2.5, 1),
  'Error rate per window': [...PER_WINDOW(0.125, 0.2, 0.5), ...PER_WINDOW(0, 0, 0, CATALOG.testid)],
  // the slowest series of each window, 503s and 500s included
  'p95 latency per window': PER_WINDOW(0.125, 0.375, 0.5),
  'p99 latency per window': PER_WINDOW(0.25, 0.75, 2),
  'Circuit breaker opens per window': PER_WINDOW(0, 0.25, 0.5),
  'Breaker-open share per window': PER_WINDOW(0, 0.1, 0.5),
  // steady: orders always answers 200, create-order half the time
  'Checks passed per window': PER_WINDOW(0.875, 0.5, 0.5),
  // endpoints with failures only, one row per window, endpoint, method and status, for every window seen in the range:
  // early's row stays once early has ended (the run goes on) and every row once the run has ended and its series are stale
  'Failing endpoints': [
    { at: '8m', samples: [[FAILING.early, 1]] },
    { at: '18m', samples: [[FAILING.early, 1], [FAILING.steady, 1]] },
    { at: '28m', samples: [[FAILING.early, 1], [FAILING.steady, 1], [FAILING.late, 1]] },
    { at: '40m', samples: [[FAILING.early, 1], [FAILING.steady, 1], [FAILING.late, 1]] },
    { at: '40m', range: '900s', samples: [[FAILING.late, 1]] },
    { testid: CATALOG.testid, at: '40m', samples: [] },
  ],
};

function dashboardJson(): any {
  const chart = newChart();
  new SoakDashboard(chart, 'dashboard', { metadata: { name: 'soak-dashboard', namespace: 'monitoring' } });
  return JSON.parse(onlyOfKind(synthValid(chart), 'ConfigMap').data['soak-dashboard.json']);
}

/** Runs `promtool test rules` with the synthetic series and one promql_expr_test per evaluation. */
function evaluate(expr: string, evaluations: Evaluation[]): PromtoolResult {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-dashboard-'));
  const tests = [{
    interval: '1m',
    input_series: INPUT,
    promql_expr_test: evaluations.map((e) => ({
      expr: interpolate(expr, e.testid ?? ORDERS.testid, e.range),
      eval_time: e.at,
      exp_samples: e.samples.map(([labels, value]) => ({ labels: labelSet(labels), value })),
    })),
  }];
  writeFileSync(join(dir, 'test.yaml'), stringify({ evaluation_interval: '1m', tests }));
  return promtool(['test', 'rules', 'test.yaml'], dir);
}

describeWith(['promtool'], 'SoakDashboard queries, evaluated by promtool as Grafana sends them', () => {
  // built inside each test: built while jest collects the file, it would count as no test's work in a mutation run
  const panel = (title: string) => dashboardJson().panels.find((p: any) => p.title === title);

  test('every panel has its expected samples and one query', () => {
    const dashboard = dashboardJson();
    expect(dashboard.panels.map((p: any) => p.title)).toEqual(Object.keys(EXPECTED));
    for (const p of dashboard.panels) expect(p.targets).toHaveLength(1);
  });

  test.each(Object.entries(EXPECTED))('%s: the query returns what the panel says, for the picked Job only', (title, evaluations) => {
    const result = evaluate(panel(title).targets[0].expr, evaluations);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('the expectations can fail: without last_over_time the Requests stat would be empty once the run has ended', () => {
    const expr = panel('Requests').targets[0].expr.replace(/last_over_time\((.*)\[\$__range\]\)/, '$1');
    expect(expr).toBe('sum(k6_http_reqs_total{testid="$testid"})');
    const result = evaluate(expr, EXPECTED.Requests);
    expect(result.status).toBe(1);
    expect(result.output).toContain('expr: "sum(k6_http_reqs_total{testid=\\"orders-soak\\"})", time: 40m');
  });

  test('the variable substitution is the one Grafana does, and refuses a variable it does not know', () => {
    expect(interpolate('rate(x{testid="$testid"}[$__rate_interval]) / last_over_time(x[${__range}])', 'orders-soak'))
      .toBe('rate(x{testid="orders-soak"}[4m0s]) / last_over_time(x[3600s])');
    expect(() => interpolate('x[$__interval]', 'orders-soak')).toThrow(new Error('the query uses $__interval, which the test does not resolve'));
  });
});
