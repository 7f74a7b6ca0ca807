import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp } from './_errors';
import { assertPinnedImage } from './_image';
import { recommendedLabels, selectorLabels } from './_labels';
import { quantity } from './_resources';
import { SoakSecretFile, secretFileVolumes } from './_soak-secrets';
import { assertDnsLabel } from './_validate';

/**
 * The k6-operator TestRun of a SoakJob, written against grafana/k6-operator v1.6.0
 * (api/v1alpha1/testrun_types.go and the Job builders in pkg/resources/jobs/):
 *
 * - the initializer (initializer.go) runs `k6 archive` into `/tmp/<file>.archived.tar` and logs to
 *   `/tmp/k6logs`: with a read-only root it needs a writable /tmp. It only inspects the script, so it
 *   gets no secret (SOAK_SECRETS=unmounted tells the script not to open them);
 * - the starter (starter.go) defaults to `ghcr.io/grafana/k6-operator:latest-starter` with an empty
 *   securityContext, which a PSS-restricted namespace refuses: it gets a pinned image, uid/gid 65532
 *   (Dockerfile.starter: `USER 65532:65532`) and the restricted contexts. The stopper (stopper.go)
 *   reuses spec.starter;
 * - runners (runner.go) run `k6 run --quiet <segment> <arguments> /test/soak.js --address=0.0.0.0:6565
 *   --paused`: not the SoakJob's wrapper, so only k6 thresholds fail a runner's Job and each runner's
 *   verdict covers its segment only (SOAK_TESTRUN_RUNNERS makes the summary say so);
 * - the controller polls each runner Service's ClusterIP on 6565 (internal/controller/k6_start.go
 *   isServiceReady) and the starter curls the same port (pkg/resources/containers/curl_start.go):
 *   with NetworkPolicies, runners must admit both;
 * - `cleanup: post` would delete the TestRun, and with it every runner pod and its log (the verdicts),
 *   as soon as the run finishes (internal/controller/testrun_controller.go): it is left unset.
 */

/** The grafana/k6 image's user (uid and gid). */
export const K6_ID = 12345;
/** The starter image's user (Dockerfile.starter `USER 65532:65532`). */
const STARTER_ID = 65532;
export const DEFAULT_STARTER_IMAGE = 'ghcr.io/grafana/k6-operator:starter-v1.6.0';
export const DEFAULT_OPERATOR_NAMESPACE = 'k6-operator-system';
/** The port of k6's REST API on every runner (runner.go `--address=0.0.0.0:6565`). */
const K6_API_PORT = 6565;
/** The longest suffix the operator appends to the TestRun's name: `<name>-initializer`. */
const LONGEST_OPERATOR_SUFFIX = '-initializer'.length;

export interface SoakTestRunOptions {
  readonly name: string;
  /** The SoakJob's namespace (constructNamespace): the TestRun reads the ConfigMap there, the policies select pods there. */
  readonly namespace: string | undefined;
  readonly labels: Record<string, string>;
  readonly image: string;
  readonly starterImage: string;
  readonly operatorNamespace: string;
  readonly parallelism: number;
  readonly vus: number;
  readonly configMapName: string;
  readonly secretFiles: SoakSecretFile[];
  readonly resources: { cpu: kplus.CpuResources; memory: kplus.MemoryResources; ephemeralStorage: kplus.EphemeralStorageResources };
  readonly networkPolicy: boolean;
  /** More environment for the runners (the metrics output's settings). */
  readonly runnerEnv: kplus.k8s.EnvVar[];
}

export interface SoakTestRun {
  readonly testRun: ApiObject;
}

/** The selector of the runner pods, from the labels the operator puts on them (helpers.go newLabels, runner.go). */
export function runnerSelector(name: string): Record<string, string> {
  return { app: 'k6', k6_cr: name, runner: 'true' };
}

