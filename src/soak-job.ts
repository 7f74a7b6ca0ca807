import { ApiObject, ApiObjectMetadata, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { readAsset } from './_assets';
import { secondsOf } from './_duration';
import { invalidProp } from './_errors';
import { assertPinnedImage } from './_image';
import { assertThreshold } from './_k6-threshold';
import { applyLabels, recommendedLabels, selectorLabels } from './_labels';
import { dnsEgress } from './_network-policy';
import { mountScratch, mountScripts, patchRestrictedPodSpec } from './_pod-spec';
import { withDefaults } from './_resources';
import { restrictedContainerSecurity, restrictedPodSecurity } from './_restricted';
import { renderSoakScript, SoakScriptSettings } from './_soak-script';
import { SoakMetricsOutput } from './soak-metrics-output';
import { SoakProfile } from './soak-profile';
import { SoakTarget } from './soak-target';

/** HTTP methods a soak endpoint may use. */
export enum HttpMethod {
  GET = 'GET',
  POST = 'POST',
  PUT = 'PUT',
  PATCH = 'PATCH',
  DELETE = 'DELETE',
}

/**
 * One API endpoint in the soak's mixed workload.
 */
export interface SoakEndpoint {
  /** Path below the target's base URL, starting with `/`. */
  readonly path: string;

  /**
   * HTTP method.
   *
   * @default HttpMethod.GET
   */
  readonly method?: HttpMethod;

  /**
   * Request body.
   *
   * @default - no body
   */
  readonly body?: string;

  /**
   * Request headers. Credentials do not belong here (they would sit in a ConfigMap):
   * use the SoakJob's `authTokenSecret`.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * The status a healthy answer has; anything else counts as an error.
   *
   * @default 200
   */
  readonly expectedStatus?: number;

  /**
   * Relative share of the requests that go to this endpoint.
   *
   * @default 1
   */
  readonly weight?: number;

  /**
   * Name used in tags and checks.
   *
   * @default - `<method> <path>`
   */
  readonly name?: string;
}

/**
 * Pass/fail limits of a soak run.
 */
export interface SoakThresholds {
  /**
   * Highest share of failed requests (`http_req_failed`).
   *
   * @default 0.01
   */
  readonly maxErrorRate?: number;

  /**
   * Highest 95th percentile of request duration over the run.
   *
   * @default Duration.millis(500)
   */
  readonly p95?: Duration;

  /**
   * Highest 99th percentile of request duration over the run.
   *
   * @default Duration.millis(1500)
   */
  readonly p99?: Duration;

  /**
   * Highest ratio of the late window's p95 to the early window's p95. Above it the run
   * fails as a probable memory or resource leak.
   *
   * @default 1.5
   */
  readonly maxLatencyGrowth?: number;

  /**
   * Highest share of responses that signal an open circuit breaker.
   *
   * @default 0.01
   */
  readonly maxCircuitBreakerOpenRate?: number;

  /**
   * More k6 thresholds, by metric: `{ 'http_req_duration{endpoint:GET /orders}': ['p(90)<300'] }`.
   *
   * @default - none
   */
  readonly extra?: { [metric: string]: string[] };
}

/**
 * How responses that signal an open circuit breaker are recognised.
 */
export interface CircuitBreakerTracking {
  /**
   * Status codes of a breaker that is open.
   *
   * @default [503]
   */
  readonly statuses?: number[];

  /**
   * A response header that signals an open breaker (matched case-insensitively).
   *
   * @default - statuses only
   */
  readonly header?: string;

  /**
   * The value of `header` that means open.
   *
   * @default - any value
   */
  readonly headerValue?: string;
}

/**
 * Properties of a {@link SoakJob}.
 */
export interface SoakJobProps {
  /** What to load: `SoakTarget.deployment(api)` or `SoakTarget.url('http://...')`. */
  readonly target: SoakTarget;

  /** The API endpoints of the mixed workload (the health endpoint is added to them). */
  readonly endpoints: SoakEndpoint[];

  /**
   * Duration and virtual users.
   *
   * @default SoakProfile.QUICK (1 hour, 10 VUs)
   */
  readonly profile?: SoakProfile;

  /**
   * Health endpoint mixed into the workload.
   *
   * @default - the target Deployment's readiness path, else '/healthz'
   */
  readonly healthPath?: string;

  /**
   * Relative share of health requests.
   *
   * @default 1
   */
  readonly healthWeight?: number;

  /**
   * Pause of each virtual user between two requests.
   *
   * @default Duration.seconds(1)
   */
  readonly thinkTime?: Duration;

  /**
   * Pass/fail limits.
   *
   * @default - see SoakThresholds
   */
  readonly thresholds?: SoakThresholds;

  /**
   * Circuit-breaker activation tracking.
   *
   * @default - 503 responses count as an open breaker
   */
  readonly circuitBreaker?: CircuitBreakerTracking;

  /**
   * Secret holding a bearer token sent as `Authorization` (by reference, as env AUTH_TOKEN).
   *
   * @default - no Authorization header
   */
  readonly authTokenSecret?: kplus.ISecret;

  /**
   * Key of the token in `authTokenSecret`.
   *
   * @default 'token'
   */
  readonly authTokenKey?: string;

  /**
   * k6 image, pinned by tag or digest.
   *
   * @default 'grafana/k6:2.2.0'
   */
  readonly image?: string;

  /**
   * Time iterations get to finish when a window ends.
   *
   * @default Duration.seconds(30)
   */
  readonly gracefulStop?: Duration;

  /**
   * How long the finished Job and its logs (the verdict) are kept.
   *
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;

  /**
   * Requests and limits; each of cpu, memory and ephemeralStorage left out keeps its default.
   *
   * @default - cpu 250m/1, memory 256Mi/1Gi, ephemeral-storage 64Mi/256Mi (request/limit)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Create a NetworkPolicy that lets the soak pod reach only the target (and DNS).
   *
   * @default true
   */
  readonly networkPolicy?: boolean;

  /**
   * Also emit the same test as a k6-operator TestRun (k6.io/v1alpha1) with this many runners.
   *
   * @default - no TestRun
   */
  readonly testRunParallelism?: number;

  /**
   * Metadata of the Job; its name also names the ConfigMap, the NetworkPolicy and the TestRun.
   *
   * @default - a name generated by cdk8s
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Push the k6 metrics while the test runs (`SoakMetricsOutput.prometheusRemoteWrite({ url })`),
   * tagged with the Job's name as `testid` and the profile; the NetworkPolicy lets them out.
   *
   * @default - metrics stay in the pod: the summary in the log is the only result
   */
  readonly metricsOutput?: SoakMetricsOutput;
}

/** The grafana/k6 image runs as this uid and gid. */
const K6_ID = 12345;
const DEFAULT_K6_IMAGE = 'grafana/k6:2.2.0';
/** Image pull, setup, teardown and handleSummary on top of the load itself. */
const DEADLINE_MARGIN = Duration.minutes(10);
const DEFAULT_RESOURCES: Required<kplus.ContainerResources> = {
  cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
  memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
  ephemeralStorage: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

/**
 * A k6 soak test as a Kubernetes Job.
 *
 * The generated script runs a weighted mix of the health endpoint and the API endpoints for the
 * profile's duration, split into tagged early, steady and late windows. Thresholds cover error
 * rate, p95 and p99 latency and circuit-breaker openings; the summary compares the late window's
 * p95 with the early window's to catch leaks, and prints a PASS/FAIL stability verdict with its
 * reasons as text and JSON. The Job never retries (`backoffLimit: 0`): k6 exits 99 on a failed
 * threshold, the wrapper exits 90 on a failed verdict, and a failed soak must not run again.
 */
export class SoakJob extends Construct {
  /** The Job. */
  public readonly job: kplus.Job;

  /** The ConfigMap with the generated k6 script and its runner. */
  public readonly scripts: kplus.ConfigMap;

  /** The generated k6 script. */
  public readonly script: string;

  /** The profile the test runs. */
  public readonly profile: SoakProfile;

  /** The Job's activeDeadlineSeconds: duration + gracefulStop + 10 minutes. */
  public readonly activeDeadline: Duration;

  /** The NetworkPolicy, unless `networkPolicy: false`. */
  public readonly networkPolicy?: kplus.k8s.KubeNetworkPolicy;

  /** The k6-operator TestRun, when `testRunParallelism` is set. */
  public readonly testRun?: ApiObject;

  constructor(scope: Construct, id: string, props: SoakJobProps) {
    super(scope, id);
    this.profile = props.profile ?? SoakProfile.QUICK;
    const image = props.image ?? DEFAULT_K6_IMAGE;
    assertPinnedImage('image', image);
    const gracefulStop = props.gracefulStop ?? Duration.seconds(30);
    if (!Number.isInteger(secondsOf(gracefulStop))) throw invalidProp('gracefulStop', 'be whole seconds', gracefulStop);
    const settings = soakSettings(props, this.profile, gracefulStop);
    this.script = renderSoakScript(settings);
    this.activeDeadline = Duration.seconds(this.profile.duration.toSeconds() + gracefulStop.toSeconds() + DEADLINE_MARGIN.toSeconds());

    const authEnv: Record<string, kplus.EnvValue> = props.authTokenSecret
      ? { AUTH_TOKEN: kplus.EnvValue.fromSecretValue({ secret: props.authTokenSecret, key: props.authTokenKey ?? 'token' }) }
      : {};
    this.job = new kplus.Job(this, 'Resource', {
      metadata: props.metadata,
      backoffLimit: 0,
      activeDeadline: this.activeDeadline,
      ttlAfterFinished: props.ttlAfterFinished ?? Duration.days(1),
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurity(K6_ID, K6_ID),
      containers: [{
        name: 'k6',
        image,
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
        command: ['/bin/sh', '/scripts/run-soak.sh'],
        workingDir: '/tmp',
        securityContext: restrictedContainerSecurity(K6_ID, K6_ID),
        resources: withDefaults(props.resources, DEFAULT_RESOURCES).cdk8sPlus,
        envVariables: {
          SCRIPT: kplus.EnvValue.fromValue('/scripts/soak.js'),
          OUTPUT_DIR: kplus.EnvValue.fromValue('/output'),
          // no usage report from inside the cluster
          K6_NO_USAGE_REPORT: kplus.EnvValue.fromValue('true'),
          ...authEnv,
        },
      }],
    });
    const name = this.job.name;
    const metricsEnv = props.metricsOutput?._envValues(name, this.profile.name) ?? {};
    for (const [env, value] of Object.entries(metricsEnv)) this.job.containers[0].env.addVariable(env, value);
    const labels = recommendedLabels({ name, instance: name, component: 'soak-test', version: image.split(':').pop() });
    applyLabels(labels, this.job.metadata, this.job.podMetadata);

    this.scripts = new kplus.ConfigMap(this, 'Scripts', {
      metadata: { name: `${name}-script`, labels },
      data: { 'soak.js': this.script, 'run-soak.sh': readAsset('k6', 'run-soak.sh') },
    });
    const container = this.job.containers[0];
    mountScripts(this, container, this.scripts, '/scripts');
    mountScratch(this, container, 'OutputVolume', 'output', '/output', Size.mebibytes(16));
    mountScratch(this, container, 'TmpVolume', 'tmp', '/tmp', Size.mebibytes(64));
    patchRestrictedPodSpec(ApiObject.of(this.job), '/spec/template/spec', withDefaults(props.resources, DEFAULT_RESOURCES).ephemeralStorage);

    if (props.networkPolicy ?? true) {
      this.networkPolicy = this.egressOnlyToTarget(name, labels, props.target, props.metricsOutput);
    }
    if (props.testRunParallelism !== undefined) {
      this.testRun = this.k6OperatorTestRun(name, labels, image, props);
    }
  }

  private egressOnlyToTarget(
    name: string, labels: Record<string, string>, target: SoakTarget, metrics?: SoakMetricsOutput,
  ): kplus.k8s.KubeNetworkPolicy {
    const port = { port: kplus.k8s.IntOrString.fromNumber(target.podPort), protocol: 'TCP' };
    const to: kplus.k8s.NetworkPolicyPeer[] | undefined = target.podLabels
      ? [{
        podSelector: { matchLabels: target.podLabels },
        ...(target.namespaceName ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': target.namespaceName } } } : {}),
      }]
      : undefined; // a URL target can be anywhere: only its port is pinned
    return new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name, labels },
      spec: {
        podSelector: { matchLabels: selectorLabels(name, name) },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [dnsEgress(), { ...(to ? { to } : {}), ports: [port] }, ...(metrics ? [metrics._egressRule()] : [])],
      },
    });
  }

  private k6OperatorTestRun(name: string, labels: Record<string, string>, image: string, props: SoakJobProps): ApiObject {
    const parallelism = props.testRunParallelism!;
    if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > this.profile.vus) {
      throw invalidProp('testRunParallelism', `be a whole number from 1 to the profile's VUs (${this.profile.vus})`, parallelism);
    }
    const podSecurityContext = {
      runAsNonRoot: true, runAsUser: K6_ID, runAsGroup: K6_ID, fsGroup: K6_ID, seccompProfile: { type: 'RuntimeDefault' },
    };
    const containerSecurityContext = {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: K6_ID,
      runAsGroup: K6_ID,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const pod = {
      metadata: { labels },
      automountServiceAccountToken: 'false',
      securityContext: podSecurityContext,
      containerSecurityContext,
    };
    return new ApiObject(this, 'TestRun', {
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name, labels },
      spec: {
        parallelism,
        script: { configMap: { name: this.scripts.name, file: 'soak.js' } },
        arguments: '--no-color',
        cleanup: 'post',
        initializer: { ...pod, image },
        runner: {
          ...pod,
          image,
          imagePullPolicy: 'Always',
          env: [{ name: 'K6_NO_USAGE_REPORT', value: 'true' }, ...(props.metricsOutput?._envVars(name, this.profile.name) ?? [])],
          resources: {
            requests: { 'cpu': '250m', 'memory': '256Mi', 'ephemeral-storage': '64Mi' },
            limits: { 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '256Mi' },
          },
          volumes: [{ name: 'output', emptyDir: { sizeLimit: '16Mi' } }, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          volumeMounts: [{ name: 'output', mountPath: '/output' }, { name: 'tmp', mountPath: '/tmp' }],
        },
      },
    });
  }
}

