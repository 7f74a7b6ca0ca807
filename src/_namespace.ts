import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalidProp } from './_errors';

/**
 * The namespace of a construct: its `metadata.namespace`, else its chart's; undefined when neither
 * names one (then every object lands in the namespace `kubectl apply -n` picks, all together).
 *
 * cdk8s defaults each object to its chart's namespace, never to a sibling's. A construct that
 * handed `metadata.namespace` to its main object only was split: its scripts ConfigMap, claim,
 * NetworkPolicy, Service, budget and RBAC went to the chart's namespace (or none), where whoever
 * creates those names in the target namespace supplies the scripts or the claim, and no policy
 * covers the pods. So every construct resolves its namespace here, once, and hands the result to
 * every object it emits and to every reference to its own namespace (a RoleBinding subject, a
 * Service URL `<service>.<namespace>.svc`, a namespace selector).
 */
export function constructNamespace(scope: IConstruct, metadata: { readonly namespace?: string } | undefined): string | undefined {
  return metadata?.namespace ?? Chart.of(scope).namespace;
}

/** The namespace an existing object or workload (an ApiObject, a cdk8s-plus resource) lands in: the same resolution. */
export function namespaceOf(construct: IConstruct & { readonly metadata: { readonly namespace?: string } }): string | undefined {
  return constructNamespace(construct, construct.metadata);
}

/** How a namespace reads in an error message. */
export function describeNamespace(namespace: string | undefined): string {
  return namespace ?? '(the default)';
}

/**
 * Fails unless what `prop` references (a backup, a claim) lives in `owner`'s namespace: a pod
 * mounts claims and ConfigMaps of its own namespace only, whatever the names say.
 */
export function assertSameNamespace(prop: string, owner: string, namespace: string | undefined, theirs: string | undefined, why: string): void {
  if (theirs !== namespace) throw invalidProp(prop, `be in ${owner}'s namespace ${describeNamespace(namespace)}: ${why}`, describeNamespace(theirs));
}
