import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ChaosExperiment, ChaosScenario, HardenedDeployment, NatsBackupCronJob, NatsRestoreJob, OperationsDocs, RecoverySla,
} from '../src';
import { nextCronRuns } from '../src/_cron-runs';
import { commandProblems, kubectlCommandsIn, parseKubectl } from './support/kubectl-command';
import { exampleApps } from '../examples/api-service/apps';
import { BACKUP_LOG_LINES, RESTORE_LOG_LINES } from '../src/operations/_backup-log-lines';

const RUNS_AFTER = new Date(Date.UTC(2026, 10, 27, 10, 30));
const API_SERVER = { cidrs: ['10.0.0.10/32'], port: 6443 };

/** The example's two apps, wired as examples/api-service/main.ts wires them. */

function render(docs: OperationsDocs): Record<string, string> {
  return Object.fromEntries(docs.render().map((d) => [d.fileName, d.markdown]));
}

/**
 * The example's documents, rendered anew in each test that reads them: rendered once while the file
 * is collected, they would count as no test's work, and a mutation run would never see a test fail.
 */
function exampleDocs(): Record<string, string> {
  const { app, onDemand } = exampleApps('dist');
  return render(new OperationsDocs(app, { onDemand: [onDemand], runsAfter: RUNS_AFTER }));
}

describe('OperationsDocs of the example', () => {
  test.each(OperationsDocs.FILE_NAMES)('%s snapshot', (fileName) => {
    const docs = exampleDocs();
    expect(docs[fileName]).toMatchSnapshot();
  });

  test('the documents are the four of the issue, titled with the Deployment', () => {
    const docs = exampleDocs();
    expect(Object.keys(docs)).toEqual(['RUNBOOK.md', 'DEPLOYMENT-CHECKLIST.md', 'CHAOS-BASELINE.md', 'SOAK-BASELINE.md']);
    expect(docs['RUNBOOK.md'].split('\n')[0]).toBe('# Runbook: orders-api');
    expect(docs['SOAK-BASELINE.md'].split('\n')[0]).toBe('# Soak baseline: orders-api');
  });

  test('the next runs of the backup schedule are listed in UTC from runsAfter', () => {
    const docs = exampleDocs();
    const expected = nextCronRuns('0 2 * * *', 'Etc/UTC', RUNS_AFTER.getTime(), 5).map((r) => `- ${new Date(r).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    expect(expected[0]).toBe('- 2026-11-28 02:00 UTC');
    expect(docs['RUNBOOK.md']).toContain(`The next 5 runs in UTC, counted from 2026-11-27 10:30 UTC:\n\n${expected.join('\n')}`);
  });

  test('the runbook covers rollout, rollback to a revision, pause and resume, scaling, the budget, backup, restore and a full claim', () => {
    const docs = exampleDocs();
    const runbook = docs['RUNBOOK.md'];
    for (const heading of ['### Roll out and watch', '### Roll back', '### Pause and resume', '### Emergency scale down and back', '### Disruption budget',
      '### What a run captures', '### Schedule', '### Retention', '### Take a backup now', '### List and verify backups',
      '### Restore with orders-jetstream-restore', '### When the claim is full', '### Troubleshooting']) {
      expect(runbook).toContain(`\n${heading}\n`);
    }
    expect(runbook).toContain('kubectl -n orders rollout undo deployment/orders-api --to-revision=<revision>');
    expect(runbook).toContain("kubectl -n orders get pdb orders-api-pdb -o jsonpath='{.status.disruptionsAllowed}'");
    expect(runbook).toContain('kubectl apply -f on-demand/orders-jetstream-restore.k8s.yaml');
  });

  test('the chaos experiments are applied one at a time from their shared file', () => {
    const docs = exampleDocs();
    expect(docs['CHAOS-BASELINE.md']).toContain('kubectl apply -f on-demand/orders-chaos.k8s.yaml -l app.kubernetes.io/instance=orders-chaos-nats-kill');
    expect(docs['CHAOS-BASELINE.md']).not.toContain('also applies');
  });

  test('the soak CI step passes on the Job\'s Complete condition only and fails with its exit code', () => {
    const docs = exampleDocs();
    const soak = docs['SOAK-BASELINE.md'];
    const ci = soak.slice(soak.indexOf('## CI integration'));
    expect(ci).toContain('kubectl apply -f on-demand/orders-soak-quick.k8s.yaml');
    expect(ci).toContain('case "$status" in *Complete*) echo "soak exit code: 0"; exit 0 ;; esac');
    expect(ci).toContain('case "$code" in "" | 0) exit 1 ;; esac');
    expect(ci).toContain('exit "$code"');
    expect(ci).toContain('timeout-minutes: 76'); // activeDeadlineSeconds 4230 s, rounded up, plus 5 minutes
  });

  test('the log lines the runbook explains are the scripts\' own', () => {
    const scripts = ['nats-backup.sh', 'nats-backup-lib.sh', 'nats-restore.sh'].map((f) => readFileSync(join(__dirname, '..', 'assets', 'nats-backup', f), 'utf8')).join('\n');
    for (const { line } of [...BACKUP_LOG_LINES, ...RESTORE_LOG_LINES]) {
      // the fixed parts between placeholders, as the script writes them (its variables are $name or ${name})
      for (const part of line.replace(/^ERROR: /, '').split(/<[^>]+>/).map((p) => p.trim()).filter((p) => p.length > 3)) {
        expect({ line, part, found: scripts.includes(part) }).toEqual({ line, part, found: true });
      }
    }
  });

  test('no text outside code holds an angle-bracket placeholder Markdown would swallow as HTML', () => {
    const docs = exampleDocs();
    for (const markdown of Object.values(docs)) {
      const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]+`/g, '');
      expect(prose.match(/<[a-z][^>\n]*>/g)).toBeNull();
    }
  });
});

