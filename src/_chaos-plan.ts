import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { invalidProp } from './_errors';
import { assertPinnedImage } from './_image';
import { dnsEgress } from './_network-policy';
import {
  assertCidr, assertDnsLabel, assertDnsSubdomain, assertLabels, assertNoControlCharacters, assertPort, assertWholeNumber, wholeSeconds,
} from './_validate';
import type { ChaosExperimentProps } from './chaos-experiment';
import type { RecoverySla } from './recovery-sla';

/** A PodDisruptionBudget that selects the target's pods. */
export interface ChaosTargetBudget {
  readonly name: string;
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
}

/** What the plan needs to know of the target Deployment (read by the construct: _chaos-target.ts). */
export interface ChaosTargetInfo {
  readonly name: string;
  /** Construct path, for messages. */
  readonly path: string;
  readonly namespace?: string;
  readonly matchLabels: Record<string, string>;
  /** spec.replicas and spec.progressDeadlineSeconds as synthesized (the API's defaults when left out). */
  readonly replicas: number;
  readonly progressDeadlineSeconds: number;
  /** The disruption budgets of the target's namespace that select its pods. */
  readonly budgets: ChaosTargetBudget[];
  /**
   * For a HardenedDeployment: its container port (none for a worker), the path of an HTTP readiness
   * probe on that port, Service URL, NetworkPolicy name and egress rules.
   */
  readonly hardened?: {
    readonly port?: number;
    readonly readinessPath?: string;
    readonly serviceUrl?: string;
    readonly networkPolicyName?: string;
    readonly networkPolicyEgress?: any[];
  };
}

/** The scenarios, as the values of ChaosScenario (kept here as strings to avoid an import cycle). */
const API_KILL = 'api-kill';
const NATS_KILL = 'nats-kill';
const NETWORK_BLOCK = 'network-block';
export const OBSERVABILITY_BLOCK = 'observability-block';
/** The scenarios whose verdict is that every probe of the health URL answered (_chaos-probed-plan.ts). */
export const PROBED_SCENARIOS = ['rollout', 'drain', OBSERVABILITY_BLOCK];

export const DAY = 86400;
export const MAX_RECOVERY_TIMEOUT = 7 * DAY;
export const MAX_HOLD = DAY;
const MAX_POLL = 3600;
const MAX_HEALTH_SUCCESSES = 100;

/** Everything a ChaosExperiment emits, checked and computed from its props. */
export interface ChaosPlan {
  readonly image: string;
  readonly activeDeadlineSeconds: number;
  readonly ttlSeconds: number;
  /** Literal environment of the scenario script. */
  readonly env: Record<string, string>;
  /** Rules of the Role that lets the Job act on its target, ending with the removal of its own RoleBinding. */
  readonly rules: kplus.k8s.PolicyRule[];
  /** Namespace of that Role and its RoleBinding; undefined: the experiment's (the chart's, or the one applied in). */
  readonly accessNamespace?: string;
  /**
   * Name of that Role and its RoleBinding: the Job's name, or `<experiment namespace>.<Job name>`
   * in another namespace, where experiments of several namespaces must not share (and delete) one.
   */
  readonly accessName: string;
  /** The experiment's own namespace, when the manifests say it. */
  readonly ownNamespace?: string;
  /** Egress of the Job's pod besides DNS: the probed pods and the API server. */
  readonly egress: kplus.k8s.NetworkPolicyEgressRule[];
}

/**
 * Checks a ChaosExperiment's props (every message names the prop, what is allowed and the value)
 * and works out its environment, RBAC and network access. `name` is the Job's name.
 */
