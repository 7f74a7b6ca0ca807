/**
 * Writes RULES.md from the built-in rules, so the list can never drift from the code.
 *   ts-node --project test/tsconfig.json scripts/rules-md.ts [--check]
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { HardeningChecks, HardeningRule } from '../src';

export function rulesMarkdown(): string {
  const rules = HardeningChecks.defaultRules();
  const optional = HardeningChecks.optionalRules();
  const row = (r: HardeningRule) => `| \`${r.id}\` | ${r.severity} | ${r.requirement} | ${r.rationale} | ${r.source} | ${r.fix} |`;
  const lines = [
    '# Hardening rules',
    '',
    '`HardeningChecks` checks these rules over every API object of a chart or app at synth time.',
    'An error fails `cdk8s synth`; a warning is reported (and fails with `failOnWarnings: true`).',
    'Suppress a rule for some objects with `HardeningChecks.suppress(scope, id, reason)`: the reason',
    'is kept in the report and as the annotation `checks.cdk8s-hardening.io/suppress.<id>`.',
    '',
    `${rules.length} rules. This file is generated from the rules' code (\`npx projen rules-md\`).`,
    '',
    '| id | severity | what | why | source | fix |',
    '|---|---|---|---|---|---|',
    ...rules.map(row),
    '',
    '## Opt-in rules',
    '',
    'Off by default; turn them on with `new HardeningChecks(app, { additionalRules: HardeningChecks.optionalRules() })`',
    '(or pick some of them).',
    '',
    '| id | severity | what | why | source | fix |',
    '|---|---|---|---|---|---|',
    ...optional.map(row),
    '',
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const file = join(__dirname, '..', 'RULES.md');
  if (process.argv.includes('--check')) {
    if (readFileSync(file, 'utf8') !== rulesMarkdown()) {
      console.error('RULES.md is stale: run "npx projen rules-md" and commit it');
      process.exit(1);
    }
  } else {
    writeFileSync(file, rulesMarkdown());
  }
}