describe('OperationsDocs of other apps', () => {
  test('an unknown chaos scenario gets a section built from its Job, and a stricter SLA is the Job\'s', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const api = new HardenedDeployment(chart, 'api', { metadata: { name: 'shop-api' }, image: 'ghcr.io/acme/shop:1.0.0', service: true });
    const drain = new ChaosExperiment(chart, 'drain', {
      metadata: { name: 'shop-drain' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER, sla: RecoverySla.within(Duration.seconds(120), 'node-drain'),
    });
    // a scenario this version of the documents does not know, as a newer ChaosExperiment would label it
    ApiObject.of(drain.job).metadata.addLabel('chaos.cdk8s-hardening.io/scenario', 'node-drain');
    drain.job.containers[0].env.addVariable('DRAIN_GRACE_SECONDS', kplus.EnvValue.fromValue('45'));
    new ChaosExperiment(chart, 'kill', {
      metadata: { name: 'shop-kill' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: API_SERVER, sla: RecoverySla.within(Duration.seconds(20)),
    });
    const chaos = render(new OperationsDocs(app))['CHAOS-BASELINE.md'];
    expect(chaos).toContain('| 1. API pod kill | recovered in < 20 s | `shop-kill` (`api-kill`) | `shop.k8s.yaml` |');
    expect(chaos).toContain('| `node-drain` | recovered in < 120 s | `shop-drain` | `shop.k8s.yaml` |');
    expect(chaos).toContain('|  | `node-drain` | `shop-drain` | recovered in < 120 s |  |  |  |');
    expect(chaos).toContain('## Other experiments');
    expect(chaos).toContain('Scenario `node-drain` (its Job\'s `chaos.cdk8s-hardening.io/scenario` label)');
    expect(chaos).toContain('| `DRAIN_GRACE_SECONDS=45` | scenario setting |');
    expect(chaos).toContain('| `SLA_SECONDS=120` | the SLA the verdict is measured against |');
    // both experiments share the chart's file: each is applied by its instance label
    expect(chaos).toContain('kubectl apply -f shop.k8s.yaml -l app.kubernetes.io/instance=shop-drain');
    expect(chaos).toContain('| 2. NATS leader election | recovered in < 60 s | none in the apps: test by hand |  |');
    expect(chaos).toContain('add a `ChaosExperiment` with `ChaosScenario.NATS_KILL`');
  });

  test('a construct newer than the documents that exposes its CronJob gets a section read from it', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'drills', { namespace: 'orders' });
    new RestoreDrill(chart, 'drill');
    const runbook = render(new OperationsDocs(app, { runsAfter: RUNS_AFTER, nextRuns: 2 }))['RUNBOOK.md'];
    expect(runbook).toContain('## CronJob orders-restore-drill (namespace orders)');
    expect(runbook).toContain('| `DRILL_STREAMS=ORDERS` |');
    expect(runbook).toContain('Schedule `0 4 * * 0` in `Etc/UTC`; the next runs in UTC:\n\n- 2026-11-29 04:00 UTC\n- 2026-12-06 04:00 UTC');
    const objects = app.charts.flatMap((c) => c.toJson());
    const problems = kubectlCommandsIn(runbook).flatMap((text) => commandProblems(parseKubectl(text), objects, new Map([['drills.k8s.yaml', objects]])));
    expect(problems).toEqual([]);
    expect(kubectlCommandsIn(runbook)).toContain('kubectl -n orders create job --from=cronjob/orders-restore-drill "$job"');
  });

  test('a restore of a claim no backup of the apps writes gets a section of its own; no budget is said plainly', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'jetstream', { namespace: 'jetstream' });
    new HardenedDeployment(chart, 'api', { metadata: { name: 'lone' }, image: 'ghcr.io/acme/lone:1.0.0' });
    new NatsRestoreJob(chart, 'restore', {
      metadata: { name: 'jetstream-restore' }, claim: kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'old-backups'), backupName: '20260101T020000Z',
    });
    const runbook = render(new OperationsDocs(app, { title: 'JetStream' }))['RUNBOOK.md'];
    expect(runbook.split('\n')[0]).toBe('# Runbook: JetStream');
    expect(runbook).toContain('## JetStream restore jetstream-restore');
    expect(runbook).toContain('restores the backup `20260101T020000Z` (`BACKUP_NAME=20260101T020000Z`)');
    expect(runbook).not.toContain('Stop the backups while you restore');
    expect(runbook).toContain('No PodDisruptionBudget selects these pods');
    expect(runbook).toContain('kubectl apply -f jetstream.k8s.yaml -l app.kubernetes.io/instance=jetstream-restore');
  });

  test('a restore of the newest backup of a day or before a time says which bounds the manifest holds', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'jetstream', { namespace: 'jetstream' });
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'old-backups');
    new NatsRestoreJob(chart, 'day', { metadata: { name: 'restore-day' }, claim, latestOnDay: '2026-11-20' });
    new NatsRestoreJob(chart, 'before', { metadata: { name: 'restore-before' }, claim, latestAtOrBefore: new Date('2026-11-20T03:00:00Z') });
    const runbook = render(new OperationsDocs(app))['RUNBOOK.md'];
    expect(runbook).toContain('restores the newest complete backup started at or after `20261120T000000Z` and at or before `20261120T235959Z` '
      + '(`BACKUP_NAME=latest BACKUP_NOT_BEFORE=20261120T000000Z BACKUP_NOT_AFTER=20261120T235959Z`)');
    expect(runbook).toContain('restores the newest complete backup started at or before `20261120T030000Z` (`BACKUP_NAME=latest BACKUP_NOT_AFTER=20261120T030000Z`)');
  });

  test('a backup now of a CronJob with a 52-character name starts a Job whose name fits the 63 characters of its job-name label', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'orders', { namespace: 'orders' });
    new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'orders-jetstream-backup-of-the-primary-nats-cluster1' } });
    const runbook = render(new OperationsDocs(app, { runsAfter: RUNS_AFTER }))['RUNBOOK.md'];
    expect(runbook).toContain('job=orders-jetstream-backup-of-the-primary-nats-c-manual-$(date +%s)\n'
      + 'kubectl -n orders create job --from=cronjob/orders-jetstream-backup-of-the-primary-nats-cluster1 "$job"');
  });

  test('a schedule in a local time zone lists its next runs in UTC across the clock change, a repeated hour twice', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'berlin', { namespace: 'berlin' });
    new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'berlin-backup' }, timeZone: 'Europe/Berlin' });
    const runbook = render(new OperationsDocs(app, { runsAfter: new Date(Date.UTC(2026, 9, 23, 12)), nextRuns: 3 }))['RUNBOOK.md'];
    expect(runbook).toContain('`0 2 * * *` in time zone `Europe/Berlin`');
    // 02:00 happens twice on 2026-10-25 (clocks go back at 03:00) and not at all on 2026-03-29
    expect(runbook).toContain('- 2026-10-24 00:00 UTC\n- 2026-10-25 00:00 UTC\n- 2026-10-25 01:00 UTC');
    expect(runbook).toContain('At most 47 h between two runs.');
  });

  test('without soak Jobs the soak baseline says how to add one; with files of several objects it says what else is applied', () => {
    const app = new App({ outdir: 'out' });
    const chart = new Chart(app, 'orders', { namespace: 'orders' });
    const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'orders-backup' } });
    // the restore in the production chart: applying it alone needs its label
    new NatsRestoreJob(chart, 'restore', { metadata: { name: 'orders-restore' }, backup });
    const docs = render(new OperationsDocs(app));
    expect(docs['SOAK-BASELINE.md']).toContain('No SoakJob in the apps');
    expect(docs['RUNBOOK.md']).toContain('kubectl apply -f orders.k8s.yaml -l app.kubernetes.io/instance=orders-restore');
    expect(docs['CHAOS-BASELINE.md']).toContain('| 1. API pod kill | recovered in < 30 s | none in the apps: test by hand |  |');
  });

  test('write() puts the documents next to the manifests after synth, and refuses before', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'operations-write-'));
    try {
      const app = new App({ outdir });
      new OperationsApiChart(app);
      const docs = new OperationsDocs(app, { runsAfter: RUNS_AFTER });
      expect(() => docs.write()).toThrow(`app must be synthesized before the documents are written (call synth() on the app and on every onDemand app first), so that the files they name exist in ${outdir}, got ["ops.k8s.yaml"]`);
      app.synth();
      expect(docs.write()).toEqual(OperationsDocs.FILE_NAMES.map((f) => join(outdir, f)));
      const runbook = readFileSync(join(outdir, 'RUNBOOK.md'), 'utf8');
      for (const text of kubectlCommandsIn(runbook)) {
        const objects = app.charts.flatMap((c) => c.toJson());
        expect(commandProblems(parseKubectl(text), objects, new Map([['ops.k8s.yaml', objects]]))).toEqual([]);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('fails with an app that holds nothing to document', () => {
    const app = new App();
    new Chart(app, 'empty');
    expect(() => new OperationsDocs(app).render()).toThrow(
      'app must hold a HardenedDeployment, NatsBackupCronJob, NatsRestoreJob, ChaosExperiment or SoakJob to document (in the app or an onDemand app), got ["dist"]');
  });

  test('fails with the production app among the onDemand apps, or one twice', () => {
    const app = new App();
    const other = new App({ outdir: 'dist/on-demand' });
    expect(() => new OperationsDocs(app, { onDemand: [app] })).toThrow('onDemand must hold apps other than the production app, each once, got ["dist"]');
    expect(() => new OperationsDocs(app, { onDemand: [other, other] })).toThrow('onDemand must hold apps other than the production app, each once, got ["dist/on-demand","dist/on-demand"]');
  });

  test('fails with an empty title, a title with control characters, an invalid date or a count of runs outside 1-100', () => {
    const app = new App();
    expect(() => new OperationsDocs(app, { title: ' ' })).toThrow('title must not be empty, got " "');
    expect(() => new OperationsDocs(app, { title: 'a\nb' })).toThrow('title must contain no control characters (newlines, tabs, escapes), got "a\\nb"');
    expect(() => new OperationsDocs(app, { runsAfter: new Date(NaN) })).toThrow('runsAfter must be a valid date, got "Invalid Date"');
    expect(() => new OperationsDocs(app, { nextRuns: 0 })).toThrow('nextRuns must be a whole number from 1 to 100, got 0');
    expect(() => new OperationsDocs(app, { nextRuns: 101 })).toThrow('nextRuns must be a whole number from 1 to 100, got 101');
    expect(() => new OperationsDocs(app, { nextRuns: 1.5 })).toThrow('nextRuns must be a whole number from 1 to 100, got 1.5');
  });
});

/** A production chart with a Deployment, its budget and a backup, named `ops`. */
class OperationsApiChart extends Chart {
  constructor(app: App) {
    super(app, 'ops', { namespace: 'ops' });
    new HardenedDeployment(this, 'api', { metadata: { name: 'ops-api' }, image: 'ghcr.io/acme/ops:2.0.0' }).addDisruptionBudget();
    new NatsBackupCronJob(this, 'backup', { metadata: { name: 'ops-backup' } });
  }
}

/** Stands for a construct of a later version (a restore drill): all the documents know of it is its CronJob. */
class RestoreDrill extends Construct {
  public readonly cronJob: kplus.CronJob;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.cronJob = new kplus.CronJob(this, 'Resource', {
      metadata: { name: 'orders-restore-drill' },
      schedule: Cron.schedule({ minute: '0', hour: '4', weekDay: '0' }),
      containers: [{ image: 'natsio/nats-box:0.19.5', envVariables: { DRILL_STREAMS: kplus.EnvValue.fromValue('ORDERS') } }],
    });
  }
}
