import { readAsset } from './_assets';
import type { SoakProfile } from './soak-profile';

/** Seconds added to a soak's duration for its Job deadline: image pull, setup, teardown, handleSummary. */
export const DEADLINE_MARGIN_SECONDS = 600;

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
  readonly thinkTimeSeconds: number;
  readonly gracefulStopSeconds: number;
  readonly breaker: { statuses: number[]; header: string | null; headerValue: string | null };
  /** The mounted file holding the bearer token, if any. */
  readonly authTokenFile: string | null;
  /** Headers whose values are mounted files. */
  readonly secretHeaders: Array<{ name: string; file: string }>;
  readonly thresholds: { [metric: string]: string[] };
  readonly maxLatencyGrowth: number;
}

/** The share of the run in each window; early and late are compared to detect leaks. */
export const WINDOWS: ReadonlyArray<[string, number]> = [['early', 0.2], ['steady', 0.6], ['late', 0.2]];

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
      gracefulStop: `${settings.gracefulStopSeconds}s`,
      tags: { window },
    };
    start += length;
  });
  const withSecrets = settings.authTokenFile !== null || settings.secretHeaders.length > 0;
  const options = {
    scenarios,
    thresholds: settings.thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    // k6 follows up to 10 redirects (its maxRedirects default) with Go's http.Client, which forwards
    // every header of the request except Authorization, WWW-Authenticate and Cookie, and those only
    // to another domain (net/http client.go makeHeadersCopier): a target that redirects would hand a
    // secret header to whatever host it names. With secrets, a redirect is an answer, not a new request.
    ...(withSecrets ? { maxRedirects: 0 } : {}),
  };
  const config = {
    baseUrl: settings.baseUrl,
    endpoints: settings.endpoints,
    thinkTimeSeconds: settings.thinkTimeSeconds,
    breaker: settings.breaker,
    authTokenFile: settings.authTokenFile,
    secretHeaders: settings.secretHeaders,
    outputDir: '/output',
    analysis: {
      profile: settings.profile.name,
      vus: settings.profile.vus,
      durationSeconds: total,
      maxLatencyGrowth: settings.maxLatencyGrowth,
    },
  };
  return fillTemplate(readAsset('k6', 'soak.js'), {
    __SOAK_CONFIG__: jsLiteral(config),
    __K6_OPTIONS__: jsLiteral(options),
    __SOAK_SUMMARY_LOGIC__: readAsset('k6', 'soak-summary.js').trim(),
  });
}

/**
 * Replaces each placeholder, which must occur exactly once, in one pass: a value is never
 * scanned again (a body holding `__K6_OPTIONS__` stays text) and never interpreted (a function
 * replacement does not expand `$&`, `` $` ``, `$'` or `$$` as a replacement string would).
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  const names = Object.keys(values);
  for (const name of names) {
    const count = template.split(name).length - 1;
    if (count !== 1) throw new Error(`template placeholder ${name} occurs ${count} times, expected once`);
  }
  const pattern = new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return template.replace(pattern, (name) => values[name]);
}

/**
 * A value as a JavaScript literal: JSON, with U+2028 and U+2029 escaped (they end a line
 * inside a string literal for every parser older than ES2019's JSON superset).
 */
export function jsLiteral(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
