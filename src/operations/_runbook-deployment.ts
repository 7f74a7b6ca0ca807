import { DeploymentEntry } from './_inventory';
import { kubectl, namespaceOf, podSelector, shellWord } from './_kubectl';
import { block, code, doc, table } from './_markdown';
import { probeText } from './_probe';
import { podsOf } from '../checks/_manifests';

/** A HardenedDeployment's section of RUNBOOK.md: rollout, rollback, pause, scale, its budget, troubleshooting. */
export function deploymentRunbook(entry: DeploymentEntry, alertNames: string[]): string {
  const d = entry.deployment.json;
  const name: string = d.metadata.name;
  const ns = namespaceOf(d);
  const k = (...args: string[]) => kubectl(ns, ...args);
  const spec = d.spec;
  // HardenedDeployment always rolls: RollingUpdate with both bounds, and requests and limits for cpu and memory
  const rolling = spec.strategy.rollingUpdate;
  const container = spec.template.spec.containers[0];
  const resource = `deployment/${name}`;
  const selector = podSelector(d);
  const replicas: number = spec.replicas;
  const deadline: number = spec.progressDeadlineSeconds;
  const service = entry.service;
  const unavailable = unavailableDuringRollout(rolling, replicas);

  const facts = [
    `Manifest: ${code(entry.deployment.file)}. Image ${code(container.image)}, ${code(`replicas: ${replicas}`)}.`,
    `Rollout: ${code(spec.strategy.type)} with ${code(`maxSurge: ${rolling.maxSurge}`)} and ${code(`maxUnavailable: ${rolling.maxUnavailable}`)} `
      + `(${unavailable === 0 ? 'a new pod must be ready before an old one stops' : `old pods may stop before new ones are ready, up to ${unavailable} at a time`}), `
      + `${code(`minReadySeconds: ${spec.minReadySeconds}`)}, `
      + `${code(`progressDeadlineSeconds: ${deadline}`)}, ${code(`revisionHistoryLimit: ${spec.revisionHistoryLimit}`)} (the revisions a rollback can go back to).`,
    `Probes on container ${code(container.name)}: readiness ${probeText(container.readinessProbe)}, liveness ${probeText(container.livenessProbe)}.`
      + (service ? ` Service ${code(service.metadata.name)} port ${code(service.spec.ports[0].port)} to ${code(service.spec.ports[0].targetPort)}.` : ''),
    `Pods: ${code(`-l ${selector}`)}.`,
  ];

  return doc([
    `## Deployment ${name}${ns ? ` (namespace ${ns})` : ''}`,
    facts.join('\n'),
    '### Roll out and watch',
    block([
      `kubectl apply -f ${shellWord(entry.deployment.file)}`,
      k('rollout', 'status', resource),
      k('rollout', 'history', resource),
      k('get', 'pods', '-l', selector, '-o', 'wide'),
    ]),
    `${code('rollout status')} returns when every new pod is ready, or fails with ${code(`error: deployment "${name}" exceeded its progress deadline`)} `
      + `after ${deadline} s without progress. `
      + (unavailable === 0
        ? `With ${code(`maxUnavailable: ${rolling.maxUnavailable}`)} the old pods keep serving meanwhile.`
        : `With ${code(`maxUnavailable: ${rolling.maxUnavailable}`)} up to ${unavailable} of the ${replicas} pods may be down meanwhile: fewer pods serve.`),
    '### Roll back',
    'Immediately, to the previous revision:',
    block([k('rollout', 'undo', resource), k('rollout', 'status', resource)]),
    `To a specific revision (the cluster keeps the last ${spec.revisionHistoryLimit}): find it in the history, check its image, then undo to it:`,
    block([
      k('rollout', 'history', resource),
      k('rollout', 'history', resource, '--revision=<revision>'),
      k('rollout', 'undo', resource, '--to-revision=<revision>'),
    ]),
    'A rollback changes the cluster, not the manifests: applying them again rolls forward. Pin the good image in the app and synthesize.',
    '### Pause and resume',
    `Pausing stops a rollout where it is (pods already replaced stay); changes applied while paused wait for ${code('resume')}.`,
    block([k('rollout', 'pause', resource), k('rollout', 'resume', resource)]),
    '### Emergency scale down and back',
    'Scaling is not an eviction: the disruption budget does not stop it. Scaling to 0 stops the service; scale to the manifest\'s replicas to come back.',
    block([
      k('scale', resource, '--replicas=0'),
      k('scale', resource, `--replicas=${replicas}`),
      k('rollout', 'status', resource),
    ]),
    ...budgetSection(entry, k, replicas),
    '### Troubleshooting',
    table(['what you see', 'what it means', 'what to do'], [
      [code(`error: deployment "${name}" exceeded its progress deadline`), `new pods were not ready within ${deadline} s; old pods still serve`,
        `${code(k('describe', resource))}, the new pods' events and logs, then roll back`],
      [code('Readiness probe failed'), `${container.readinessProbe.httpGet ? `a pod answers ${code(container.readinessProbe.httpGet.path)} with an error` : `a pod fails ${probeText(container.readinessProbe)}`}: it gets no traffic`,
        `${code(k('describe', 'pods', '-l', selector))}; the pod's own dependencies (NATS, DNS egress)`],
      [code('Liveness probe failed'), 'the kubelet restarts the container', `${code(k('logs', '-l', selector, '--previous'))}`],
      [code('CrashLoopBackOff'), 'the container exits at start, again and again', `${code(k('logs', '-l', selector, '--previous'))}: configuration, image, egress denied`],
      [code('OOMKilled'), `the container exceeded its memory limit ${code(container.resources.limits.memory)}`, 'raise the limit in the app, or find the leak (SOAK-BASELINE.md)'],
      [code('ImagePullBackOff'), `the image ${code(container.image)} cannot be pulled`, 'check the tag exists and the registry credentials'],
      [code('Insufficient cpu') + ' / ' + code('Insufficient memory'), `no node fits a surge pod (requests cpu ${code(container.resources.requests.cpu)}, memory ${code(container.resources.requests.memory)})`,
        'add capacity; the rollout waits, old pods keep serving'],
    ]),
    alertNames.length > 0 ? `Alerts on this Deployment: ${alertNames.map(code).join(', ')}.` : undefined,
  ]).trimEnd();
}

