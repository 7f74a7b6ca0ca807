import { ApiObject, ApiObjectMetadata, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { readAsset } from './_assets';
import { invalidProp } from './_errors';
import { assertPinnedImage } from './_image';
import { requireIngressAdmission } from './_ingress-admission';
import { applyLabels, recommendedLabels, selectorLabels } from './_labels';
import { constructNamespace } from './_namespace';
import { dnsEgress } from './_network-policy';
import { mountScratch, mountScripts, patchRestrictedPodSpec } from './_pod-spec';
import { withDefaults } from './_resources';
import { restrictedContainerSecurity, restrictedPodSecurity } from './_restricted';
import { immutableScripts, verifiedScriptCommand } from './_scripts-config-map';
import { renderSoakScript } from './_soak-script';
import { mountSecretFiles } from './_soak-secrets';
import { soakSettings } from './_soak-settings';
import { DEFAULT_OPERATOR_NAMESPACE, DEFAULT_STARTER_IMAGE, K6_ID, soakTestRun } from './_soak-test-run';
import { TERMINATION_GRACE } from './_termination-grace';
import { assertDnsLabel, assertMetadata, wholeSeconds } from './_validate';
import { DnsResolver } from './dns-resolver';
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
   * Request headers. They are stored in the script's ConfigMap, so a header whose name says it
   * carries a credential (contains key, token, secret, password, passwd, auth, session, cookie or
   * credential, in any case) is refused: use the SoakJob's `authTokenSecret` or `secretHeaders`.
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
   * Name used in the `endpoint` tag and the check. Thresholds can filter on it:
   * `http_req_duration{endpoint:GET /api/orders}`.
   *
   * @default - `<method> <path>`
   */
  readonly name?: string;
}

/**
 * A request header whose value comes from a Secret. The Secret is mounted as a file that k6
 * reads when the test starts; the value never reaches the ConfigMap or an environment variable.
 */
export interface SoakSecretHeader {
  /** The header name, for example `X-Api-Key`. */
  readonly name: string;

  /** The Secret holding the value. */
  readonly secret: kplus.ISecret;

  /** The key of the value in the Secret. */
  readonly key: string;
}

/**
 * Pass/fail limits of a soak run.
 */
export interface SoakThresholds {
  /**
   * Highest share of failed requests (`http_req_failed` rate at most this; 0 allows none).
   *
   * @default 0.01
   */
  readonly maxErrorRate?: number;

  /**
   * The 95th percentile of request duration over the run stays below this (whole milliseconds).
   *
   * @default Duration.millis(500)
   */
  readonly p95?: Duration;

  /**
   * The 99th percentile of request duration over the run stays below this (whole milliseconds).
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
   * Highest share of responses that signal an open circuit breaker (at most this; 0 allows none).
   *
   * @default 0.01
   */
  readonly maxCircuitBreakerOpenRate?: number;

  /**
   * More k6 thresholds, by metric: `{ 'http_req_duration{endpoint:GET /orders}': ['p(90)<300'] }`.
   *
   * On a metric that already has built-in thresholds (`http_req_failed`, `http_req_duration`,
   * `circuit_breaker_open_rate`) both lists apply, so the stricter bound wins and both show in the
   * options; an upper bound looser than a built-in one is refused with the prop that moves it
   * (`p95`, `p99`, `maxErrorRate`, `maxCircuitBreakerOpenRate`). Metrics, aggregations and the
   * `endpoint` and `window` tag filters are checked against what the script records.
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
   * A response header that signals an open breaker. Matched ignoring case, as k6 hands the
   * script Go-canonical names (`x-circuit-breaker` arrives as `X-Circuit-Breaker`).
   *
   * @default - statuses only
   */
  readonly header?: string;

  /**
   * The value of `header` that means open, matched ignoring case, against the whole value or any
   * one of several values of a repeated header (which k6 joins with ", ").
   *
   * @default - any value
   */
  readonly headerValue?: string;
}

/**
 * Properties of a {@link SoakJob}.
 */
export interface SoakJobProps {
  /** What to load: `SoakTarget.deployment(api)` or `SoakTarget.url('https://...', SoakDestination.cidrs([...]))`. */
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
   * Secret holding a bearer token sent as `Authorization: Bearer <token>`. It is mounted as a
   * read-only file (mode 0440) that k6 reads when the test starts; surrounding whitespace such
   * as a trailing newline is dropped.
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
   * Other request headers whose values are secret (`X-Api-Key`, session headers), each read from
   * a Secret mounted as a file, sent with every request.
   *
   * @default - none
   */
  readonly secretHeaders?: SoakSecretHeader[];

