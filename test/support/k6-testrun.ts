/**
 * Structural check of a k6-operator TestRun (k6.io/v1alpha1), whose schema is not bundled with
 * kubernetes-models: the fields and types of grafana/k6-operator v1.6.0 api/v1alpha1/testrun_types.go
 * that the library sets, and what the operator's Job builders (pkg/resources/jobs/) make of them:
 *
 * - initializer (initializer.go): a nil spec.initializer is a copy of spec.runner; it writes
 *   `/tmp/k6logs` and `/tmp/<file>.archived.tar`, so a read-only root needs a writable /tmp mount;
 * - starter (starter.go) and stopper (stopper.go): an empty spec.starter.image means
 *   `ghcr.io/grafana/k6-operator:latest-starter`, and its pod gets spec.starter's security contexts
 *   as they are (empty unless set);
 * - runner (runner.go): spec.runner as is;
 * - automountServiceAccountToken is a string that the operator parses with strconv.ParseBool, and an
 *   empty one means true;
 * - cleanup: only "post" exists (kubebuilder enum).
 *
 * Every pod (initializer, starter, runner) must pass the restricted profile, pin its image and keep
 * the ServiceAccount token out; every volumeMount must name a declared volume.
 */
export function testRunProblems(obj: any): string[] {
  const problems: string[] = [];
  const spec = obj.spec ?? {};
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  need(typeof obj.metadata?.name === 'string', 'metadata.name must be a string');
  need(Number.isInteger(spec.parallelism) && spec.parallelism >= 1 && spec.parallelism <= 2147483647, '/spec/parallelism must be an int32 >= 1');
  need(typeof spec.script?.configMap?.name === 'string', '/spec/script/configMap/name must be a string');
  need(typeof spec.script?.configMap?.file === 'string', '/spec/script/configMap/file must be a string');
  need(spec.arguments === undefined || typeof spec.arguments === 'string', '/spec/arguments must be a string');
  need(spec.cleanup === undefined || spec.cleanup === 'post', '/spec/cleanup must be "post"');
  const pods: Record<string, any> = {
    initializer: spec.initializer ?? spec.runner ?? {},
    starter: spec.starter ?? {},
    runner: spec.runner ?? {},
  };
  for (const [role, pod] of Object.entries(pods)) {
    const at = `/spec/${role}`;
    const image = pod.image ?? (role === 'starter' ? 'ghcr.io/grafana/k6-operator:latest-starter' : 'grafana/k6:latest');
    need(/:[^:/]+$/.test(image) && !/:latest(-starter)?$/.test(image), `${at}/image must be pinned, got ${image}`);
    need(typeof pod.automountServiceAccountToken === 'string' && pod.automountServiceAccountToken === 'false',
      `${at}/automountServiceAccountToken must be the string "false" (empty means true)`);
    const podSc = pod.securityContext ?? {};
    const sc = pod.containerSecurityContext ?? {};
    need(podSc.runAsNonRoot === true && podSc.runAsUser > 0, `${at}/securityContext must run as non-root`);
    need(podSc.seccompProfile?.type === 'RuntimeDefault' || sc.seccompProfile?.type === 'RuntimeDefault', `${at}: seccomp RuntimeDefault required`);
    need(sc.allowPrivilegeEscalation === false, `${at}/containerSecurityContext/allowPrivilegeEscalation must be false`);
    need((sc.capabilities?.drop ?? []).includes('ALL'), `${at}/containerSecurityContext/capabilities/drop must include ALL`);
    need(sc.privileged !== true, `${at}/containerSecurityContext/privileged must not be true`);
    const volumes = new Set((pod.volumes ?? []).map((v: any) => v.name));
    for (const mount of pod.volumeMounts ?? []) need(volumes.has(mount.name), `${at}/volumeMounts: ${mount.name} is not a declared volume`);
    if (role === 'initializer' && sc.readOnlyRootFilesystem === true) {
      need((pod.volumeMounts ?? []).some((m: any) => m.mountPath === '/tmp' && !m.readOnly),
        `${at}: a read-only root needs a writable /tmp (the initializer writes /tmp/k6logs and /tmp/<file>.archived.tar)`);
    }
  }
  return problems;
}
