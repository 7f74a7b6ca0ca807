import { containersOf, isLongRunning, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `readiness-probe` (error): long-running containers declare a readiness probe.
 *
 * Suppress it with `HardeningChecks.suppress(scope, ReadinessProbeRule.ID, reason)`.
 */
export class ReadinessProbeRule extends HardeningRule {
  /** The rule's id: `readiness-probe`. */
  public static readonly ID = 'readiness-probe';

  public readonly id = ReadinessProbeRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every container of a Deployment, StatefulSet or DaemonSet has a readinessProbe';
  public readonly rationale = 'without it a pod receives traffic before it can serve, and a rollout of a broken version proceeds';
  public readonly source = 'kube-score pod-probes; Polaris readinessProbeMissing';
  public readonly fix = 'add a readiness probe (HardenedDeployment: readinessPath)';

  public check(manifest: any, _manifests: any[]): string[] {
    if (!isLongRunning(manifest)) return [];
    // every long-running kind has a pod template
    return containersOf({ containers: podTemplateOf(manifest)!.spec.containers })
      .filter(({ container }) => !container.readinessProbe)
      .map(({ name }) => `${name} has no readinessProbe`);
  }
}
