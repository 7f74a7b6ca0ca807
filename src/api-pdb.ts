import { ApiObjectMetadata, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp } from './_errors';
import { MANAGED_BY } from './_labels';
import { describeNamespace, namespaceOf } from './_namespace';
import { assertDnsSubdomain, assertMetadata, assertPercentOrAbsolute } from './_validate';
import { podsOf } from './checks/_manifests';

/**
 * When the eviction API may evict a pod that is running but not ready.
 */
export enum UnhealthyPodEvictionPolicy {
  /**
   * Unhealthy pods may always be evicted. A crash-looping pod then never blocks a node
   * drain (kube-linter pdb-unhealthy-pod-eviction-policy).
   */
  ALWAYS_ALLOW = 'AlwaysAllow',

  /**
   * Unhealthy pods may be evicted only while the budget is met (the Kubernetes default).
   */
  IF_HEALTHY_BUDGET = 'IfHealthyBudget',
}

/**
 * Options of an {@link ApiPdb}, without the workload.
 */
export interface ApiPdbOptions {
  /**
   * Metadata of the PodDisruptionBudget. The budget lives in the workload's namespace (a budget
   * covers the pods of its own namespace only): a namespace here must be that one.
   *
   * @default - named `<workload name>-pdb`, the name Polaris looks for, in the workload's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Pods that must stay available during voluntary disruptions (drains, upgrades).
   * Must be at least 1 and below the workload's replicas. Mutually exclusive with `maxUnavailable`.
   *
   * @default - PercentOrAbsolute.absolute(1) when `maxUnavailable` is not set
   */
  readonly minAvailable?: kplus.PercentOrAbsolute;

  /**
   * Pods that may be unavailable during voluntary disruptions. Must be at least 1
   * and below the workload's replicas. Mutually exclusive with `minAvailable`.
   *
   * @default - not set; `minAvailable` applies
   */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;

  /**
   * Eviction of running pods that are not ready.
   *
   * @default UnhealthyPodEvictionPolicy.ALWAYS_ALLOW
   */
  readonly unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
}

/**
 * Properties of an {@link ApiPdb}.
 */
export interface ApiPdbProps extends ApiPdbOptions {
  /**
   * The workload to protect: a HardenedDeployment, or any cdk8s-plus Deployment or StatefulSet.
   * The budget selects exactly its pods.
   */
  readonly workload: kplus.Workload;
}

/**
 * A policy/v1 PodDisruptionBudget for a workload.
 *
 * It keeps `minAvailable` pods (1 by default) through node drains while always allowing at
 * least one eviction: budgets that allow none (minAvailable equal to replicas, maxUnavailable 0)
 * deadlock drains and are refused. Unhealthy pods are always evictable, so a crash-looping pod
 * never blocks maintenance.
 */
export class ApiPdb extends Construct {
  /** The PodDisruptionBudget. */
  public readonly apiObject: kplus.k8s.KubePodDisruptionBudget;

  /** The PodDisruptionBudget's name. */
  public readonly name: string;

  /** The replicas the budget was checked against. */
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: ApiPdbProps) {
    // Checked before the construct joins the tree, so a refused budget leaves nothing behind.
    const { workload } = props;
    if (BUDGETED.has(workload)) {
      throw invalidProp('workload', 'have at most one disruption budget: the eviction API refuses pods selected by two', workload.node.path);
    }
    const replicas = replicasOf(workload);
    assertMetadata('metadata', props.metadata);
    assertDnsSubdomain('metadata.name', props.metadata?.name ?? `${workload.name}-pdb`);
    // the workload's, not the chart's: the budget may sit in another chart (or in none with a namespace)
    const namespace = namespaceOf(workload);
    if (props.metadata?.namespace !== undefined && props.metadata.namespace !== namespace) {
      throw invalidProp('metadata.namespace', `be left out or be the workload's namespace ${describeNamespace(namespace)}: `
        + 'a budget covers the pods of its own namespace only', props.metadata.namespace);
    }
    const budget = validateBudget(props, replicas);
    const evictionPolicy = props.unhealthyPodEvictionPolicy ?? UnhealthyPodEvictionPolicy.ALWAYS_ALLOW;
    if (!Object.values(UnhealthyPodEvictionPolicy).includes(evictionPolicy)) {
      throw invalidProp('unhealthyPodEvictionPolicy', `be one of ${Object.values(UnhealthyPodEvictionPolicy).join(', ')}`, evictionPolicy);
    }
    super(scope, id);
    this.replicas = replicas;

    this.apiObject = new kplus.k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: {
        name: `${workload.name}-pdb`,
        ...props.metadata,
        namespace,
        labels: { ...recommendedLabelsOf(workload), ...props.metadata?.labels },
      },
      spec: {
        ...budget,
        unhealthyPodEvictionPolicy: evictionPolicy,
        // Lazy: labels selected on the workload after this budget was created count too.
        selector: Lazy.any({ produce: () => selectorOf(workload) }) as any,
      },
    });
    this.name = this.apiObject.name;
    BUDGETED.add(workload);

    this.node.addValidation({
      validate: () => {
        const selector = selectorOf(workload);
        const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
        return empty ? [`workload ${workload.node.path} must select its pods by label, got an empty selector (a budget with an empty selector covers every pod in the namespace)`] : [];
      },
    });
  }
}

