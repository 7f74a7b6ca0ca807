import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HardeningChecks, HardeningRule, ReadinessProbeRule } from '../src';

// API.md is generated from the doc comments (jsii-docgen): a rule's id is visible there only when
// its class's doc comment names it. RULES.md is generated from the rules themselves. Both must
// name the same ids, with the same severities, as the code checks.
const RULES_DIR = join(__dirname, '..', 'src', 'checks', 'rules');
const CHECKS_SOURCE = readFileSync(join(__dirname, '..', 'src', 'checks', 'hardening-checks.ts'), 'utf8');
const RULES_MD = readFileSync(join(__dirname, '..', 'RULES.md'), 'utf8');

/** The doc comment right above `export class <name>` in the rules folder, as jsii reads it. */
function classDoc(className: string): string {
  for (const file of readdirSync(RULES_DIR)) {
    const source = readFileSync(join(RULES_DIR, file), 'utf8');
    const at = source.indexOf(`export class ${className} `);
    if (at < 0) continue;
    const comment = source.slice(source.lastIndexOf('/**', at), at).trim();
    expect(comment.endsWith('*/')).toBe(true);
    return comment.replace(/^\/\*\*|\*\/$/g, '').split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join(' ').replace(/\s+/g, ' ').trim();
  }
  throw new Error(`no class ${className} in ${RULES_DIR}`);
}

/** The doc comment above a static method of HardeningChecks. */
function methodDoc(method: string): string {
  const at = CHECKS_SOURCE.indexOf(`public static ${method}(`);
  return CHECKS_SOURCE.slice(CHECKS_SOURCE.lastIndexOf('/**', at), at).replace(/\s*\*\s*/g, ' ');
}

const idsIn = (text: string) => [...text.matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]);
const all: HardeningRule[] = [...HardeningChecks.defaultRules(), ...HardeningChecks.optionalRules()];

describe('rule ids in the API reference', () => {
  test.each(all.map((rule) => [rule.constructor.name, rule] as const))('%s: its doc comment starts with its id and severity; ID holds the id', (name, rule) => {
    expect(classDoc(name).startsWith(`\`${rule.id}\` (${rule.severity}): `)).toBe(true);
    expect((rule.constructor as any).ID).toBe(rule.id);
  });

  test('defaultRules() and optionalRules() list every id, in the order they run', () => {
    expect(idsIn(methodDoc('defaultRules'))).toEqual(HardeningChecks.defaultRules().map((r) => r.id));
    expect(idsIn(methodDoc('optionalRules'))).toEqual(HardeningChecks.optionalRules().map((r) => r.id));
  });

  test('RULES.md and the doc comments name the same ids with the same severities', () => {
    const inRulesMd = [...RULES_MD.matchAll(/^\| `([^`]+)` \| (error|warning) \|/gm)].map((m) => `${m[1]} (${m[2]})`);
    const inDocs = all.map((rule) => /^`([^`]+)` \((error|warning)\):/.exec(classDoc(rule.constructor.name))!).map((m) => `${m[1]} (${m[2]})`);
    expect(inRulesMd).toEqual(inDocs);
    expect(inRulesMd).toHaveLength(22);
  });

  test('a suppression by the typed id suppresses that rule', () => {
    const chart = new Chart(Testing.app(), 'legacy');
    const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'ghcr.io/acme/web:2.0.1', portNumber: 8080 }] });
    HardeningChecks.suppress(web, ReadinessProbeRule.ID, 'the vendor image has no health endpoint until v3');
    const findings = new HardeningChecks(chart, { rules: [new ReadinessProbeRule()] }).findings();
    expect(findings.map((f) => [f.ruleId, f.suppressedBecause])).toEqual([['readiness-probe', 'the vendor image has no health endpoint until v3']]);
  });
});
