import { containersOf, podTemplateOf } from '../_manifests';
import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `resource-limits` (error): every container requests and limits cpu and memory.
 *
 * Suppress it with `HardeningChecks.suppress(scope, ResourceLimitsRule.ID, reason)`.
 */
export class ResourceLimitsRule extends HardeningRule {
  /** The rule's id: `resource-limits`. */
  public static readonly ID = 'resource-limits';

  public readonly id = ResourceLimitsRule.ID;
  public readonly severity = Severity.ERROR;
  public readonly requirement = 'every container sets cpu and memory requests and limits';
  public readonly rationale = 'requests let the scheduler place pods honestly; limits stop one pod from starving its node';
  public readonly source = 'kube-score container-resources; Polaris cpuRequestsMissing, cpuLimitsMissing, memoryRequestsMissing, memoryLimitsMissing; kube-linter unset-cpu-requirements, unset-memory-requirements';
  public readonly fix = 'set resources.requests and resources.limits for cpu and memory';

  public check(manifest: any, _manifests: any[]): string[] {
    const problems: string[] = [];
    for (const { container, name } of containersOf(podTemplateOf(manifest)?.spec)) {
      for (const kind of ['requests', 'limits']) {
        const missing = ['cpu', 'memory'].filter((r) => container.resources?.[kind]?.[r] === undefined);
        if (missing.length) problems.push(`${name} has no ${missing.join(' and ')} ${kind}`);
      }
    }
    return problems;
  }
}
