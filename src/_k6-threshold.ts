import { invalidProp } from './_errors';

/**
 * k6 threshold expressions: `<aggregation> <operator> <number>`, where the aggregation is one
 * of avg, min, max, med, p(N) (trends), rate (rates, counters), count (counters) or value
 * (gauges). k6 itself rejects anything else, but only when the Job runs.
 */
const THRESHOLD = /^\s*(avg|min|max|med|count|rate|value|p\((\d+(\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*-?\d+(\.\d+)?\s*$/;

/** A k6 metric name, optionally with one tag filter: `http_req_duration{endpoint:orders}`. */
const METRIC = /^[A-Za-z_][A-Za-z0-9_]*(\{[A-Za-z0-9_]+:[^{}]+\})?$/;

export function assertThreshold(metric: string, expression: string): void {
  if (!METRIC.test(metric)) {
    throw invalidProp('thresholds', 'name k6 metrics such as "http_req_duration" or "http_req_duration{endpoint:orders}"', metric);
  }
  const match = THRESHOLD.exec(expression);
  const percentile = match?.[2] !== undefined ? Number(match[2]) : undefined;
  if (!match || (percentile !== undefined && (percentile <= 0 || percentile > 100))) {
    throw invalidProp(`thresholds["${metric}"]`, 'hold k6 threshold expressions such as "p(95)<500", "rate<0.01" or "count<10"', expression);
  }
}
