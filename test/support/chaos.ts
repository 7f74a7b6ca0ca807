import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { CLUSTER_STANDIN, FakeCluster, FakeClusterOptions, FakePod, rbacOf } from './fake-cluster';
import { onlyOfKind, synthValid } from './manifests';
import { runScript } from './scripts';
import { literalEnv, materializeConfigMap } from './synthesized';
import { ChaosExperiment, ChaosExperimentProps, ChaosScenario, HardenedDeployment } from '../../src';

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

/** A chart with the orders API (HardenedDeployment with a Service) in `namespace` (null: a chart without one). */
export function chaosChart(namespace: string | null = 'orders') {
  const chart = new Chart(Testing.app(), 'chaos', namespace ? { namespace } : {});
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
  return { chart, api };
}

/** One experiment named `orders-<scenario>` next to the API, synthesized and validated (schema, PSS restricted). */
export function synthExperiment(props: ExperimentProps, namespace: string | null = 'orders') {
  const { chart, api } = chaosChart(namespace);
  const nats = props.scenario === ChaosScenario.NATS_KILL ? { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS } : undefined;
  const target = props.scenario === ChaosScenario.NATS_KILL ? undefined : api;
  const experiment = new ChaosExperiment(chart, 'experiment', {
    metadata: { name: `orders-${props.scenario}` }, apiServer: API_SERVER, target, nats, ...props,
  });
  const all = synthValid(chart);
  const objects = all.filter((o) => o.metadata.labels?.['chaos.cdk8s-hardening.io/scenario'] === props.scenario);
  const job = onlyOfKind(objects, 'Job');
  const pod = job.spec.template.spec;
  const apiPolicy = all.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'orders-api');
  return { experiment, all, objects, job, pod, container: pod.containers[0], apiPolicy, namespace: namespace ?? 'orders' };
}

export type Synthesized = ReturnType<typeof synthExperiment>;

/** The scripted cluster for a synthesized experiment: its RBAC and the API's NetworkPolicy fed in. */
export function clusterFor(synth: Synthesized, options: Omit<FakeClusterOptions, 'rbac'>): FakeCluster {
  return new FakeCluster({
    rbac: rbacOf(synth.objects, synth.namespace),
    networkPolicies: synth.apiPolicy ? [{ ...synth.apiPolicy, metadata: { ...synth.apiPolicy.metadata, namespace: synth.namespace } }] : [],
    ...options,
  });
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
