import { HardeningRule, Severity } from '../hardening-rule';

/**
 * `network-policy-selector` (warning): networkPolicies select their pods by label.
 *
 * Suppress it with `HardeningChecks.suppress(scope, NetworkPolicySelectorRule.ID, reason)`.
 */
export class NetworkPolicySelectorRule extends HardeningRule {
  /** The rule's id: `network-policy-selector`. */
  public static readonly ID = 'network-policy-selector';

  public readonly id = NetworkPolicySelectorRule.ID;
  public readonly severity = Severity.WARNING;
  public readonly requirement = 'every NetworkPolicy selects pods by at least one label';
  public readonly rationale = 'an empty podSelector applies to every pod of the namespace: right for a deliberate namespace-wide default deny, '
    + 'an outage when a chaos or app policy meant a few pods';
  public readonly source = 'cdk8s-hardening (kube-score pod-networkpolicy checks coverage, not scope)';
  public readonly fix = 'select the pods by label, or suppress with the reason for a namespace-wide policy';

  public check(manifest: any, _manifests: any[]): string[] {
    if (manifest.kind !== 'NetworkPolicy') return [];
    const selector = manifest.spec?.podSelector ?? {};
    const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    return empty ? ['podSelector is empty: it selects every pod in the namespace'] : [];
  }
}
