import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CREDENTIAL_WORDS, isCredentialHeader } from './_credential-header';
import { invalidProp } from './_errors';
import { assertSecretKey, wholeMilliseconds } from './_validate';
import { EgressRule } from './egress-rule';

/**
 * Options of {@link SoakMetricsOutput.prometheusRemoteWrite}.
 */
export interface PrometheusRemoteWriteOptions {
  /**
   * The remote-write endpoint, such as `http://prometheus-operated.monitoring.svc:9090/api/v1/write`
   * (Prometheus needs `--web.enable-remote-write-receiver`). No credentials in the URL: use
   * `bearerTokenSecret`.
   */
  readonly url: string;

  /**
   * How often k6 pushes what it measured.
   *
   * @default Duration.seconds(5) - k6's own default
   */
  readonly pushInterval?: Duration;

  /**
   * Statistics pushed for each Trend metric (such as `http_req_duration`), each as a gauge
   * `k6_<metric>_<stat>` (`p(95)` becomes `_p95`). The soak dashboard reads p95 and p99.
   *
   * @default ['p(95)', 'p(99)'] - k6 alone pushes only p(99)
   */
  readonly trendStats?: string[];

  /**
   * Push Trend metrics as Prometheus native histograms (`k6_<metric>_seconds`) instead of
   * `trendStats` gauges. The receiving Prometheus needs `--enable-feature=native-histograms`.
   *
   * @default false
   */
  readonly nativeHistograms?: boolean;

  /**
   * Mark every series stale when the run ends, so a finished soak stops drawing a flat line.
   *
   * @default true
   */
  readonly staleMarkers?: boolean;

  /**
   * Secret holding a bearer token for the endpoint (by reference, as env K6_PROMETHEUS_RW_BEARER_TOKEN).
   *
   * @default - no Authorization header
   */
  readonly bearerTokenSecret?: kplus.ISecret;

  /**
   * Send the bearer token to an `http://` URL. Over plain HTTP the token crosses the network in
   * clear, readable by anything on the path; set this only where the network itself encrypts the
   * hop (a service mesh with mutual TLS between the soak pods and the endpoint).
   *
   * @default false - a bearer token needs an https:// URL
   */
  readonly allowTokenOverHttp?: boolean;

  /**
   * Key of the token in `bearerTokenSecret`.
   *
   * @default 'token'
   */
  readonly bearerTokenKey?: string;

  /**
   * More HTTP headers sent with every push, such as a tenant header (`X-Scope-OrgID`).
   * Credentials do not belong here: use `bearerTokenSecret`.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * Where the soak pods may push to under their NetworkPolicy: the Prometheus pods
   * (`EgressRule.toPods`) or the remote endpoint's address range (`EgressRule.toCidr`).
   * Required: the URL's port open to every address would also reach the cloud metadata
   * endpoint and the rest of the cluster from a pod that may hold a bearer token.
   */
  readonly egress: EgressRule;
}

/** k6's name for its Prometheus remote-write output (k6 v2.2.0 internal/cmd/outputs.go, builtin_output_gen.go). */
const REMOTE_WRITE_OUTPUT = 'experimental-prometheus-rw';
const K6_STAT = /^(avg|min|med|max|count|sum|p\((100|[0-9]{1,2})(\.[0-9]+)?\))$/;

/**
 * Where a {@link SoakJob} pushes its k6 metrics while it runs, for dashboards and alerts.
 *
 * Configured through k6's environment (k6 v2.2.0): `K6_OUT` (internal/cmd/config.go) selects the
 * output, `K6_PROMETHEUS_RW_*` configure it (internal/output/prometheusrw/remotewrite/config.go),
 * `K6_FEATURES=native-histograms` switches Trends to native histograms (internal/features), and
 * `K6_TAGS` (lib/options.go) tags every sample with `testid` (the Job's name) and `profile`, so
 * one run can be told from another.
 */
export class SoakMetricsOutput {
  /** k6's Prometheus remote-write output. */
  public static prometheusRemoteWrite(options: PrometheusRemoteWriteOptions): SoakMetricsOutput {
    return new SoakMetricsOutput(options);
  }

  /** The remote-write endpoint. */
  public readonly url: string;

  /** The port the pods connect to. */
  public readonly port: number;

  /** The Trend statistics pushed as gauges (none with native histograms). */
  public readonly trendStats: string[];

  /** Whether Trends are pushed as native histograms. */
  public readonly nativeHistograms: boolean;

  private readonly env: Record<string, string>;
  private readonly egress: EgressRule;
  private readonly token?: { secret: kplus.ISecret; key: string };

