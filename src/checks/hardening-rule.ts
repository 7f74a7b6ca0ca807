/** How bad a finding is. */
export enum Severity {
  /** Fails `cdk8s synth`. */
  ERROR = 'error',
  /** Reported; fails synth only with `failOnWarnings`. */
  WARNING = 'warning',
}

/**
 * One production-readiness rule, checked against every synthesized object of a chart.
 * Subclass it for rules of your own and pass them to HardeningChecks.
 */
export abstract class HardeningRule {
  /** Stable id used in reports and suppressions, e.g. `readiness-probe`. */
  public abstract readonly id: string;

  /** Severity of a finding. */
  public abstract readonly severity: Severity;

  /** What the rule requires. */
  public abstract readonly requirement: string;

  /** Why it matters. */
  public abstract readonly rationale: string;

  /** The public check it corresponds to (kube-score, Polaris, kube-linter, PSS restricted). */
  public abstract readonly source: string;

  /** How to fix a finding. */
  public abstract readonly fix: string;

  /**
   * The problems of one object, each a sentence; empty when the object complies or the rule
   * does not apply to it.
   *
   * @param manifest the synthesized object (plain JSON)
   * @param manifests every synthesized object in scope, for rules that relate objects
   */
  public abstract check(manifest: any, manifests: any[]): string[];
}
