import { invalidProp } from './_errors';

/**
 * What k6 v2.2.0 accepts in `options.thresholds`, so a bad threshold fails at synth rather than
 * when the Job starts (k6 then exits 104, invalid config, after the pod was scheduled):
 *
 * - an expression is `<aggregation> <operator> <number>`: metrics/thresholds_parser.go scans the
 *   operators in the order `<=`, `<`, `>=`, `>`, `===`, `==`, `!=`, trims both sides and parses the
 *   right one with strconv.ParseFloat; the aggregation is value, count, rate, avg, min, med, max or
 *   p(N) with 0 <= N <= 100 (parseThresholdAggregationMethod);
 * - the metric must exist when the thresholds are validated (metrics/thresholds.go Validate: "no
 *   metric name found"), and the aggregation must suit its type (metrics/metric_type.go
 *   supportedAggregationMethods: counter count/rate, gauge value, rate rate, trend avg/min/max/med/p(N));
 * - a sub-metric is `name{key:value,...}`: metrics/metric.go ParseMetricName splits the tags on ','
 *   and needs a value after ':'; AddSubmetric trims spaces and the quotes `"'` around key and value.
 *
 * Numbers here are kept to plain decimals, a subset of what ParseFloat reads.
 */
const EXPRESSION = /^\s*(avg|min|max|med|count|rate|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

const AGGREGATIONS: Record<MetricType, string[]> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
};

/**
 * The metrics a threshold of the soak script can name: k6 v2.2.0's built-in metrics
 * (metrics/builtin.go, registered for every test) and the two the script defines itself.
 */
export const SOAK_METRICS: Record<string, MetricType> = {
  vus: 'gauge',
  vus_max: 'gauge',
  iterations: 'counter',
  iteration_duration: 'trend',
  dropped_iterations: 'counter',
  checks: 'rate',
  group_duration: 'trend',
  http_reqs: 'counter',
  http_req_failed: 'rate',
  http_req_duration: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_waiting: 'trend',
  http_req_receiving: 'trend',
  data_sent: 'counter',
  data_received: 'counter',
  circuit_breaker_open: 'counter',
  circuit_breaker_open_rate: 'rate',
};

/** One parsed threshold expression. */
export interface ThresholdExpression {
  /** avg, min, max, med, count, rate, value or p(N) as written. */
  readonly aggregation: string;
  readonly operator: string;
  readonly bound: number;
}

/** A metric name and its tag filters, as k6 reads them. */
export interface ThresholdMetric {
  readonly name: string;
  readonly tags: Array<[string, string]>;
}

/** Parses `name{key:value,...}` the way k6 v2.2.0 does, refusing what k6 refuses or what cannot be meant. */
export function parseThresholdMetric(prop: string, metric: string): ThresholdMetric {
  const refuse = () => invalidProp(prop, 'name a k6 metric such as "http_req_duration" or a sub-metric such as "http_req_duration{endpoint:GET /orders}"', metric);
  const open = metric.indexOf('{');
  const name = open < 0 ? metric : metric.slice(0, open);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw refuse();
  // without '{' the name is the whole metric, which the pattern above keeps free of '}'
  if (open < 0) return { name, tags: [] };
  // ParseMetricName: the first '{' opens, the last '}' closes and must end the name
  if (!metric.endsWith('}')) throw refuse();
  const tags = metric.slice(open + 1, -1).split(',').map((pair): [string, string] => {
    const colon = pair.indexOf(':');
    const trim = (s: string) => s.trim().replace(/^["']+|["']+$/g, '');
    if (colon < 0) throw refuse();
    const [key, value] = [trim(pair.slice(0, colon)), trim(pair.slice(colon + 1))];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || value === '') throw refuse();
    return [key, value];
  });
  return { name, tags };
}

/** Parses one expression, or refuses it naming `prop`. */
export function parseThresholdExpression(prop: string, expression: string): ThresholdExpression {
  const match = EXPRESSION.exec(expression);
  const percentile = match?.[2] !== undefined ? Number(match[2]) : undefined;
  if (!match || (percentile !== undefined && percentile > 100)) {
    throw invalidProp(prop, 'hold k6 threshold expressions such as "p(95)<500", "rate<0.01" or "count<10"', expression);
  }
  return { aggregation: percentile === undefined ? match[1] : `p(${percentile})`, operator: match[3], bound: Number(match[4]) };
}

/**
 * Checks a user threshold against the metrics the soak script has: the metric exists, the
 * aggregation suits its type, and a tag filter on `endpoint` or `window` names one that the
 * script tags requests with (a filter that matches nothing has no samples, and a threshold
 * without samples passes: metrics/thresholds.go runNoTaint).
 */
export function assertSoakThreshold(prop: string, metric: string, expressions: string[], tagValues: Record<string, string[]>): ThresholdExpression[] {
  const parsed = parseThresholdMetric(prop, metric);
  const type = SOAK_METRICS[parsed.name];
  if (type === undefined) {
    throw invalidProp(prop, `name a metric the soak script records (${Object.keys(SOAK_METRICS).join(', ')})`, parsed.name);
  }
  for (const [key, value] of parsed.tags) {
    const known = tagValues[key];
    if (known !== undefined && !known.includes(value)) {
      throw invalidProp(prop, `filter ${key} on a value the script uses (${known.map((v) => JSON.stringify(v)).join(', ')}); a filter that matches nothing always passes`, value);
    }
  }
  if (expressions.length === 0) throw invalidProp(`${prop}`, 'hold at least one expression', expressions);
  return expressions.map((expression) => {
    const e = parseThresholdExpression(prop, expression);
    const method = e.aggregation.startsWith('p(') ? 'p' : e.aggregation;
    if (!AGGREGATIONS[type].includes(method)) {
      throw invalidProp(prop, `use an aggregation that a ${type} metric has (${AGGREGATIONS[type].map((a) => (a === 'p' ? 'p(N)' : a)).join(', ')})`, expression);
    }
    return e;
  });
}
