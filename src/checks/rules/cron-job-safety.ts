import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `cron-job-safety` (error): cronJobs have a starting deadline, no overlapping runs and no TTL on
 * their jobs.
 *
 * Suppress it with `HardeningChecks.suppress(scope, CronJobSafetyRule.ID, reason)`.
 */
export class CronJobSafetyRule extends HardeningRule {
  /** The rule's id: `cron-job-safety`. */
  public static readonly ID = 'cron-job-safety';

  public readonly id = CronJobSafetyRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'CronJobs set startingDeadlineSeconds and concurrencyPolicy Forbid or Replace, and leave ttlSecondsAfterFinished off their job template';
  public readonly rationale = 'without a deadline a controller outage can stop the schedule for good; overlapping runs fight over the same data; '
    + 'a TTL deletes the jobs the history limits are meant to keep';
  public readonly source = 'kube-score cronjob-has-deadline; kube-linter job-ttl-seconds-after-finished';
  public readonly fix = 'set startingDeadlineSeconds and concurrencyPolicy: Forbid; remove ttlSecondsAfterFinished from the job template';

  public check(manifest: any, _manifests: any[]): string[] {
    if (manifest.kind !== 'CronJob') return [];
    const spec = manifest.spec ?? {};
    const problems: string[] = [];
    if (spec.startingDeadlineSeconds === undefined) problems.push('startingDeadlineSeconds is unset');
    if (spec.concurrencyPolicy !== 'Forbid' && spec.concurrencyPolicy !== 'Replace') problems.push(`concurrencyPolicy is ${spec.concurrencyPolicy ?? 'unset (Allow)'}`);
    if (spec.jobTemplate?.spec?.ttlSecondsAfterFinished !== undefined) problems.push('its job template sets ttlSecondsAfterFinished');
    return problems;
  }
}
