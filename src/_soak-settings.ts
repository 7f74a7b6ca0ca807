import { Duration } from 'cdk8s';
import { CREDENTIAL_WORDS, isCredentialHeader } from './_credential-header';
import { invalidProp } from './_errors';
import { assertSoakThreshold, parseThresholdExpression } from './_k6-threshold';
import { DEADLINE_MARGIN_SECONDS, SoakScriptEndpoint, SoakScriptSettings, WINDOWS } from './_soak-script';
import { SoakSecretFile, soakSecretFiles } from './_soak-secrets';
import { assertNoControlCharacters, INT32_MAX, wholeMilliseconds, wholeSeconds } from './_validate';
import type { SoakJobProps } from './soak-job';
import type { SoakProfile } from './soak-profile';


/**
 * An HTTP header name: an RFC 9110 token. Go's net/http refuses to send anything else
 * (httpguts.ValidHeaderFieldName), and k6 v2.2.0 sends requests through net/http.
 */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Methods that change state on the server (RFC 9110: not safe). */
const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Everything a SoakJob checked, ready for the script and the pods. */
export interface SoakSettings {
  readonly script: SoakScriptSettings;
  /** Secrets mounted as files (bearer token and secret headers). */
  readonly secretFiles: SoakSecretFile[];
  /** Seconds of gracefulStop. */
  readonly gracefulStopSeconds: number;
  /** activeDeadlineSeconds of the Job: duration + gracefulStop + 10 minutes, int32. */
  readonly activeDeadlineSeconds: number;
}

/** Checks every prop that reaches the script or the pods, and builds the script's settings. */
export function soakSettings(props: SoakJobProps, profile: SoakProfile): SoakSettings {
  const durationSeconds = profile.duration.toSeconds();
  const gracefulStopSeconds = wholeSeconds('gracefulStop', props.gracefulStop ?? Duration.seconds(30), 0,
    INT32_MAX - DEADLINE_MARGIN_SECONDS - durationSeconds, ' (duration + gracefulStop + 10 minutes is the Job\'s activeDeadlineSeconds, an int32)');
  const secretFiles = soakSecretFiles(props);
  const endpoints = soakEndpoints(props, secretFiles);
  const writes = [...new Set(endpoints.filter((e) => STATE_CHANGING.includes(e.method)).map((e) => e.method))];
  if (profile.name === 'production' && writes.length > 0 && props.acknowledgeProductionWrites !== true) {
    throw invalidProp('acknowledgeProductionWrites', `be true for a PRODUCTION soak whose endpoints change state (${writes.join(', ')} for 24 hours `
      + 'create, change or delete real records)', props.acknowledgeProductionWrites);
  }
  const thinkTimeMillis = wholeMilliseconds('thinkTime', props.thinkTime ?? Duration.seconds(1), 0);
  const t = props.thresholds ?? {};
  const maxErrorRate = share('thresholds.maxErrorRate', t.maxErrorRate ?? 0.01);
  const maxBreakerRate = share('thresholds.maxCircuitBreakerOpenRate', t.maxCircuitBreakerOpenRate ?? 0.01);
  const maxLatencyGrowth = t.maxLatencyGrowth ?? 1.5;
  if (!Number.isFinite(maxLatencyGrowth) || maxLatencyGrowth < 1) {
    throw invalidProp('thresholds.maxLatencyGrowth', 'be a finite ratio of at least 1', maxLatencyGrowth);
  }
  const p95 = wholeMilliseconds('thresholds.p95', t.p95 ?? Duration.millis(500), 1);
  const p99 = wholeMilliseconds('thresholds.p99', t.p99 ?? Duration.millis(1500), 1);
  if (p99 < p95) throw invalidProp('thresholds.p99', `be at least the p95 limit (${p95} ms)`, t.p99);

  // "Highest share" means at most: `rate<=0` is "none allowed"; `rate<0` would fail every run.
  const builtIn: Record<string, string[]> = {
    'http_req_failed': [`rate<=${maxErrorRate}`],
    'http_req_duration': [`p(95)<${p95}`, `p(99)<${p99}`],
    // Always true: it makes the window sub-metrics appear in the summary data.
    'http_req_duration{window:early}': ['max>=0'],
    'http_req_duration{window:late}': ['max>=0'],
    'circuit_breaker_open_rate': [`rate<=${maxBreakerRate}`],
  };
  const thresholds = mergeThresholds(builtIn, t.extra ?? {}, {
    endpoint: endpoints.map((e) => e.name),
    window: WINDOWS.map(([w]) => w),
  });

  return {
    gracefulStopSeconds,
    activeDeadlineSeconds: durationSeconds + gracefulStopSeconds + DEADLINE_MARGIN_SECONDS,
    secretFiles,
    script: {
      profile,
      gracefulStopSeconds,
      thinkTimeSeconds: thinkTimeMillis / 1000,
      endpoints,
      baseUrl: props.target.baseUrl,
      breaker: breakerSettings(props),
      authTokenFile: secretFiles.find((f) => f.header === 'Authorization')?.path ?? null,
      secretHeaders: secretFiles.filter((f) => f.header !== 'Authorization').map((f) => ({ name: f.header, file: f.path })),
      thresholds,
      maxLatencyGrowth,
    },
  };
}

