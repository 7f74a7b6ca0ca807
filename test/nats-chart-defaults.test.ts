import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { NatsBackupCronJob, NatsRestoreJob } from '../src';
import { newChart } from './support/charts';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';
import { containerEnv } from './support/synthesized';

/** The official NATS Helm chart's objects with its default values (chart version in the file's header). */
const CHART = parseAllDocuments(readFileSync(join(__dirname, 'fixtures', 'nats-chart', 'default-values.yaml'), 'utf8')).map((d) => d.toJSON());

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Every pod template of the chart, named by its workload. */
const PODS = CHART.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')
  .map((o) => ({ workload: `${o.kind}/${o.metadata.name}`, labels: o.spec.template.metadata.labels, containers: o.spec.template.spec.containers }));

/**
 * Where a URL of a default lands in the chart, as cluster DNS and kube-proxy route it: the
 * Service named by the host (same namespace), its port, and the pods and container port that
 * port's targetPort resolves to. Undefined when the Service or the port does not exist.
 */
function route(url: string): { service: string; workloads: string[]; containerPort: number } | undefined {
  const { hostname, port } = new URL(url.replace(/^[a-z]+:/, 'http:'));
  const service = CHART.find((o) => o.kind === 'Service' && o.metadata.name === hostname.split('.')[0]);
  const servicePort = service?.spec.ports.find((p: any) => p.port === Number(port));
  if (!servicePort) return undefined;
  const pods = PODS.filter((p) => selects(service.spec.selector, p.labels));
  const containerPorts = pods.flatMap((p) => p.containers.flatMap((c: any) => c.ports ?? []))
    .filter((cp: any) => cp.name === servicePort.targetPort || cp.containerPort === servicePort.targetPort);
  if (containerPorts.length === 0) return undefined;
  return { service: service.metadata.name, workloads: pods.map((p) => p.workload), containerPort: containerPorts[0].containerPort };
}

function synthDefaults() {
  const chart = newChart();
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
  new NatsRestoreJob(chart, 'restore', { backup, metadata: { name: 'jetstream-restore' } });
  const objects = synthValid(chart);
  const env = containerEnv(onlyOfKind(objects, 'CronJob').spec.jobTemplate.spec.template.spec.containers[0]);
  return { objects, env };
}

describe('the backup\'s defaults against the official NATS Helm chart (default values)', () => {
  test('the fixture is the chart as rendered: server pods and nats-box share the name label, not the component', () => {
    expect(PODS.map((p) => p.workload)).toEqual(['StatefulSet/nats', 'Deployment/nats-box']);
    expect(PODS[0].labels).toMatchObject({ 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' });
    expect(PODS[1].labels).toMatchObject({ 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats-box' });
  });

  test('the default NATS URL reaches the client port of the NATS server pods, through Service nats', () => {
    const { env } = synthDefaults();
    expect(env.NATS_URL).toBe('nats://nats:4222');
    expect(route(env.NATS_URL)).toEqual({ service: 'nats', workloads: ['StatefulSet/nats'], containerPort: 4222 });
  });

  test('the default monitoring URL reaches the monitoring port of the server pods, through the headless Service', () => {
    const { env } = synthDefaults();
    expect(env.NATS_MONITOR_URL).toBe('http://nats-headless:8222');
    expect(route(env.NATS_MONITOR_URL)).toEqual({ service: 'nats-headless', workloads: ['StatefulSet/nats'], containerPort: 8222 });
  });

  test('the client Service does not expose the monitoring port (service.ports.monitor.enabled: false): http://nats:8222 leads nowhere', () => {
    expect(route('http://nats:8222')).toBeUndefined();
  });

  test('the NetworkPolicies of the backup and the restore select the server pods only, on the ports the URLs reach', () => {
    const { objects, env } = synthDefaults();
    const policies = ofKind(objects, 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(['jetstream-backup', 'jetstream-restore']);
    const wanted = { 'jetstream-backup': [route(env.NATS_URL)!.containerPort, route(env.NATS_MONITOR_URL)!.containerPort], 'jetstream-restore': [4222] };
    for (const policy of policies) {
      // the rule that is not DNS: the one to the NATS pods
      const natsRule = policy.spec.egress.find((rule: any) => !rule.ports.some((p: any) => p.port === 53));
      const peer = natsRule.to[0];
      expect(peer.namespaceSelector).toBeUndefined(); // the chart's namespace is the job's by default
      expect(PODS.filter((p) => selects(peer.podSelector.matchLabels, p.labels)).map((p) => p.workload)).toEqual(['StatefulSet/nats']);
      // NetworkPolicy ports are the pods' ports (after the Service's translation)
      expect(natsRule.ports).toEqual(wanted[policy.metadata.name as keyof typeof wanted].map((port) => ({ port, protocol: 'TCP' })));
    }
  });

  test('the former default selector (name label only) also selected the nats-box pods', () => {
    expect(PODS.filter((p) => selects({ 'app.kubernetes.io/name': 'nats' }, p.labels)).map((p) => p.workload))
      .toEqual(['StatefulSet/nats', 'Deployment/nats-box']);
  });
});
