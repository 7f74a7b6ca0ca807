import { ApiObject, App, Chart, Cron, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ChaosExperiment, ChaosScenario, HardenedDeployment, HardeningAlerts, HardeningAlertsProps, HardeningChecks, NatsBackupCronJob, NatsRestoreDrill,
  SoakJob, SoakProfile, SoakTarget,
} from '../src';
import { toYaml } from './support/charts';
import { onlyOfKind, synthValid } from './support/manifests';
import { prometheusRuleProblems } from './support/prometheus-rule';
import { humanDuration, promDuration } from '../src/alerts/_prometheus-rule';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';
/** The matcher of a label an alert shows: a Kubernetes name, 1 to 63 of [a-z0-9.-], starting and ending alphanumeric. */
const K8S_NAME = '=~"[a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?"';

function ordersChart(): Chart {
  return new Chart(Testing.app(), 'orders', { namespace: 'orders' });
}

/** The rules by alert name (the first of each name) and the groups of a chart with alerts. */
function rulesOf(chart: Chart) {
  const rule = onlyOfKind(synthValid(chart), 'PrometheusRule');
  const groups: any[] = rule.spec.groups;
  const byName: Record<string, any> = {};
  for (const r of groups.flatMap((g) => g.rules)) byName[r.alert] ??= r;
  return { rule, groups, byName };
}

function backupChart(props: HardeningAlertsProps = {}, backup: Record<string, unknown> = {}) {
  const chart = ordersChart();
  new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' }, ...backup });
  new HardeningAlerts(chart, 'alerts', props);
  return rulesOf(chart);
}

function deploymentChart(props: HardeningAlertsProps = {}, deployment: Record<string, unknown> = {}) {
  const chart = ordersChart();
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, ...deployment });
  api.addDisruptionBudget();
  new HardeningAlerts(chart, 'alerts', props);
  return rulesOf(chart);
}

