import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { RecoverySla } from '../src';
import { commandProblems, kubectlCommandsIn, parseKubectl } from './support/kubectl-command';
import { loadManifests } from './support/manifests';
import { podTemplatesOf, restrictedViolations } from './support/pod-security';

const DOCS = ['RUNBOOK.md', 'DEPLOYMENT-CHECKLIST.md', 'CHAOS-BASELINE.md', 'SOAK-BASELINE.md'];

// The example app as `npm run example` runs it (examples/api-service/main.ts), synthesized into a
// temporary outdir: what the documents say is checked against the files that were written.
describe('example app: operations documents next to its manifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'operations-docs-'));
  const dist = join(dir, 'dist');
  let files: Record<string, any[]> = {};
  let objects: any[] = [];
  let filesByPath = new Map<string, any[]>();
  let docs: Record<string, string> = {};
  let all = '';
  const env = (job: any) => Object.fromEntries(
    (job.kind === 'CronJob' ? job.spec.jobTemplate.spec : job.spec).template.spec.containers[0].env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]),
  );
  const only = (kind: string) => {
    const found = objects.filter((o) => o.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };

  beforeAll(() => {
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = dist;
    try {
      // main.ts synthesizes when it is loaded, as `cdk8s synth` runs it; a fresh module registry runs it again
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../examples/api-service/main');
      });
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = previous;
    }
    files = loadManifests(dist);
    objects = Object.values(files).flat();
    filesByPath = new Map(Object.entries(files));
    docs = Object.fromEntries(DOCS.map((d) => [d, readFileSync(join(dist, d), 'utf8')]));
    all = Object.values(docs).join('\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the four documents are written next to the production manifests, the on-demand charts below them', () => {
    expect(readdirSync(dist).sort()).toEqual([...DOCS, 'on-demand', 'orders-api.k8s.yaml'].sort());
    expect(Object.keys(files).sort()).toEqual([
      'on-demand/orders-chaos.k8s.yaml', 'on-demand/orders-jetstream-restore.k8s.yaml', 'on-demand/orders-soak-production.k8s.yaml',
      'on-demand/orders-soak-quick.k8s.yaml', 'on-demand/orders-soak-staging.k8s.yaml', 'orders-api.k8s.yaml',
    ]);
  });

  test.each(DOCS)('%s: every kubectl command parses and names objects, files and selectors of the synthesized manifests', (doc) => {
    const commands = kubectlCommandsIn(docs[doc]);
    expect(commands.length).toBeGreaterThan(5);
    const problems = commands.flatMap((text) => {
      try {
        return commandProblems(parseKubectl(text), objects, filesByPath).map((p) => `${text}: ${p}`);
      } catch (e: any) {
        return [e.message];
      }
    });
    expect(problems).toEqual([]);
  });

  test('every manifest and document path the documents mention exists after synthesis', () => {
    const paths = [...new Set([...all.matchAll(/[\w./-]+\.(?:k8s\.yaml|md)\b/g)].map((m) => m[0]))];
    expect(paths).toEqual(expect.arrayContaining(['orders-api.k8s.yaml', 'on-demand/orders-jetstream-restore.k8s.yaml', 'on-demand/orders-chaos.k8s.yaml']));
    const missing = paths.filter((p) => !filesByPath.has(p) && !DOCS.includes(p));
    expect(missing).toEqual([]);
    // every on-demand chart is referred to
    for (const file of Object.keys(files)) expect(all).toContain(file);
  });

  test('the runbook quotes the backup CronJob\'s schedule, deadlines, retention and claim as synthesized', () => {
    const [cronJob] = objects.filter((o) => o.kind === 'CronJob' && o.metadata.labels['app.kubernetes.io/component'] === 'jetstream-backup');
    const e = env(cronJob);
    const runbook = docs['RUNBOOK.md'];
    expect(runbook).toContain(`\`${cronJob.spec.schedule}\` in time zone \`${cronJob.spec.timeZone}\``);
    expect(runbook).toContain(`\`startingDeadlineSeconds: ${cronJob.spec.startingDeadlineSeconds}\``);
    expect(runbook).toContain(`\`activeDeadlineSeconds: ${cronJob.spec.jobTemplate.spec.activeDeadlineSeconds}\``);
    expect(runbook).toContain(`\`backoffLimit: ${cronJob.spec.jobTemplate.spec.backoffLimit}\``);
    expect(runbook).toContain(`\`RETENTION_DAYS=${e.RETENTION_DAYS}\` days`);
    expect(runbook).toContain(`never the newest \`KEEP_MIN=${e.KEEP_MIN}\``);
    expect(runbook).toContain(`\`successfulJobsHistoryLimit: ${cronJob.spec.successfulJobsHistoryLimit}\``);
    const claim = only('PersistentVolumeClaim');
    expect(runbook).toContain(`the claim \`${claim.metadata.name}\` (\`${claim.spec.resources.requests.storage}\`, \`${claim.spec.accessModes[0]}\`)`);
    expect(runbook).toContain(`kubectl -n ${cronJob.metadata.namespace} create job --from=cronjob/${cronJob.metadata.name} "$job"`);
  });

  test('the runbook and the checklist quote the Deployment\'s rollout settings and its budget as synthesized', () => {
    const deployment = only('Deployment');
    const budget = only('PodDisruptionBudget');
    const { spec } = deployment;
    for (const doc of [docs['RUNBOOK.md'], docs['DEPLOYMENT-CHECKLIST.md']]) {
      expect(doc).toContain(`\`maxSurge: ${spec.strategy.rollingUpdate.maxSurge}\``);
      expect(doc).toContain(`\`maxUnavailable: ${spec.strategy.rollingUpdate.maxUnavailable}\``);
      expect(doc).toContain(`\`minReadySeconds: ${spec.minReadySeconds}\``);
      expect(doc).toContain(`\`progressDeadlineSeconds: ${spec.progressDeadlineSeconds}\``);
      expect(doc).toContain(`\`minAvailable: ${budget.spec.minAvailable}\``);
      // kubectl's --timeout bounds the whole watch, not the time without progress: a long healthy rollout would
      // fail it; rollout status ends by itself once the progress deadline is exceeded
      expect(doc).toContain(`kubectl -n ${deployment.metadata.namespace} rollout status deployment/${deployment.metadata.name}\n`);
      expect(doc).not.toMatch(/rollout status[^\n]*--timeout/);
    }
    expect(docs['RUNBOOK.md']).toContain(`\`revisionHistoryLimit: ${spec.revisionHistoryLimit}\``);
    expect(docs['RUNBOOK.md']).toContain(`--replicas=${spec.replicas}`);
    expect(docs['RUNBOOK.md']).toContain(`\`disruptionsAllowed\` is ${spec.replicas - budget.spec.minAvailable} when every pod is ready`);
    expect(docs['DEPLOYMENT-CHECKLIST.md']).toContain(`\`${spec.template.spec.containers[0].image}\``);
  });

  test('no document prints a value that was never set', () => {
    expect(all).not.toMatch(/\bundefined\b|\[object Object\]|\bNaN\b/);
  });

  test('the chaos baseline quotes each experiment\'s SLA, timeout, hold and deadline as its Job synthesized them', () => {
    const chaos = docs['CHAOS-BASELINE.md'];
    const jobs = objects.filter((o) => o.kind === 'Job' && o.metadata.labels?.['chaos.cdk8s-hardening.io/scenario']);
    expect(jobs.map((j) => j.metadata.labels['chaos.cdk8s-hardening.io/scenario']).sort())
      .toEqual(['api-kill', 'drain', 'nats-kill', 'network-block', 'observability-block', 'rollout']);
    // every experiment has its row, with its Job's name
    for (const job of jobs) expect(chaos).toContain(`\`${job.metadata.name}\``);
    // rollout and drain allow no failed probe at all: no recovery time to quote
    expect(chaos).toContain('| `rollout` | zero downtime (every probe answered) | `orders-chaos-rollout` |');
    expect(chaos).toContain('| `drain` | zero downtime (every probe answered) | `orders-chaos-drain` |');
    for (const job of jobs.filter((j) => env(j).SLA_SECONDS !== undefined)) {
      const e = env(job);
      const scenario = job.metadata.labels['chaos.cdk8s-hardening.io/scenario'];
      expect(chaos).toMatch(new RegExp(`\\| recovered in < ${e.SLA_SECONDS} s \\| \`${job.metadata.name}\` \\(\`${scenario}\`\\) \\|`));
      for (const key of ['SLA_SECONDS', 'TIMEOUT_SECONDS', 'POLL_SECONDS', 'HEALTH_SUCCESSES', ...(e.HOLD_SECONDS ? ['HOLD_SECONDS'] : [])]) {
        expect(chaos).toContain(`\`${key}=${e[key]}\``);
      }
      expect(chaos).toContain(`"slaSeconds":${e.SLA_SECONDS}`);
      expect(chaos).toContain(`\`activeDeadlineSeconds: ${job.spec.activeDeadlineSeconds}\``);
    }
  });

  test('the chaos baseline has all five baseline scenarios, memory pressure tested by hand, and a row each to record', () => {
    const chaos = docs['CHAOS-BASELINE.md'];
    const sections = [...chaos.matchAll(/^## (\d)\. (.*)$/gm)].map((m) => m[2]);
    expect(sections).toEqual(['API pod kill', 'NATS leader election', 'Network partition', 'Memory pressure', 'Observability failure']);
    expect(chaos).toContain(`| 4. Memory pressure | recovered in < ${RecoverySla.MEMORY_PRESSURE.maxRecovery!.toSeconds()} s | none in the apps: test by hand |`);
    expect(chaos).toContain('| 5. Observability failure | graceful degradation (no time limit) | `orders-chaos-observability-block` (`observability-block`) |');
    const recorded = chaos.slice(chaos.indexOf('## Recorded results'));
    // a row to record for each baseline scenario and each experiment beyond them (rollout, drain)
    expect(recorded.split('\n').filter((l) => l.startsWith('|  |'))).toHaveLength(7);
  });

  test('the soak baseline quotes every threshold, growth limit, profile and deadline as the Jobs\' scripts synthesized them', () => {
    const soak = docs['SOAK-BASELINE.md'];
    const jobs = objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('orders-soak-'));
    expect(jobs).toHaveLength(3);
    for (const job of jobs) {
      const configMapName = job.spec.template.spec.volumes.find((v: any) => v.configMap).configMap.name;
      const script: string = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMapName).data['soak.js'];
      const options = JSON.parse(/export const options = (\{[\s\S]*?\n\});/.exec(script)![1]);
      const config = JSON.parse(/const CONFIG = (\{[\s\S]*?\n\});/.exec(script)![1]);
      for (const [metric, expressions] of Object.entries<string[]>(options.thresholds)) {
        for (const expression of expressions) expect(soak).toContain(`| \`${metric}\` | \`${expression}\` |`);
      }
      expect(soak).toContain(`\`maxLatencyGrowth: ${config.analysis.maxLatencyGrowth}\``);
      const windows = ['early', 'steady', 'late'].map((w) => options.scenarios[w].duration).join(' / ');
      expect(soak).toContain(`| \`${job.metadata.name}\` | \`${config.analysis.profile}\` | ${config.analysis.durationSeconds} s`);
      expect(soak).toContain(`| ${config.analysis.vus} | ${windows} | ${job.spec.activeDeadlineSeconds} |`);
      expect(soak).toContain(`\`activeDeadlineSeconds: ${job.spec.activeDeadlineSeconds}\``);
    }
  });

  test('the backup inspection pod mounts the claim read-only and passes PSS restricted', () => {
    const text = kubectlCommandsIn(docs['RUNBOOK.md']).find((c) => c.includes(' run '))!;
    const overrides = JSON.parse(parseKubectl(text).flags.overrides);
    const pod = { kind: 'Pod', metadata: { name: 'inspect' }, spec: overrides.spec };
    expect(podTemplatesOf(pod).flatMap(restrictedViolations)).toEqual([]);
    expect(overrides.spec.volumes).toEqual([{ name: 'backup', persistentVolumeClaim: { claimName: only('PersistentVolumeClaim').metadata.name, readOnly: true } }]);
    expect(overrides.spec.containers[0].volumeMounts).toEqual([{ name: 'backup', mountPath: '/backup', readOnly: true }]);
  });
});
