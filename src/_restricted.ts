import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { invalidProp } from './_errors';

/**
 * The non-root uid and gid every pod of this library runs as unless told otherwise.
 *
 * 65532 is the `nonroot` user of distroless images; it is above 10000 (kube-score wants
 * runAsUser and runAsGroup > 10000 so the ids cannot collide with a host user).
 */
export const DEFAULT_NON_ROOT_ID = 65532;

/**
 * A container security context that satisfies the Pod Security Standards restricted profile
 * and the kube-score, Polaris and kube-linter security checks: non-root, read-only root,
 * no privilege escalation, every capability dropped (NET_RAW included), seccomp RuntimeDefault.
 */
export function restrictedContainerSecurity(user: number, group: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    user,
    group,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/**
 * The pod-level half: non-root ids and an fsGroup so mounted volumes are writable by the group
 * (changed only when the volume root does not match yet, so large claims mount fast).
 */
export function restrictedPodSecurity(user: number, group: number): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user, group, fsGroup: group, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH };
}

/**
 * Adds `seccompProfile: RuntimeDefault` to the pod security context as well, which
 * cdk8s-plus-28 cannot express, so containers added later by the user are covered too.
 *
 * @param podSpecPath JSON pointer to the pod spec inside the object, for example `/spec/template/spec`
 */
export function addPodSeccompProfile(apiObject: ApiObject, podSpecPath: string): void {
  apiObject.addJsonPatch(JsonPatch.add(`${podSpecPath}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
}

/** Refuses a uid or gid that is root, negative or not an integer. */
export function assertNonRootId(prop: string, id: number): void {
  if (!Number.isInteger(id) || id < 1 || id > 2147483647) {
    throw invalidProp(prop, 'be a non-root id between 1 and 2147483647 (above 10000 recommended)', id);
  }
}
