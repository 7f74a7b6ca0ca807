/**
 * Structural check of a Prometheus operator PrometheusRule (monitoring.coreos.com/v1), whose
 * schema is not bundled with kubernetes-models: the fields and validations of
 * prometheus-operator pkg/apis/monitoring/v1/prometheusrule_types.go (groups listed by unique
 * name of MinLength 1; each rule sets exactly one of record and alert, an expr, string label and
 * annotation maps, annotations only on alerting rules) and the Duration pattern of types.go.
 * What Prometheus itself makes of the groups is `promtool check rules`' job.
 */
const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
const RULE_FIELDS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);

export function prometheusRuleProblems(obj: any): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  need(typeof obj.metadata?.name === 'string' && obj.metadata.name.length > 0, 'metadata.name must be a string');
  const groups = obj.spec?.groups;
  need(Array.isArray(groups), '/spec/groups must be an array');
  const names = new Set<string>();
  (Array.isArray(groups) ? groups : []).forEach((group: any, g: number) => {
    const at = `/spec/groups/${g}`;
    need(typeof group.name === 'string' && group.name.length > 0, `${at}/name must be a non-empty string`);
    need(!names.has(group.name), `${at}/name must be unique (listMapKey name), got ${group.name} twice`);
    names.add(group.name);
    need(group.interval === undefined || DURATION.test(group.interval), `${at}/interval must be a Prometheus duration`);
    need(Array.isArray(group.rules), `${at}/rules must be an array`);
    (group.rules ?? []).forEach((rule: any, r: number) => {
      const ruleAt = `${at}/rules/${r}`;
      for (const key of Object.keys(rule)) need(RULE_FIELDS.has(key), `${ruleAt}: unknown field ${key}`);
      need((rule.alert === undefined) !== (rule.record === undefined), `${ruleAt}: exactly one of alert and record`);
      need(typeof rule.expr === 'string' && rule.expr.length > 0, `${ruleAt}/expr must be a non-empty string`);
      need(rule.for === undefined || (typeof rule.for === 'string' && DURATION.test(rule.for)), `${ruleAt}/for must be a Prometheus duration`);
      for (const map of ['labels', 'annotations']) {
        const value = rule[map] ?? {};
        need(typeof value === 'object' && Object.values(value).every((v) => typeof v === 'string'), `${ruleAt}/${map} must map strings to strings`);
      }
      need(rule.record === undefined || rule.annotations === undefined, `${ruleAt}: annotations only on alerting rules`);
    });
  });
  return problems;
}