  /**
   * k6 image, pinned by tag or digest.
   *
   * @default 'grafana/k6:2.2.0'
   */
  readonly image?: string;

  /**
   * Confirms that a `SoakProfile.PRODUCTION` soak may send requests that change state (POST,
   * PUT, PATCH, DELETE): for 24 hours they create, change or delete real records. Without it
   * such a soak is refused.
   *
   * @default false
   */
  readonly acknowledgeProductionWrites?: boolean;

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
   * The DNS resolver the pods may query under the NetworkPolicy: port 53 to this resolver only,
   * never to any address (port 53 anywhere is an exfiltration channel).
   *
   * @default DnsResolver.clusterDns() - the pods labelled `k8s-app: kube-dns` in `kube-system`
   */
  readonly dnsResolver?: DnsResolver;

  /**
   * Also emit the same test as a k6-operator TestRun (k6.io/v1alpha1) with this many runners.
   *
   * Each runner runs its segment of the load and prints a verdict for that share only: the
   * operator fails a runner's Job when a k6 threshold fails, but nothing combines the runners'
   * verdicts and the leak verdict (latency growth) is not enforced there. The SoakJob's own Job
   * enforces both.
   *
   * @default - no TestRun
   */
  readonly testRunParallelism?: number;

  /**
   * Image of the TestRun's starter (and stopper) pod, which tells the runners to start.
   *
   * @default 'ghcr.io/grafana/k6-operator:starter-v1.6.0' (the operator's own default is the moving `latest-starter`)
   */
  readonly testRunStarterImage?: string;

  /**
   * Namespace of the k6-operator, whose controller polls the runners' REST API (port 6565).
   *
   * @default 'k6-operator-system'
   */
  readonly testRunOperatorNamespace?: string;

  /**
   * Metadata of the Job; its name (a DNS label of at most 63 characters, at most 51 with a TestRun
   * whose Jobs and Services the operator names after it) also names the ConfigMap, the
   * NetworkPolicies and the TestRun, and its namespace (else the chart's) holds all of them.
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

const DEFAULT_K6_IMAGE = 'grafana/k6:2.2.0';
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

  /**
   * The k6-operator TestRun, when `testRunParallelism` is set. Its runners' verdicts cover their
   * share of the load only and are not enforced (see `testRunParallelism`).
   */
  public readonly testRun?: ApiObject;

