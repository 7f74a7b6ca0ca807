// Stability analysis of a soak run, from the data k6 passes to handleSummary.
// Plain functions with no imports: inlined into the generated script, and run by the test
// suite on summary data in k6's format.

/**
 * @typedef {{ profile: string, vus: number, durationSeconds: number, maxLatencyGrowth: number,
 *   testRunRunners?: number | null }} SoakAnalysisConfig
 * @typedef {{ verdict: 'PASS' | 'FAIL', reasons: string[], profile: string, vus: number, plannedDurationSeconds: number,
 *   scope: string, enforced: boolean, stability: Record<string, number | null> }} SoakReport
 */

/**
 * @param {any} data the handleSummary argument
 * @param {SoakAnalysisConfig} config
 * @returns {SoakReport}
 */
function analyzeSoak(data, config) {
  /** @type {string[]} */
  const reasons = [];
  const metrics = (data && data.metrics) || {};

  /** @param {string} name @param {string} stat @returns {number | null} */
  const stat = (name, stat) => {
    const metric = metrics[name];
    const value = metric && metric.values ? metric.values[stat] : undefined;
    return typeof value === 'number' && isFinite(value) ? value : null;
  };

  for (const name of Object.keys(metrics).sort()) {
    const thresholds = metrics[name].thresholds || {};
    for (const expression of Object.keys(thresholds)) {
      if (!thresholds[expression].ok) reasons.push(`threshold failed: ${name} ${expression}`);
    }
  }

  const earlyP95 = stat('http_req_duration{window:early}', 'p(95)');
  const lateP95 = stat('http_req_duration{window:late}', 'p(95)');
  let latencyGrowth = null;
  if (earlyP95 === null || lateP95 === null) {
    reasons.push('leak detection impossible: no latency data for the early or the late window');
  } else if (earlyP95 > 0) {
    latencyGrowth = lateP95 / earlyP95;
    if (latencyGrowth > config.maxLatencyGrowth) {
      reasons.push(`latency growth ${latencyGrowth.toFixed(2)}x exceeds ${config.maxLatencyGrowth}x: late p95 ${lateP95.toFixed(1)} ms `
        + `vs early p95 ${earlyP95.toFixed(1)} ms (a memory or resource leak slows the service down over time)`);
    }
  }

  const requests = stat('http_reqs', 'count');
  if (!requests) reasons.push('no HTTP requests were made');

  return {
    verdict: reasons.length === 0 ? 'PASS' : 'FAIL',
    reasons,
    profile: config.profile,
    vus: config.vus,
    plannedDurationSeconds: config.durationSeconds,
    // A SoakJob's runner turns FAIL into a failed Job; a k6-operator runner covers its share of
    // the load only, and the operator does not act on this verdict.
    scope: config.testRunRunners ? `k6-operator runner, one of ${config.testRunRunners}: its share of the load only` : 'whole run',
    enforced: !config.testRunRunners,
    stability: {
      runSeconds: data && data.state ? Math.round(data.state.testRunDurationMs / 1000) : null,
      requests,
      requestsPerSecond: stat('http_reqs', 'rate'),
      errorRate: stat('http_req_failed', 'rate'),
      checksPassRate: stat('checks', 'rate'),
      p95Ms: stat('http_req_duration', 'p(95)'),
      p99Ms: stat('http_req_duration', 'p(99)'),
      earlyP95Ms: earlyP95,
      lateP95Ms: lateP95,
      latencyGrowth,
      circuitBreakerOpens: stat('circuit_breaker_open', 'count'),
      circuitBreakerOpenRate: stat('circuit_breaker_open_rate', 'rate'),
    },
  };
}

/**
 * @param {SoakReport} report
 * @returns {string}
 */
function renderSoakText(report) {
  /** @param {number | null} value @param {number} digits */
  const fmt = (value, digits) => (value === null ? 'n/a' : value.toFixed(digits));
  const s = report.stability;
  const lines = [
    `soak verdict: ${report.verdict} (profile ${report.profile}, ${report.vus} VUs, planned ${report.plannedDurationSeconds} s, ran ${fmt(s.runSeconds, 0)} s)`,
    `  requests ${fmt(s.requests, 0)} (${fmt(s.requestsPerSecond, 1)}/s), error rate ${fmt(s.errorRate === null ? null : s.errorRate * 100, 2)} %, checks passed ${fmt(s.checksPassRate === null ? null : s.checksPassRate * 100, 2)} %`,
    `  latency p95 ${fmt(s.p95Ms, 1)} ms, p99 ${fmt(s.p99Ms, 1)} ms; early p95 ${fmt(s.earlyP95Ms, 1)} ms, late p95 ${fmt(s.lateP95Ms, 1)} ms, growth ${fmt(s.latencyGrowth, 2)}x`,
    `  circuit breaker open ${fmt(s.circuitBreakerOpens, 0)} times (${fmt(s.circuitBreakerOpenRate === null ? null : s.circuitBreakerOpenRate * 100, 2)} % of responses)`,
  ];
  if (!report.enforced) {
    lines.push(`  partial verdict, not enforced: ${report.scope}; the k6-operator does not fail the TestRun on it (k6 thresholds fail this runner's Job)`);
  }
  for (const reason of report.reasons) lines.push(`  FAIL: ${reason}`);
  return `${lines.join('\n')}\n`;
}
