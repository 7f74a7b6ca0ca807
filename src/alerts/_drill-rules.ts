import { manualJobName } from '../_manual-job-name';
import { failedRunSinceLastSuccess, lastSuccessOrCreation, successWindow } from './_backup-rules';
import { AlertSettings, alertingRule, AlertSeverity, humanDuration, qualified, RuleGroupSpec } from './_prometheus-rule';

/** What the drill alerts read from the synthesized CronJob of a NatsRestoreDrill. */
export interface DrillTarget {
  readonly namespace: string;
  readonly cronJob: any;
}

/**
 * Rules for a NatsRestoreDrill: a drill that fails means the newest backup did not restore as
 * recorded (or is older than the backup schedule allows); a drill that has not succeeded for
 * longer than its schedule allows means nobody knows whether the backups restore. The metrics are
 * the backup rules' (kube-state-metrics v2.20.0 cronjob and job metrics).
 */
export function drillRules(settings: AlertSettings, target: DrillTarget): RuleGroupSpec {
  const { namespace, cronJob } = target;
  const name: string = cronJob.metadata.name;
  const { schedule, timeZone, period, margin, window } = successWindow(cronJob);
  const object = `CronJob ${qualified(namespace, name)}`;
  const runNow = `kubectl -n ${namespace} create job --from=cronjob/${name} ${manualJobName(name)}`;
  return {
    name: `nats-restore-drill/${qualified(namespace, name)}`,
    rules: [
      // the summary shows the failed Job's name (a Kubernetes name, or the alert does not fire); the runbook a <job_name> placeholder
      alertingRule(settings, 'NatsRestoreDrillFailed', failedRunSinceLastSuccess(settings, namespace, name), 300, AlertSeverity.CRITICAL, {
        summary: `Restore drill {{ $labels.job_name }} of ${object} failed: the newest backup is not proven to restore`,
        description: `Job ${namespace}/{{ $labels.job_name }} of ${object} failed, and no drill succeeded since it started. Its last log line is `
          + 'the JSON report: "mismatches" lists what the restored server lacks against the backup\'s own records (streams, messages, '
          + 'sequences, consumers, KV keys, objects), "failures" what stopped the drill (checksums, a stale newest backup, no room). '
          + 'Production NATS was never touched.',
        runbook: [`kubectl -n ${namespace} logs job/<job_name> | tail -n 1`, `kubectl -n ${namespace} describe job <job_name>`, runNow],
      }),
      alertingRule(settings, 'NatsRestoreDrillMissing', `time() - ${lastSuccessOrCreation(settings, namespace, name)} > ${window}`, 1800, AlertSeverity.WARNING, {
        summary: `No successful restore drill by ${object} for more than ${humanDuration(window)}`,
        description: `${object} runs "${schedule}" (${timeZone}): at most ${humanDuration(period)} apart, plus ${humanDuration(margin)} for a late `
          + 'start and a slow run. Its last successful drill finished {{ $value | humanizeDuration }} ago (counted from its creation when none '
          + 'succeeded yet): the backups taken since are unproven. A suspended CronJob counts as missing too.',
        runbook: [`kubectl -n ${namespace} get cronjob ${name}`, `kubectl -n ${namespace} get jobs --sort-by=.metadata.creationTimestamp`, runNow],
      }),
    ],
  };
}
