import { manualJobName } from '../_manual-job-name';
import {
  AlertSettings, alertingRule, AlertSeverity, humanDuration, kubeSelector, promDuration, qualified, RuleGroupSpec, selector,
} from './_prometheus-rule';
import { longestRunIntervalSeconds } from './_schedule-period';

/** What the backup alerts read from the synthesized CronJob. */
export interface BackupTarget {
  readonly namespace: string;
  /** The synthesized CronJob. */
  readonly cronJob: any;
  /** Overrides the margin derived from the CronJob's deadlines. */
  readonly marginSeconds?: number;
  /** Share of the claim in use above which it counts as nearly full. */
  readonly claimUsage: number;
}

/**
 * Rules for a NatsBackupCronJob, from kube-state-metrics v2.20.0 (docs/metrics/workload/cronjob-metrics.md:
 * kube_cronjob_status_last_successful_time, kube_cronjob_created; job-metrics.md: kube_job_failed
 * with `condition`, kube_job_status_start_time, kube_job_owner with `owner_kind`/`owner_name`) and
 * the kubelet's volume stats (pkg/kubelet/metrics/collectors/volume_stats.go:
 * kubelet_volume_stats_available_bytes and _capacity_bytes, labelled namespace and
 * persistentvolumeclaim, reported only while a pod mounts the claim). Every kube_* selector is
 * pinned to kube-state-metrics' scrape job (see kubeSelector).
 */
export function backupRules(settings: AlertSettings, target: BackupTarget): RuleGroupSpec {
  const { namespace, cronJob } = target;
  const name: string = cronJob.metadata.name;
  const spec = cronJob.spec;
  const { schedule, timeZone, period, margin, window } = successWindow(cronJob, target.marginSeconds);
  const volumes: any[] | undefined = spec.jobTemplate.spec.template.spec.volumes;
  const claim: string | undefined = volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName;
  const object = `CronJob ${qualified(namespace, name)}`;
  const firstSteps = [
    `kubectl -n ${namespace} get cronjob ${name}`,
    `kubectl -n ${namespace} describe cronjob ${name}`,
    `kubectl -n ${namespace} get jobs --sort-by=.metadata.creationTimestamp`,
  ];
  const runNow = `kubectl -n ${namespace} create job --from=cronjob/${name} ${manualJobName(name)}`;

  const rules = [
    alertingRule(settings, 'NatsBackupMissing', `time() - ${lastSuccessOrCreation(settings, namespace, name)} > ${window}`, 600, AlertSeverity.CRITICAL, {
      summary: `No successful NATS JetStream backup by ${object} for more than ${humanDuration(window)}`,
      description: `${object} runs "${schedule}" (${timeZone}): at most ${humanDuration(period)} apart, plus ${humanDuration(margin)} for a late start `
        + 'and a slow run. Its last successful run finished {{ $value | humanizeDuration }} ago (counted from its creation when none succeeded yet). '
        + 'A restore now would lose everything written since the last backup. A suspended CronJob counts as missing too.',
      runbook: [...firstSteps, `kubectl -n ${namespace} logs job/<newest job>`, runNow],
    }),
    // The failed Job is only known when the alert fires: the summary shows its name, which the
    // expression only matches when it is a Kubernetes name; the runbook leaves a <job_name> placeholder.
    alertingRule(settings, 'NatsBackupFailed', failedRunSinceLastSuccess(settings, namespace, name), 300, AlertSeverity.WARNING, {
      summary: `Backup job {{ $labels.job_name }} of ${object} failed`,
      description: `Job ${namespace}/{{ $labels.job_name }} of ${object} failed after its retries, and no run succeeded since it started. `
        + 'A failed run removes its partial directory: the previous backups are intact. The log ends with the step that failed '
        + '(credentials, NATS unreachable, claim full, deadline).',
      runbook: [`kubectl -n ${namespace} logs job/<job_name>`, `kubectl -n ${namespace} describe job <job_name>`, runNow],
    }),
  ];
  if (claim) {
    const claimLabels = { namespace, persistentvolumeclaim: claim };
    // The kubelet reports a claim only while a pod mounts it (during a run): the last report within
    // one period stands until the next run.
    const last = (metric: string) => `max by (namespace, persistentvolumeclaim) (last_over_time(${selector(metric, claimLabels)}[${promDuration(window)}]))`;
    rules.push(alertingRule(
      settings, 'NatsBackupClaimFilling',
      `1 - (${last('kubelet_volume_stats_available_bytes')} / ${last('kubelet_volume_stats_capacity_bytes')}) > ${target.claimUsage}`,
      300, AlertSeverity.WARNING, {
        summary: `Backup claim ${qualified(namespace, claim)} is {{ $value | humanizePercentage }} full`,
        description: `PersistentVolumeClaim ${qualified(namespace, claim)} of ${object} was {{ $value | humanizePercentage }} full at the last run `
          + `(alert above ${Math.round(target.claimUsage * 100)} %). When a backup no longer fits, runs fail and retention (which only runs after `
          + 'a successful backup) cannot free space. Shorten retention or keepLast, or grow the claim (a storage class with allowVolumeExpansion).',
        runbook: [
          `kubectl -n ${namespace} get pvc ${claim}`,
          `kubectl -n ${namespace} logs job/<newest job> | tail -n 20`,
          `kubectl -n ${namespace} patch pvc ${claim} -p '{"spec":{"resources":{"requests":{"storage":"<larger size>"}}}}'`,
        ],
      },
    ));
  }
  return { name: `nats-backup/${qualified(namespace, name)}`, rules };
}

