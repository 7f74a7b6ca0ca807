import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, stringify } from 'yaml';

export const PROMTOOL_FIXTURES = join(__dirname, '..', 'fixtures', 'promtool');

export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs promtool (Debian package prometheus) in a directory. */
export function promtool(args: string[], cwd: string): PromtoolResult {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The rule groups of a synthesized PrometheusRule as a plain Prometheus rule file, in a fresh directory. */
export function writeRuleFile(groups: any[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
  return dir;
}

/**
 * Runs a `promtool test rules` fixture of test/fixtures/promtool against rule groups. Fixtures
 * are promtool unit-test files without `rule_files` (the generated rules are used) in which an
 * expected alert may give `value` instead of `exp_annotations`: the annotations are then the
 * rule's own, with `$labels` and `$value` filled in (see expandTemplate), so the fixtures pin what
 * fires and the annotations still render exactly as Prometheus renders them. `only` runs the one
 * test of that name (a fixture of several attacks, one jest test each); a name the fixture lacks throws.
 */
export function runPromtoolFixture(fixture: string, groups: any[], only?: string): PromtoolResult {
  const dir = writeRuleFile(groups);
  const tests = parse(readFileSync(join(PROMTOOL_FIXTURES, fixture), 'utf8'));
  if (only !== undefined) {
    tests.tests = tests.tests.filter((t: any) => t.name === only);
    if (tests.tests.length !== 1) throw new Error(`${fixture} has ${tests.tests.length} tests named ${JSON.stringify(only)}`);
  }
  const rules = groups.flatMap((g) => g.rules);
  for (const test of tests.tests) {
    for (const check of test.alert_rule_test ?? []) {
      check.exp_alerts = (check.exp_alerts ?? []).map((expected: any) => {
        if (expected.value === undefined) return expected;
        const labels = { ...expected.exp_labels };
        const rule = ruleOf(rules, check.alertname, labels);
        const annotations = Object.fromEntries(Object.entries(rule.annotations as Record<string, string>)
          .map(([key, text]) => [key, expandTemplate(text, labels, expected.value)]));
        return { exp_labels: labels, exp_annotations: annotations };
      });
    }
  }
  writeFileSync(join(dir, 'test.yaml'), stringify({ rule_files: ['rules.yaml'], ...tests }));
  return promtool(['test', 'rules', 'test.yaml'], dir);
}

/** The one rule of that name whose own labels and selectors agree with the alert's labels. */
function ruleOf(rules: any[], alertname: string, labels: Record<string, string>): any {
  const candidates = rules.filter((r) => r.alert === alertname
    && Object.entries(r.labels ?? {}).every(([key, value]) => labels[key] === value)
    && Object.entries(labels).every(([key, value]) => !r.expr.includes(`${key}="`) || r.expr.includes(`${key}=${JSON.stringify(value)}`)));
  if (candidates.length !== 1) throw new Error(`${candidates.length} rules ${alertname} match ${JSON.stringify(labels)}`);
  return candidates[0];
}

/**
 * The few template forms the library's annotations use, rendered as Prometheus 2.x does
 * (template/template.go: humanize and humanizePercentage print %.4g, humanizeDuration days,
 * hours, minutes and seconds). A wrong rendering fails the promtool comparison: it can never make
 * a test pass that Prometheus would fail.
 */
export function expandTemplate(text: string, labels: Record<string, string>, value: number): string {
  return text.replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_m, name) => labels[name] ?? '')
    .replace(/\{\{ \$value \| humanizeDuration \}\}/g, () => humanizeDuration(value))
    .replace(/\{\{ \$value \| humanizePercentage \}\}/g, () => `${g4(value * 100)}%`)
    .replace(/\{\{ \$value \| humanize \}\}/g, () => g4(value))
    .replace(/\{\{ \$value \}\}/g, () => String(value));
}

function g4(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function humanizeDuration(value: number): string {
  const v = Math.trunc(value);
  const [days, hours, minutes, seconds] = [Math.trunc(v / 86400), Math.trunc(v / 3600) % 24, Math.trunc(v / 60) % 60, v % 60];
  if (days !== 0) return `${days}d ${hours}h ${minutes}m ${seconds}s`;
  if (hours !== 0) return `${hours}h ${minutes}m ${seconds}s`;
  if (minutes !== 0) return `${minutes}m ${seconds}s`;
  return `${g4(value)}s`;
}
