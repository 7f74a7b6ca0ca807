import {
  AlertSettings, alertingRule, AlertSeverity, humanDuration, kubeSelector, promDuration, qualified, RuleGroupSpec,
} from './_prometheus-rule';

/** What the Deployment alerts read from the synthesized objects. */
export interface DeploymentTarget {
  readonly namespace: string;
  /** The synthesized Deployment. */
  readonly deployment: any;
  /** Names of the PodDisruptionBudgets that select its pods. */
  readonly budgets: string[];
  readonly unavailableForSeconds: number;
  readonly drainWindowSeconds: number;
  readonly restartWindowSeconds: number;
  readonly restarts: number;
}

/**
 * Rules for a HardenedDeployment, from kube-state-metrics v2.20.0: docs/metrics/workload/deployment-metrics.md
 * (kube_deployment_status_condition with condition/status, kube_deployment_spec_replicas,
 * kube_deployment_status_replicas_updated, kube_deployment_status_replicas_available,
 * kube_deployment_spec_paused), policy/poddisruptionbudget-metrics.md
 * (kube_poddisruptionbudget_status_pod_disruptions_allowed), pod-metrics.md
 * (kube_pod_container_status_restarts_total, kube_pod_container_status_last_terminated_reason,
 * kube_pod_owner) and replicaset-metrics.md (kube_replicaset_owner). Every selector names the
 * Deployment's own namespace and name, and kube-state-metrics' scrape job; each side is aggregated
 * by its identifying labels so several kube-state-metrics replicas do not duplicate alerts.
 *
 * The restart and OOM alerts are about a pod and a container only known when they fire: their
 * summaries show `pod` and `container`, which every selector carrying them matches against the
 * Kubernetes name pattern (a series with a pod or container named like a shell command never fires,
 * whoever exposed it). The runbooks name the Deployment's pods by its selector, known at synth
 * time, and leave `<pod>` and `<container>` placeholders where one pod is meant.
 */
