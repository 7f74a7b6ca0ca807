/**
 * The Pod Security Standards "restricted" profile (baseline included), as published for
 * Kubernetes 1.28 at https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 *
 * This is an independent reading of the standard, kept apart from the library's own code
 * so the library is not checked against itself. Each problem names the field at fault.
 */

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
]);
const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
]);
const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t']);

export interface PodTemplate {
  /** JSON pointer of the pod spec inside the object. */
  readonly path: string;
  readonly spec: any;
  readonly annotations: Record<string, string>;
}

/** The pod templates an object carries (none for objects that do not run pods). */
export function podTemplatesOf(obj: any): PodTemplate[] {
  switch (obj.kind) {
    case 'Pod':
      return [{ path: '/spec', spec: obj.spec, annotations: obj.metadata?.annotations ?? {} }];
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      return [{ path: '/spec/template/spec', spec: obj.spec?.template?.spec, annotations: obj.spec?.template?.metadata?.annotations ?? {} }];
    case 'CronJob':
      return [{
        path: '/spec/jobTemplate/spec/template/spec',
        spec: obj.spec?.jobTemplate?.spec?.template?.spec,
        annotations: obj.spec?.jobTemplate?.spec?.template?.metadata?.annotations ?? {},
      }];
    default:
      return [];
  }
}

/** Every violation of the restricted profile in one pod template. */
export function restrictedViolations(template: PodTemplate): string[] {
  const problems: string[] = [];
  const spec = template.spec ?? {};
  const at = (field: string) => `${template.path}/${field}`;
  const podSc = spec.securityContext ?? {};
  const containers: Array<{ c: any; path: string }> = [
    ...(spec.initContainers ?? []).map((c: any, i: number) => ({ c, path: at(`initContainers/${i}`) })),
    ...(spec.containers ?? []).map((c: any, i: number) => ({ c, path: at(`containers/${i}`) })),
    ...(spec.ephemeralContainers ?? []).map((c: any, i: number) => ({ c, path: at(`ephemeralContainers/${i}`) })),
  ];
  if (containers.length === 0) problems.push(`${template.path}: pod has no containers`);

  // ---- baseline ----
  if (podSc.windowsOptions?.hostProcess) problems.push(`${at('securityContext/windowsOptions/hostProcess')} must not be true`);
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) problems.push(`${at(field)} must not be true`);
  }
  for (const [i, volume] of (spec.volumes ?? []).entries()) {
    const types = Object.keys(volume).filter((k) => k !== 'name');
    if (types.includes('hostPath')) problems.push(`${at(`volumes/${i}`)} must not be a hostPath volume`);
    for (const type of types) {
      if (!RESTRICTED_VOLUME_TYPES.has(type)) problems.push(`${at(`volumes/${i}`)} has volume type ${type}, not allowed by restricted`);
    }
  }
  for (const sysctl of podSc.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl.name)) problems.push(`${at('securityContext/sysctls')} sets unsafe sysctl ${sysctl.name}`);
  }
  checkSeLinux(podSc.seLinuxOptions, at('securityContext/seLinuxOptions'), problems);
  for (const [key, value] of Object.entries(template.annotations)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      problems.push(`annotation ${key} must be runtime/default or localhost/*, got ${value}`);
    }
  }

  // ---- restricted, pod level ----
  const podNonRoot = podSc.runAsNonRoot === true;
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSc.runAsUser === 0) problems.push(`${at('securityContext/runAsUser')} must not be 0`);
  if (podSeccomp !== undefined && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') {
    problems.push(`${at('securityContext/seccompProfile/type')} must be RuntimeDefault or Localhost, got ${podSeccomp}`);
  }

  for (const { c, path } of containers) {
    const sc = c.securityContext ?? {};
    const name = `${path} (${c.name})`;
    if (sc.windowsOptions?.hostProcess) problems.push(`${name}: securityContext.windowsOptions.hostProcess must not be true`);
    if (sc.privileged === true) problems.push(`${name}: securityContext.privileged must not be true`);
    for (const [j, port] of (c.ports ?? []).entries()) {
      if (port.hostPort !== undefined && port.hostPort !== 0) problems.push(`${name}: ports/${j}/hostPort must be unset or 0`);
    }
    checkSeLinux(sc.seLinuxOptions, `${name}: securityContext.seLinuxOptions`, problems);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') problems.push(`${name}: securityContext.procMount must be Default`);

    if (sc.allowPrivilegeEscalation !== false) problems.push(`${name}: securityContext.allowPrivilegeEscalation must be false`);
    if (sc.runAsNonRoot === false || (!podNonRoot && sc.runAsNonRoot !== true)) {
      problems.push(`${name}: runAsNonRoot must be true (pod or container)`);
    }
    if (sc.runAsUser === 0) problems.push(`${name}: securityContext.runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type;
    if (seccomp !== undefined && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(`${name}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost, got ${seccomp}`);
    }
    if (seccomp === undefined && podSeccomp === undefined) {
      problems.push(`${name}: seccompProfile must be set to RuntimeDefault or Localhost (pod or container)`);
    }
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) problems.push(`${name}: securityContext.capabilities.drop must include ALL`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') problems.push(`${name}: securityContext.capabilities.add may only hold NET_BIND_SERVICE, got ${cap}`);
      if (!BASELINE_CAPABILITIES.has(cap)) problems.push(`${name}: capability ${cap} is not allowed by baseline`);
    }
  }
  return problems;
}

function checkSeLinux(options: any, where: string, problems: string[]): void {
  if (!options) return;
  if (options.type !== undefined && !SELINUX_TYPES.has(options.type)) problems.push(`${where}.type ${options.type} is not allowed`);
  if (options.user !== undefined) problems.push(`${where}.user must be unset`);
  if (options.role !== undefined) problems.push(`${where}.role must be unset`);
}
