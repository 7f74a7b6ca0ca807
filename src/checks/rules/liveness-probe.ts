import { containersOf, isLongRunning, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `liveness-probe` (error): long-running containers declare a liveness probe that is not their
 * readiness probe.
 *
 * Suppress it with `HardeningChecks.suppress(scope, LivenessProbeRule.ID, reason)`.
 */
export class LivenessProbeRule extends HardeningRule {
  /** The rule's id: `liveness-probe`. */
  public static readonly ID = 'liveness-probe';

  public readonly id = LivenessProbeRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every container of a Deployment, StatefulSet or DaemonSet has a livenessProbe distinct from its readinessProbe';
  public readonly rationale = 'a deadlocked process is only restarted by a liveness probe; one identical to the readiness probe restarts every pod when a shared dependency fails';
  public readonly source = 'kube-score pod-probes (identical probes); Polaris livenessProbeMissing';
  public readonly fix = 'add a liveness probe on its own path (HardenedDeployment: livenessPath)';

  public check(manifest: any, _manifests: any[]): string[] {
    if (!isLongRunning(manifest)) return [];
    const problems: string[] = [];
    // every long-running kind has a pod template
    for (const { container, name } of containersOf({ containers: podTemplateOf(manifest)!.spec.containers })) {
      const live = container.livenessProbe;
      const ready = container.readinessProbe;
      if (!live) problems.push(`${name} has no livenessProbe`);
      else if (ready && sameHandler(live, ready)) problems.push(`${name} uses the same handler for liveness and readiness`);
    }
    return problems;
  }
}

function sameHandler(a: any, b: any): boolean {
  if (a.httpGet && b.httpGet) return a.httpGet.path === b.httpGet.path && a.httpGet.port === b.httpGet.port;
  if (a.tcpSocket && b.tcpSocket) return a.tcpSocket.port === b.tcpSocket.port;
  if (a.exec && b.exec) return JSON.stringify(a.exec.command) === JSON.stringify(b.exec.command);
  if (a.grpc && b.grpc) return a.grpc.port === b.grpc.port && a.grpc.service === b.grpc.service;
  return false;
}