/**
 * The old pods a rollout stops before their replacements are ready, as the Deployment controller
 * resolves its bounds (ResolveFenceposts): a maxUnavailable percentage rounds down, a maxSurge
 * percentage up, and with both at 0 one pod may go.
 */
function unavailableDuringRollout(rolling: any, replicas: number): number {
  const pods = (value: number | string, round: (n: number) => number) => (typeof value === 'number' ? value : round((parseFloat(value) * replicas) / 100));
  const unavailable = pods(rolling.maxUnavailable, Math.floor);
  return unavailable === 0 && pods(rolling.maxSurge, Math.ceil) === 0 ? 1 : unavailable;
}

function budgetSection(entry: DeploymentEntry, k: (...args: string[]) => string, replicas: number): string[] {
  const budget = entry.budget?.json;
  if (!budget) {
    return ['### Disruption budget', 'No PodDisruptionBudget selects these pods: a node drain may evict all of them at once. Add one (`addDisruptionBudget()`).'];
  }
  const name = budget.metadata.name;
  const min = budget.spec.minAvailable;
  const maxUnavailable = budget.spec.maxUnavailable;
  const allowed = min !== undefined ? replicas - podsOf(min, replicas) : podsOf(maxUnavailable, replicas);
  const rule = min !== undefined ? code(`minAvailable: ${min}`) : code(`maxUnavailable: ${maxUnavailable}`);
  return [
    '### Disruption budget',
    `PodDisruptionBudget ${code(name)} (${code(entry.budget!.file)}): ${rule} of ${replicas} replicas, so a drain evicts at most ${allowed} `
      + `pod${allowed === 1 ? '' : 's'} at a time while the others are healthy; ${code(`unhealthyPodEvictionPolicy: ${budget.spec.unhealthyPodEvictionPolicy}`)}`
      + (budget.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow' ? ' lets a drain evict pods that are not ready, so a broken pod never blocks maintenance.' : '.'),
    block([
      k('get', 'pdb', name),
      k('get', 'pdb', name, "-o jsonpath='{.status.disruptionsAllowed}'"),
    ]),
    `${code('disruptionsAllowed')} is ${allowed} when every pod is ready. 0 means a drain waits (kubectl drain repeats `
      + `${code('Cannot evict pod as it would violate the pod\'s disruption budget.')}): make the pods ready or scale up; do not delete the budget.`,
  ];
}
