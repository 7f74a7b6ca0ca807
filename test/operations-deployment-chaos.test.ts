import { ApiObject, App, Chart, Cron, Duration, JsonPatch, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ChaosExperiment, ChaosScenario, HardenedDeployment, HardeningAlerts, HardeningChecks, HealthProbe, NatsBackupCronJob, NatsRestoreJob,
  OperationsDocs, OperationsDocsProps, RecoverySla, SoakDestination, SoakJob, SoakTarget, UnhealthyPodEvictionPolicy,
} from '../src';
import { commandProblems, kubectlCommandsIn, parseKubectl } from './support/kubectl-command';
import { manifestFiles } from '../src/operations/_manifest-files';

const API_SERVER = { cidrs: ['10.0.0.10/32'], port: 6443 };
const NATS = { statefulSetName: 'nats', namespaceName: 'messaging', podLabels: { 'app.kubernetes.io/name': 'nats' } };
const SCENARIO_LABEL = 'chaos.cdk8s-hardening.io/scenario';
const WATCH_COLUMNS = '-o jsonpath=\'{range .items[*]}{.metadata.name} {.status.containerStatuses[0].restartCount} '
  + '{.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.finishedAt}{"\\n"}{end}\'';

/** The documents of an app and its on-demand apps, by file name. */
function render(app: App, props: OperationsDocsProps = {}): Record<string, string> {
  return Object.fromEntries(new OperationsDocs(app, props).render().map((d) => [d.fileName, d.markdown]));
}

