/**
 * Structural check of a k6-operator TestRun (k6.io/v1alpha1), whose schema is not bundled
 * with kubernetes-models: the fields and types of grafana/k6-operator api/v1alpha1/testrun_types.go
 * that the library sets, and the restricted-profile settings of the pods the operator creates.
 */
export function testRunProblems(obj: any): string[] {
  const problems: string[] = [];
  const spec = obj.spec ?? {};
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  need(typeof obj.metadata?.name === 'string', 'metadata.name must be a string');
  need(Number.isInteger(spec.parallelism) && spec.parallelism >= 1, '/spec/parallelism must be an integer >= 1');
  need(typeof spec.script?.configMap?.name === 'string', '/spec/script/configMap/name must be a string');
  need(typeof spec.script?.configMap?.file === 'string', '/spec/script/configMap/file must be a string');
  need(spec.arguments === undefined || typeof spec.arguments === 'string', '/spec/arguments must be a string');
  need(spec.cleanup === undefined || spec.cleanup === 'post', '/spec/cleanup must be "post"');
  for (const role of ['initializer', 'runner']) {
    const pod = spec[role];
    if (!pod) continue;
    const at = `/spec/${role}`;
    need(typeof pod.image === 'string' && /:[^:/]+$/.test(pod.image) && !pod.image.endsWith(':latest'), `${at}/image must be pinned`);
    need(pod.automountServiceAccountToken === undefined || typeof pod.automountServiceAccountToken === 'string',
      `${at}/automountServiceAccountToken is a string in the CRD`);
    const podSc = pod.securityContext ?? {};
    const sc = pod.containerSecurityContext ?? {};
    need(podSc.runAsNonRoot === true && podSc.runAsUser > 0, `${at}/securityContext must run as non-root`);
    need(podSc.seccompProfile?.type === 'RuntimeDefault' || sc.seccompProfile?.type === 'RuntimeDefault', `${at}: seccomp RuntimeDefault required`);
    need(sc.allowPrivilegeEscalation === false, `${at}/containerSecurityContext/allowPrivilegeEscalation must be false`);
    need((sc.capabilities?.drop ?? []).includes('ALL'), `${at}/containerSecurityContext/capabilities/drop must include ALL`);
  }
  return problems;
}
