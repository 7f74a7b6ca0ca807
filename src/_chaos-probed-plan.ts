import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ChaosPlan, ChaosTargetBudget, ChaosTargetInfo, MAX_HOLD, MAX_RECOVERY_TIMEOUT, OBSERVABILITY_BLOCK,
  apiServerEgress, checkJob, checkTarget, deploymentRule, policyRule, pollSeconds, revokeRule, targetPolicy, ttlAfterFinishedSeconds,
} from './_chaos-plan';
import { invalidProp } from './_errors';
import { dnsEgress } from './_network-policy';
import { wholeSeconds } from './_validate';
import type { ChaosExperimentProps } from './chaos-experiment';
import { podsOf } from './checks/_manifests';
import type { RecoverySla } from './recovery-sla';

const ROLLOUT = 'rollout';
const DRAIN = 'drain';

/** RBAC cannot narrow a list to names: the scripts list pods (and ReplicaSets) with the target's selector. */
const LIST_PODS: kplus.k8s.PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['list'] };

/**
 * Checks the props of rollout, drain and observability-block, the scenarios whose verdict is that
 * every probe of the health URL answered while the disruption lasted, and works out their
 * environment, RBAC and network access (see planChaosExperiment for the others). `name` is the
 * Job's name.
 */
export function planProbedExperiment(props: ChaosExperimentProps, sla: RecoverySla, name: string, ownNamespace: string | undefined,
  target: ChaosTargetInfo | undefined): ChaosPlan {
  const scenario: string = props.scenario;
  const image = checkJob(props, name);
  if (sla.maxRecovery !== undefined) {
    throw invalidProp('sla', `have no recovery time for ${scenario}: its verdict is that every probe of the health URL answered `
      + '(RecoverySla.ZERO_DOWNTIME or OBSERVABILITY_FAILURE)', sla.name);
  }
  refuseOtherScenariosProps(props);
  const poll = pollSeconds(props);
  const ttlSeconds = ttlAfterFinishedSeconds(props);
  const apiServer = apiServerEgress(props);
  const checked = checkTarget(props, target, ownNamespace);
  if (checked.healthUrl === undefined) {
    throw invalidProp('healthUrl', `be given for ${scenario}: its verdict is that every probe of it answered (a HardenedDeployment with a Service and an HTTP readiness probe on its port has one)`, undefined);
  }
  const blocking = scenario === OBSERVABILITY_BLOCK;
  const hold = blocking ? wholeSeconds('holdTime', props.holdTime ?? Duration.seconds(60), 1, MAX_HOLD) : 0;
  const timeout = blocking ? 0 : rolloutTimeoutSeconds(props, checked.target);
  const plan = {
    image,
    activeDeadlineSeconds: activeDeadlineSeconds(props, hold, timeout),
    ttlSeconds,
    ownNamespace,
    accessName: name,
    egress: [dnsEgress(props.dnsResolver), apiServer, ...checked.healthEgress],
  };
  const env: Record<string, string> = { ...checked.env, POLL_SECONDS: String(poll), ACCESS_BINDING: name };
  const revoke = revokeRule(name);
  const t = checked.target;

  if (scenario === ROLLOUT) {
    return {
      ...plan,
      env: { ...env, TIMEOUT_SECONDS: String(timeout) },
      rules: [deploymentRule(t.name, ['get', 'patch']), { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] }, LIST_PODS, revoke],
    };
  }
  if (scenario === DRAIN) {
    const budget = drainBudget(t);
    return {
      ...plan,
      env: { ...env, TIMEOUT_SECONDS: String(timeout), TARGET_BUDGET: budget },
      rules: [
        deploymentRule(t.name, ['get']),
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], resourceNames: [budget], verbs: ['get'] },
        LIST_PODS,
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        revoke,
      ],
    };
  }
  const policy = targetPolicy(t, 'for observability-block: the block removes the observability egress from that policy and restores it');
  return {
    ...plan,
    env: { ...env, HOLD_SECONDS: String(hold), TARGET_POLICY: policy, OBSERVABILITY_EGRESS: JSON.stringify(observabilityRules(props, t)) },
    rules: [deploymentRule(t.name, ['get']), LIST_PODS, policyRule(policy), revoke],
  };
}

function refuseOtherScenariosProps(props: ChaosExperimentProps): void {
  const scenario: string = props.scenario;
  if (props.healthSuccesses !== undefined) {
    throw invalidProp('healthSuccesses', 'be left out: it applies to the recovery of api-kill, nats-kill and network-block', scenario);
  }
  if (props.direction !== undefined) throw invalidProp('direction', 'be left out: it applies to network-block only', scenario);
  if (scenario === OBSERVABILITY_BLOCK) {
    if (props.recoveryTimeout !== undefined) {
      throw invalidProp('recoveryTimeout', 'be left out for observability-block: it measures the hold time, with nothing to wait for afterwards', scenario);
    }
  } else if (props.holdTime !== undefined) {
    throw invalidProp('holdTime', 'be left out: it applies to network-block and observability-block only', scenario);
  }
}