  constructor(scope: Construct, id: string, props: SoakJobProps) {
    super(scope, id);
    this.profile = props.profile ?? SoakProfile.QUICK;
    const image = props.image ?? DEFAULT_K6_IMAGE;
    assertPinnedImage('image', image);
    const settings = soakSettings(props, this.profile);
    this.script = renderSoakScript(settings.script);
    const scriptFiles = { 'soak.js': this.script, 'run-soak.sh': readAsset('k6', 'run-soak.sh') };
    this.activeDeadline = Duration.seconds(settings.activeDeadlineSeconds);
    const ttlSeconds = wholeSeconds('ttlAfterFinished', props.ttlAfterFinished ?? Duration.days(1));
    const resources = withDefaults(props.resources, DEFAULT_RESOURCES);

    assertMetadata('metadata', props.metadata);
    // the ConfigMap, the NetworkPolicies and the TestRun live beside the Job, whatever the chart's namespace
    const namespace = constructNamespace(this, props.metadata);
    this.job = new kplus.Job(this, 'Resource', {
      metadata: { ...props.metadata, namespace },
      backoffLimit: 0,
      activeDeadline: this.activeDeadline,
      ttlAfterFinished: Duration.seconds(ttlSeconds),
      terminationGracePeriod: TERMINATION_GRACE.soak,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurity(K6_ID, K6_ID),
      containers: [{
        name: 'k6',
        image,
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
        command: verifiedScriptCommand('/scripts', 'run-soak.sh', scriptFiles),
        workingDir: '/tmp',
        securityContext: restrictedContainerSecurity(K6_ID, K6_ID),
        resources: resources.cdk8sPlus,
        envVariables: {
          SCRIPT: kplus.EnvValue.fromValue('/scripts/soak.js'),
          OUTPUT_DIR: kplus.EnvValue.fromValue('/output'),
          // no usage report from inside the cluster (k6 v2.2.0 internal/cmd/config.go: envconfig K6_NO_USAGE_REPORT)
          K6_NO_USAGE_REPORT: kplus.EnvValue.fromValue('true'),
        },
      }],
    });
    const name = this.job.name;
    // A Job's pods carry its name in the job-name label: at most 63 characters.
    assertDnsLabel('metadata.name', name, 63, ' (a Job\'s pods carry its name in a label)');
    const metricsEnv = props.metricsOutput?._envValues(name, this.profile.name) ?? {};
    for (const [env, value] of Object.entries(metricsEnv)) this.job.containers[0].env.addVariable(env, value);
    const labels = recommendedLabels({ name, instance: name, component: 'soak-test', version: image.split(':').pop() });
    applyLabels(labels, this.job.metadata, this.job.podMetadata);
    if (props.target._deployment) {
      // the Job's pods and the TestRun's runners carry these labels
      requireIngressAdmission(this, props.target._deployment, { labels, namespace, port: props.target.podPort, what: 'the soak pods', name });
    }

    this.scripts = immutableScripts(this, 'Scripts', { owner: name, namespace, labels }, scriptFiles);
    const container = this.job.containers[0];
    mountScripts(this, container, this.scripts, '/scripts');
    mountScratch(this, container, 'OutputVolume', 'output', '/output', Size.mebibytes(16));
    mountScratch(this, container, 'TmpVolume', 'tmp', '/tmp', Size.mebibytes(64));
    mountSecretFiles(this, container, settings.secretFiles);
    patchRestrictedPodSpec(ApiObject.of(this.job), '/spec/template/spec', resources.ephemeralStorage);

    const networkPolicy = props.networkPolicy ?? true;
    if (networkPolicy) {
      this.networkPolicy = this.egressOnlyToTarget({ name, namespace, labels }, props.target, props.metricsOutput, props.dnsResolver);
    }
    if (props.testRunParallelism !== undefined) {
      this.testRun = soakTestRun(this, {
        name,
        namespace,
        labels,
        image,
        starterImage: props.testRunStarterImage ?? DEFAULT_STARTER_IMAGE,
        operatorNamespace: props.testRunOperatorNamespace ?? DEFAULT_OPERATOR_NAMESPACE,
        parallelism: props.testRunParallelism,
        vus: this.profile.vus,
        configMapName: this.scripts.name,
        secretFiles: settings.secretFiles,
        resources: { cpu: resources.cdk8sPlus.cpu!, memory: resources.cdk8sPlus.memory!, ephemeralStorage: resources.ephemeralStorage },
        networkPolicy,
        runnerEnv: props.metricsOutput?._envVars(name, this.profile.name) ?? [],
      }).testRun;
    } else if (props.testRunStarterImage !== undefined || props.testRunOperatorNamespace !== undefined) {
      throw invalidProp(props.testRunStarterImage !== undefined ? 'testRunStarterImage' : 'testRunOperatorNamespace', 'come with testRunParallelism',
        props.testRunStarterImage ?? props.testRunOperatorNamespace);
    }
  }

  private egressOnlyToTarget(
    metadata: { readonly name: string; readonly namespace: string | undefined; readonly labels: Record<string, string> },
    target: SoakTarget, metrics?: SoakMetricsOutput, dns?: DnsResolver,
  ): kplus.k8s.KubeNetworkPolicy {
    const port = { port: kplus.k8s.IntOrString.fromNumber(target.podPort), protocol: 'TCP' };
    const to: kplus.k8s.NetworkPolicyPeer[] = target.podLabels
      ? [{
        podSelector: { matchLabels: target.podLabels },
        ...(target.namespaceName ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': target.namespaceName } } } : {}),
      }]
      // a URL target: its port on the destination's address ranges only, never link-local (metadata)
      : target.destination!.ipBlocks.map((b) => ({ ipBlock: { cidr: b.cidr, ...(b.exceptCidrs ? { except: b.exceptCidrs } : {}) } }));
    return new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: metadata.name, namespace: metadata.namespace, labels: metadata.labels },
      spec: {
        podSelector: { matchLabels: selectorLabels(metadata.name, metadata.name) },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [dnsEgress(dns), { to, ports: [port] }, ...(metrics ? [metrics._egressRule()] : [])],
      },
    });
  }
}
