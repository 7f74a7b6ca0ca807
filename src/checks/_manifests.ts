/** Helpers the rules share for reading synthesized objects. */

export interface PodTemplate {
  /** Labels of the pods. */
  readonly labels: Record<string, string>;
  readonly spec: any;
}

/** Kinds whose pods run until they are replaced, as opposed to batch pods. */
export const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

export function podTemplateOf(obj: any): PodTemplate | undefined {
  switch (obj?.kind) {
    case 'Pod':
      return { labels: obj.metadata?.labels ?? {}, spec: obj.spec ?? {} };
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      return { labels: obj.spec?.template?.metadata?.labels ?? {}, spec: obj.spec?.template?.spec ?? {} };
    case 'CronJob':
      return { labels: obj.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {}, spec: obj.spec?.jobTemplate?.spec?.template?.spec ?? {} };
    default:
      return undefined;
  }
}

export function isLongRunning(obj: any): boolean {
  return LONG_RUNNING.has(obj?.kind);
}

/** Init containers and containers, each with a readable name. */
export function containersOf(spec: any): Array<{ container: any; name: string }> {
  return [
    ...(spec?.initContainers ?? []).map((c: any) => ({ container: c, name: `init container ${c.name}` })),
    ...(spec?.containers ?? []).map((c: any) => ({ container: c, name: `container ${c.name}` })),
  ];
}

/**
 * Every image an object runs, with a readable name: the containers of its pod template, and the
 * three pods of a k6-operator TestRun (k6.io/v1alpha1 `spec.initializer`, `spec.starter` and
 * `spec.runner`, each a pod spec with one `image`), which no pod template shows. An image left out
 * is the empty string: the operator's default applies.
 */
export function imagesOf(obj: any): Array<{ image: string; name: string }> {
  const containers = containersOf(podTemplateOf(obj)?.spec).map(({ container, name }) => ({ image: String(container.image ?? ''), name }));
  if (obj?.kind !== 'TestRun' || !String(obj.apiVersion ?? '').startsWith('k6.io/')) return containers;
  return ['initializer', 'starter', 'runner']
    .filter((pod) => obj.spec?.[pod] !== undefined)
    .map((pod) => ({ image: String(obj.spec[pod].image ?? ''), name: `TestRun ${pod}` }));
}

/** Label selector semantics; an empty or missing selector matches nothing here. */
export function selectorMatches(selector: any, labels: Record<string, string>): boolean {
  const matchLabels = selector?.matchLabels ?? {};
  const expressions = selector?.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  for (const e of expressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const ok = e.operator === 'In' ? has && (e.values ?? []).includes(labels[e.key])
      : e.operator === 'NotIn' ? !has || !(e.values ?? []).includes(labels[e.key])
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

export function sameNamespace(a: any, b: any): boolean {
  return (a?.metadata?.namespace ?? '') === (b?.metadata?.namespace ?? '');
}

/** Effective replicas of a workload (Kubernetes defaults to 1). */
export function replicasOf(obj: any): number {
  return typeof obj?.spec?.replicas === 'number' ? obj.spec.replicas : 1;
}

/** Pods a PDB value stands for (percentages round up, as the disruption controller does). */
export function podsOf(value: number | string, replicas: number): number {
  return typeof value === 'number' ? value : Math.ceil((parseFloat(value) * replicas) / 100);
}

/** Whether a container's probe port is declared by the container (number or name). */
export function declaresPort(container: any, port: number | string | undefined): boolean {
  if (port === undefined) return true;
  // port is defined here, so a port without a name never matches by name
  return (container.ports ?? []).some((p: any) => p.containerPort === port || p.name === port);
}