  private constructor(options: PrometheusRemoteWriteOptions) {
    this.url = options.url;
    this.port = remoteWritePort(options.url);
    this.nativeHistograms = options.nativeHistograms ?? false;
    const trendStats = options.trendStats ?? ['p(95)', 'p(99)'];
    if (trendStats.length === 0) throw invalidProp('trendStats', 'name at least one statistic', trendStats);
    for (const stat of trendStats) {
      if (!K6_STAT.test(stat)) throw invalidProp('trendStats', 'hold k6 trend statistics: avg, min, med, max, count, sum or p(0-100)', stat);
    }
    this.trendStats = this.nativeHistograms ? [] : [...trendStats];
    const pushMillis = wholeMilliseconds('pushInterval', options.pushInterval ?? Duration.seconds(5), 1000, 3_600_000, ' (at least a second)');

    this.env = {
      K6_OUT: REMOTE_WRITE_OUTPUT,
      K6_PROMETHEUS_RW_SERVER_URL: options.url,
      K6_PROMETHEUS_RW_PUSH_INTERVAL: `${pushMillis}ms`,
      K6_PROMETHEUS_RW_STALE_MARKERS: String(options.staleMarkers ?? true),
      ...(this.nativeHistograms ? { K6_FEATURES: 'native-histograms' } : { K6_PROMETHEUS_RW_TREND_STATS: trendStats.join(',') }),
    };
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (!/^[A-Za-z0-9-]+$/.test(name)) throw invalidProp('headers', 'have HTTP header names (letters, digits and dashes)', name);
      if (isCredentialHeader(name)) {
        throw invalidProp('headers', `not carry credentials (a header whose name contains ${CREDENTIAL_WORDS} would be stored in the manifest): use bearerTokenSecret`, name);
      }
      if (/[\r\n]/.test(value)) throw invalidProp(`headers["${name}"]`, 'be one line', value);
      this.env[`K6_PROMETHEUS_RW_HEADERS_${name}`] = value;
    }
    if (options.bearerTokenSecret) {
      if (new URL(options.url).protocol === 'http:' && options.allowTokenOverHttp !== true) {
        throw invalidProp('url', 'be https:// when bearerTokenSecret is set: over http:// the token crosses the network in clear '
          + '(set allowTokenOverHttp where a service mesh encrypts the hop)', options.url);
      }
      const key = options.bearerTokenKey ?? 'token';
      assertSecretKey('bearerTokenKey', key);
      this.token = { secret: options.bearerTokenSecret, key };
    }
    this.egress = options.egress;
  }

  /** The environment of the k6 container, tagging samples with the run's Job name and profile. @internal */
  public _envValues(testId: string, profile: string): Record<string, kplus.EnvValue> {
    const values: Record<string, kplus.EnvValue> = {};
    for (const [name, value] of Object.entries(this.plainEnv(testId, profile))) values[name] = kplus.EnvValue.fromValue(value);
    if (this.token) values.K6_PROMETHEUS_RW_BEARER_TOKEN = kplus.EnvValue.fromSecretValue(this.token);
    return values;
  }

  /** The same environment as Kubernetes EnvVars (for the k6-operator's runners). @internal */
  public _envVars(testId: string, profile: string): kplus.k8s.EnvVar[] {
    const vars: kplus.k8s.EnvVar[] = Object.entries(this.plainEnv(testId, profile)).map(([name, value]) => ({ name, value }));
    if (this.token) {
      vars.push({ name: 'K6_PROMETHEUS_RW_BEARER_TOKEN', valueFrom: { secretKeyRef: { name: this.token.secret.name, key: this.token.key } } });
    }
    return vars;
  }

  /** The NetworkPolicy egress rule that lets the pods push. @internal */
  public _egressRule(): kplus.k8s.NetworkPolicyEgressRule {
    return this.egress._toKube();
  }

  private plainEnv(testId: string, profile: string): Record<string, string> {
    // envconfig map syntax key:value,key:value (mstoykov/envconfig): Job names and profile names hold neither
    return { ...this.env, K6_TAGS: `testid:${testId},profile:${profile}` };
  }
}

function remoteWritePort(url: string): number {
  const requirement = 'be an http(s) URL with a host, such as "http://prometheus-operated.monitoring.svc:9090/api/v1/write", without credentials';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidProp('url', requirement, url);
  }
  // no hostname check: WHATWG URL parsing refuses an http(s) URL without a host (host-missing)
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.username !== '' || parsed.password !== '' || /\s/.test(url)) {
    throw invalidProp('url', requirement, url);
  }
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
}
