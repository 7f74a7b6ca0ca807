import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { ChaosTargetInfo } from './_chaos-plan';
import { namespaceOf } from './_namespace';
import { serviceUrlOf } from './_service-url';
import { selectorMatches } from './checks/_manifests';
import { HardenedDeployment } from './hardened-deployment';

/**
 * What a chaos experiment needs to know of its target Deployment, read from the construct tree
 * as it stands: names, labels, replicas and progress deadline as they will be synthesized, the
 * disruption budgets that select its pods, and for a HardenedDeployment its port, health URL and
 * NetworkPolicy with its egress rules.
 */
export function chaosTargetInfo(target: kplus.Deployment): ChaosTargetInfo {
  const namespace = namespaceOf(target);
  // the pod template's labels: the selected ones are among them (a workload's selector must match its pods)
  const podLabels: Record<string, string> = { ...target.podMetadata.toJson().labels, ...target.matchLabels };
  const hardened = target instanceof HardenedDeployment ? {
    port: target.port,
    readinessPath: target.readinessPath,
    serviceUrl: serviceUrlOf(target),
    networkPolicyName: target.networkPolicy?.name,
    networkPolicyEgress: target.networkPolicy ? (target.networkPolicy.toJson().spec?.egress ?? []) : undefined,
  } : undefined;
  return {
    name: target.name,
    path: target.node.path,
    namespace,
    matchLabels: target.matchLabels,
    // as cdk8s-plus renders them (replicas 2 unless given; with an autoscaler, it decides)
    replicas: target.replicas ?? 2,
    progressDeadlineSeconds: target.progressDeadline.toSeconds(),
    budgets: budgetsSelecting(target, namespace, podLabels),
    hardened,
  };
}

/**
 * The PodDisruptionBudgets anywhere in the target's app (any chart, made by ApiPdb or not) in
 * the target's namespace whose selector matches its pod labels, as the eviction API matches
 * them (an empty selector matches nothing).
 */
function budgetsSelecting(target: kplus.Deployment, namespace: string | undefined, podLabels: Record<string, string>) {
  return target.node.root.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'PodDisruptionBudget')
    .filter((pdb) => namespaceOf(pdb) === namespace)
    .map((pdb) => ({ name: pdb.name, spec: pdb.toJson().spec ?? {} }))
    .filter((pdb) => selectorMatches(pdb.spec.selector, podLabels))
    .map((pdb) => ({ name: pdb.name, minAvailable: pdb.spec.minAvailable, maxUnavailable: pdb.spec.maxUnavailable }));
}
