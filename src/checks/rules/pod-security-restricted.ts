import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * `pod-security-restricted` (error): pods meet the Pod Security Standards restricted profile.
 *
 * Suppress it with `HardeningChecks.suppress(scope, PodSecurityRestrictedRule.ID, reason)`.
 */
export class PodSecurityRestrictedRule extends HardeningRule {
  /** The rule's id: `pod-security-restricted`. */
  public static readonly ID = 'pod-security-restricted';

  public readonly id = PodSecurityRestrictedRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'pods meet the Pod Security Standards restricted profile: no host namespaces, ports or paths, not privileged, '
    + 'allowPrivilegeEscalation false, runAsNonRoot, seccomp RuntimeDefault or Localhost, capabilities drop ALL (add only NET_BIND_SERVICE)';
  public readonly rationale = 'namespaces labelled pod-security.kubernetes.io/enforce=restricted reject anything else, and each item closes a container escape path';
  public readonly source = 'Pod Security Standards restricted; Polaris runAsRootAllowed, runAsPrivileged, privilegeEscalationAllowed, dangerousCapabilities, '
    + 'hostIPCSet, hostPIDSet, hostNetworkSet; kube-linter privilege-escalation-container, run-as-non-root, drop-net-raw-capability';
  public readonly fix = 'set the pod and container securityContext (HardenedDeployment and every construct of this library do)';

  public check(manifest: any, _manifests: any[]): string[] {
    const template = podTemplateOf(manifest);
    if (!template) return [];
    const spec = template.spec;
    const podSc = spec.securityContext ?? {};
    const problems: string[] = [];
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field] === true) problems.push(`${field} is true`);
    for (const volume of spec.volumes ?? []) {
      const type = Object.keys(volume).find((k) => k !== 'name');
      if (type && !ALLOWED_VOLUMES.includes(type)) problems.push(`volume ${volume.name} is a ${type} volume`);
    }
    const podSeccomp = podSc.seccompProfile?.type;
    for (const { container, name } of containersOf(spec)) {
      const sc = container.securityContext ?? {};
      if (sc.privileged) problems.push(`${name} is privileged`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${name} does not set allowPrivilegeEscalation: false`);
      if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) problems.push(`${name} does not set runAsNonRoot: true`);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push(`${name} runs as uid 0`);
      const seccomp = sc.seccompProfile?.type ?? podSeccomp;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${name} has no seccomp profile RuntimeDefault or Localhost`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${name} does not drop ALL capabilities`);
      for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') problems.push(`${name} adds capability ${cap}`);
      if ((container.ports ?? []).some((p: any) => p.hostPort)) problems.push(`${name} uses a hostPort`);
    }
    return problems;
  }
}
