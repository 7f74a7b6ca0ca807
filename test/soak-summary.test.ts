import { readFileSync } from 'fs';
import { join } from 'path';
import { runInNewContext } from 'vm';
import { HardenedDeployment, SoakJob, SoakProfile, SoakTarget } from '../src';
import { newChart } from './support/charts';
import { loadK6Script } from './support/k6-script-runtime';
import { ASSETS } from './support/scripts';

const SUMMARY_LOGIC = readFileSync(join(ASSETS, 'k6', 'soak-summary.js'), 'utf8');
const { analyzeSoak, renderSoakText } = runInNewContext(`${SUMMARY_LOGIC}\n({ analyzeSoak, renderSoakText });`, { isFinite, Math, Object });
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'k6', `${name}.json`), 'utf8'));
const CONFIG = { profile: 'quick', vus: 10, durationSeconds: 3600, maxLatencyGrowth: 1.5 };

describe('soak stability analysis on k6 summary data', () => {
  test('a clean run passes, with its stability figures', () => {
    const report = analyzeSoak(fixture('clean-run'), CONFIG);
    expect(report.verdict).toBe('PASS');
    expect(report.reasons).toEqual([]);
    expect(report.stability).toMatchObject({
      runSeconds: 3630, requests: 35712, errorRate: 0.0004, earlyP95Ms: 84.2, lateP95Ms: 88.7, circuitBreakerOpens: 0, circuitBreakerOpenRate: 0,
    });
    expect(report.stability.latencyGrowth).toBeCloseTo(1.053, 3);
    expect(renderSoakText(report)).toContain('soak verdict: PASS (profile quick, 10 VUs, planned 3600 s, ran 3630 s)');
  });

  test('a leak fails on latency growth even though every k6 threshold passed', () => {
    const data = fixture('memory-leak');
    const thresholds = Object.values(data.metrics).flatMap((m: any) => Object.values(m.thresholds ?? {}));
    expect(thresholds).toHaveLength(6);
    expect(thresholds.filter((t: any) => t.ok !== true)).toEqual([]);
    const report = analyzeSoak(data, CONFIG);
    expect(report.verdict).toBe('FAIL');
    expect(report.stability.latencyGrowth).toBeCloseTo(3.839, 3);
    expect(report.reasons).toEqual([
      'latency growth 3.84x exceeds 1.5x: late p95 312.9 ms vs early p95 81.5 ms (a memory or resource leak slows the service down over time)',
    ]);
    expect(renderSoakText(report)).toContain('  FAIL: latency growth 3.84x exceeds 1.5x');
  });

  test('the same leak passes with a looser growth limit', () => {
    expect(analyzeSoak(fixture('memory-leak'), { ...CONFIG, maxLatencyGrowth: 4 }).verdict).toBe('PASS');
  });

  test('a circuit-breaker storm fails on its threshold and is counted', () => {
    const report = analyzeSoak(fixture('breaker-storm'), CONFIG);
    expect(report.verdict).toBe('FAIL');
    expect(report.reasons).toEqual(['threshold failed: circuit_breaker_open_rate rate<=0.01']);
    expect(report.stability.circuitBreakerOpens).toBe(1204);
    expect(report.stability.circuitBreakerOpenRate).toBeCloseTo(0.0344, 4);
    expect(renderSoakText(report)).toContain('circuit breaker open 1204 times (3.44 % of responses)');
  });

  test('an error spike fails on error rate and p99', () => {
    const report = analyzeSoak(fixture('error-spike'), CONFIG);
    expect(report.verdict).toBe('FAIL');
    expect(report.reasons).toEqual([
      'threshold failed: http_req_duration p(99)<1500',
      'threshold failed: http_req_failed rate<=0.01',
    ]);
    expect(report.stability.errorRate).toBe(0.047);
    expect(renderSoakText(report)).toContain('error rate 4.70 %');
  });

  test('missing window data fails instead of passing silently', () => {
    const data = fixture('clean-run');
    delete data.metrics['http_req_duration{window:late}'];
    const report = analyzeSoak(data, CONFIG);
    expect(report.verdict).toBe('FAIL');
    expect(report.reasons).toEqual(['leak detection impossible: no latency data for the early or the late window']);
  });

  test('no requests at all fails', () => {
    const report = analyzeSoak({ metrics: {}, state: { testRunDurationMs: 1000 } }, CONFIG);
    expect(report.verdict).toBe('FAIL');
    expect(report.reasons).toContain('no HTTP requests were made');
  });
});

describe('the generated script\'s handleSummary', () => {
  const chart = newChart();
  const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true });
  const soak = new SoakJob(chart, 'soak', { target: SoakTarget.deployment(api), endpoints: [{ path: '/api/orders' }], profile: SoakProfile.STAGING });

  test('inlines the tested analysis verbatim', () => {
    expect(soak.script).toContain(SUMMARY_LOGIC.trim());
  });

  test('writes the verdict as text and JSON to stdout and to /output', () => {
    const { handleSummary } = loadK6Script(soak.script);
    const out = handleSummary(fixture('memory-leak'));
    expect(Object.keys(out).sort()).toEqual(['/output/summary.json', '/output/summary.txt', '/output/verdict', 'stdout']);
    expect(out['/output/verdict']).toBe('FAIL\n');
    const report = JSON.parse(out['/output/summary.json']);
    expect(report).toMatchObject({ verdict: 'FAIL', profile: 'staging', vus: 25, plannedDurationSeconds: 14400 });
    expect(out['/output/summary.txt']).toContain('soak verdict: FAIL (profile staging, 25 VUs, planned 14400 s');
    const stdout = out.stdout.trim().split('\n');
    expect(JSON.parse(stdout[stdout.length - 1])).toEqual(report);
    expect(out.stdout.startsWith(out['/output/summary.txt'])).toBe(true);
    expect(handleSummary(fixture('clean-run'))['/output/verdict']).toBe('PASS\n');
  });
});
