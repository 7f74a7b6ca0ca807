/**
 * The parts of a `monitoring.coreos.com/v1` PrometheusRule this library writes, typed by hand after
 * prometheus-operator pkg/apis/monitoring/v1/prometheusrule_types.go (RuleGroup, Rule) and the
 * Duration pattern of pkg/apis/monitoring/v1/types.go. The same groups, written as plain YAML, are
 * a Prometheus rule file (`promtool check rules` reads them).
 */
export interface AlertingRuleSpec {
  readonly alert: string;
  readonly expr: string;
  /** How long the expression must hold before the alert fires (a Prometheus duration). */
  readonly for: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export interface RuleGroupSpec {
  readonly name: string;
  readonly rules: AlertingRuleSpec[];
}

export const PROMETHEUS_RULE_API_VERSION = 'monitoring.coreos.com/v1';
export const PROMETHEUS_RULE_KIND = 'PrometheusRule';

/**
 * Seconds as a Prometheus duration in its largest whole unit ("26h", "90m", "45s"), which both
 * Prometheus' model.ParseDuration and the operator's CRD pattern accept.
 */
export function promDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`a Prometheus duration needs whole seconds, got ${seconds}`);
  if (seconds === 0) return '0s';
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** A PromQL series selector with exact label matchers, values quoted as PromQL string literals. */
export function selector(metric: string, labels: Record<string, string>): string {
  const matchers = Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${metric}{${matchers.join(', ')}}`;
}

/** An object's `<namespace>/<name>`, as the descriptions name it. */
export function qualified(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** What every rule shares, resolved from the HardeningAlerts props. */
export interface AlertSettings {
  /** Labels added to every alert (routing: team, environment). */
  readonly alertLabels: Record<string, string>;
  /** Base URL of the runbook; the alert's name in lowercase is appended as the anchor. */
  readonly runbookUrl?: string;
}

/** What an alert tells the person it wakes up. */
export interface AlertText {
  readonly summary: string;
  readonly description: string;
  /** The commands to run first, one per line. */
  readonly runbook: string[];
}

export enum AlertSeverity {
  CRITICAL = 'critical',
  WARNING = 'warning',
}

/** One alerting rule with the severity, the shared labels and the runbook annotations. */
export function alertingRule(
  settings: AlertSettings, alert: string, expr: string, forSeconds: number, severity: AlertSeverity, text: AlertText,
  labels: Record<string, string> = {},
): AlertingRuleSpec {
  return {
    alert,
    expr,
    for: promDuration(forSeconds),
    labels: { ...settings.alertLabels, ...labels, severity },
    annotations: {
      summary: text.summary,
      description: text.description,
      runbook: text.runbook.join('\n'),
      ...(settings.runbookUrl ? { runbook_url: `${settings.runbookUrl}#${alert.toLowerCase()}` } : {}),
    },
  };
}

/** A duration as the descriptions say it: "26 h", "73 h 30 min", "45 min", "45 s". */
export function humanDuration(seconds: number): string {
  if (seconds % 60 !== 0) return `${seconds} s`;
  const [hours, minutes] = [Math.floor(seconds / 3600), (seconds % 3600) / 60];
  return [hours ? `${hours} h` : '', minutes || !hours ? `${minutes} min` : ''].filter(Boolean).join(' ');
}