export function deploymentRules(settings: AlertSettings, target: DeploymentTarget): RuleGroupSpec {
  const { namespace, deployment } = target;
  const name: string = deployment.metadata.name;
  const progressDeadline: number = deployment.spec.progressDeadlineSeconds ?? 600;
  const ids = { namespace, deployment: name };
  const byDeployment = (metric: string, extra: Record<string, string> = {}) => `max by (namespace, deployment) (${kubeSelector(settings, metric, { ...ids, ...extra })})`;
  const object = `Deployment ${qualified(namespace, name)}`;
  const window = promDuration(target.restartWindowSeconds);
  const podAndContainer = ['pod', 'container'];
  const restarts = `max by (namespace, pod, container) (increase(${kubeSelector(settings, 'kube_pod_container_status_restarts_total', { namespace }, podAndContainer)}[${window}]))`;
  const limits = deployment.spec.template.spec.containers
    .map((c: any) => `${c.name} ${c.resources?.limits?.memory ?? 'no limit'}`).join(', ');
  const pods = Object.entries(deployment.spec.selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
  const rolloutSteps = [
    `kubectl -n ${namespace} rollout status deployment/${name} --timeout=10s`,
    `kubectl -n ${namespace} describe deployment ${name}`,
    `kubectl -n ${namespace} get pods -l ${pods} -o wide`,
  ];
  const ownPods = podsOf(settings, namespace, name);

  const rules = [
    alertingRule(
      settings, 'HardenedDeploymentRolloutStuck',
      `(${byDeployment('kube_deployment_status_condition', { condition: 'Progressing', status: 'false' })} == 1)`
      + ` or (min_over_time((${byDeployment('kube_deployment_spec_replicas')} - ${byDeployment('kube_deployment_status_replicas_updated')})[${promDuration(progressDeadline)}:1m]) > 0`
      + ` unless on (namespace, deployment) (${byDeployment('kube_deployment_spec_paused')} == 1))`,
      60, AlertSeverity.WARNING, {
        summary: `Rollout of ${object} is stuck`,
        description: `${object} has not finished its rollout within its progress deadline (${humanDuration(progressDeadline)}): its Progressing `
          + 'condition is False (ProgressDeadlineExceeded), or fewer pods run the new template than desired for that long. With maxUnavailable 0 '
          + 'the old pods keep serving; the new ones do not become ready (image, probes, crash, resources, scheduling).',
        runbook: [...rolloutSteps, `kubectl -n ${namespace} rollout undo deployment/${name}`],
      },
    ),
    alertingRule(
      settings, 'HardenedDeploymentReplicasUnavailable',
      `${byDeployment('kube_deployment_status_replicas_available')} < ${byDeployment('kube_deployment_spec_replicas')}`,
      target.unavailableForSeconds, AlertSeverity.WARNING, {
        summary: `${object} has fewer available pods than desired`,
        description: `Only {{ $value }} pods of ${object} have been available for ${humanDuration(target.unavailableForSeconds)}, fewer than `
          + 'desired: one more failure or drain can take the API down.',
        runbook: rolloutSteps,
      },
    ),
    ...target.budgets.map((budget) => alertingRule(
      settings, 'HardenedDeploymentBudgetBlocksDrain',
      `max by (namespace, poddisruptionbudget) (${kubeSelector(settings, 'kube_poddisruptionbudget_status_pod_disruptions_allowed', { namespace, poddisruptionbudget: budget })}) == 0`,
      target.drainWindowSeconds, AlertSeverity.WARNING, {
        summary: `PodDisruptionBudget ${qualified(namespace, budget)} has allowed no disruption for ${humanDuration(target.drainWindowSeconds)}`,
        description: `PodDisruptionBudget ${qualified(namespace, budget)} of ${object} allows 0 disruptions: node drains (upgrades, autoscaler `
          + 'scale-down) wait on its pods until pods become ready again or the budget is changed.',
        runbook: [
          `kubectl -n ${namespace} get pdb ${budget}`,
          `kubectl -n ${namespace} get pods -l ${pods} -o wide`,
          `kubectl -n ${namespace} describe deployment ${name}`,
        ],
      },
    )),
    alertingRule(
      settings, 'HardenedDeploymentPodRestarting',
      `${restarts} >= ${target.restarts} and on (namespace, pod) ${ownPods}`,
      300, AlertSeverity.WARNING, {
        summary: `Pod {{ $labels.pod }} of ${object} keeps restarting`,
        description: `Container {{ $labels.container }} of pod ${namespace}/{{ $labels.pod }} (${object}) restarted {{ $value | humanize }} times in `
          + `${humanDuration(target.restartWindowSeconds)}: a crash, a failing liveness probe or a resource limit.`,
        runbook: [
          `kubectl -n ${namespace} get pods -l ${pods} -o wide`,
          `kubectl -n ${namespace} describe pod <pod>`,
          `kubectl -n ${namespace} logs <pod> -c <container> --previous`,
        ],
      },
    ),
    alertingRule(
      settings, 'HardenedDeploymentPodOOMKilled',
      `(max by (namespace, pod, container) (${kubeSelector(settings, 'kube_pod_container_status_last_terminated_reason', { namespace, reason: 'OOMKilled' }, podAndContainer)}) == 1)`
      + ` and on (namespace, pod, container) (${restarts} > 0) and on (namespace, pod) ${ownPods}`,
      0, AlertSeverity.WARNING, {
        summary: `Pod {{ $labels.pod }} of ${object} was OOMKilled`,
        description: `Container {{ $labels.container }} of pod ${namespace}/{{ $labels.pod }} (${object}) was killed for exceeding its memory `
          + `limit (${limits}) and restarted in the last ${humanDuration(target.restartWindowSeconds)}. Raise resources.memory or find the leak `
          + '(a soak test shows latency growth).',
        runbook: [
          `kubectl -n ${namespace} get pods -l ${pods} -o wide`,
          `kubectl -n ${namespace} describe pod <pod>`,
          `kubectl -n ${namespace} top pod -l ${pods} --containers`,
        ],
      },
    ),
  ];
  return { name: `hardened-deployment/${qualified(namespace, name)}`, rules };
}

/** The pods of a Deployment: owned by a ReplicaSet that the Deployment owns, with a valid pod name (the alerts show it). */
function podsOf(settings: AlertSettings, namespace: string, name: string): string {
  const replicaSets = `max by (namespace, owner_name) (label_replace(${kubeSelector(settings, 'kube_replicaset_owner', { namespace, owner_kind: 'Deployment', owner_name: name })}, "owner_name", "$1", "replicaset", "(.+)"))`;
  return `max by (namespace, pod) (${kubeSelector(settings, 'kube_pod_owner', { namespace, owner_kind: 'ReplicaSet' }, ['pod'])} * on (namespace, owner_name) group_left () ${replicaSets})`;
}
