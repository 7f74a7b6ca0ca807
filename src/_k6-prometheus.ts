/**
 * How k6 v2.2.0's Prometheus remote-write output names what it writes
 * (internal/output/prometheusrw/remotewrite/prometheus.go MapSeries: prefix `k6_`;
 * remotewrite.go setTrendStatsResolver: `p(x)` becomes `px` without dots, `p(99.9)` becomes `p999`;
 * trend.go: a time Trend as a native histogram gets the `_seconds` suffix).
 */
export function trendStatSeries(metric: string, stat: string): string {
  const suffix = stat.startsWith('p(') ? `p${stat.slice(2, -1).replace(/\./g, '')}` : stat;
  return `k6_${metric}_${suffix}`;
}

/** The native histogram of a time Trend. */
export function trendHistogramSeries(metric: string): string {
  return `k6_${metric}_seconds`;
}