/** A heading's section: from its line up to the next heading of its level or above. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n').trimEnd();
}

/** The headings of a document, in order. */
function headings(markdown: string): string[] {
  return markdown.replace(/```[\s\S]*?```/g, '').split('\n').filter((l) => /^#+ /.test(l));
}

function sh(...lines: string[]): string {
  return ['```sh', ...lines, '```'].join('\n');
}

/**
 * Every kubectl command of the documents checked against the objects the apps synthesize, each
 * app's files under its directory relative to the documents ('' for the production app).
 */
function commandProblemsOf(docs: Record<string, string>, apps: Array<[App, string]>): string[] {
  const files = new Map<string, any[]>();
  for (const [app, dir] of apps) {
    for (const [obj, file] of manifestFiles(app)) files.set(`${dir}${file}`, [...(files.get(`${dir}${file}`) ?? []), obj.toJson()]);
  }
  const objects = [...files.values()].flat();
  return Object.values(docs).flatMap((markdown) => kubectlCommandsIn(markdown))
    .flatMap((text) => commandProblems(parseKubectl(text), objects, files).map((p) => `${text}: ${p}`));
}

/**
 * A production chart without namespace: a worker probed by TCP and by a command, with neither
 * Service nor budget; an API whose liveness probe has a port of its own, with a Service and a
 * budget by maxUnavailable that only evicts healthy pods; a queue reader without NetworkPolicy whose
 * missing budget is suppressed. And a canary Deployment applied on demand.
 */
function probeKindsApps(): { app: App; onDemand: App } {
  const app = new App({ outdir: 'out' });
  const chart = new Chart(app, 'plain');
  new HardenedDeployment(chart, 'worker', {
    metadata: { name: 'worker' }, image: 'ghcr.io/acme/worker:3.1.0', readiness: HealthProbe.tcp(5672), liveness: HealthProbe.exec(['/bin/check', '--live']),
  });
  new HardenedDeployment(chart, 'web', {
    metadata: { name: 'web' }, image: 'ghcr.io/acme/web:2.0.0', port: 8080, replicas: 4, liveness: HealthProbe.http('/livez', 9090), service: true,
  }).addDisruptionBudget({
    maxUnavailable: kplus.PercentOrAbsolute.absolute(2), unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET,
  });
  const queue = new HardenedDeployment(chart, 'queue', {
    metadata: { name: 'queue' }, image: 'ghcr.io/acme/queue:1.0.0', port: 8080, liveness: HealthProbe.tcp(), networkPolicy: false,
  });
  HardeningChecks.suppress(queue, 'replicas-and-budget', 'queue consumers tolerate a drain that takes every pod');
  const onDemand = new App({ outdir: 'out/od' });
  new HardenedDeployment(new Chart(onDemand, 'canary'), 'canary', { metadata: { name: 'canary' }, image: 'ghcr.io/acme/web:2.1.0' });
  return { app, onDemand };
}

describe('OperationsDocs of Deployments without namespace, Service or budget, with every kind of probe', () => {
  test('the runbook describes each probe kind, a Deployment without namespace, Service or budget, and a budget by maxUnavailable', () => {
    const { app, onDemand } = probeKindsApps();
    const docs = render(app, { onDemand: [onDemand] });
    const runbook = docs['RUNBOOK.md'];
    // titled with the production Deployments only, not the on-demand canary
    expect(runbook.split('\n')[0]).toBe('# Runbook: worker, web, queue');
    expect(headings(runbook).filter((h) => h.startsWith('## '))).toEqual(['## Deployment worker', '## Deployment web', '## Deployment queue', '## Deployment canary']);

    const worker = section(runbook, '## Deployment worker');
    expect(worker.split('\n\n')[1].split('\n')).toEqual([
      'Manifest: `plain.k8s.yaml`. Image `ghcr.io/acme/worker:3.1.0`, `replicas: 2`.',
      'Rollout: `RollingUpdate` with `maxSurge: 1` and `maxUnavailable: 0` (a new pod must be ready before an old one stops), `minReadySeconds: 10`, '
        + '`progressDeadlineSeconds: 300`, `revisionHistoryLimit: 5` (the revisions a rollback can go back to).',
      // no Service: the line ends with the probes
      'Probes on container `worker`: readiness a TCP connection to port `5672`, liveness the command `/bin/check --live`.',
      'Pods: `-l app.kubernetes.io/instance=worker,app.kubernetes.io/name=worker`.',
    ]);
    expect(worker).toContain(sh(
      'kubectl apply -f plain.k8s.yaml',
      'kubectl rollout status deployment/worker',
      'kubectl rollout history deployment/worker',
      'kubectl get pods -l app.kubernetes.io/instance=worker,app.kubernetes.io/name=worker -o wide',
    ));
    expect(section(worker, '### Disruption budget')).toBe('### Disruption budget\n\n'
      + 'No PodDisruptionBudget selects these pods: a node drain may evict all of them at once. Add one (`addDisruptionBudget()`).');
    expect(worker).toContain('\n| `Readiness probe failed` | a pod fails a TCP connection to port `5672`: it gets no traffic | '
      + '`kubectl describe pods -l app.kubernetes.io/instance=worker,app.kubernetes.io/name=worker`; the pod\'s own dependencies (NATS, DNS egress) |\n');
    // no HardeningAlerts in the app: the troubleshooting table ends the section
    expect(worker.endsWith('| add capacity; the rollout waits, old pods keep serving |')).toBe(true);

    const web = section(runbook, '## Deployment web');
    expect(web).toContain('\nProbes on container `api`: readiness `GET /readyz` on port `8080`, liveness `GET /livez` on port `9090`. Service `web` port `80` to `8080`.\n');
    expect(section(web, '### Disruption budget')).toBe('### Disruption budget\n\n'
      + 'PodDisruptionBudget `web-pdb` (`plain.k8s.yaml`): `maxUnavailable: 2` of 4 replicas, so a drain evicts at most 2 pods at a time while the others are healthy; '
      + '`unhealthyPodEvictionPolicy: IfHealthyBudget`.\n\n'
      + `${sh('kubectl get pdb web-pdb', 'kubectl get pdb web-pdb -o jsonpath=\'{.status.disruptionsAllowed}\'')}\n\n`
      + '`disruptionsAllowed` is 2 when every pod is ready. 0 means a drain waits (kubectl drain repeats `Cannot evict pod as it would violate the pod\'s disruption budget.`): '
      + 'make the pods ready or scale up; do not delete the budget.');
    expect(web).toContain('\n| `Readiness probe failed` | a pod answers `/readyz` with an error: it gets no traffic |');

    expect(section(runbook, '## Deployment queue')).toContain('\nProbes on container `api`: readiness `GET /readyz` on port `8080`, liveness a TCP connection to port `8080`.\n');
    expect(section(runbook, '## Deployment canary')).toContain('\nManifest: `od/canary.k8s.yaml`.');
    expect(runbook).not.toContain('Alerts on this Deployment');
    expect(commandProblemsOf(docs, [[app, ''], [onDemand, 'od/']])).toEqual([]);
  });

  test('the checklist lists the production Deployments with their probes and budgets, and has no backup items without backups', () => {
    const { app, onDemand } = probeKindsApps();
    const checklist = render(app, { onDemand: [onDemand] })['DEPLOYMENT-CHECKLIST.md'];
    expect(headings(checklist)).toEqual([
      '# Deployment checklist: worker, web, queue', '## Before deploying', '### Deployment worker', '### Deployment web', '### Deployment queue',
      '### Production-readiness checks', '## Deploy, step by step', '## Roll back?', '## Emergency procedures', '### worker', '### web', '### queue',
    ]);
    expect(checklist).not.toContain('canary');
    expect(section(checklist, '### Deployment worker')).toBe([
      '### Deployment worker',
      '',
      '- [ ] The image is pinned: `ghcr.io/acme/worker:3.1.0` (version `3.1.0`), `imagePullPolicy: Always`; the tag exists in the registry and is the release you mean to ship.',
      '- [ ] The release answers its probes: readiness a TCP connection to port `5672`, liveness the command `/bin/check --live`.',
      '- [ ] Rollout settings: `RollingUpdate`, `maxSurge: 1`, `maxUnavailable: 0`, `minReadySeconds: 10`, `progressDeadlineSeconds: 300`; '
        + 'the cluster has room for 1 more pod(s) of cpu `100m` and memory `128Mi`.',
      '- [ ] **No PodDisruptionBudget selects these pods**: add one (`addDisruptionBudget()`).',
    ].join('\n'));
    expect(section(checklist, '### Deployment web').split('\n').slice(3)).toEqual([
      '- [ ] The release answers its probes: readiness `GET /readyz` on port `8080`, liveness `GET /livez` on port `9090`.',
      '- [ ] Rollout settings: `RollingUpdate`, `maxSurge: 1`, `maxUnavailable: 0`, `minReadySeconds: 10`, `progressDeadlineSeconds: 300`; '
        + 'the cluster has room for 1 more pod(s) of cpu `100m` and memory `128Mi`.',
      '- [ ] The disruption budget `web-pdb` is in place (`maxUnavailable: 2` of `replicas: 4`) and allows a disruption: '
        + '`kubectl get pdb web-pdb -o jsonpath=\'{.status.disruptionsAllowed}\'` prints more than 0.',
    ]);
    expect(section(checklist, '### Deployment queue').split('\n')[3])
      .toBe('- [ ] The release answers its probes: readiness `GET /readyz` on port `8080`, liveness a TCP connection to port `8080`.');

    const deploy = section(checklist, '## Deploy, step by step');
    expect(deploy).toContain('\n3. Wait for `worker` to finish its rollout (it fails after 300 s without progress), then look at it:\n'
      + '   ```sh\n   kubectl rollout status deployment/worker\n   kubectl get deployment worker\n'
      + '   kubectl get pods -l app.kubernetes.io/instance=worker,app.kubernetes.io/name=worker\n   ```\n4. ');
    expect(deploy).toContain('\n   kubectl get pods -l app.kubernetes.io/instance=web,app.kubernetes.io/name=web\n   kubectl get pdb web-pdb\n   ```\n5. ');
    expect(deploy).toContain('\n6. Watch the service\'s error rate and latency, and the alerts, for at least 15 minutes.');

    expect(section(checklist, '### worker').split('\n').slice(2)).toEqual([
      '- [ ] A rollout is hurting: stop it where it is, then roll back: `kubectl rollout pause deployment/worker`, `kubectl rollout undo deployment/worker`, '
        + '`kubectl rollout resume deployment/worker`.',
      '- [ ] The service must stop now (data corruption, runaway writes): `kubectl scale deployment/worker --replicas=0`; back with `kubectl scale deployment/worker --replicas=2`.',
      '- [ ] No disruption budget: a node drain can evict every pod at once. Add one before the next maintenance.',
    ]);
    expect(section(checklist, '### web').split('\n').slice(3)).toEqual([
      '- [ ] The service must stop now (data corruption, runaway writes): `kubectl scale deployment/web --replicas=0`; back with `kubectl scale deployment/web --replicas=4`.',
      '- [ ] A node drain hangs on `Cannot evict pod`: `kubectl get pdb web-pdb` shows `ALLOWED DISRUPTIONS` 0 because pods are not ready; '
        + 'fix them or scale up, never delete the budget in a hurry.',
    ]);
    // nothing about backups or JetStream follows the last Deployment
    expect(checklist.endsWith('- [ ] No disruption budget: a node drain can evict every pod at once. Add one before the next maintenance.\n')).toBe(true);
  });

  test('the production-readiness item counts the production findings by severity and the suppressed ones, and lists the open ones', () => {
    const { app, onDemand } = probeKindsApps();
    const checklist = render(app, { onDemand: [onDemand] })['DEPLOYMENT-CHECKLIST.md'];
    // the canary's missing budget is no production finding; the queue's is suppressed
    expect(section(checklist, '### Production-readiness checks')).toBe([
      '### Production-readiness checks',
      '',
      '- [ ] `cdk8s synth` passes with `new HardeningChecks(app, { failOnWarnings: true })` (21 built-in rules). '
        + 'When these documents were generated the production manifests had 2 errors, 2 warnings and 1 suppressed findings:',
      '  - `error replicas-and-budget Deployment/worker: no PodDisruptionBudgets select its pods`',
      '  - `error unhealthy-pod-eviction PodDisruptionBudget/web-pdb: unhealthyPodEvictionPolicy is IfHealthyBudget`',
      '  - `warning network-policy-coverage Deployment/queue: no NetworkPolicy covers Ingress for its pods`',
      '  - `warning network-policy-coverage Deployment/queue: no NetworkPolicy covers Egress for its pods`',
    ].join('\n'));
  });

  test('the chaos baseline without experiments tells how to watch the first Deployment, its readiness probe in words', () => {
    const { app, onDemand } = probeKindsApps();
    const chaos = render(app, { onDemand: [onDemand] })['CHAOS-BASELINE.md'];
    expect(headings(chaos).filter((h) => h.startsWith('## '))).toEqual([
      '## Running an experiment', '## 1. API pod kill', '## 2. NATS leader election', '## 3. Network partition', '## 4. Memory pressure',
      '## 5. Observability failure', '## Recorded results',
    ]);
    expect(section(chaos, '## 4. Memory pressure')).toContain('\n\nWatch `worker` meanwhile (memory limit `256Mi`; readiness a TCP connection to port `5672`):\n\n'
      + sh(
        'kubectl get pods -l app.kubernetes.io/instance=worker,app.kubernetes.io/name=worker -w',
        `kubectl get pods -l app.kubernetes.io/instance=worker,app.kubernetes.io/name=worker ${WATCH_COLUMNS}`,
        'kubectl rollout status deployment/worker',
      ));
    // no experiment of another scenario: the last baseline section ends the baselines
    expect(section(chaos, '## 5. Observability failure').endsWith('\nkubectl rollout status deployment/worker\n```')).toBe(true);
  });
});

describe('OperationsDocs of rollouts that may stop old pods first', () => {
  test('the runbook says how many old pods a rollout stops before their replacements are ready, as the Deployment controller resolves the bounds', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const { absolute, percent } = kplus.PercentOrAbsolute;
    const image = 'ghcr.io/acme/shop:2.0.0';
    new HardenedDeployment(chart, 'one', { metadata: { name: 'one' }, image, replicas: 4, maxUnavailable: absolute(1) });
    // 30% of 8 rounds down to 2
    new HardenedDeployment(chart, 'share', { metadata: { name: 'share' }, image, replicas: 8, maxUnavailable: percent(30), maxSurge: percent(25) });
    // 10% of 3: the surge rounds up to 1 pod, the unavailable ones down to 0, so no old pod stops first
    new HardenedDeployment(chart, 'rounded', { metadata: { name: 'rounded' }, image, replicas: 3, maxUnavailable: percent(10), maxSurge: percent(10) });
    // without a surge the controller lets one pod go, or the rollout could never start
    new HardenedDeployment(chart, 'nosurge', { metadata: { name: 'nosurge' }, image, replicas: 2, maxUnavailable: percent(10), maxSurge: absolute(0) });
    // without a surge but with room to stop two, two go: the one-pod rule applies only when both bounds resolve to 0
    new HardenedDeployment(chart, 'drain', { metadata: { name: 'drain' }, image, replicas: 4, maxUnavailable: absolute(2), maxSurge: absolute(0) });
    const runbook = render(app)['RUNBOOK.md'];
    const rollout = (name: string) => section(runbook, `## Deployment ${name} (namespace shop)`).split('\n')
      .filter((l) => l.startsWith('Rollout: ') || l.startsWith('`rollout status` returns'))
      .map((l) => l.replace(/^Rollout: `RollingUpdate` with /, '').replace(/, `minReadySeconds: 10`.*$/, '').replace(/^.* without progress\. /, ''));
    expect(rollout('one')).toEqual([
      '`maxSurge: 1` and `maxUnavailable: 1` (old pods may stop before new ones are ready, up to 1 at a time)',
      'With `maxUnavailable: 1` up to 1 of the 4 pods may be down meanwhile: fewer pods serve.',
    ]);
    expect(rollout('share')).toEqual([
      '`maxSurge: 25%` and `maxUnavailable: 30%` (old pods may stop before new ones are ready, up to 2 at a time)',
      'With `maxUnavailable: 30%` up to 2 of the 8 pods may be down meanwhile: fewer pods serve.',
    ]);
    expect(rollout('rounded')).toEqual([
      '`maxSurge: 10%` and `maxUnavailable: 10%` (a new pod must be ready before an old one stops)',
      'With `maxUnavailable: 10%` the old pods keep serving meanwhile.',
    ]);
    expect(rollout('nosurge')).toEqual([
      '`maxSurge: 0` and `maxUnavailable: 10%` (old pods may stop before new ones are ready, up to 1 at a time)',
      'With `maxUnavailable: 10%` up to 1 of the 2 pods may be down meanwhile: fewer pods serve.',
    ]);
    expect(rollout('drain')).toEqual([
      '`maxSurge: 0` and `maxUnavailable: 2` (old pods may stop before new ones are ready, up to 2 at a time)',
      'With `maxUnavailable: 2` up to 2 of the 4 pods may be down meanwhile: fewer pods serve.',
    ]);
  });
});

