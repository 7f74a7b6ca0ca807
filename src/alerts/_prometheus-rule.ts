import { invalidProp } from '../_errors';

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

/**
 * What a label value an alert shows must match: a name Kubernetes accepts for a Job (a DNS-1123
 * subdomain that also fits the 63 characters of its pods' job-name label), a pod (generated from
 * its ReplicaSet's name, cut to fit 63) or a container (a DNS-1123 label): 1 to 63 lowercase
 * letters, digits, '-' and '.', starting and ending with a letter or digit. Such a value holds no
 * blank, quote, `$`, `;`, `|`, `&`, `#`, redirection or template delimiter and cannot start with
 * '-': it cannot break out of a word of a command line nor pass for a flag. Prometheus anchors a
 * regex matcher at both ends, so `=~` accepts nothing else.
 *
 * Why any valid name rather than the construct's own names: a Job started by hand from a backup
 * CronJob may have any name (its owner reference still ties it to the CronJob), and a pod may run
 * containers its template does not list (a service mesh's injected proxy); their failures must still
 * alert. What makes a value harmless is its alphabet, and that is what a real Kubernetes object's
 * name can never leave: only a series someone made up is dropped.
 */
export const KUBERNETES_NAME_PATTERN = '[a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?';

/**
 * A PromQL series selector with exact label matchers, values quoted as PromQL string literals, then
 * the `names`: labels whose value may be any Kubernetes name ({@link KUBERNETES_NAME_PATTERN}).
 * JSON's string escapes are PromQL's (Go's) for every string the callers pass (no lone surrogates).
 */
export function selector(metric: string, labels: Record<string, string>, names: string[] = []): string {
  const matchers = [
    ...Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`),
    ...names.map((key) => `${key}=~${JSON.stringify(KUBERNETES_NAME_PATTERN)}`),
  ];
  return `${metric}{${matchers.join(', ')}}`;
}

/**
 * A selector of a kube-state-metrics series, pinned to kube-state-metrics' own scrape job. Any pod
 * whose /metrics Prometheus scrapes may expose a series named kube_cronjob_status_last_successful_time
 * or kube_job_failed; Prometheus gives it that pod's own `job` label (an exposed `job` label becomes
 * `exported_job` unless the scrape honors labels), so only series of the named job are
 * kube-state-metrics' word: a faked success cannot silence a missing backup, a faked failure
 * cannot page. A scrape configuration with honor_labels on lets its targets claim any job, the
 * kube-state-metrics one included: keep it off for targets you do not trust.
 */
export function kubeSelector(settings: AlertSettings, metric: string, labels: Record<string, string>, names: string[] = []): string {
  if (!metric.startsWith('kube_')) throw new Error(`kubeSelector reads kube-state-metrics series, got ${metric}`);
  return selector(metric, { job: settings.kubeStateMetricsJob, ...labels }, names);
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
  /** The `job` label of kube-state-metrics' series, which every kube_* selector matches. */
  readonly kubeStateMetricsJob: string;
}

/**
 * What an alert tells the person it wakes up. The summary and the description may show a label
 * of the alert (`{{ $labels.job_name }}`) only when every selector that carries it matches it against
 * {@link KUBERNETES_NAME_PATTERN}: a series with any other value never fires the alert.
 */
export interface AlertText {
  readonly summary: string;
  readonly description: string;
  /**
   * The commands to run first, one per line: names known at synth time only, never a template. A
   * Job or pod that only exists at run time is a placeholder named after the alert's label
   * (`<job_name>`, `<pod>`, `<container>`) that the engineer fills in from the summary: a label
   * value, even a checked one, never becomes part of a command line someone pastes with
   * cluster-admin credentials, so this guarantee does not hang on every expression staying strict.
   */
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
  const rule: AlertingRuleSpec = {
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
  assertTemplatesChecked(rule);
  return rule;
}

/** The templates the summaries and descriptions use: a label of the alert, its value (plain or humanized). */
const LABEL_TEMPLATE = /\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g;
const VALUE_TEMPLATE = /\{\{ \$value( \| (humanize|humanizePercentage|humanizeDuration))? \}\}/g;

/**
 * Prometheus expands every alert label and annotation as a Go template (rules/alerting.go), where
 * `{{ query "..." }}` reads any series. Only the forms above may appear, a label only when the
 * expression matches it against the name pattern, and none in a label or the runbook: text that
 * reached an alert from anywhere else (a patched manifest) is refused at synth time.
 */
function assertTemplatesChecked(rule: AlertingRuleSpec): void {
  const fields: [string, string][] = [
    ...Object.entries(rule.labels).map(([key, value]): [string, string] => [`labels.${key}`, value]),
    ...Object.entries(rule.annotations).map(([key, value]): [string, string] => [`annotations.${key}`, value]),
  ];
  for (const [field, value] of fields) {
    const shown = field === 'annotations.summary' || field === 'annotations.description';
    const rest = shown ? value.replace(LABEL_TEMPLATE, '').replace(VALUE_TEMPLATE, '') : value;
    // Go's template lexer only looks for the left delimiter: a lone `}}` (a JSON patch in a runbook) is text
    if (rest.includes('{{')) {
      throw invalidProp(`${rule.alert} ${field}`, `hold no template${shown ? ' but {{ $labels.<name> }} and {{ $value }}' : ''} (Prometheus expands it)`, value);
    }
    for (const [, label] of shown ? value.matchAll(LABEL_TEMPLATE) : []) {
      if (!rule.expr.includes(`${label}=~${JSON.stringify(KUBERNETES_NAME_PATTERN)}`)) {
        throw invalidProp(`${rule.alert} ${field}`, `show only labels its expression matches against ${KUBERNETES_NAME_PATTERN}`, label);
      }
    }
  }
}

/** A duration as the descriptions say it: "26 h", "73 h 30 min", "45 min", "45 s". */
export function humanDuration(seconds: number): string {
  if (seconds % 60 !== 0) return `${seconds} s`;
  const [hours, minutes] = [Math.floor(seconds / 3600), (seconds % 3600) / 60];
  return [hours ? `${hours} h` : '', minutes || !hours ? `${minutes} min` : ''].filter(Boolean).join(' ');
}
