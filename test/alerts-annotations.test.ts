import { Chart, Testing } from 'cdk8s';
import {
  ChaosExperiment, ChaosScenario, HardenedDeployment, HardeningAlerts, NatsBackupCronJob, NatsRestoreDrill, SoakJob, SoakProfile, SoakTarget,
} from '../src';
import { toYaml } from './support/charts';
import { commandProblems, KubectlCommand, kubectlCommandsIn, parseKubectl } from './support/kubectl-command';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';

// What an alert tells the person it wakes up: the objects it names, the numbers it quotes and the
// commands it hands over must be those of the synthesized manifests.

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';

/** Every kind of alert in one chart: a Deployment with its budget, a backup, a drill, a chaos experiment and a soak Job. */
function everyAlert() {
  const chart = new Chart(Testing.app(), 'orders', { namespace: 'orders' });
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
  api.addDisruptionBudget();
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
  const drill = new NatsRestoreDrill(chart, 'drill', { metadata: { name: 'jetstream-drill' }, backup });
  new ChaosExperiment(chart, 'kill', {
    metadata: { name: 'orders-chaos-api-kill' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
  });
  const soak = new SoakJob(chart, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/' }], profile: SoakProfile.STAGING });
  new HardeningAlerts(chart, 'alerts', { metadata: { name: 'orders-alerts' }, labels: { release: 'kube-prometheus-stack' } });
  const objects = synthValid(chart);
  const rule = onlyOfKind(objects, 'PrometheusRule');
  const byName: Record<string, any> = {};
  for (const r of rule.spec.groups.flatMap((g: any) => g.rules)) byName[r.alert] = r;
  return { objects, rule, byName, drill, soak };
}

/** A synthesized object by kind and name. */
function named(objects: any[], kind: string, name: string): any {
  return ofKind(objects, kind).find((o) => o.metadata.name === name);
}

/**
 * The runbook of an alert as Alertmanager hands it over, one command a line. It holds no template:
 * a name only known when the alert fires is a placeholder `<x>` after the alert's label x.
 */
function runbookCommands(alert: any): KubectlCommand[] {
  const lines: string[] = alert.annotations.runbook.split('\n');
  expect(lines.filter((line) => line.includes('{{'))).toEqual([]);
  const commands = lines.map((line) => kubectlCommandsIn(`\`\`\`sh\n${line}\n\`\`\``));
  // one kubectl command per line, nothing else
  expect(commands.map((c) => c.length)).toEqual(lines.map(() => 1));
  return commands.map(([text]) => parseKubectl(text));
}

// Each test synthesizes its own chart: what runs while the file is collected counts as no test's work in a mutation run.
describe('alert annotations', () => {
  test('snapshot: every alert of a chart with a Deployment, a backup, a restore drill, a chaos experiment and a soak Job', () => {
    const { rule } = everyAlert();
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual([
      'hardened-deployment/orders/orders-api',
      'nats-backup/orders/jetstream-backup',
      'nats-restore-drill/orders/jetstream-drill',
      'chaos-experiment/orders/orders-chaos-api-kill',
      'soak-job/orders/orders-soak',
    ]);
    expect(toYaml([rule])).toMatchSnapshot();
  });

  describe('NatsRestoreDrill', () => {
    test('a failed drill names its Job and the drill CronJob, and says which log line holds the report and what its keys mean', () => {
      const { byName, drill } = everyAlert();
      const failed = byName.NatsRestoreDrillFailed;
      // {{ $labels.job_name }} has a value: the expression keeps the label
      expect(failed.expr).toMatch(/^max by \(namespace, job_name\) /);
      expect(failed.annotations.summary).toBe('Restore drill {{ $labels.job_name }} of CronJob orders/jetstream-drill failed: the newest backup is not proven to restore');
      expect(failed.annotations.description).toMatch(/^Job orders\/\{\{ \$labels\.job_name \}\} of CronJob orders\/jetstream-drill failed, and no drill succeeded since it started\. /);
      expect(failed.annotations.description).toContain('Its last log line is the JSON report: "mismatches" lists what the restored server lacks against the backup\'s own records');
      expect(failed.annotations.description).toContain('"failures" what stopped the drill (checksums, a stale newest backup, no room)');
      expect(failed.annotations.description).toMatch(/ Production NATS was never touched\.$/);
      // the keys the description explains are the ones the drill writes into its report
      expect(drill.scripts.data!['nats-restore-drill.sh']).toContain('mismatches: $mismatches, failures: $failures}');
      // the summary shows the Job's name (the expression only matches a Kubernetes name); the runbook a placeholder for it
      expect(failed.expr).toContain('kube_job_failed{job="kube-state-metrics", namespace="orders", condition="true", job_name=~"[a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?"}');
      expect(failed.annotations.runbook.split('\n')).toEqual([
        'kubectl -n orders logs job/<job_name> | tail -n 1',
        'kubectl -n orders describe job <job_name>',
        'kubectl -n orders create job --from=cronjob/jetstream-drill jetstream-drill-manual-$(date +%s)',
      ]);
    });

    test('a missing drill quotes the CronJob\'s schedule, time zone, longest interval and deadlines', () => {
      const { objects, byName } = everyAlert();
      const cronJob = named(objects, 'CronJob', 'jetstream-drill');
      const missing = byName.NatsRestoreDrillMissing;
      expect(cronJob.spec).toMatchObject({ schedule: '0 4 * * 1', timeZone: 'Etc/UTC', startingDeadlineSeconds: 3600, jobTemplate: { spec: { activeDeadlineSeconds: 7200 } } });
      expect(missing.annotations.summary).toBe('No successful restore drill by CronJob orders/jetstream-drill for more than 171 h');
      expect(missing.annotations.description).toMatch(
        /^CronJob orders\/jetstream-drill runs "0 4 \* \* 1" \(Etc\/UTC\): at most 168 h apart, plus 3 h for a late start and a slow run\. /,
      );
      expect(missing.annotations.description).toContain('Its last successful drill finished {{ $value | humanizeDuration }} ago (counted from its creation when none succeeded yet)');
      expect(missing.annotations.description).toMatch(/ A suspended CronJob counts as missing too\.$/);
      expect(missing.annotations.runbook.split('\n')).toEqual([
        'kubectl -n orders get cronjob jetstream-drill',
        'kubectl -n orders get jobs --sort-by=.metadata.creationTimestamp',
        'kubectl -n orders create job --from=cronjob/jetstream-drill jetstream-drill-manual-$(date +%s)',
      ]);
    });
  });

  describe('ChaosExperiment', () => {
    test('a failed experiment names its scenario and Job, and where its result is', () => {
      const { objects, byName } = everyAlert();
      const failed = byName.ChaosExperimentFailed;
      expect(named(objects, 'Job', 'orders-chaos-api-kill').metadata.labels['chaos.cdk8s-hardening.io/scenario']).toBe('api-kill');
      expect(failed.labels).toEqual({ scenario: 'api-kill', severity: 'warning' });
      expect(failed.annotations.summary).toBe('Chaos experiment api-kill (Job orders/orders-chaos-api-kill) failed');
      expect(failed.annotations.description).toMatch(
        /^Job orders\/orders-chaos-api-kill of chaos scenario api-kill failed: the service did not recover within its SLA, or the experiment could not run or conclude\. /,
      );
      expect(failed.annotations.description).toContain('The last log line is the result (verdict, recovery time, reason) and the exit code says the same');
      expect(failed.annotations.description).toMatch(/; DeadlineExceeded in the Job status means it ran past activeDeadlineSeconds\.$/);
      expect(failed.annotations.runbook.split('\n')).toEqual([
        'kubectl -n orders logs job/orders-chaos-api-kill | tail -n 1',
        'kubectl -n orders describe job orders-chaos-api-kill',
        'kubectl -n orders delete rolebinding orders-chaos-api-kill --ignore-not-found',
      ]);
    });
  });

  describe('SoakJob', () => {
    test('a failed soak names its profile and Job, and tells a failed k6 threshold (exit 99) from the stability verdict', () => {
      const { byName, soak } = everyAlert();
      const failed = byName.SoakTestFailed;
      expect(failed.labels).toEqual({ profile: 'staging', severity: 'warning' });
      expect(failed.annotations.summary).toBe('Soak test staging (Job orders/orders-soak) failed');
      expect(failed.annotations.description).toMatch(
        /^Soak Job orders\/orders-soak \(profile staging\) failed: exit 99 is k6's own code for a failed threshold \(error rate, p95, p99, breaker-open rate\); /,
      );
      expect(failed.annotations.description).toContain('any other failure is the stability verdict (such as latency growth between the early and the late window, a probable leak)');
      expect(failed.annotations.description).toContain(' DeadlineExceeded in the Job status means the run outlived activeDeadlineSeconds. ');
      expect(failed.annotations.description).toMatch(/ The log ends with the verdict and its reasons\.$/);
      // the runner passes k6's 99 through and fails a bad verdict with its own code
      const runner = soak.scripts.data!['run-soak.sh'];
      expect(runner).toContain('k6\'s own exit code (99 when a threshold failed');
      expect(runner).toContain('  exit 90\n');
      expect(failed.annotations.runbook.split('\n')).toEqual([
        'kubectl -n orders logs job/orders-soak | tail -n 8',
        'kubectl -n orders describe job orders-soak',
      ]);
    });
  });

  describe('runbooks', () => {
    const summary = (c: KubectlCommand) => [c.namespace, c.verb, c.resource?.kind, c.resource?.name, c.creates, c.flags];

    test.each([
      ['NatsBackupFailed', [
        ['orders', 'logs', 'Job', '<job_name>', undefined, {}],
        ['orders', 'describe', 'Job', '<job_name>', undefined, {}],
        ['orders', 'create', 'CronJob', 'jetstream-backup', 'jetstream-backup-manual-$(date +%s)', { from: 'cronjob/jetstream-backup' }],
      ], []],
      ['NatsRestoreDrillFailed', [
        ['orders', 'logs', 'Job', '<job_name>', undefined, {}],
        ['orders', 'describe', 'Job', '<job_name>', undefined, {}],
        ['orders', 'create', 'CronJob', 'jetstream-drill', 'jetstream-drill-manual-$(date +%s)', { from: 'cronjob/jetstream-drill' }],
      ], []],
      ['NatsRestoreDrillMissing', [
        ['orders', 'get', 'CronJob', 'jetstream-drill', undefined, {}],
        ['orders', 'get', 'Job', undefined, undefined, { 'sort-by': '.metadata.creationTimestamp' }],
        ['orders', 'create', 'CronJob', 'jetstream-drill', 'jetstream-drill-manual-$(date +%s)', { from: 'cronjob/jetstream-drill' }],
        // the CronJob's job template has no labels, so its Jobs have none to select them by: the list is the namespace's, newest last
      ], ['kubectl -n orders get jobs --sort-by=.metadata.creationTimestamp lists every Job of the namespace: name one or select by label']],
      ['ChaosExperimentFailed', [
        ['orders', 'logs', 'Job', 'orders-chaos-api-kill', undefined, {}],
        ['orders', 'describe', 'Job', 'orders-chaos-api-kill', undefined, {}],
        ['orders', 'delete', 'RoleBinding', 'orders-chaos-api-kill', undefined, { 'ignore-not-found': 'true' }],
      ], []],
      ['SoakTestFailed', [
        ['orders', 'logs', 'Job', 'orders-soak', undefined, {}],
        ['orders', 'describe', 'Job', 'orders-soak', undefined, {}],
      ], []],
    ])('%s: each line is a kubectl command on the objects of the chart', (alert, expected, problems) => {
      const { objects, byName } = everyAlert();
      const commands = runbookCommands(byName[alert]);
      expect(commands.map(summary)).toEqual(expected);
      // only the Jobs a CronJob makes at run time are named by the alert's labels
      expect(commands.flatMap((c) => commandProblems(c, objects, new Map()))).toEqual(problems);
    });

    test('the runbook check can fail: a command on a Job of another name or namespace', () => {
      const { objects } = everyAlert();
      const [logs] = runbookCommands({ annotations: { runbook: 'kubectl -n shop logs job/orders-soak | tail -n 8' } });
      expect(commandProblems(logs, objects, new Map())).toEqual(['Job orders-soak is not in namespace shop']);
      const [create] = runbookCommands({ annotations: { runbook: 'kubectl -n orders create job --from=cronjob/jetstream-drills x-$(date +%s)' } });
      expect(commandProblems(create, objects, new Map())).toEqual(['CronJob jetstream-drills is not in namespace orders']);
      const [describe] = runbookCommands({ annotations: { runbook: 'kubectl -n orders describe cronjob <job_name>' } });
      expect(commandProblems(describe, objects, new Map())).toEqual(['only Jobs made at run time may be named by a placeholder, got CronJob <job_name>']);
    });
  });
});
