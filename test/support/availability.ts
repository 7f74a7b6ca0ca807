/**
 * Availability guarantees checked over a whole set of manifests: every Deployment rolls out
 * without losing capacity and is protected by exactly one disruption budget that lets a
 * drain proceed. Used by the tests and, through scripts/validate-manifests.ts, on the example.
 */
export function availabilityProblems(objects: any[]): string[] {
  const problems: string[] = [];
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const id = `Deployment/${deployment.metadata.name}`;
    const replicas = deployment.spec.replicas ?? 1;
    const strategy = deployment.spec.strategy ?? {};
    if (strategy.type !== 'RollingUpdate') problems.push(`${id}: strategy must be RollingUpdate, got ${strategy.type}`);
    if (strategy.rollingUpdate?.maxUnavailable !== 0) problems.push(`${id}: maxUnavailable must be 0, got ${strategy.rollingUpdate?.maxUnavailable}`);
    if (replicas < 2) problems.push(`${id}: replicas must be at least 2, got ${replicas}`);

    const podLabels = deployment.spec.template.metadata?.labels ?? {};
    const covering = budgets.filter((b) => sameNamespace(b, deployment) && selects(b.spec?.selector, podLabels));
    if (covering.length !== 1) {
      problems.push(`${id}: exactly one PodDisruptionBudget must select its pods, found ${covering.length}`);
      continue;
    }
    const budget = covering[0];
    const bid = `PodDisruptionBudget/${budget.metadata.name}`;
    if (budget.apiVersion !== 'policy/v1') problems.push(`${bid}: apiVersion must be policy/v1, got ${budget.apiVersion}`);
    if (budget.spec.unhealthyPodEvictionPolicy !== 'AlwaysAllow') problems.push(`${bid}: unhealthyPodEvictionPolicy must be AlwaysAllow`);
    const allowed = allowedDisruptions(budget.spec, replicas);
    if (allowed < 1) problems.push(`${bid}: must allow at least one disruption of ${replicas} replicas, allows ${allowed}`);
  }
  return problems;
}

function sameNamespace(a: any, b: any): boolean {
  return (a.metadata?.namespace ?? '') === (b.metadata?.namespace ?? '');
}

/** Label selector semantics (an empty selector selects everything in policy/v1). */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const ok = e.operator === 'In' ? has && e.values.includes(labels[e.key])
      : e.operator === 'NotIn' ? !has || !e.values.includes(labels[e.key])
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

function allowedDisruptions(spec: any, replicas: number): number {
  const pods = (v: number | string) => typeof v === 'number' ? v : Math.ceil((parseFloat(v) * replicas) / 100);
  if (spec.maxUnavailable !== undefined) return pods(spec.maxUnavailable);
  if (spec.minAvailable !== undefined) return replicas - pods(spec.minAvailable);
  return 0;
}