function share(prop: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw invalidProp(prop, 'be a share from 0 to 1', value);
  return value;
}

function soakEndpoints(props: SoakJobProps, secretFiles: SoakSecretFile[]): SoakScriptEndpoint[] {
  if (props.endpoints.length === 0) {
    throw invalidProp('endpoints', 'name at least one API endpoint (the health endpoint alone is no workload)', props.endpoints);
  }
  const healthPath = props.healthPath ?? props.target.healthPath ?? '/healthz';
  const secretHeaders = secretFiles.map((f) => f.header.toLowerCase());
  const endpoints = [
    { path: healthPath, method: 'GET', name: undefined, weight: props.healthWeight ?? 1, expectedStatus: 200, body: undefined, headers: undefined },
    ...props.endpoints,
  ].map((e, i): SoakScriptEndpoint => {
    const method: string = e.method ?? 'GET';
    const at = i === 0 ? undefined : `endpoints[${i - 1}]`;
    const pathProp = at ? `${at}.path` : 'healthPath';
    if (typeof e.path !== 'string' || !/^\/[^\s#]*$/.test(e.path)) throw invalidProp(pathProp, 'be an absolute URL path such as "/api/orders"', e.path);
    // Go's url.Parse refuses control characters ("net/url: invalid control character in URL")
    assertNoControlCharacters(pathProp, e.path);
    const name = e.name ?? (at ? `${method} ${e.path}` : `health ${e.path}`);
    const nameProp = e.name !== undefined ? `${at}.name` : pathProp;
    if (e.name !== undefined && e.name.trim() === '') throw invalidProp(nameProp, 'be a non-empty name', e.name);
    assertNoControlCharacters(nameProp, name);
    // k6 v2.2.0 check() throws on names containing lib.GroupSeparator "::" (internal/js/modules/k6/k6.go
    // Check, lib/models.go), and the name is part of the endpoint's check name.
    if (name.includes('::')) {
      throw invalidProp(nameProp, `not contain "::", which k6 refuses in check names${e.name === undefined && at ? ` (set ${at}.name)` : ''}`, name);
    }
    const weight = e.weight ?? 1;
    if (!(weight >= 0) || !Number.isFinite(weight)) throw invalidProp(at ? `${at}.weight` : 'healthWeight', 'be 0 or more', weight);
    const expectedStatus = e.expectedStatus ?? 200;
    if (!Number.isInteger(expectedStatus) || expectedStatus < 100 || expectedStatus > 599) {
      throw invalidProp(`${at}.expectedStatus`, 'be an HTTP status from 100 to 599', expectedStatus);
    }
    const headers = e.headers ?? {};
    const seen = new Set<string>();
    for (const [header, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(header)) throw invalidProp(`${at}.headers`, 'have header names made of letters, digits and !#$%&\'*+-.^_`|~', header);
      if (isCredentialHeader(header)) {
        throw invalidProp(`${at}.headers`, `not carry credentials (a header whose name contains ${CREDENTIAL_WORDS} `
          + 'would be stored in a ConfigMap): use authTokenSecret for a bearer token or secretHeaders for any other secret header', header);
      }
      const lower = header.toLowerCase();
      if (seen.has(lower) || secretHeaders.includes(lower)) {
        throw invalidProp(`${at}.headers`, 'name each header once, ignoring case (HTTP header names are case-insensitive), and none of secretHeaders', header);
      }
      seen.add(lower);
      // net/http refuses to send a header value with control characters (httpguts.ValidHeaderFieldValue)
      assertNoControlCharacters(`${at}.headers["${header}"]`, value);
    }
    return { name, method, path: e.path, body: e.body ?? null, headers, expectedStatus, weight };
  });
  if (endpoints.reduce((sum, e) => sum + e.weight, 0) <= 0) {
    throw invalidProp('endpoints', 'have weights that sum to more than 0', endpoints.map((e) => e.weight));
  }
  return endpoints;
}

function breakerSettings(props: SoakJobProps): SoakScriptSettings['breaker'] {
  const breaker = props.circuitBreaker ?? {};
  const statuses = breaker.statuses ?? [503];
  for (const status of statuses) {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw invalidProp('circuitBreaker.statuses', 'hold HTTP statuses from 100 to 599', status);
  }
  if (statuses.length === 0 && breaker.header === undefined) {
    throw invalidProp('circuitBreaker', 'name statuses or a header, or breaker openings cannot be recognised', breaker);
  }
  if (breaker.header !== undefined && (typeof breaker.header !== 'string' || !HEADER_NAME.test(breaker.header))) {
    throw invalidProp('circuitBreaker.header', 'be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~', breaker.header);
  }
  if (breaker.headerValue !== undefined) {
    if (breaker.header === undefined) throw invalidProp('circuitBreaker.headerValue', 'come with circuitBreaker.header', breaker.headerValue);
    assertNoControlCharacters('circuitBreaker.headerValue', breaker.headerValue);
    // Go's textproto reader trims the whitespace around a received header value: a value with
    // leading or trailing spaces, or an empty one, could never match.
    if (breaker.headerValue.trim() !== breaker.headerValue || breaker.headerValue === '') {
      throw invalidProp('circuitBreaker.headerValue', 'be non-empty without leading or trailing spaces (received header values are trimmed)', breaker.headerValue);
    }
  }
  return { statuses, header: breaker.header?.toLowerCase() ?? null, headerValue: breaker.headerValue?.toLowerCase() ?? null };
}

/** The prop that sets each built-in upper limit, by metric and aggregation. */
const BUILT_IN_LIMIT_PROPS: Record<string, string> = {
  'http_req_failed rate': 'thresholds.maxErrorRate',
  'http_req_duration p(95)': 'thresholds.p95',
  'http_req_duration p(99)': 'thresholds.p99',
  'circuit_breaker_open_rate rate': 'thresholds.maxCircuitBreakerOpenRate',
};

/**
 * The built-in thresholds with the user's extra ones added. A metric named in both keeps every
 * expression of both: k6 fails the run when any of them fails, so the stricter bound wins and
 * both stay visible. An extra upper bound looser than a built-in one would do nothing, so it is
 * refused with the prop that moves the built-in limit.
 */
function mergeThresholds(
  builtIn: Record<string, string[]>, extra: Record<string, string[]>, tagValues: Record<string, string[]>,
): Record<string, string[]> {
  const merged: Record<string, string[]> = Object.fromEntries(Object.entries(builtIn).map(([m, e]) => [m, [...e]]));
  for (const [metric, expressions] of Object.entries(extra)) {
    // JSON quoting: a key with quotes or control characters still reads as one prop
    const prop = `thresholds.extra[${JSON.stringify(metric)}]`;
    const parsed = assertSoakThreshold(prop, metric, expressions, tagValues);
    parsed.forEach((user, i) => {
      for (const own of (builtIn[metric] ?? []).map((e) => parseThresholdExpression(metric, e))) {
        const limitProp = BUILT_IN_LIMIT_PROPS[`${metric} ${own.aggregation}`];
        if (limitProp === undefined || own.aggregation !== user.aggregation || !['<', '<='].includes(user.operator)) continue;
        const looser = user.bound > own.bound || (user.bound === own.bound && own.operator === '<' && user.operator === '<=');
        if (looser) {
          throw invalidProp(prop, `not loosen the built-in "${own.aggregation}${own.operator}${own.bound}" (both would apply, so it would change nothing): set ${limitProp} instead`, expressions[i]);
        }
      }
    });
    const into = merged[metric] ?? (merged[metric] = []);
    for (const expression of expressions) if (!into.includes(expression)) into.push(expression);
  }
  return merged;
}