export function planChaosExperiment(props: ChaosExperimentProps, sla: RecoverySla, name: string, ownNamespace: string | undefined,
  target: ChaosTargetInfo | undefined): ChaosPlan {
  const scenario: string = props.scenario;
  const image = checkJob(props, name);
  if (sla.maxRecovery === undefined) {
    throw invalidProp('sla', `have a recovery time for ${scenario} (graceful degradation has none to measure)`, sla.name);
  }
  const slaSeconds = wholeSeconds('sla', sla.maxRecovery, 1, DAY);
  const timeout = props.recoveryTimeout === undefined ? slaSeconds * 3
    : wholeSeconds('recoveryTimeout', props.recoveryTimeout, slaSeconds, MAX_RECOVERY_TIMEOUT, ': at least the SLA, or a slow recovery reads as a timeout');
  const poll = pollSeconds(props);
  const healthSuccesses = props.healthSuccesses ?? 3;
  assertWholeNumber('healthSuccesses', healthSuccesses, 1, '', MAX_HEALTH_SUCCESSES);
  if ((healthSuccesses - 1) * poll >= timeout) {
    // blame what the user set: with every default, a short SLA leaves no room for the answers
    const room = `${healthSuccesses} healthy answers ${poll} seconds apart within the recovery timeout (${timeout} seconds)`;
    if (props.healthSuccesses !== undefined) throw invalidProp('healthSuccesses', `fit ${room}`, healthSuccesses);
    if (props.pollInterval !== undefined) throw invalidProp('pollInterval', `let ${room}`, props.pollInterval);
    if (props.recoveryTimeout !== undefined) throw invalidProp('recoveryTimeout', `leave room for ${room}`, props.recoveryTimeout);
    throw invalidProp('sla', `leave room for ${room}, 3 times the SLA by default: set recoveryTimeout or a longer SLA`, sla.maxRecovery);
  }
  if (scenario !== NETWORK_BLOCK && props.holdTime !== undefined) {
    throw invalidProp('holdTime', 'be left out: it applies to network-block and observability-block only', scenario);
  }
  if (scenario !== NETWORK_BLOCK && props.direction !== undefined) {
    throw invalidProp('direction', 'be left out: it applies to network-block only', scenario);
  }
  const hold = scenario === NETWORK_BLOCK ? wholeSeconds('holdTime', props.holdTime ?? Duration.seconds(60), 1, MAX_HOLD) : 0;
  const activeDeadlineSeconds = props.activeDeadline === undefined ? hold + timeout + 300 : wholeSeconds('activeDeadline', props.activeDeadline, 1);
  if (hold >= activeDeadlineSeconds) {
    throw invalidProp('holdTime', `be below the Job deadline (${props.activeDeadline!.toHumanString()})`, props.holdTime);
  }
  if (hold + timeout >= activeDeadlineSeconds) {
    throw invalidProp('activeDeadline', `exceed holdTime + recoveryTimeout (${hold + timeout} seconds) so the verdict comes before the kill`, props.activeDeadline);
  }
  const ttlSeconds = ttlAfterFinishedSeconds(props);
  const apiServer = apiServerEgress(props);

  const env: Record<string, string> = {
    SLA_SECONDS: String(slaSeconds),
    TIMEOUT_SECONDS: String(timeout),
    POLL_SECONDS: String(poll),
    HEALTH_SUCCESSES: String(healthSuccesses),
  };
  const nats = scenario === NATS_KILL ? natsPlan(props, ownNamespace) : undefined;
  const accessName = nats?.crossNamespace ? `${ownNamespace}.${name}` : name;
  env.ACCESS_BINDING = accessName;
  const revoke = revokeRule(accessName);
  const plan = { image, activeDeadlineSeconds, ttlSeconds, env, ownNamespace, accessName };

  if (nats) {
    Object.assign(env, nats.env);
    return {
      ...plan,
      accessNamespace: nats.accessNamespace,
      rules: [
        { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: [props.nats!.statefulSetName], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] },
        revoke,
      ],
      egress: [dnsEgress(props.dnsResolver), apiServer, nats.egress],
    };
  }

  const checked = checkTarget(props, target, ownNamespace);
  Object.assign(env, checked.env);
  const egress = [dnsEgress(props.dnsResolver), apiServer, ...checked.healthEgress];
  const deployment = deploymentRule(checked.target.name, ['get']);

  if (scenario === API_KILL) {
    return { ...plan, rules: [deployment, { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] }, revoke], egress };
  }
  const policy = targetPolicy(checked.target, 'for network-block: the partition switches that policy to deny and back');
  // ChaosDirection's values are the words the script takes: Ingress, Egress, Both
  Object.assign(env, { HOLD_SECONDS: String(hold), DIRECTION: props.direction ?? 'Both', TARGET_POLICY: policy });
  return {
    ...plan,
    rules: [
      deployment,
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      policyRule(policy),
      revoke,
    ],
    egress,
  };
}