/**
 * How long rollout and drain wait for every pod to be replaced: by default the target's replicas
 * times its progress deadline (the time the Deployment gives each new pod to become available).
 */
function rolloutTimeoutSeconds(props: ChaosExperimentProps, target: ChaosTargetInfo): number {
  const deadline = target.progressDeadlineSeconds;
  if (props.recoveryTimeout === undefined) return Math.min(Math.max(target.replicas, 1) * deadline, MAX_RECOVERY_TIMEOUT);
  return wholeSeconds('recoveryTimeout', props.recoveryTimeout, Math.min(deadline, MAX_RECOVERY_TIMEOUT), MAX_RECOVERY_TIMEOUT,
    ': at least the target\'s progress deadline, the time it gives a new pod to become available');
}

function activeDeadlineSeconds(props: ChaosExperimentProps, hold: number, timeout: number): number {
  const waited = hold + timeout;
  const seconds = props.activeDeadline === undefined ? waited + 300 : wholeSeconds('activeDeadline', props.activeDeadline, 1);
  // seconds is at least 1: a hold of 0 (rollout, drain) is always below it
  if (hold >= seconds) {
    throw invalidProp('holdTime', `be below the Job deadline (${props.activeDeadline!.toHumanString()})`, Duration.seconds(hold));
  }
  // a hold (observability-block, no timeout) passed the check above: only a recovery timeout can reach the deadline here
  if (waited >= seconds) {
    throw invalidProp('activeDeadline', `exceed recoveryTimeout (${waited} seconds) so the verdict comes before the kill`, props.activeDeadline);
  }
  return seconds;
}

/**
 * The one disruption budget the drain proves: exactly one must select the target's pods (the
 * eviction API refuses pods selected by two), and it must allow a disruption and keep a pod.
 */
function drainBudget(target: ChaosTargetInfo): string {
  const budgets = target.budgets;
  if (budgets.length === 0) {
    throw invalidProp('target', 'have a disruption budget for drain (HardenedDeployment.addDisruptionBudget(), or an ApiPdb selecting its pods '
      + 'in its namespace): without one the evictions take every pod at once', target.path);
  }
  if (budgets.length > 1) {
    throw invalidProp('target', 'be selected by one disruption budget for drain: the eviction API refuses pods selected by more than one', budgets.map((b) => b.name));
  }
  const budget = budgets[0];
  const kept = keptPods(budget, target.replicas);
  if (kept >= target.replicas) {
    throw invalidProp('target', `have a disruption budget that allows a disruption for drain: ${budget.name} keeps ${kept} of its ${target.replicas} pods, `
      + 'so every eviction is refused', target.path);
  }
  if (kept < 1) {
    throw invalidProp('target', `have a disruption budget that keeps at least one pod for drain: ${budget.name} lets all ${target.replicas} pods go at once`, target.path);
  }
  return budget.name;
}

/** The disruption controller's desiredHealthy for the target's replicas (percentages round up). */
function keptPods(budget: ChaosTargetBudget, replicas: number): number {
  if (budget.maxUnavailable !== undefined) return Math.max(0, replicas - podsOf(budget.maxUnavailable, replicas));
  return budget.minAvailable === undefined ? 0 : podsOf(budget.minAvailable, replicas);
}

/** The egress rules to remove, as they appear in the target's NetworkPolicy: each must be one of its rules. */
function observabilityRules(props: ChaosExperimentProps, target: ChaosTargetInfo): Record<string, any>[] {
  const rules = props.observabilityEgress ?? [];
  if (rules.length === 0) {
    throw invalidProp('observabilityEgress', 'name the egress rules of the target\'s NetworkPolicy that lead to the observability stack '
      + '(the EgressRule.toPods or EgressRule.toCidr given to the HardenedDeployment)', props.observabilityEgress);
  }
  // targetPolicy found the target's NetworkPolicy: a HardenedDeployment's, whose egress chaosTargetInfo reads as a list
  const allowed = target.hardened!.networkPolicyEgress!.map(canonicalJson);
  return rules.map((rule) => {
    const json = kplus.k8s.toJson_NetworkPolicyEgressRule(rule._toKube())!;
    if (!allowed.includes(canonicalJson(json))) {
      throw invalidProp('observabilityEgress', 'be egress rules of the target\'s NetworkPolicy (HardenedDeployment egress or addEgressRule, added before the '
        + 'experiment): the block removes exactly those for the hold time', json);
    }
    return json;
  });
}

/** JSON with the keys of every object sorted, to compare rules whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}