/**
 * Chaos experiments with a file per object: a kill of an API without Service (so without health
 * URL), to whose Job a setting was added, and a NATS kill in another namespace.
 */
function filePerResourceChaosApp(): App {
  const app = new App({ outdir: 'out', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const api = new HardenedDeployment(chart, 'api', { metadata: { name: 'shop-api' }, image: 'ghcr.io/acme/shop:1.0.0' });
  const kill = new ChaosExperiment(chart, 'kill', { metadata: { name: 'shop-kill' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER });
  kill.job.containers[0].env.addVariable('EXTRA_DELAY_SECONDS', kplus.EnvValue.fromValue('5'));
  new ChaosExperiment(chart, 'nats', { metadata: { name: 'shop-nats' }, scenario: ChaosScenario.NATS_KILL, nats: NATS, apiServer: API_SERVER });
  return app;
}

describe('OperationsDocs of chaos experiments', () => {
  test('experiments of several files are applied file by file; a known scenario lists its own settings, set and non-empty, and no alert without HardeningAlerts', () => {
    const app = filePerResourceChaosApp();
    const docs = render(app);
    const chaos = docs['CHAOS-BASELINE.md'];
    const files = (name: string, role = name) => [`ServiceAccount.${name}.k8s.yaml`, `Job.${name}.k8s.yaml`, `ConfigMap.${name}-scripts-${name === 'shop-kill' ? '2142d1ad02' : '9f6b321f84'}.k8s.yaml`,
      `Role.${role}.k8s.yaml`, `RoleBinding.${role}.k8s.yaml`, `NetworkPolicy.${name}.k8s.yaml`];
    const kill = files('shop-kill');
    // the NATS kill's Role and RoleBinding are in the NATS namespace, named after the experiment's namespace
    const nats = files('shop-nats', 'shop.shop-nats');
    const listed = (list: string[]) => list.map((f) => `\`${f}\``).join(', ');
    expect(chaos).toContain(`| 1. API pod kill | recovered in < 30 s | \`shop-kill\` (\`api-kill\`) | ${listed(kill)} |\n`
      + `| 2. NATS leader election | recovered in < 60 s | \`shop-nats\` (\`nats-kill\`) | ${listed(nats)} |\n`
      + '| 3. Network partition | recovered in < 90 s | none in the apps: test by hand |  |\n');
    expect(headings(chaos).filter((h) => h.startsWith('## '))).not.toContain('## Other experiments');

    const killSection = section(chaos, '### Experiment shop-kill');
    expect(killSection.split('\n\n').slice(2)).toEqual([
      `Job \`shop-kill\` in \`shop\`, from ${listed(kill)}. SLA: recovered in < 30 s.`,
      // HEALTH_URL is empty without a Service; EXTRA_DELAY_SECONDS is no setting of api-kill
      ['| setting | meaning |', '| --- | --- |',
        '| `SLA_SECONDS=30` | the SLA the verdict is measured against |',
        '| `TIMEOUT_SECONDS=90` | after this the verdict is "not recovered" |',
        '| `POLL_SECONDS=2` | time between two recovery checks |',
        '| `HEALTH_SUCCESSES=3` | healthy answers in a row that count as recovered |',
        '| `TARGET_DEPLOYMENT=shop-api` | the Deployment disrupted |',
        '| `activeDeadlineSeconds: 390` | the Job is stopped after this (exit 143) |'].join('\n'),
      'Run it, follow it, read the result and its exit code, then remove it:',
      sh(
        'kubectl -n shop delete job shop-kill --ignore-not-found',
        `kubectl apply ${kill.map((f) => `-f ${f}`).join(' ')}`,
        'kubectl -n shop get pods -l app.kubernetes.io/instance=shop-api,app.kubernetes.io/name=shop-api -w   # in a second terminal',
        'kubectl -n shop logs -f job/shop-kill',
        'kubectl -n shop logs job/shop-kill --tail=1',
        'kubectl -n shop get pods -l "batch.kubernetes.io/controller-uid=$(kubectl -n shop get job shop-kill -o jsonpath=\'{.metadata.uid}\')" -o jsonpath=\'{.items[0].status.containerStatuses[0].state.terminated.exitCode}\'',
        `kubectl delete ${kill.map((f) => `-f ${f}`).join(' ')}`,
      ),
      'The result line: `{"scenario":"api-kill",...,"recoverySeconds":N,"slaSeconds":30,"verdict":"PASS",...,"cleanup":"done"}`.',
    ]);

    const natsSection = section(chaos, '### Experiment shop-nats');
    expect(natsSection).toContain(['| `NATS_STATEFULSET=nats` | the NATS StatefulSet |', '| `NATS_NAMESPACE=messaging` | its namespace |',
      '| `activeDeadlineSeconds: 480` | the Job is stopped after this (exit 143) |'].join('\n'));
    // the StatefulSet is watched in its own namespace
    expect(natsSection).toContain('\nkubectl -n messaging get statefulset nats -w   # in a second terminal\nkubectl -n shop logs -f job/shop-nats\n');
    expect(natsSection.endsWith('"slaSeconds":60,"verdict":"PASS",...,"cleanup":"done"}`.')).toBe(true);
    expect(commandProblemsOf(docs, [[app, '']])).toEqual([]);
  });

  test('scenarios the documents do not know, a Job without labels and alerts patched into a group', () => {
    const app = new App({ outdir: 'out', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    const chart = new Chart(app, 'lab', { namespace: 'lab' });
    const api = new HardenedDeployment(chart, 'api', { metadata: { name: 'lab-api' }, image: 'ghcr.io/acme/lab:1.0.0', service: true });
    // a NATS kill as a newer scenario would label it: still the baseline's row 2, by its SLA
    const partition = new ChaosExperiment(chart, 'partition', { metadata: { name: 'lab-partition' }, scenario: ChaosScenario.NATS_KILL, nats: NATS, apiServer: API_SERVER });
    ApiObject.of(partition.job).metadata.addLabel(SCENARIO_LABEL, 'leader-partition');
    const drain = new ChaosExperiment(chart, 'drain', {
      metadata: { name: 'lab-drain' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER, sla: RecoverySla.within(Duration.seconds(120), 'node-drain'),
    });
    ApiObject.of(drain.job).metadata.addLabel(SCENARIO_LABEL, 'node-drain');
    const bare = new ChaosExperiment(chart, 'bare', { metadata: { name: 'lab-bare' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER });
    ApiObject.of(bare.job).addJsonPatch(JsonPatch.remove('/metadata/labels'));
    const alerts = new HardeningAlerts(chart, 'alerts', { metadata: { name: 'lab-alerts' } });
    // the groups: the Deployment's, then each experiment's in the chart's order (lab-partition is the second)
    ApiObject.of(alerts.prometheusRule).addJsonPatch(JsonPatch.add('/spec/groups/1/rules/-', {
      alert: 'LabPartitionSlow', expr: 'vector(0)', for: '1m', labels: { severity: 'warning' }, annotations: { summary: 'slow' },
    }));
    const docs = render(app);
    const chaos = docs['CHAOS-BASELINE.md'];
    const files = (name: string, hash: string, role = name) => [`ServiceAccount.${name}.k8s.yaml`, `Job.${name}.k8s.yaml`, `ConfigMap.${name}-scripts-${hash}.k8s.yaml`,
      `Role.${role}.k8s.yaml`, `RoleBinding.${role}.k8s.yaml`, `NetworkPolicy.${name}.k8s.yaml`].map((f) => `\`${f}\``).join(', ');

    expect(chaos).toContain(`| 1. API pod kill | recovered in < 30 s | \`lab-bare\` (\`unknown\`) | ${files('lab-bare', '2142d1ad02')} |\n`
      + `| 2. NATS leader election | recovered in < 60 s | \`lab-partition\` (\`leader-partition\`) | ${files('lab-partition', '9f6b321f84', 'lab.lab-partition')} |\n`);
    expect(chaos).toContain('| 5. Observability failure | graceful degradation (no time limit) | none in the apps: test by hand |  |\n'
      + `| \`node-drain\` | recovered in < 120 s | \`lab-drain\` | ${files('lab-drain', '2142d1ad02')} |\n\n`);

    const bareSection = section(chaos, '### Experiment lab-bare');
    expect(bareSection.split('\n\n')[1]).toBe('Scenario `unknown` (its Job\'s `chaos.cdk8s-hardening.io/scenario` label): '
      + 'the settings below are its Job\'s, as synthesized; its script is in the Job\'s ConfigMap.');
    expect(bareSection.endsWith('A failed run fires `ChaosExperimentFailed`.')).toBe(true);

    // every setting of an unknown scenario is listed, except those its Job always has (its access and NATS connection)
    const partitionSection = section(chaos, '### Experiment lab-partition');
    expect(partitionSection.split('\n\n')[3]).toBe(['| setting | meaning |', '| --- | --- |',
      '| `SLA_SECONDS=60` | the SLA the verdict is measured against |',
      '| `TIMEOUT_SECONDS=180` | after this the verdict is "not recovered" |',
      '| `POLL_SECONDS=2` | time between two recovery checks |',
      '| `HEALTH_SUCCESSES=3` | healthy answers in a row that count as recovered |',
      '| `NATS_STATEFULSET=nats` | the NATS StatefulSet |',
      '| `NATS_NAMESPACE=messaging` | its namespace |',
      '| `activeDeadlineSeconds: 480` | the Job is stopped after this (exit 143) |'].join('\n'));
    expect(partitionSection.endsWith('A failed run fires `ChaosExperimentFailed`, `LabPartitionSlow`.')).toBe(true);

    const others = section(chaos, '## Other experiments');
    expect(others.split('\n\n').slice(0, 4)).toEqual([
      '## Other experiments',
      '### Experiment lab-drain',
      'Scenario `node-drain` (its Job\'s `chaos.cdk8s-hardening.io/scenario` label): the settings below are its Job\'s, as synthesized; its script is in the Job\'s ConfigMap.',
      `Job \`lab-drain\` in \`lab\`, from ${files('lab-drain', '2142d1ad02')}. SLA: recovered in < 120 s.`,
    ]);
    expect(commandProblemsOf(docs, [[app, '']])).toEqual([]);
  });

  test('an experiment without namespace names none, and one whose target no documented app holds gets no watch command', () => {
    const plain = new App({ outdir: 'out' });
    const chart = new Chart(plain, 'plain');
    const api = new HardenedDeployment(chart, 'api', { metadata: { name: 'api' }, image: 'ghcr.io/acme/api:1.0.0' });
    new ChaosExperiment(chart, 'kill', { metadata: { name: 'plain-kill' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER });
    const plainSection = section(render(plain)['CHAOS-BASELINE.md'], '### Experiment plain-kill');
    expect(plainSection.split('\n\n')[2]).toBe('Job `plain-kill`, from `plain.k8s.yaml`. SLA: recovered in < 30 s.');
    expect(plainSection).toContain('\nkubectl delete job plain-kill --ignore-not-found\nkubectl apply -f plain.k8s.yaml -l app.kubernetes.io/instance=plain-kill\n'
      + 'kubectl get pods -l app.kubernetes.io/instance=api,app.kubernetes.io/name=api -w   # in a second terminal\n');

    // the experiment's target is in an app of its own, not documented; a namesake lives in another namespace
    const production = new App({ outdir: 'out' });
    new HardenedDeployment(new Chart(production, 'front', { namespace: 'front' }), 'api', { metadata: { name: 'api' }, image: 'ghcr.io/acme/api:1.0.0' });
    const elsewhere = new App({ outdir: 'elsewhere' });
    const target = new HardenedDeployment(new Chart(elsewhere, 'back', { namespace: 'back' }), 'api', { metadata: { name: 'api' }, image: 'ghcr.io/acme/api:1.0.0' });
    const onDemand = new App({ outdir: 'out/chaos' });
    new ChaosExperiment(new Chart(onDemand, 'chaos', { namespace: 'back' }), 'kill', {
      metadata: { name: 'back-kill' }, scenario: ChaosScenario.API_KILL, target, apiServer: API_SERVER,
    });
    const run = section(render(production, { onDemand: [onDemand] })['CHAOS-BASELINE.md'], '### Experiment back-kill').split('\n\n')[5];
    expect(run).toBe(sh(
      'kubectl -n back delete job back-kill --ignore-not-found',
      'kubectl apply -f chaos/chaos.k8s.yaml',
      'kubectl -n back logs -f job/back-kill',
      'kubectl -n back logs job/back-kill --tail=1',
      'kubectl -n back get pods -l "batch.kubernetes.io/controller-uid=$(kubectl -n back get job back-kill -o jsonpath=\'{.metadata.uid}\')" -o jsonpath=\'{.items[0].status.containerStatuses[0].state.terminated.exitCode}\'',
      'kubectl delete -f chaos/chaos.k8s.yaml',
    ));
  });
});

/** Stands for a construct of a later version: all the documents know of it is its CronJob. */
class NightlyReport extends Construct {
  public readonly cronJob: kplus.CronJob;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.cronJob = new kplus.CronJob(this, 'Resource', {
      metadata: { name: 'nightly-report' },
      schedule: Cron.schedule({ minute: '30', hour: '3' }),
      containers: [{ image: 'ghcr.io/acme/report:1.0.0' }],
    });
  }
}

describe('OperationsDocs of apps without Deployments', () => {
  test('a backup in a local time zone: titled "the app", its age checked against the longest interval there, and the restore among the emergencies', () => {
    const app = new App({ outdir: 'out' });
    new NatsBackupCronJob(new Chart(app, 'berlin', { namespace: 'berlin' }), 'backup', { metadata: { name: 'berlin-backup' }, timeZone: 'Europe/Berlin' });
    const docs = render(app, { runsAfter: new Date(Date.UTC(2026, 9, 23, 12)) });
    expect(docs['RUNBOOK.md'].split('\n')[0]).toBe('# Runbook: the app');
    const checklist = docs['DEPLOYMENT-CHECKLIST.md'];
    expect(headings(checklist)).toEqual(['# Deployment checklist: the app', '## Before deploying', '### Production-readiness checks', '### Backups',
      '## Deploy, step by step', '## Roll back?', '## Emergency procedures', '### Lost or corrupted JetStream data']);
    expect(section(checklist, '### Production-readiness checks').split('\n')[2]).toBe('- [ ] `cdk8s synth` passes with `new HardeningChecks(app, { failOnWarnings: true })` '
      + '(21 built-in rules). When these documents were generated the production manifests had 0 errors, 0 warnings and 0 suppressed findings.');
    // 02:00 does not happen on the day clocks go forward: 47 hours from the run before to the run after
    expect(section(checklist, '### Backups')).toBe('### Backups\n\n'
      + '- [ ] The last backup of `berlin-backup` is at most 47 h old (the longest interval of `0 2 * * *` in `Europe/Berlin`): '
      + '`kubectl -n berlin get cronjob berlin-backup -o jsonpath=\'{.status.lastSuccessfulTime}\'`. '
      + 'Older, or the release changes streams or their data: take a backup now (RUNBOOK.md, "Take a backup now") and wait for `backup complete`.');
    expect(checklist.endsWith('### Lost or corrupted JetStream data\n\n- [ ] Restore from the last good backup: RUNBOOK.md, "Restore", step by step. '
      + 'Stop the writers first; the restore refuses streams that exist.\n')).toBe(true);
  });

  test('a backup schedule that never repeats is refused: no age of the last backup can be checked against it', () => {
    const app = new App({ outdir: 'out' });
    new NatsBackupCronJob(new Chart(app, 'leap', { namespace: 'leap' }), 'backup', {
      metadata: { name: 'leap-backup' }, schedule: Cron.schedule({ minute: '0', hour: '2', day: '30', month: '2' }),
    });
    expect(() => render(app)).toThrow(new Error('schedule must run at least twice in eight years, so a missing backup can be told from a schedule that never repeats, '
      + 'got "0 2 30 2 *"'));
  });

  test('a soak Job with a construct newer than the documents, or with the Deployment it loads, is enough to document', () => {
    const external = new App({ outdir: 'out' });
    const reports = new Chart(external, 'reports', { namespace: 'reports' });
    new SoakJob(reports, 'soak', {
      metadata: { name: 'ext-soak' }, target: SoakTarget.url('https://api.example.com', SoakDestination.cidrs(['203.0.113.0/24'])), endpoints: [{ path: '/orders' }],
    });
    new NightlyReport(reports, 'report');
    const externalDocs = render(external);
    expect(headings(externalDocs['RUNBOOK.md']).filter((h) => h.startsWith('## '))).toEqual(['## CronJob nightly-report (namespace reports)']);
    expect(headings(externalDocs['SOAK-BASELINE.md'])).toContain('### ext-soak');

    const shop = new App({ outdir: 'out' });
    const chart = new Chart(shop, 'shop', { namespace: 'shop' });
    const api = new HardenedDeployment(chart, 'api', { metadata: { name: 'shop-api' }, image: 'ghcr.io/acme/shop:1.0.0', service: true });
    new SoakJob(chart, 'soak', { metadata: { name: 'shop-soak' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/orders' }] });
    const shopDocs = render(shop);
    expect(shopDocs['RUNBOOK.md'].split('\n')[0]).toBe('# Runbook: shop-api');
    expect(headings(shopDocs['SOAK-BASELINE.md'])).toContain('### shop-soak');
  });

  test('a restore of a claim no backup writes is a section of its own, its commands in its namespace', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'jetstream', { namespace: 'jetstream' });
    new NatsRestoreJob(chart, 'restore', {
      metadata: { name: 'jetstream-restore' }, claim: kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'old-backups'), backupName: '20260101T020000Z',
    });
    const runbook = render(app)['RUNBOOK.md'];
    expect(headings(runbook)).toEqual(['# Runbook: the app', '## JetStream restore jetstream-restore', '### Restore with jetstream-restore']);
    expect(runbook).toContain('\n4. Follow it and wait for the end:\n   ```sh\n   kubectl -n jetstream logs -f job/jetstream-restore\n'
      + '   kubectl -n jetstream wait --for=condition=complete --timeout=3600s job/jetstream-restore\n   ```\n');
    expect(runbook).toContain('\n5. Check the result: `kubectl -n jetstream logs job/jetstream-restore --tail=1` is the summary.\n');
    // the section is the last one: the document ends with its table and one newline
    expect(runbook.endsWith('| fix the cause; streams restored so far stay: rerun with onExisting SKIP |\n')).toBe(true);
  });
});
