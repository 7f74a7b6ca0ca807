import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `job-limits` (error): standalone Jobs are bounded in time, retries and lifetime.
 *
 * Suppress it with `HardeningChecks.suppress(scope, JobLimitsRule.ID, reason)`.
 */
export class JobLimitsRule extends HardeningRule {
  /** The rule's id: `job-limits`. */
  public static readonly ID = 'job-limits';

  public readonly id = JobLimitsRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'Jobs set ttlSecondsAfterFinished, backoffLimit and activeDeadlineSeconds';
  public readonly rationale = 'finished Jobs otherwise pile up forever, a failing Job retries six times by default, and a hung one runs forever';
  public readonly source = 'kube-linter job-ttl-seconds-after-finished';
  public readonly fix = 'set ttlSecondsAfterFinished, backoffLimit and activeDeadlineSeconds';

  public check(manifest: any, _manifests: any[]): string[] {
    if (manifest.kind !== 'Job') return [];
    return ['ttlSecondsAfterFinished', 'backoffLimit', 'activeDeadlineSeconds']
      .filter((field) => manifest.spec?.[field] === undefined)
      .map((field) => `${field} is unset`);
  }
}