export function soakTestRun(scope: Construct, o: SoakTestRunOptions): SoakTestRun {
  // at most the VUs, which are an int32 (SoakProfile), as the CRD's parallelism is
  if (!Number.isInteger(o.parallelism) || o.parallelism < 1 || o.parallelism > o.vus) {
    throw invalidProp('testRunParallelism', `be a whole number from 1 to the profile's VUs (${o.vus})`, o.parallelism);
  }
  assertPinnedImage('testRunStarterImage', o.starterImage);
  // the operator publishes moving `latest`, `latest-runner` and `latest-starter` tags (hack/release/promote-latest-tags.sh)
  // assertPinnedImage parsed it: with no digest, ':latest' can only start the tag (ports are digits, IPv6 hosts hex)
  if (!o.starterImage.includes('@sha256:') && /:latest/i.test(o.starterImage)) {
    throw invalidProp('testRunStarterImage', 'pin a version tag (starter-v1.6.0) or a digest (name@sha256:...); the latest-* tags move between pulls', o.starterImage);
  }
  assertDnsLabel('testRunOperatorNamespace', o.operatorNamespace);
  // The operator names Jobs `<name>-initializer`, `<name>-<i>` (their pods carry the name in the
  // job-name label: 63 at most) and Services `<name>-service-<i>` (DNS-1035: a letter first).
  const suffix = Math.max(LONGEST_OPERATOR_SUFFIX, `-service-${o.parallelism - 1}`.length);
  if (!/^[a-z]/.test(o.name) || o.name.length > 63 - suffix) {
    throw invalidProp('metadata.name', `start with a letter and have at most ${63 - suffix} characters with a TestRun `
      + `(the k6-operator names its Jobs and Services after it, adding up to ${suffix})`, o.name);
  }

  const starterLabels = recommendedLabels({ name: o.name, instance: `${o.name}-starter`, component: 'soak-test-starter', version: o.starterImage.split(':').pop() });
  const k6Pod = {
    metadata: { labels: o.labels },
    image: o.image,
    imagePullPolicy: 'Always',
    automountServiceAccountToken: 'false',
    securityContext: podSecurityContext(K6_ID, true),
    containerSecurityContext: containerSecurityContext(K6_ID),
    resources: resourcesOf(o.resources),
  };
  const tmp = { volume: { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }, mount: { name: 'tmp', mountPath: '/tmp' } };
  const secrets = secretFileVolumes(o.secretFiles);
  const testRun = new ApiObject(scope, 'TestRun', {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
    spec: {
      parallelism: o.parallelism,
      script: { configMap: { name: o.configMapName, file: 'soak.js' } },
      arguments: '--no-color',
      initializer: {
        ...k6Pod,
        env: [{ name: 'K6_NO_USAGE_REPORT', value: 'true' }, { name: 'SOAK_SECRETS', value: 'unmounted' }],
        volumes: [tmp.volume],
        volumeMounts: [tmp.mount],
      },
      starter: {
        metadata: { labels: starterLabels },
        image: o.starterImage,
        imagePullPolicy: 'Always',
        automountServiceAccountToken: 'false',
        securityContext: podSecurityContext(STARTER_ID, false),
        containerSecurityContext: containerSecurityContext(STARTER_ID),
        resources: {
          requests: { 'cpu': '50m', 'memory': '16Mi', 'ephemeral-storage': '8Mi' },
          limits: { 'cpu': '100m', 'memory': '200Mi', 'ephemeral-storage': '16Mi' },
        },
      },
      runner: {
        ...k6Pod,
        env: [{ name: 'K6_NO_USAGE_REPORT', value: 'true' }, { name: 'SOAK_TESTRUN_RUNNERS', value: String(o.parallelism) }, ...o.runnerEnv],
        volumes: [{ name: 'output', emptyDir: { sizeLimit: '16Mi' } }, tmp.volume, ...secrets.volumes],
        volumeMounts: [{ name: 'output', mountPath: '/output' }, tmp.mount, ...secrets.volumeMounts],
      },
    },
  });
  // the runners' ingress from the starter and the operator, and the starter's egress to the runners
  if (o.networkPolicy) operatorPolicies(scope, o, starterLabels);
  return { testRun };
}

function operatorPolicies(scope: Construct, o: SoakTestRunOptions, starterLabels: Record<string, string>): kplus.k8s.KubeNetworkPolicy[] {
  const port = [{ port: kplus.k8s.IntOrString.fromNumber(K6_API_PORT), protocol: 'TCP' }];
  const starter = selectorLabels(o.name, `${o.name}-starter`);
  return [
    // Runner pods also carry the SoakJob's labels: its policy gives them egress to DNS and the target.
    new kplus.k8s.KubeNetworkPolicy(scope, 'RunnersNetworkPolicy', {
      metadata: { name: `${o.name}-runners`, namespace: o.namespace, labels: o.labels },
      spec: {
        podSelector: { matchLabels: runnerSelector(o.name) },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [
            { podSelector: { matchLabels: starter } },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': o.operatorNamespace } } },
          ],
          ports: port,
        }],
      },
    }),
    new kplus.k8s.KubeNetworkPolicy(scope, 'StarterNetworkPolicy', {
      metadata: { name: `${o.name}-starter`, namespace: o.namespace, labels: starterLabels },
      spec: {
        podSelector: { matchLabels: starter },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        // the starter is handed the runner Services' ClusterIPs: no DNS lookup
        egress: [{ to: [{ podSelector: { matchLabels: runnerSelector(o.name) } }], ports: port }],
      },
    }),
  ];
}

function podSecurityContext(id: number, fsGroup: boolean) {
  return { runAsNonRoot: true, runAsUser: id, runAsGroup: id, ...(fsGroup ? { fsGroup: id } : {}), seccompProfile: { type: 'RuntimeDefault' } };
}

function containerSecurityContext(id: number) {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: id,
    runAsGroup: id,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The same requests and limits as the SoakJob's container, as raw quantities. */
function resourcesOf(r: SoakTestRunOptions['resources']) {
  const side = (pick: 'request' | 'limit') => {
    const out: Record<string, string> = {};
    // the SoakJob hands over its resources as withDefaults returns them: every request and limit set
    out.cpu = r.cpu[pick]!.amount;
    out.memory = quantity(r.memory[pick]!);
    out['ephemeral-storage'] = quantity(r.ephemeralStorage[pick]!);
    return out;
  };
  return { requests: side('request'), limits: side('limit') };
}