/** The checks of every experiment's Job: its image (returned) and name, and props of other scenarios. */
export function checkJob(props: ChaosExperimentProps, name: string): string {
  const image = props.image ?? 'alpine/k8s:1.28.13';
  assertPinnedImage('image', image);
  assertDnsLabel('metadata.name', name, 63, ' (a Job name: its pods carry it in a label)');
  if (props.observabilityEgress !== undefined && props.scenario !== OBSERVABILITY_BLOCK) {
    throw invalidProp('observabilityEgress', 'be left out: it applies to observability-block only', props.scenario);
  }
  return image;
}

export function pollSeconds(props: ChaosExperimentProps): number {
  return wholeSeconds('pollInterval', props.pollInterval ?? Duration.seconds(2), 1, MAX_POLL);
}

export function ttlAfterFinishedSeconds(props: ChaosExperimentProps): number {
  return wholeSeconds('ttlAfterFinished', props.ttlAfterFinished ?? Duration.days(1), 0);
}

/** The last rule of every Role: the Job deletes its own RoleBinding, that one name. */
export function revokeRule(accessName: string): kplus.k8s.PolicyRule {
  return { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], resourceNames: [accessName], verbs: ['delete'] };
}

export function deploymentRule(name: string, verbs: string[]): kplus.k8s.PolicyRule {
  return { apiGroups: ['apps'], resources: ['deployments'], resourceNames: [name], verbs };
}

export function policyRule(name: string): kplus.k8s.PolicyRule {
  return { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], resourceNames: [name], verbs: ['get', 'patch'] };
}

/** The target's own NetworkPolicy, which network-block and observability-block switch; `why` ends the message. */
export function targetPolicy(target: ChaosTargetInfo, why: string): string {
  const policy = target.hardened?.networkPolicyName;
  if (!policy) throw invalidProp('target', `be a HardenedDeployment with its NetworkPolicy ${why}`, target.path);
  return policy;
}

/**
 * The checks every scenario with a target shares, and what follows from them: the script's
 * target settings (TARGET_DEPLOYMENT, TARGET_SELECTOR, HEALTH_URL) and the egress to the probed pods.
 */
export function checkTarget(props: ChaosExperimentProps, target: ChaosTargetInfo | undefined, ownNamespace: string | undefined) {
  const scenario: string = props.scenario;
  if (props.nats) throw invalidProp('nats', `be left out for ${scenario} (it targets \`target\`)`, scenario);
  if (!target) throw invalidProp('target', `be given for ${scenario}: the Deployment to disrupt`, undefined);
  if (target.namespace !== ownNamespace) {
    throw invalidProp('target', `live in the experiment's namespace (${ownNamespace ?? 'the default'}): the Role is namespaced`, target.namespace ?? 'the default');
  }
  if (Object.keys(target.matchLabels).length === 0) {
    throw invalidProp('target', 'select pods by at least one label: an empty selector matches every pod in the namespace', target.path);
  }
  const healthUrl = props.healthUrl ?? defaultHealthUrl(target);
  if (healthUrl !== undefined) assertHealthUrl(healthUrl);
  return {
    target,
    healthUrl,
    env: {
      TARGET_DEPLOYMENT: target.name,
      TARGET_SELECTOR: Object.entries(target.matchLabels).map(([k, v]) => `${k}=${v}`).join(','),
      HEALTH_URL: healthUrl ?? '',
    },
    healthEgress: healthEgress(props, target, healthUrl),
  };
}

export function apiServerEgress(props: ChaosExperimentProps): kplus.k8s.NetworkPolicyEgressRule {
  const apiServer = props.apiServer;
  if (!apiServer || !Array.isArray(apiServer.cidrs) || apiServer.cidrs.length === 0) {
    throw invalidProp('apiServer.cidrs', 'list the addresses of the Kubernetes API server endpoints (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes)', apiServer?.cidrs);
  }
  apiServer.cidrs.forEach((cidr) => assertCidr('apiServer.cidrs', cidr));
  assertPort('apiServer.port', apiServer.port);
  return {
    to: apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: [{ port: kplus.k8s.IntOrString.fromNumber(apiServer.port), protocol: 'TCP' }],
  };
}

