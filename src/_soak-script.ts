import { Duration } from 'cdk8s';
import { readAsset } from './_assets';
import { SoakProfile } from './soak-profile';

export interface SoakScriptEndpoint {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly body: string | null;
  readonly headers: { [name: string]: string };
  readonly expectedStatus: number;
  readonly weight: number;
}

/** Everything the generated script needs, already checked. */
export interface SoakScriptSettings {
  readonly profile: SoakProfile;
  readonly baseUrl: string;
  readonly endpoints: SoakScriptEndpoint[];
  readonly thinkTime: Duration;
  readonly gracefulStop: Duration;
  readonly breaker: { statuses: number[]; header: string | null; headerValue: string | null };
  readonly thresholds: { [metric: string]: string[] };
  readonly maxLatencyGrowth: number;
}

/** The share of the run in each window; early and late are compared to detect leaks. */
const WINDOWS: Array<[string, number]> = [['early', 0.2], ['steady', 0.6], ['late', 0.2]];

/**
 * The k6 script: the template in assets/k6/soak.js with its options, its settings and the
 * stability analysis of assets/k6/soak-summary.js filled in.
 */
export function renderSoakScript(settings: SoakScriptSettings): string {
  const total = settings.profile.duration.toSeconds();
  const scenarios: Record<string, object> = {};
  let start = 0;
  WINDOWS.forEach(([window, share], i) => {
    // the last window takes what rounding left, so the windows add up to the profile exactly
    const length = i === WINDOWS.length - 1 ? total - start : Math.round(total * share);
    scenarios[window] = {
      executor: 'constant-vus',
      exec: 'soak',
      vus: settings.profile.vus,
      startTime: `${start}s`,
      duration: `${length}s`,
      gracefulStop: `${settings.gracefulStop.toSeconds()}s`,
      tags: { window },
    };
    start += length;
  });
  const options = {
    scenarios,
    thresholds: settings.thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  };
  const config = {
    baseUrl: settings.baseUrl,
    endpoints: settings.endpoints,
    thinkTimeSeconds: settings.thinkTime.toMilliseconds() / 1000,
    breaker: settings.breaker,
    outputDir: '/output',
    analysis: {
      profile: settings.profile.name,
      vus: settings.profile.vus,
      durationSeconds: total,
      maxLatencyGrowth: settings.maxLatencyGrowth,
    },
  };
  return readAsset('k6', 'soak.js')
    .replace('__SOAK_CONFIG__', JSON.stringify(config, null, 2))
    .replace('__K6_OPTIONS__', JSON.stringify(options, null, 2))
    .replace('__SOAK_SUMMARY_LOGIC__', readAsset('k6', 'soak-summary.js').trim());
}
