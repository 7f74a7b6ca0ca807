import { AlertSettings, alertingRule, AlertSeverity, kubeSelector, qualified, RuleGroupSpec } from './_prometheus-rule';

/** A chaos or soak Job of the library, as synthesized. */
export interface JobTarget {
  readonly namespace: string;
  readonly job: any;
}

/** The RoleBinding that gives a chaos Job its grants, which the Job deletes when it ends. */
export interface ChaosAccess {
  readonly namespace: string;
  readonly name: string;
  /** Alert when it outlives the Job's runs (kube-state-metrics exports RoleBindings). */
  readonly alert: boolean;
}

/** How long a chaos Job's RoleBinding may stay while no run of the Job is active. */
const ACCESS_LEFT_SECONDS = 900;

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

/**
 * The RoleBinding exists while no pod of the Job is active (pending or running): the Job's script
 * deletes it at its end, so it outlived a run that never started (pull error, quota, admission, a
 * deadline while pending), was SIGKILLed or lost its node, or a re-sync of the chart recreated it.
 * kube_rolebinding_created (kube-state-metrics internal/store/rolebinding.go, experimental) comes
 * only with `--resources` naming rolebindings, which is not among its defaults (pkg/options/resource.go).
 * `unless on()` drops it while the Job, in whatever namespace, has an active pod.
 */
function accessLeftBehind(settings: AlertSettings, namespace: string, job: string, access: ChaosAccess): string {
  const binding = kubeSelector(settings, 'kube_rolebinding_created', { namespace: access.namespace, rolebinding: access.name });
  const active = kubeSelector(settings, 'kube_job_status_active', { namespace, job_name: job });
  return `max by (namespace, rolebinding) (${binding}) unless on() (max(${active}) > 0)`;
}

/** The rules for a ChaosExperiment's Job, labelled with its scenario. */
export function chaosRules(settings: AlertSettings, target: JobTarget, scenario: string, access: ChaosAccess): RuleGroupSpec {
  const { namespace, job } = target;
  const name: string = job.metadata.name;
  const revoke = `kubectl -n ${access.namespace} delete rolebinding ${access.name} --ignore-not-found`;
  const left = () => alertingRule(settings, 'ChaosAccessLeftBehind', accessLeftBehind(settings, namespace, name, access), ACCESS_LEFT_SECONDS, AlertSeverity.WARNING, {
    summary: `Chaos experiment ${scenario} (Job ${qualified(namespace, name)}) left its access: RoleBinding ${qualified(access.namespace, access.name)}`,
    description: `RoleBinding ${qualified(access.namespace, access.name)} still grants the ${scenario} experiment's Role while no run of Job `
      + `${qualified(namespace, name)} is active: the Job deletes it when it ends, so a run that never started, was killed or lost its node left it, `
      + 'or a re-sync of the chart recreated it. Until it is gone, any pod that runs as the experiment\'s ServiceAccount holds the grants. '
      + 'Delete it; keep chaos charts out of what a GitOps controller syncs.',
    runbook: [
      `kubectl -n ${namespace} get job ${name}`,
      revoke,
    ],
  }, { scenario });
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
        // a run that never started or was killed did not revoke its own access
        revoke,
      ],
    }, { scenario }), ...(access.alert ? [left()] : [])],
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
