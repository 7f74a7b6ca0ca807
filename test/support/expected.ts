/**
 * The container securityContext every pod of the library must carry, spelled out field by
 * field (PSS restricted, read-only root, non-root ids), for exact assertions.
 */
export function restrictedContainerSecurityContext(uid: number, gid: number) {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsGroup: gid,
    runAsNonRoot: true,
    runAsUser: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
