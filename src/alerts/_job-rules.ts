import { AlertSettings, alertingRule, AlertSeverity, kubeSelector, qualified, RuleGroupSpec } from './_prometheus-rule';

/** A chaos or soak Job of the library, as synthesized. */
export interface JobTarget {
  readonly namespace: string;
  readonly job: any;
}

/**
 * kube_job_failed{condition="true"} is 1 once the Job has its Failed condition
 * (kube-state-metrics v2.20.0 docs/metrics/workload/job-metrics.md; internal/store/job.go emits one series
 * per condition status). These Jobs never retry (backoffLimit 0): a non-zero exit or the deadline
 * fails them at once. The alert resolves when the Job is deleted (ttlSecondsAfterFinished). The
 * Job's name is known at synth time: the selector names it, and the runbook holds no run-time value.
 */
function jobFailed(settings: AlertSettings, namespace: string, name: string): string {
  return `max by (namespace, job_name) (${kubeSelector(settings, 'kube_job_failed', { namespace, job_name: name, condition: 'true' })}) == 1`;
}

/** The rule for a ChaosExperiment's Job, labelled with its scenario. */
export function chaosRules(settings: AlertSettings, target: JobTarget, scenario: string): RuleGroupSpec {
  const { namespace, job } = target;
  const name: string = job.metadata.name;
  return {
    name: `chaos-experiment/${qualified(namespace, name)}`,
    rules: [alertingRule(settings, 'ChaosExperimentFailed', jobFailed(settings, namespace, name), 60, AlertSeverity.WARNING, {
      summary: `Chaos experiment ${scenario} (Job ${qualified(namespace, name)}) failed`,
      description: `Job ${qualified(namespace, name)} of chaos scenario ${scenario} failed: the service did not recover within its SLA, `
        + 'or the experiment could not run or conclude. The last log line is the result (verdict, recovery time, reason) and the exit code '
        + 'says the same; DeadlineExceeded in the Job status means it ran past activeDeadlineSeconds.',
      runbook: [
        `kubectl -n ${namespace} logs job/${name} | tail -n 1`,
        `kubectl -n ${namespace} describe job ${name}`,
      ],
    }, { scenario })],
  };
}

/** The rule for a SoakJob's Job, labelled with its profile. */
export function soakRules(settings: AlertSettings, target: JobTarget, profile: string): RuleGroupSpec {
  const { namespace, job } = target;
  const name: string = job.metadata.name;
  return {
    name: `soak-job/${qualified(namespace, name)}`,
    rules: [alertingRule(settings, 'SoakTestFailed', jobFailed(settings, namespace, name), 60, AlertSeverity.WARNING, {
      summary: `Soak test ${profile} (Job ${qualified(namespace, name)}) failed`,
      description: `Soak Job ${qualified(namespace, name)} (profile ${profile}) failed: exit 99 is k6's own code for a failed threshold `
        + '(error rate, p95, p99, breaker-open rate); any other failure is the stability verdict (such as latency growth between the early '
        + 'and the late window, a probable leak). DeadlineExceeded in the Job status means the run outlived activeDeadlineSeconds. '
        + 'The log ends with the verdict and its reasons.',
      runbook: [
        `kubectl -n ${namespace} logs job/${name} | tail -n 8`,
        `kubectl -n ${namespace} describe job ${name}`,
      ],
    }, { profile })],
  };
}
