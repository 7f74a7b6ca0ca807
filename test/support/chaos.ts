import { spawn } from 'child_process';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { CLUSTER_STANDIN, FakeCluster, FakeClusterOptions, FakePod, rbacOf } from './fake-cluster';
import { onlyOfKind, synthValid } from './manifests';
import { runScript, shellArgv } from './scripts';
import { literalEnv, materializeConfigMap } from './synthesized';
import { ChaosAdmissionPolicy, ChaosExperiment, ChaosExperimentProps, ChaosScenario, EgressRule, HardenedDeployment } from '../../src';

export const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';
export const API_SERVER = { cidrs: ['10.0.0.10/32'], port: 6443 };
export const API_LABELS = { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' };
export const API_SELECTOR = 'app.kubernetes.io/name=orders-api,app.kubernetes.io/instance=orders-api';

/**
 * The labels of the official NATS Helm chart's pods for a release named `nats` (nats-io/k8s,
 * chart nats-2.14.2, templates/_helpers.tpl: nats.selectorLabels and natsBox.selectorLabels):
 * the StatefulSet `nats` selects name, instance and component `nats`; the nats-box Deployment
 * `nats-box` carries the same name and instance with component `nats-box`.
 */
export const CHART_NATS_LABELS = { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': 'nats', 'app.kubernetes.io/component': 'nats' };
export const CHART_NATS_BOX_LABELS = { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': 'nats', 'app.kubernetes.io/component': 'nats-box' };

export type ExperimentProps = Partial<ChaosExperimentProps> & { readonly scenario: ChaosScenario };

/** The API's egress to its observability stack: an OpenTelemetry collector's OTLP/gRPC port in `observability`. */
export const OTLP_LABELS = { 'app.kubernetes.io/name': 'opentelemetry-collector' };
export const otlpEgress = () => EgressRule.toPods({ labels: OTLP_LABELS, namespaceName: 'observability', ports: [4317] });
/** That rule as the API's NetworkPolicy holds it. */
export const OTLP_EGRESS_JSON = {
  to: [{ podSelector: { matchLabels: OTLP_LABELS }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
  ports: [{ port: 4317, protocol: 'TCP' }],
};

/**
 * A chart with the orders API in `namespace` (null: a chart without one): a HardenedDeployment
 * with a Service, egress to its OpenTelemetry collector, and its disruption budget `orders-api-pdb`
 * (minAvailable 1).
 */
export function chaosChart(namespace: string | null = 'orders', budget = true) {
  const chart = new Chart(Testing.app(), 'chaos', namespace ? { namespace } : {});
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true, egress: [otlpEgress()] });
  if (budget) api.addDisruptionBudget();
  return { chart, api };
}

/**
 * One experiment named `orders-<scenario>` next to the API, synthesized and validated (schema, PSS
 * restricted); with `admission`, its ChaosAdmissionPolicy too.
 */
export function synthExperiment(props: ExperimentProps, namespace: string | null = 'orders', options: { readonly admission?: boolean } = {}) {
  const { chart, api } = chaosChart(namespace);
  const nats = props.scenario === ChaosScenario.NATS_KILL ? { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS } : undefined;
  const target = props.scenario === ChaosScenario.NATS_KILL ? undefined : api;
  const observabilityEgress = props.scenario === ChaosScenario.OBSERVABILITY_BLOCK ? [otlpEgress()] : undefined;
  const experiment = new ChaosExperiment(chart, 'experiment', {
    metadata: { name: `orders-${props.scenario}` }, apiServer: API_SERVER, target, nats, observabilityEgress, ...props,
  });
  if (options.admission) new ChaosAdmissionPolicy(chart, 'admission', { experiment });
  const all = synthValid(chart);
  const objects = all.filter((o) => o.metadata.labels?.['chaos.cdk8s-hardening.io/scenario'] === props.scenario);
  const job = onlyOfKind(objects, 'Job');
  const pod = job.spec.template.spec;
  const apiPolicy = all.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'orders-api');
  const apiDeployment = all.find((o) => o.kind === 'Deployment' && o.metadata.name === 'orders-api');
  const apiBudget = all.find((o) => o.kind === 'PodDisruptionBudget');
  return { experiment, all, objects, job, pod, container: pod.containers[0], apiPolicy, apiDeployment, apiBudget, namespace: namespace ?? 'orders' };
}

export type Synthesized = ReturnType<typeof synthExperiment>;

/** Where the NATS pods run and how the scripted cluster plays a nats-kill (defaults: nats-1 leads, nats-2 follows 3 s later). */
export interface NatsLayout {
  readonly namespace?: string;
  readonly experimentNamespace?: string;
  readonly selector?: Record<string, string>;
  readonly leader?: string;
  readonly nextLeader?: string;
  readonly electionDelay?: number;
  readonly catchUpDelay?: number;
  readonly replacementDelay: number | null;
  readonly unready?: string;
}

/**
 * The official chart's layout (nats-io/k8s chart nats-2.14.2, release `nats`) in `namespace`:
 * StatefulSet `nats` of 3 selecting name/instance/component=nats, and the nats-box Deployment's
 * pod with the same name and instance labels (component nats-box) in the same namespace.
 */
export function chartNatsLayout(namespace: string, layout: NatsLayout): Omit<FakeClusterOptions, 'rbac'> {
  return {
    statefulsets: [{ name: 'nats', namespace, replicas: 3, selector: { matchLabels: layout.selector ?? CHART_NATS_LABELS } }],
    pods: [
      ...['nats-0', 'nats-1', 'nats-2'].map((name) => ({ name, namespace, labels: CHART_NATS_LABELS, owner: 'statefulset/nats', nats: true, ready: name !== layout.unready })),
      { name: 'nats-box-5c8d7-q2x9z', namespace, labels: CHART_NATS_BOX_LABELS, owner: 'deployment/nats-box' },
    ],
    replacementDelay: layout.replacementDelay,
    health: null,
    nats: {
      leader: layout.leader ?? 'nats-1',
      nextLeader: layout.nextLeader ?? 'nats-2',
      electionDelay: layout.electionDelay ?? 3,
      catchUpDelay: layout.catchUpDelay ?? 0,
    },
  };
}

/** The scripted cluster for a synthesized experiment: its RBAC and the API's NetworkPolicy fed in. */
export function clusterFor(synth: Synthesized, options: Omit<FakeClusterOptions, 'rbac'>): FakeCluster {
  const inNamespace = (o: any) => ({ ...o, metadata: { ...o.metadata, namespace: synth.namespace } });
  return new FakeCluster({
    rbac: rbacOf(synth.objects, synth.namespace),
    admission: synth.objects.filter((o) => o.apiVersion === 'admissionregistration.k8s.io/v1'),
    networkPolicies: synth.apiPolicy ? [inNamespace(synth.apiPolicy)] : [],
    budgets: synth.apiBudget ? [inNamespace(synth.apiBudget)] : [],
    ...options,
  });
}

/** The synthesized orders-api Deployment as the scripted cluster's workload: its replicas, selector and spec. */
export function apiWorkload(synth: Synthesized) {
  const { replicas, selector, strategy, minReadySeconds, progressDeadlineSeconds, template } = synth.apiDeployment.spec;
  return { name: 'orders-api', replicas, selector, spec: { strategy, minReadySeconds, progressDeadlineSeconds, template: { metadata: { labels: template.metadata.labels } } } };
}

/** The API Deployment `orders-api` with two ready pods. */
export function apiPods(namespace = 'orders'): FakePod[] {
  return ['a', 'b'].map((s) => ({ name: `orders-api-7d9-${s}`, labels: API_LABELS, owner: 'deployment/orders-api', namespace }));
}

/**
 * Runs the synthesized scenario script from its synthesized ConfigMap with the Job's literal
 * environment (plus the downward-API values and `env`) against the cluster stand-in.
 */
export function runExperiment(synth: Synthesized, cluster: FakeCluster, env: Record<string, string> = {}, shell = 'bash') {
  const dir = join(cluster.dir, 'opt-chaos');
  materializeConfigMap(onlyOfKind(synth.objects, 'ConfigMap'), dir);
  const scenario = synth.container.name;
  const result = runScript(shell, join(dir, `${scenario}.sh`), {
    ...literalEnv(synth.container), NAMESPACE: synth.namespace, POD_NAME: `${synth.job.metadata.name}-x7k2p`, ...cluster.env, ...env,
  }, [CLUSTER_STANDIN]);
  const lines = result.stdout.trim().split('\n').filter(Boolean);
  return { ...result, json: lines.length ? JSON.parse(lines[lines.length - 1]) : undefined, stdoutLines: lines };
}

/**
 * Runs the synthesized scenario script like runExperiment, without blocking: the test's own
 * timers (a kubelet of real NATS pods) go on while the script runs.
 */
export function runExperimentLive(synth: Synthesized, cluster: FakeCluster, env: Record<string, string> = {}, shell = 'busybox sh') {
  const dir = join(cluster.dir, 'opt-chaos');
  materializeConfigMap(onlyOfKind(synth.objects, 'ConfigMap'), dir);
  const [command, args] = shellArgv(shell);
  const child = spawn(command, [...args, join(dir, `${synth.container.name}.sh`)], {
    env: {
      PATH: CLUSTER_STANDIN,
      ...literalEnv(synth.container),
      NAMESPACE: synth.namespace,
      POD_NAME: `${synth.job.metadata.name}-x7k2p`,
      ...cluster.env,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ status: number | null; stdout: string; stderr: string; json: any }>((resolve) => child.on('close', (status) => {
    const lines = stdout.trim().split('\n').filter(Boolean);
    resolve({ status, stdout, stderr, json: lines.length ? JSON.parse(lines[lines.length - 1]) : undefined });
  }));
}

/**
 * Starts the synthesized scenario script under busybox sh in real time (the fake `sleep` also
 * waits FAKE_SLEEP_REAL seconds), for signal tests: `stop(signal)` waits until `ready(log)` holds,
 * sends the signal and resolves with the exit code, stdout and stderr.
 */
export function startExperiment(synth: Synthesized, cluster: FakeCluster, env: Record<string, string> = {}, shell = 'busybox sh') {
  const dir = join(cluster.dir, 'opt-chaos');
  materializeConfigMap(onlyOfKind(synth.objects, 'ConfigMap'), dir);
  const [command, args] = shellArgv(shell);
  const child = spawn(command, [...args, join(dir, `${synth.container.name}.sh`)], {
    env: {
      PATH: CLUSTER_STANDIN,
      ...literalEnv(synth.container),
      NAMESPACE: synth.namespace,
      POD_NAME: `${synth.job.metadata.name}-x7k2p`,
      FAKE_SLEEP_REAL: '0.2',
      ...cluster.env,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    /**
     * Sends the signal once `ready` holds: a state of the cluster or a line of the log the script
     * has written, never a time (a loaded machine runs the script slower).
     */
    async stop(signal: NodeJS.Signals, ready: (log: string) => boolean) {
      const deadline = Date.now() + 60_000;
      while (!ready(stderr)) {
        if (Date.now() > deadline) throw new Error(`the script never got where the test stops it:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill(signal);
      const status = await exited;
      return { status, stdout, stderr, json: JSON.parse(stdout.trim().split('\n').pop()!) };
    },
  };
}

/**
 * What the Role grants that the run never used, and what the run asked that the Role does not
 * grant: both empty when the RBAC is exact. Grants are `<verb> <resource>[.<group>] [<name>]`,
 * the name only where the rule names it.
 */
export function unusedAndMissingGrants(role: any, cluster: FakeCluster) {
  const grant = (verb: string, resource: string, group: string, name: string) => `${verb} ${resource}${group ? `.${group}` : ''}${name ? ` ${name}` : ''}`;
  const grants = role.rules.flatMap((rule: any) => rule.verbs.flatMap((verb: string) => rule.resources.flatMap((resource: string) =>
    rule.apiGroups.flatMap((group: string) => (rule.resourceNames ?? ['']).map((name: string) => grant(verb, resource, group, name))))));
  const used = new Set<string>(cluster.state.allowed.map((r: any) => {
    const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    const named = role.rules.some((rule: any) => rule.resources.includes(resource) && (rule.resourceNames ?? []).length > 0);
    return grant(r.verb, resource, r.group, named ? r.name : '');
  }));
  return { unused: grants.filter((g: string) => !used.has(g)), forbidden: cluster.state.forbidden };
}