describe('HardeningAlerts', () => {
  test('snapshot', () => {
    const chart = ordersChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
    api.addDisruptionBudget();
    new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
    new HardeningAlerts(chart, 'alerts', { metadata: { name: 'orders-alerts' }, labels: { release: 'kube-prometheus-stack' } });
    expect(toYaml([rulesOf(chart).rule])).toMatchSnapshot();
  });

  test('one monitoring.coreos.com/v1 PrometheusRule in the chart\'s namespace, labelled for the operator\'s ruleSelector', () => {
    const { rule } = backupChart({ labels: { release: 'kube-prometheus-stack' } });
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata.namespace).toBe('orders');
    expect(rule.metadata.labels).toMatchObject({
      'release': 'kube-prometheus-stack', 'app.kubernetes.io/component': 'alerts', 'app.kubernetes.io/managed-by': 'cdk8s-hardening',
    });
    expect(prometheusRuleProblems(rule)).toEqual([]);
  });

  describe('NatsBackupCronJob', () => {
    test('the manual run of a CronJob with a 52-character name gets a Job name of 63 characters, the most its job-name label holds', () => {
      const name = 'orders-jetstream-backup-of-the-primary-nats-cluster1';
      expect(name).toHaveLength(52);
      const runbook: string = backupChart({}, { metadata: { name } }).byName.NatsBackupMissing.annotations.runbook;
      const runNow = runbook.split('\n').find((line) => line.includes('create job'));
      expect(runNow).toBe(`kubectl -n orders create job --from=cronjob/${name} orders-jetstream-backup-of-the-primary-nats-c-manual-$(date +%s)`);
      expect(runNow!.replace('$(date +%s)', '1795000000').split(' ').pop()).toHaveLength(63);
    });

    test('missing backup: the daily schedule\'s 24 h plus the starting and active deadlines (2 h), for 10 minutes, critical', () => {
      const missing = backupChart().byName.NatsBackupMissing;
      expect(missing.expr).toBe('time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{job="kube-state-metrics", namespace="orders", cronjob="jetstream-backup"} '
        + 'or kube_cronjob_created{job="kube-state-metrics", namespace="orders", cronjob="jetstream-backup"}) > 93600');
      expect(missing.for).toBe('10m');
      expect(missing.labels).toEqual({ severity: 'critical' });
      expect(missing.annotations.summary).toBe('No successful NATS JetStream backup by CronJob orders/jetstream-backup for more than 26 h');
      expect(missing.annotations.description).toContain('runs "0 2 * * *" (Etc/UTC): at most 24 h apart, plus 2 h for a late start and a slow run');
      expect(missing.annotations.runbook.split('\n')).toEqual([
        'kubectl -n orders get cronjob jetstream-backup',
        'kubectl -n orders describe cronjob jetstream-backup',
        'kubectl -n orders get jobs --sort-by=.metadata.creationTimestamp',
        'kubectl -n orders logs job/<newest job>',
        'kubectl -n orders create job --from=cronjob/jetstream-backup jetstream-backup-manual-$(date +%s)',
      ]);
    });

    test('the threshold follows the schedule, its time zone and the deadlines of the synthesized CronJob', () => {
      const weekdays = backupChart({}, {
        schedule: Cron.schedule({ minute: '30', hour: '2', weekDay: '1-5' }),
        timeZone: 'Europe/Berlin',
        startingDeadline: Duration.minutes(10),
        activeDeadline: Duration.minutes(20),
      }).byName.NatsBackupMissing;
      // Friday 02:30 to Monday 02:30 is 72 h, 73 h when the clocks go back that weekend; plus 30 minutes
      expect(weekdays.expr).toMatch(/ > 264600$/);
      expect(weekdays.annotations.summary).toContain('for more than 73 h 30 min');
    });

    test('backupMargin replaces the derived margin', () => {
      expect(backupChart({ backupMargin: Duration.hours(6) }).byName.NatsBackupMissing.expr).toMatch(/ > 108000$/);
    });

    test('failed run: a failed Job owned by the CronJob that started after its last success', () => {
      const failed = backupChart().byName.NatsBackupFailed;
      expect(failed.expr).toContain(`kube_job_status_start_time{job="kube-state-metrics", namespace="orders", job_name${K8S_NAME}}`);
      expect(failed.expr).toContain(`kube_job_failed{job="kube-state-metrics", namespace="orders", condition="true", job_name${K8S_NAME}}`);
      expect(failed.expr).toContain(`kube_job_owner{job="kube-state-metrics", namespace="orders", owner_kind="CronJob", owner_name="jetstream-backup", job_name${K8S_NAME}}`);
      expect(failed.expr).toContain('> on (namespace) group_left () max by (namespace) (kube_cronjob_status_last_successful_time{job="kube-state-metrics", namespace="orders", cronjob="jetstream-backup"}');
      expect(failed).toMatchObject({ for: '5m', labels: { severity: 'warning' } });
      // the failed Job is named in the summary; the runbook leaves a placeholder for it
      expect(failed.annotations.summary).toBe('Backup job {{ $labels.job_name }} of CronJob orders/jetstream-backup failed');
      expect(failed.annotations.runbook.split('\n')).toEqual([
        'kubectl -n orders logs job/<job_name>',
        'kubectl -n orders describe job <job_name>',
        'kubectl -n orders create job --from=cronjob/jetstream-backup jetstream-backup-manual-$(date +%s)',
      ]);
    });

    test('claim nearly full: the last kubelet report within the schedule\'s window, above 85 %', () => {
      const claim = backupChart().byName.NatsBackupClaimFilling;
      expect(claim.expr).toBe('1 - (max by (namespace, persistentvolumeclaim) (last_over_time(kubelet_volume_stats_available_bytes{namespace="orders", '
        + 'persistentvolumeclaim="jetstream-backup-data"}[26h])) / max by (namespace, persistentvolumeclaim) (last_over_time('
        + 'kubelet_volume_stats_capacity_bytes{namespace="orders", persistentvolumeclaim="jetstream-backup-data"}[26h]))) > 0.85');
      expect(backupChart({ claimUsageThreshold: 0.7 }).byName.NatsBackupClaimFilling.expr).toMatch(/ > 0.7$/);
    });

    /** Alerts of a backup whose synthesized CronJob went through these patches (the escape hatch a user has). */
    function patchedBackup(patches: (cronJob: any) => JsonPatch[]) {
      const chart = ordersChart();
      const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
      const cronJob = ApiObject.of(backup.cronJob);
      cronJob.addJsonPatch(...patches(cronJob.toJson()));
      new HardeningAlerts(chart, 'alerts');
      const groups: any[] = onlyOfKind(Testing.synth(chart), 'PrometheusRule').spec.groups;
      return groups[0].rules;
    }
    const volumes = '/spec/jobTemplate/spec/template/spec/volumes';
    const claimVolume = (cronJob: any) => cronJob.spec.jobTemplate.spec.template.spec.volumes.findIndex((v: any) => v.persistentVolumeClaim);

    test('the claim alert watches the claim the CronJob mounts as synthesized, and is left out when it mounts none', () => {
      const renamed = patchedBackup((c) => [JsonPatch.replace(`${volumes}/${claimVolume(c)}/persistentVolumeClaim/claimName`, 'patched-claim')]);
      expect(renamed.find((r: any) => r.alert === 'NatsBackupClaimFilling').expr).toContain('persistentvolumeclaim="patched-claim"');
      const emptyDir = patchedBackup((c) => [JsonPatch.replace(`${volumes}/${claimVolume(c)}`, { name: 'backup', emptyDir: {} })]);
      expect(emptyDir.map((r: any) => r.alert)).toEqual(['NatsBackupMissing', 'NatsBackupFailed']);
      const noVolumes = patchedBackup(() => [JsonPatch.remove(volumes)]);
      expect(noVolumes.map((r: any) => r.alert)).toEqual(['NatsBackupMissing', 'NatsBackupFailed']);
    });

    test('without a time zone the CronJob runs in Etc/UTC; a missing deadline adds nothing to the margin', () => {
      const [utc] = patchedBackup(() => [JsonPatch.remove('/spec/timeZone')]);
      expect(utc.annotations.description).toContain('runs "0 2 * * *" (Etc/UTC): at most 24 h apart, plus 2 h for a late start');
      const [noStart] = patchedBackup(() => [JsonPatch.remove('/spec/startingDeadlineSeconds')]);
      expect(noStart.expr).toMatch(/ > 90000$/);
      expect(noStart.annotations.description).toContain('at most 24 h apart, plus 1 h for a late start');
      const [noDeadlines] = patchedBackup(() => [JsonPatch.remove('/spec/startingDeadlineSeconds'), JsonPatch.remove('/spec/jobTemplate/spec/activeDeadlineSeconds')]);
      expect(noDeadlines.expr).toMatch(/ > 86400$/);
      expect(noDeadlines.annotations.summary).toBe('No successful NATS JetStream backup by CronJob orders/jetstream-backup for more than 24 h');
      expect(noDeadlines.annotations.description).toContain('at most 24 h apart, plus 0 min for a late start');
    });

    test('an existing claim is watched by its own name', () => {
      const chart = ordersChart();
      const existingClaim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'existing', 'jetstream-backups');
      new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' }, existingClaim });
      new HardeningAlerts(chart, 'alerts');
      expect(rulesOf(chart).byName.NatsBackupClaimFilling.expr).toContain('persistentvolumeclaim="jetstream-backups"');
    });
  });

  describe('NatsRestoreDrill', () => {
    function drillRules() {
      const chart = ordersChart();
      const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
      new NatsRestoreDrill(chart, 'drill', { metadata: { name: 'jetstream-drill' }, backup });
      new HardeningAlerts(chart, 'alerts');
      return rulesOf(chart);
    }

    test('a failed drill: a failed Job of the drill CronJob after its last success, critical after 5 minutes', () => {
      const { byName, groups } = drillRules();
      expect(groups.map((g) => g.name)).toContain('nats-restore-drill/orders/jetstream-drill');
      const failed = byName.NatsRestoreDrillFailed;
      expect(failed.expr).toContain(`kube_job_owner{job="kube-state-metrics", namespace="orders", owner_kind="CronJob", owner_name="jetstream-drill", job_name${K8S_NAME}}`);
      expect(failed.expr).toContain('> on (namespace) group_left () max by (namespace) (kube_cronjob_status_last_successful_time{job="kube-state-metrics", namespace="orders", cronjob="jetstream-drill"}');
      expect(failed).toMatchObject({ for: '5m', labels: { severity: 'critical' } });
      expect(failed.annotations.runbook.split('\n')[0]).toBe('kubectl -n orders logs job/<job_name> | tail -n 1');
    });

    test('a missing drill: the weekly schedule\'s 7 days plus the starting and active deadlines (3 h), for 30 minutes', () => {
      const missing = drillRules().byName.NatsRestoreDrillMissing;
      expect(missing.expr).toBe('time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{job="kube-state-metrics", namespace="orders", cronjob="jetstream-drill"} '
        + 'or kube_cronjob_created{job="kube-state-metrics", namespace="orders", cronjob="jetstream-drill"}) > 615600');
      expect(missing).toMatchObject({ for: '30m', labels: { severity: 'warning' } });
      expect(missing.annotations.summary).toBe('No successful restore drill by CronJob orders/jetstream-drill for more than 171 h');
    });
  });

  describe('HardenedDeployment', () => {
    test('rollout stuck: Progressing=False, or fewer updated pods than desired for the whole progress deadline unless paused', () => {
      const stuck = deploymentChart().byName.HardenedDeploymentRolloutStuck;
      expect(stuck.expr).toContain('kube_deployment_status_condition{job="kube-state-metrics", namespace="orders", deployment="orders-api", condition="Progressing", status="false"}) == 1');
      expect(stuck.expr).toContain('kube_deployment_status_replicas_updated{job="kube-state-metrics", namespace="orders", deployment="orders-api"}))[5m:1m]) > 0');
      expect(stuck.expr).toContain('unless on (namespace, deployment) (max by (namespace, deployment) (kube_deployment_spec_paused{job="kube-state-metrics", namespace="orders", deployment="orders-api"}) == 1)');
      expect(stuck.for).toBe('1m');
      expect(stuck.annotations.runbook).toContain('kubectl -n orders rollout undo deployment/orders-api');
      expect(deploymentChart({}, { progressDeadline: Duration.minutes(12) }).byName.HardenedDeploymentRolloutStuck.expr).toContain('[12m:1m]');
    });

    test('replicas unavailable for 15 minutes by default', () => {
      const unavailable = deploymentChart().byName.HardenedDeploymentReplicasUnavailable;
      expect(unavailable.expr).toBe('max by (namespace, deployment) (kube_deployment_status_replicas_available{job="kube-state-metrics", namespace="orders", deployment="orders-api"}) '
        + '< max by (namespace, deployment) (kube_deployment_spec_replicas{job="kube-state-metrics", namespace="orders", deployment="orders-api"})');
      expect(unavailable.for).toBe('15m');
      expect(deploymentChart({ unavailableFor: Duration.minutes(5) }).byName.HardenedDeploymentReplicasUnavailable.for).toBe('5m');
    });

    test('windows that are not whole minutes: seconds in the expressions ("90s") and in the descriptions ("90 s")', () => {
      const { byName } = deploymentChart({ unavailableFor: Duration.seconds(90), restartWindow: Duration.seconds(330) });
      expect(byName.HardenedDeploymentReplicasUnavailable.for).toBe('90s');
      expect(byName.HardenedDeploymentReplicasUnavailable.annotations.description).toContain('have been available for 90 s, fewer than desired');
      expect(byName.HardenedDeploymentPodRestarting.expr).toContain(`increase(kube_pod_container_status_restarts_total{job="kube-state-metrics", namespace="orders", pod${K8S_NAME}, container${K8S_NAME}}[330s])) >= 3`);
      expect(byName.HardenedDeploymentPodRestarting.annotations.description).toContain('restarted {{ $value | humanize }} times in 330 s: a crash');
    });

    test('its budget (found by selector) allowing no disruption for the 30 minute drain window', () => {
      const drain = deploymentChart().byName.HardenedDeploymentBudgetBlocksDrain;
      expect(drain.expr).toBe('max by (namespace, poddisruptionbudget) (kube_poddisruptionbudget_status_pod_disruptions_allowed{job="kube-state-metrics", namespace="orders", poddisruptionbudget="orders-api-pdb"}) == 0');
      expect(drain.for).toBe('30m');
      expect(deploymentChart({ drainWindow: Duration.hours(1) }).byName.HardenedDeploymentBudgetBlocksDrain.for).toBe('1h');
    });

    test('restarts: 3 in 30 minutes by default, of pods owned through its ReplicaSets', () => {
      const restarting = deploymentChart().byName.HardenedDeploymentPodRestarting;
      expect(restarting.expr).toContain(`increase(kube_pod_container_status_restarts_total{job="kube-state-metrics", namespace="orders", pod${K8S_NAME}, container${K8S_NAME}}[30m])) >= 3`);
      expect(restarting.expr).toContain(`kube_pod_owner{job="kube-state-metrics", namespace="orders", owner_kind="ReplicaSet", pod${K8S_NAME}}`);
      expect(restarting.expr).toContain('kube_replicaset_owner{job="kube-state-metrics", namespace="orders", owner_kind="Deployment", owner_name="orders-api"}');
      // the pod and the container are named in the summary and the description; the runbook leaves placeholders
      expect(restarting.annotations.summary).toBe('Pod {{ $labels.pod }} of Deployment orders/orders-api keeps restarting');
      expect(restarting.annotations.runbook.split('\n')).toEqual([
        'kubectl -n orders get pods -l app.kubernetes.io/instance=orders-api,app.kubernetes.io/name=orders-api -o wide',
        'kubectl -n orders describe pod <pod>',
        'kubectl -n orders logs <pod> -c <container> --previous',
      ]);
      const custom = deploymentChart({ restartThreshold: 5, restartWindow: Duration.hours(1) }).byName.HardenedDeploymentPodRestarting;
      expect(custom.expr).toContain('[1h])) >= 5');
    });

    test('OOMKilled names the memory limits', () => {
      const oom = deploymentChart().byName.HardenedDeploymentPodOOMKilled;
      expect(oom.expr).toContain(`kube_pod_container_status_last_terminated_reason{job="kube-state-metrics", namespace="orders", reason="OOMKilled", pod${K8S_NAME}, container${K8S_NAME}}`);
      expect(oom.for).toBe('0s');
      expect(oom.annotations.description).toContain('memory limit (api 256Mi)');
    });

    test('OOMKilled names the memory limit of every container, "no limit" for one without', () => {
      const chart = ordersChart();
      const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
      const sidecar = (name: string, resources: kplus.ContainerResources) => api.addContainer({ name, image: IMAGE, resources });
      sidecar('requests-only', { memory: { request: Size.mebibytes(64) } });
      sidecar('no-resources', {});
      sidecar('cpu-limit', { cpu: { limit: kplus.Cpu.millis(100) } });
      sidecar('sized', { memory: { limit: Size.mebibytes(96) } });
      new HardeningAlerts(chart, 'alerts');
      const oom = onlyOfKind(Testing.synth(chart), 'PrometheusRule').spec.groups[0].rules.find((r: any) => r.alert === 'HardenedDeploymentPodOOMKilled');
      expect(oom.annotations.description).toContain('memory limit (api 256Mi, requests-only no limit, no-resources no limit, cpu-limit no limit, sized 96Mi) and restarted');
    });

    test('the pod commands select the Deployment\'s pods by the labels of its selector', () => {
      const chart = ordersChart();
      new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
      new HardeningAlerts(chart, 'alerts');
      const objects = synthValid(chart);
      expect(onlyOfKind(objects, 'Deployment').spec.selector).toEqual({
        matchLabels: { 'app.kubernetes.io/instance': 'orders-api', 'app.kubernetes.io/name': 'orders-api' },
      });
      const rules = onlyOfKind(objects, 'PrometheusRule').spec.groups[0].rules;
      const runbook = (alert: string) => rules.find((r: any) => r.alert === alert).annotations.runbook.split('\n');
      expect(runbook('HardenedDeploymentPodOOMKilled')[2])
        .toBe('kubectl -n orders top pod -l app.kubernetes.io/instance=orders-api,app.kubernetes.io/name=orders-api --containers');
      expect(runbook('HardenedDeploymentRolloutStuck')[2])
        .toBe('kubectl -n orders get pods -l app.kubernetes.io/instance=orders-api,app.kubernetes.io/name=orders-api -o wide');
    });

    test('a budget counts only in the Deployment\'s namespace and when it selects its pods', () => {
      const app = Testing.app();
      const chart = new Chart(app, 'orders', { namespace: 'orders' });
      const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
      api.addDisruptionBudget();
      const selector = { matchLabels: { 'app.kubernetes.io/instance': 'orders-api', 'app.kubernetes.io/name': 'orders-api' } };
      new kplus.k8s.KubePodDisruptionBudget(chart, 'other-pods', {
        metadata: { name: 'other-pods-pdb' }, spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'other' } } },
      });
      const shop = new Chart(app, 'shop', { namespace: 'shop' });
      new kplus.k8s.KubePodDisruptionBudget(shop, 'same-labels', { metadata: { name: 'shop-pdb' }, spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector } });
      new HardeningAlerts(chart, 'alerts', { scopes: [chart, shop] });
      const drains = rulesOf(chart).groups[0].rules.filter((r: any) => r.alert === 'HardenedDeploymentBudgetBlocksDrain');
      expect(drains.map((r: any) => r.expr.match(/poddisruptionbudget="([^"]+)"/)[1])).toEqual(['orders-api-pdb']);
    });

    test('each Deployment gets its own budget; one without a budget gets no drain alert', () => {
      const chart = ordersChart();
      new HardenedDeployment(chart, 'a', { image: IMAGE, metadata: { name: 'a' } }).addDisruptionBudget();
      new HardenedDeployment(chart, 'b', { image: IMAGE, metadata: { name: 'b' } });
      new HardeningAlerts(chart, 'alerts');
      const { groups } = rulesOf(chart);
      const drains = (name: string) => groups.find((g) => g.name === `hardened-deployment/orders/${name}`).rules
        .filter((r: any) => r.alert === 'HardenedDeploymentBudgetBlocksDrain').map((r: any) => r.expr.match(/poddisruptionbudget="([^"]+)"/)[1]);
      expect(drains('a')).toEqual(['a-pdb']);
      expect(drains('b')).toEqual([]);
    });
  });

  describe('chaos and soak Jobs', () => {
    test('a failed Job, labelled with its scenario or profile, in the chart where the alerts live', () => {
      const production = ordersChart();
      const api = new HardenedDeployment(production, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
      const alerts = new HardeningAlerts(production, 'alerts');
      // on-demand Jobs in a chart of their own, watched after the fact
      const onDemand = new Chart(Testing.app(), 'on-demand', { namespace: 'orders' });
      new ChaosExperiment(onDemand, 'kill', {
        metadata: { name: 'orders-chaos-api-kill' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
      });
      new SoakJob(onDemand, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/' }], profile: SoakProfile.STAGING });
      alerts.watch(onDemand);
      const { groups } = rulesOf(production);
      const chaos = groups.find((g) => g.name === 'chaos-experiment/orders/orders-chaos-api-kill').rules[0];
      expect(chaos).toMatchObject({
        alert: 'ChaosExperimentFailed',
        expr: 'max by (namespace, job_name) (kube_job_failed{job="kube-state-metrics", namespace="orders", job_name="orders-chaos-api-kill", condition="true"}) == 1',
        for: '1m',
        labels: { scenario: 'api-kill', severity: 'warning' },
      });
      expect(chaos.annotations.runbook).toBe('kubectl -n orders logs job/orders-chaos-api-kill | tail -n 1\nkubectl -n orders describe job orders-chaos-api-kill'
        + '\nkubectl -n orders delete rolebinding orders-chaos-api-kill --ignore-not-found');
      // without roleBindingMetrics, no alert on a series kube-state-metrics does not export by default
      expect(groups.find((g) => g.name === 'chaos-experiment/orders/orders-chaos-api-kill').rules.map((r: any) => r.alert)).toEqual(['ChaosExperimentFailed']);
      const soak = groups.find((g) => g.name === 'soak-job/orders/orders-soak').rules[0];
      expect(soak).toMatchObject({ alert: 'SoakTestFailed', labels: { profile: 'staging', severity: 'warning' } });
      expect(soak.expr).toContain('job_name="orders-soak"');
    });

    test('roleBindingMetrics: a chaos RoleBinding that outlives the runs of its Job for 15 minutes, in the NATS namespace for a nats-kill', () => {
      const chart = ordersChart();
      new ChaosExperiment(chart, 'kill', {
        metadata: { name: 'orders-chaos-nats-kill' },
        scenario: ChaosScenario.NATS_KILL,
        apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
        nats: { statefulSetName: 'nats', namespaceName: 'messaging', podLabels: { 'app.kubernetes.io/name': 'nats' } },
      });
      new HardeningAlerts(chart, 'alerts', { roleBindingMetrics: true });
      const left = rulesOf(chart).byName.ChaosAccessLeftBehind;
      expect(left).toMatchObject({
        expr: 'max by (namespace, rolebinding) (kube_rolebinding_created{job="kube-state-metrics", namespace="messaging", rolebinding="orders.orders-chaos-nats-kill"})'
          + ' unless on() (max(kube_job_status_active{job="kube-state-metrics", namespace="orders", job_name="orders-chaos-nats-kill"}) > 0)',
        for: '15m',
        labels: { scenario: 'nats-kill', severity: 'warning' },
      });
      expect(left.annotations.summary).toBe('Chaos experiment nats-kill (Job orders/orders-chaos-nats-kill) left its access: RoleBinding messaging/orders.orders-chaos-nats-kill');
      expect(left.annotations.runbook.split('\n')).toEqual([
        'kubectl -n orders get job orders-chaos-nats-kill',
        // across namespaces the binding is named after the experiment's namespace too
        'kubectl -n messaging delete rolebinding orders.orders-chaos-nats-kill --ignore-not-found',
      ]);
    });

    test.each([
      ['its scenario label', JsonPatch.remove('/metadata/labels/chaos.cdk8s-hardening.io~1scenario')],
      ['all its labels', JsonPatch.remove('/metadata/labels')],
    ])('a chaos Job that lost %s is labelled scenario "unknown"', (_name, patch) => {
      const chart = ordersChart();
      const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
      const chaos = new ChaosExperiment(chart, 'kill', {
        metadata: { name: 'orders-chaos-api-kill' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
      });
      ApiObject.of(chaos.job).addJsonPatch(patch);
      new HardeningAlerts(chart, 'alerts', { scopes: [chaos] });
      const [failed] = onlyOfKind(Testing.synth(chart), 'PrometheusRule').spec.groups[0].rules;
      expect(failed.labels).toEqual({ scenario: 'unknown', severity: 'warning' });
      expect(failed.annotations.summary).toBe('Chaos experiment unknown (Job orders/orders-chaos-api-kill) failed');
    });
  });

  test('constructs created after the alerts count, and only those under the scopes', () => {
    const chart = ordersChart();
    new HardeningAlerts(chart, 'alerts');
    new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'late-backup' } });
    const other = ordersChart();
    new NatsBackupCronJob(other, 'backup', { metadata: { name: 'elsewhere' } });
    expect(rulesOf(chart).groups.map((g) => g.name)).toEqual(['nats-backup/orders/late-backup']);
  });

  test('alert labels for routing and a runbook URL per alert', () => {
    const { byName } = backupChart({ alertLabels: { team: 'orders' }, runbookUrl: 'https://docs.example.com/cdk8s-hardening' });
    expect(byName.NatsBackupMissing.labels).toEqual({ team: 'orders', severity: 'critical' });
    expect(byName.NatsBackupMissing.annotations.runbook_url).toBe('https://docs.example.com/cdk8s-hardening#natsbackupmissing');
  });

  test('a label name that only ends in __ and a plain http runbook URL are accepted', () => {
    const { byName } = backupChart({ alertLabels: { team__: 'orders', _env: 'prod' }, runbookUrl: 'http://runbooks.internal/cdk8s-hardening' });
    expect(byName.NatsBackupFailed.labels).toEqual({ team__: 'orders', _env: 'prod', severity: 'warning' });
    expect(byName.NatsBackupFailed.annotations.runbook_url).toBe('http://runbooks.internal/cdk8s-hardening#natsbackupfailed');
  });

  test('the PrometheusRule passes every hardening check', () => {
    const app = new App();
    const chart = new Chart(app, 'orders', { namespace: 'orders' });
    new NatsBackupCronJob(chart, 'backup');
    new HardeningAlerts(chart, 'alerts');
    expect(new HardeningChecks(app, { failOnWarnings: true }).findings().filter((f) => f.objectName.includes('PrometheusRule'))).toEqual([]);
  });

  test.each([
    ['a scope without the library\'s constructs', () => {
      const chart = ordersChart();
      new HardeningAlerts(chart, 'alerts');
      return chart;
    }, 'scopes must hold a NatsBackupCronJob, NatsRestoreDrill, HardenedDeployment, ChaosExperiment or SoakJob to alert on, got ["orders"]'],
    ['an app without the library\'s constructs, named by its empty path', () => {
      const app = Testing.app();
      const chart = new Chart(app, 'orders', { namespace: 'orders' });
      new HardeningAlerts(chart, 'alerts', { scopes: [app] });
      return chart;
    }, 'scopes must hold a NatsBackupCronJob, NatsRestoreDrill, HardenedDeployment, ChaosExperiment or SoakJob to alert on, got ["(app)"]'],
    ['a backup schedule that never repeats', () => {
      const chart = ordersChart();
      new NatsBackupCronJob(chart, 'backup', { schedule: Cron.schedule({ minute: '0', hour: '0', day: '30', month: '2' }) });
      new HardeningAlerts(chart, 'alerts');
      return chart;
    }, 'schedule must run at least twice in eight years, so a missing backup can be told from a schedule that never repeats, got "0 0 30 2 *"'],
    ['an object without a namespace', () => {
      const chart = new Chart(Testing.app(), 'orders');
      new NatsBackupCronJob(chart, 'backup');
      new HardeningAlerts(chart, 'alerts');
      return chart;
    }, 'namespace must be set on orders/backup or its chart: its alerts select objects by namespace, got nothing'],
    ['two objects of the same name and namespace in two watched apps', () => {
      const chart = ordersChart();
      new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
      const other = ordersChart();
      new NatsBackupCronJob(other, 'backup', { metadata: { name: 'jetstream-backup' } });
      new HardeningAlerts(chart, 'alerts', { scopes: [chart, other] });
      return chart;
    }, 'scopes must hold each namespace and name once (the operator keys rule groups by name), got "nats-backup/orders/jetstream-backup"'],
  ])('fails at synth on %s, as a validation error of the alerts', (_name, build, message) => {
    expect(() => Testing.synth(build())).toThrow(`Validation failed with the following errors:\n  [orders/alerts] ${message}`);
  });

  test.each([
    ['alertLabels with severity', { alertLabels: { severity: 'page' } }, 'alertLabels must have Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*, not __*, severity, scenario, profile or alertname), got "severity"'],
    ['alertLabels with a dash', { alertLabels: { 'team-name': 'a' } }, 'alertLabels must have Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*, not __*, severity, scenario, profile or alertname), got "team-name"'],
    ['alertLabels with scenario', { alertLabels: { scenario: 'x' } }, 'alertLabels must have Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*, not __*, severity, scenario, profile or alertname), got "scenario"'],
    ['alertLabels with profile', { alertLabels: { profile: 'x' } }, 'alertLabels must have Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*, not __*, severity, scenario, profile or alertname), got "profile"'],
    ['alertLabels with alertname', { alertLabels: { alertname: 'x' } }, 'alertLabels must have Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*, not __*, severity, scenario, profile or alertname), got "alertname"'],
    ['alertLabels reserved to Prometheus (__)', { alertLabels: { __team: 'x' } }, 'alertLabels must have Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*, not __*, severity, scenario, profile or alertname), got "__team"'],
    ['alertLabels with a leading digit', { alertLabels: { '1team': 'x' } }, 'alertLabels must have Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*, not __*, severity, scenario, profile or alertname), got "1team"'],
    ['an alert label value of two lines', { alertLabels: { team: 'orders\npayments' } }, 'alertLabels["team"] must be one line, got "orders\\npayments"'],
    ['an alert label value with a carriage return', { alertLabels: { team: 'orders\r' } }, 'alertLabels["team"] must be one line, got "orders\\r"'],
    ['a runbook URL after a space', { runbookUrl: ' https://docs.example.com/x' }, 'runbookUrl must be an http(s) URL without a fragment (the alert name is appended as one), got " https://docs.example.com/x"'],
    ['a runbook URL after other text', { runbookUrl: 'see https://docs.example.com/x' }, 'runbookUrl must be an http(s) URL without a fragment (the alert name is appended as one), got "see https://docs.example.com/x"'],
    ['a runbook URL with a space in it', { runbookUrl: 'https://docs.example.com/run book' }, 'runbookUrl must be an http(s) URL without a fragment (the alert name is appended as one), got "https://docs.example.com/run book"'],
    ['a runbook URL of another scheme', { runbookUrl: 'ftp://docs.example.com/x' }, 'runbookUrl must be an http(s) URL without a fragment (the alert name is appended as one), got "ftp://docs.example.com/x"'],
    ['a runbook URL with a fragment', { runbookUrl: 'https://docs.example.com/x#alerts' }, 'runbookUrl must be an http(s) URL without a fragment (the alert name is appended as one), got "https://docs.example.com/x#alerts"'],
    ['an alert label value that queries Prometheus', { alertLabels: { team: '{{ query "up" }}' } }, 'alertLabels["team"] must be plain text without "{{" or "}}" (Prometheus expands alert labels as templates), got "{{ query \\"up\\" }}"'],
    ['an alert label value that opens a template', { alertLabels: { team: 'orders{{' } }, 'alertLabels["team"] must be plain text without "{{" or "}}" (Prometheus expands alert labels as templates), got "orders{{"'],
    ['an alert label value that closes a template', { alertLabels: { team: 'orders}}' } }, 'alertLabels["team"] must be plain text without "{{" or "}}" (Prometheus expands alert labels as templates), got "orders}}"'],
    ['a runbook URL with a template', { runbookUrl: 'https://docs.example.com/{{.}}' }, 'runbookUrl must be an http(s) URL without "{{" or "}}" (Prometheus expands annotations as templates), got "https://docs.example.com/{{.}}"'],
    ['a runbook URL that queries Prometheus', { runbookUrl: 'https://docs.example.com/?q={{ query "up" }}' }, 'runbookUrl must be an http(s) URL without "{{" or "}}" (Prometheus expands annotations as templates), got "https://docs.example.com/?q={{ query \\"up\\" }}"'],
    ['a runbook URL that closes a template', { runbookUrl: 'https://docs.example.com/x}}' }, 'runbookUrl must be an http(s) URL without "{{" or "}}" (Prometheus expands annotations as templates), got "https://docs.example.com/x}}"'],
    ['an empty kube-state-metrics job', { kubeStateMetricsJob: '' }, 'kubeStateMetricsJob must be the job label of kube-state-metrics\' series: a non-empty Prometheus label value, valid UTF-8 without control characters, got ""'],
    ['a kube-state-metrics job of two lines', { kubeStateMetricsJob: 'kube-state-metrics\nx' }, 'kubeStateMetricsJob must be the job label of kube-state-metrics\' series: a non-empty Prometheus label value, valid UTF-8 without control characters, got "kube-state-metrics\\nx"'],
    ['a kube-state-metrics job that is not UTF-8 (a lone surrogate)', { kubeStateMetricsJob: 'ksm\ud800' }, 'kubeStateMetricsJob must be the job label of kube-state-metrics\' series: a non-empty Prometheus label value, valid UTF-8 without control characters, got "ksm\\ud800"'],
    ['a claim threshold of 1', { claimUsageThreshold: 1 }, 'claimUsageThreshold must be a number from 0.01 to 0.99, got 1'],
    ['a restart window of a minute', { restartWindow: Duration.minutes(1) }, 'restartWindow must be whole seconds from 5 minutes to 1 day (increase() needs several scrapes), got 1 minute'],
    ['no restart threshold', { restartThreshold: 0 }, 'restartThreshold must be a whole number from 1 to 1000, got 0'],
    ['an unavailable time under a minute', { unavailableFor: Duration.seconds(30) }, 'unavailableFor must be whole seconds from 1 minute to 7 days, got 30 seconds'],
    ['a drain window under a minute', { drainWindow: Duration.seconds(59) }, 'drainWindow must be whole seconds from 1 minute to 7 days, got 59 seconds'],
    ['a fractional backup margin', { backupMargin: Duration.millis(1500) }, 'backupMargin must be whole seconds from 0 seconds to 2147483647 seconds (int32), got 1 second 500 millis'],
    ['an invalid label', { labels: { release: 'a b' } }, 'labels'],
  ])('fails on %s', (_name, props, message) => {
    expect(() => new HardeningAlerts(ordersChart(), 'alerts', props as HardeningAlertsProps)).toThrow(message);
  });
});

