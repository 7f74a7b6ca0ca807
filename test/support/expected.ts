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

/**
 * The DNS egress rule every library NetworkPolicy carries by default: port 53 to the cluster DNS
 * pods (`k8s-app: kube-dns` in kube-system) and nowhere else.
 */
export const CLUSTER_DNS_EGRESS = {
  to: [{
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};