/** How long a CronJob may go without a success: its schedule's longest interval plus a margin. */
export interface SuccessWindow {
  readonly schedule: string;
  readonly timeZone: string;
  /** The longest time between two runs, in seconds. */
  readonly period: number;
  /** Seconds a run may start late and take. */
  readonly margin: number;
  /** period + margin. */
  readonly window: number;
}

/**
 * The success window of a synthesized CronJob. A run may start startingDeadlineSeconds late and
 * take activeDeadlineSeconds: until then a late success is still on time (`marginSeconds` overrides).
 */
export function successWindow(cronJob: any, marginSeconds?: number): SuccessWindow {
  const spec = cronJob.spec;
  const schedule: string = spec.schedule;
  const timeZone: string = spec.timeZone ?? 'Etc/UTC';
  const period = longestRunIntervalSeconds('schedule', schedule, timeZone);
  const margin = marginSeconds ?? (spec.startingDeadlineSeconds ?? 0) + (spec.jobTemplate.spec.activeDeadlineSeconds ?? 0);
  return { schedule, timeZone, period, margin, window: period + margin };
}

/**
 * When the CronJob last succeeded, or was created when it never did: what "too long without a
 * success" counts from. Read from kube-state-metrics only: the latest success any scrape target
 * claims would silence the alert.
 */
export function lastSuccessOrCreation(settings: AlertSettings, namespace: string, name: string): string {
  const cronJob = { namespace, cronjob: name };
  return `max by (namespace, cronjob) (${kubeSelector(settings, 'kube_cronjob_status_last_successful_time', cronJob)} or ${kubeSelector(settings, 'kube_cronjob_created', cronJob)})`;
}

/**
 * Failed jobs of the CronJob that started after its last success (or, with none yet, at all),
 * valued by their start time. kubectl create job --from=cronjob sets the same owner, so a manual
 * run of any name counts as well. Every job_name must be a Kubernetes name (the alert shows it): a
 * series whose job_name is a shell command never fires, whoever wrote it.
 */
export function failedRunSinceLastSuccess(settings: AlertSettings, namespace: string, name: string): string {
  const ns = { namespace };
  const jobName = ['job_name'];
  const failed = `(max by (namespace, job_name) (${kubeSelector(settings, 'kube_job_failed', { ...ns, condition: 'true' }, jobName)}) == 1)`;
  const owned = `max by (namespace, job_name) (${kubeSelector(settings, 'kube_job_owner', { ...ns, owner_kind: 'CronJob', owner_name: name }, jobName)})`;
  const started = kubeSelector(settings, 'kube_job_status_start_time', ns, jobName);
  const cronJob = { namespace, cronjob: name };
  const lastSuccess = `max by (namespace) (${kubeSelector(settings, 'kube_cronjob_status_last_successful_time', cronJob)} or ${kubeSelector(settings, 'kube_cronjob_created', cronJob)} * 0)`;
  return `max by (namespace, job_name) (${started} * on (namespace, job_name) group_left () ${failed} * on (namespace, job_name) group_left () ${owned})`
    + ` > on (namespace) group_left () ${lastSuccess}`;
}