// The callers only pass whole seconds (the props are checked first): the refusals guard the helpers themselves.
describe('durations', () => {
  test.each([
    [0, '0s'], [45, '45s'], [90, '90s'], [600, '10m'], [5400, '90m'], [3600, '1h'], [93600, '26h'],
  ])('%d s is the Prometheus duration %s, in its largest whole unit', (seconds, duration) => {
    expect(promDuration(seconds)).toBe(duration);
  });

  test.each([1.5, -60])('a Prometheus duration of %p s is refused', (seconds) => {
    expect(() => promDuration(seconds)).toThrow(`a Prometheus duration needs whole seconds, got ${seconds}`);
  });

  test.each([
    [45, '45 s'], [90, '90 s'], [0, '0 min'], [2700, '45 min'], [93600, '26 h'], [264600, '73 h 30 min'],
  ])('%d s reads "%s" in a description', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });
});

describe('PrometheusRule structural check', () => {
  test('finds what the operator\'s CRD refuses', () => {
    expect(prometheusRuleProblems({
      metadata: { name: 'x' },
      spec: {
        groups: [
          { name: 'a', rules: [{ alert: 'A', record: 'b', expr: 'up', for: '5 minutes', labels: { n: 1 } }] },
          { name: 'a', rules: [{ expr: '', severity: 'x' }] },
        ],
      },
    })).toEqual([
      '/spec/groups/0/rules/0: exactly one of alert and record',
      '/spec/groups/0/rules/0/for must be a Prometheus duration',
      '/spec/groups/0/rules/0/labels must map strings to strings',
      '/spec/groups/1/name must be unique (listMapKey name), got a twice',
      '/spec/groups/1/rules/0: unknown field severity',
      '/spec/groups/1/rules/0: exactly one of alert and record',
      '/spec/groups/1/rules/0/expr must be a non-empty string',
    ]);
  });
});
