import { containersOf, declaresPort, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `probe-ports` (error): probes target ports the container declares.
 *
 * Suppress it with `HardeningChecks.suppress(scope, ProbePortsRule.ID, reason)`.
 */
export class ProbePortsRule extends HardeningRule {
  /** The rule's id: `probe-ports`. */
  public static readonly ID = 'probe-ports';

  public readonly id = ProbePortsRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'the port of every httpGet, tcpSocket and grpc probe is declared in the container ports (by number or name)';
  public readonly rationale = 'a probe on an undeclared port usually probes nothing the application serves, and named ports must resolve';
  public readonly source = 'kube-linter liveness-port, readiness-port, startup-port';
  public readonly fix = 'declare the port in the container (ports: [{ containerPort, name }]) or probe a declared one';

  public check(manifest: any, _manifests: any[]): string[] {
    const problems: string[] = [];
    for (const { container, name } of containersOf(podTemplateOf(manifest)?.spec)) {
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const probe = container[kind];
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
        if (probe && !declaresPort(container, port)) problems.push(`${name} ${kind} targets port ${port}, which the container does not declare`);
      }
    }
    return problems;
  }
}