function soakSettings(props: SoakJobProps, profile: SoakProfile, gracefulStop: Duration): SoakScriptSettings {
  if (props.endpoints.length === 0) {
    throw invalidProp('endpoints', 'name at least one API endpoint (the health endpoint alone is no workload)', props.endpoints);
  }
  const healthPath = props.healthPath ?? props.target.healthPath ?? '/healthz';
  const endpoints = [
    { path: healthPath, method: HttpMethod.GET, name: `health ${healthPath}`, weight: props.healthWeight ?? 1, expectedStatus: 200 },
    ...props.endpoints,
  ].map((e, i) => {
    const method = e.method ?? HttpMethod.GET;
    const prop = i === 0 ? 'healthPath' : `endpoints[${i - 1}]`;
    if (!/^\/[^\s#]*$/.test(e.path)) throw invalidProp(i === 0 ? prop : `${prop}.path`, 'be an absolute URL path such as "/api/orders"', e.path);
    const weight = e.weight ?? 1;
    if (!(weight >= 0) || !Number.isFinite(weight)) throw invalidProp(i === 0 ? 'healthWeight' : `${prop}.weight`, 'be 0 or more', weight);
    const expectedStatus = e.expectedStatus ?? 200;
    if (!Number.isInteger(expectedStatus) || expectedStatus < 100 || expectedStatus > 599) {
      throw invalidProp(`${prop}.expectedStatus`, 'be an HTTP status from 100 to 599', expectedStatus);
    }
    const headers = e.headers ?? {};
    for (const header of Object.keys(headers)) {
      if (['authorization', 'cookie', 'proxy-authorization'].includes(header.toLowerCase())) {
        throw invalidProp(`${prop}.headers`, 'not carry credentials (they would be stored in a ConfigMap): use authTokenSecret', header);
      }
    }
    return { name: e.name ?? `${method} ${e.path}`, method, path: e.path, body: e.body ?? null, headers, expectedStatus, weight };
  });
  if (endpoints.reduce((sum, e) => sum + e.weight, 0) <= 0) {
    throw invalidProp('endpoints', 'have weights that sum to more than 0', endpoints.map((e) => e.weight));
  }

  const thinkTime = props.thinkTime ?? Duration.seconds(1);
  const t = props.thresholds ?? {};
  const maxErrorRate = t.maxErrorRate ?? 0.01;
  if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) throw invalidProp('thresholds.maxErrorRate', 'be a share from 0 to 1', maxErrorRate);
  const maxBreakerRate = t.maxCircuitBreakerOpenRate ?? 0.01;
  if (!(maxBreakerRate >= 0 && maxBreakerRate <= 1)) {
    throw invalidProp('thresholds.maxCircuitBreakerOpenRate', 'be a share from 0 to 1', maxBreakerRate);
  }
  const maxLatencyGrowth = t.maxLatencyGrowth ?? 1.5;
  if (!(maxLatencyGrowth >= 1)) throw invalidProp('thresholds.maxLatencyGrowth', 'be a ratio of at least 1', maxLatencyGrowth);
  const p95 = (t.p95 ?? Duration.millis(500)).toMilliseconds();
  const p99 = (t.p99 ?? Duration.millis(1500)).toMilliseconds();
  if (p95 <= 0) throw invalidProp('thresholds.p95', 'be above 0', t.p95);
  if (p99 < p95) throw invalidProp('thresholds.p99', `be at least the p95 limit (${p95} ms)`, t.p99);
  for (const [metric, expressions] of Object.entries(t.extra ?? {})) {
    if (expressions.length === 0) throw invalidProp(`thresholds["${metric}"]`, 'hold at least one expression', expressions);
    for (const expression of expressions) assertThreshold(metric, expression);
  }

  const breaker = props.circuitBreaker ?? {};
  const statuses = breaker.statuses ?? [503];
  for (const status of statuses) {
    if (!Number.isInteger(status) || status < 100 || status > 599) throw invalidProp('circuitBreaker.statuses', 'hold HTTP statuses from 100 to 599', status);
  }
  if (statuses.length === 0 && !breaker.header) {
    throw invalidProp('circuitBreaker', 'name statuses or a header, or breaker openings cannot be recognised', breaker);
  }

  return {
    profile,
    gracefulStop,
    thinkTime,
    endpoints,
    baseUrl: props.target.baseUrl,
    breaker: { statuses, header: breaker.header?.toLowerCase() ?? null, headerValue: breaker.headerValue?.toLowerCase() ?? null },
    thresholds: {
      'http_req_failed': [`rate<${maxErrorRate}`],
      'http_req_duration': [`p(95)<${p95}`, `p(99)<${p99}`],
      // Always true: it makes the window sub-metrics appear in the summary data.
      'http_req_duration{window:early}': ['max>=0'],
      'http_req_duration{window:late}': ['max>=0'],
      'circuit_breaker_open_rate': [`rate<${maxBreakerRate}`],
      ...(t.extra ?? {}),
    },
    maxLatencyGrowth,
  };
}