function natsPlan(props: ChaosExperimentProps, ownNamespace: string | undefined) {
  if (props.target || props.healthUrl || props.healthEgress) {
    throw invalidProp(props.target ? 'target' : props.healthUrl ? 'healthUrl' : 'healthEgress', 'be left out for nats-kill (it targets `nats`)', NATS_KILL);
  }
  const nats = props.nats;
  if (!nats) throw invalidProp('nats', 'be given for nats-kill', undefined);
  assertDnsSubdomain('nats.statefulSetName', nats.statefulSetName);
  assertLabels('nats.podLabels', nats.podLabels);
  const port = nats.monitorPort ?? 8222;
  assertPort('nats.monitorPort', port);
  let accessNamespace: string | undefined;
  const env: Record<string, string> = {
    NATS_STATEFULSET: nats.statefulSetName,
    NATS_MONITOR_PORT: String(port),
    NATS_PREFER_LEADER: String(nats.killMetaLeader ?? true),
  };
  if (nats.namespaceName !== undefined) {
    assertDnsLabel('nats.namespaceName', nats.namespaceName);
    if (ownNamespace === undefined) {
      throw invalidProp('nats.namespaceName', 'be left out unless the experiment\'s namespace is known (a namespace on the chart or in metadata): '
        + 'the RoleBinding in the NATS namespace must name the ServiceAccount with its namespace', nats.namespaceName);
    }
    accessNamespace = nats.namespaceName;
    Object.assign(env, { NATS_NAMESPACE: nats.namespaceName, ACCESS_NAMESPACE: nats.namespaceName });
  }
  const crossNamespace = nats.namespaceName !== undefined && nats.namespaceName !== ownNamespace;
  const egress: kplus.k8s.NetworkPolicyEgressRule = {
    to: [{
      podSelector: { matchLabels: { ...nats.podLabels } },
      ...(crossNamespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': nats.namespaceName! } } } : {}),
    }],
    ports: [{ port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' }],
  };
  return { env, accessNamespace, crossNamespace, egress };
}

/** A HardenedDeployment's Service URL and the path of its HTTP readiness probe on the Service's port. */
function defaultHealthUrl(target: ChaosTargetInfo): string | undefined {
  const serviceUrl = target.hardened?.serviceUrl;
  const path = target.hardened?.readinessPath;
  return serviceUrl && path ? `${serviceUrl}${path}` : undefined;
}

/** Where the health probes go: `healthEgress`, else a HardenedDeployment's pods on its container port. */
function healthEgress(props: ChaosExperimentProps, target: ChaosTargetInfo, healthUrl: string | undefined): kplus.k8s.NetworkPolicyEgressRule[] {
  if (props.healthEgress !== undefined) {
    if (healthUrl === undefined) throw invalidProp('healthEgress', 'be left out without a health URL to probe', 'given');
    return props.healthEgress.map((rule) => rule._toKube());
  }
  if (healthUrl === undefined) return [];
  if (!target.hardened) {
    throw invalidProp('healthEgress', 'be given with a healthUrl for a target that is not a HardenedDeployment: the Job\'s NetworkPolicy must know where the health URL leads', undefined);
  }
  if (target.hardened.port === undefined) {
    throw invalidProp('healthEgress', 'be given with a healthUrl for a HardenedDeployment that serves no port (a worker): the Job\'s NetworkPolicy must know where the health URL leads', undefined);
  }
  return [{
    to: [{ podSelector: { matchLabels: { ...target.matchLabels } } }],
    ports: [{ port: kplus.k8s.IntOrString.fromNumber(target.hardened.port), protocol: 'TCP' }],
  }];
}

/**
 * A health URL curl fetches as written: http(s), a host name, an IPv4 address or a bracketed IPv6
 * address, an optional port, and a path and query of RFC 3986 characters only. Braces and
 * brackets outside the host are refused (they are not URL characters, and curl would glob them
 * without -g); spaces, quotes and control characters too: percent-encode them.
 */
export function assertHealthUrl(url: string): void {
  assertNoControlCharacters('healthUrl', url);
  const match = /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?)(:(\d{1,5}))?(\/[-A-Za-z0-9._~!$&'()*+,;=:@/?%]*)?$/.exec(url);
  const encodedOk = !/%(?![0-9A-Fa-f]{2})/.test(url);
  const portOk = match !== null && (match[4] === undefined || (Number(match[4]) >= 1 && Number(match[4]) <= 65535));
  if (!match || !encodedOk || !portOk) {
    throw invalidProp('healthUrl', 'be an http:// or https:// URL with a host, an optional port and a path of URL characters '
      + '(percent-encode spaces, quotes, braces and brackets), such as "http://orders-api.orders.svc/readyz"', url);
  }
}