/** Workloads that already have a budget. */
const BUDGETED = new WeakSet<kplus.Workload>();

function replicasOf(workload: kplus.Workload): number {
  // The same defaults cdk8s-plus applies when it renders these workloads.
  let replicas: number;
  if (workload instanceof kplus.Deployment) {
    replicas = workload.replicas ?? 2;
  } else if (workload instanceof kplus.StatefulSet) {
    replicas = workload.replicas ?? 1;
  } else {
    throw invalidProp('workload', 'be a Deployment or a StatefulSet (the workloads a drain evicts through a budget)', workload.node.path);
  }
  if (!Number.isInteger(replicas) || replicas < 2) {
    throw invalidProp('workload', `run at least 2 replicas: with 1 a budget either blocks every drain or protects nothing (${workload.node.path} has ${replicas})`, replicas);
  }
  return replicas;
}

interface Budget {
  readonly minAvailable?: kplus.k8s.IntOrString;
  readonly maxUnavailable?: kplus.k8s.IntOrString;
}

function validateBudget(props: ApiPdbOptions, replicas: number): Budget {
  if (props.minAvailable && props.maxUnavailable) {
    throw invalidProp('minAvailable', 'not be combined with maxUnavailable (set one of them)', `minAvailable ${props.minAvailable.value} and maxUnavailable ${props.maxUnavailable.value}`);
  }
  if (props.minAvailable) assertPercentOrAbsolute('minAvailable', props.minAvailable);
  if (props.maxUnavailable) assertPercentOrAbsolute('maxUnavailable', props.maxUnavailable);
  if (props.maxUnavailable) {
    const pods = podsOf(props.maxUnavailable.value, replicas);
    if (pods < 1) {
      throw invalidProp('maxUnavailable', 'allow at least 1 pod: a budget with zero allowed disruptions blocks every drain', props.maxUnavailable.value);
    }
    if (pods >= replicas) {
      throw invalidProp('maxUnavailable', `be below replicas (${replicas}), or a drain may take every pod down`, props.maxUnavailable.value);
    }
    return { maxUnavailable: toIntOrString(props.maxUnavailable) };
  }
  const minAvailable = props.minAvailable ?? kplus.PercentOrAbsolute.absolute(1);
  const pods = podsOf(minAvailable.value, replicas);
  if (pods < 1) {
    throw invalidProp('minAvailable', 'be at least 1, or the budget protects nothing', minAvailable.value);
  }
  if (pods >= replicas) {
    throw invalidProp('minAvailable', `be below replicas (${replicas}), or drains deadlock with zero allowed disruptions`, minAvailable.value);
  }
  return { minAvailable: toIntOrString(minAvailable) };
}

function toIntOrString(value: kplus.PercentOrAbsolute): kplus.k8s.IntOrString {
  return typeof value.value === 'number' ? kplus.k8s.IntOrString.fromNumber(value.value) : kplus.k8s.IntOrString.fromString(value.value);
}

function selectorOf(workload: kplus.Workload): { matchLabels?: Record<string, string>; matchExpressions?: object[] } {
  const matchExpressions = workload.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: e.values }));
  return {
    matchLabels: workload.matchLabels,
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

function recommendedLabelsOf(workload: kplus.Workload): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(workload.metadata.toJson().labels ?? {})) {
    if (key.startsWith('app.kubernetes.io/')) labels[key] = value as string;
  }
  labels['app.kubernetes.io/managed-by'] ??= MANAGED_BY;
  return labels;
}
