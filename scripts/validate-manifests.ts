/**
 * Validates the manifests `cdk8s synth` wrote for an example app with the same checks the
 * test suite applies to every synthesized chart (schema, PSS restricted, pinned images,
 * availability) and with every hardening rule, warnings included, on the files themselves.
 * Exits non-zero and lists each problem.
 *
 *   ts-node --project test/tsconfig.json scripts/validate-manifests.ts examples/api-service/dist
 */
import { HardeningChecks } from '../src';
import { availabilityProblems } from '../test/support/availability';
import { loadManifests, manifestProblems } from '../test/support/manifests';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: validate-manifests <dist directory>');
  process.exit(2);
}

const files = loadManifests(dir);
const names = Object.keys(files);
if (names.length === 0) {
  console.error(`no *.k8s.yaml files in ${dir}: run "npm run example" first`);
  process.exit(1);
}

let failed = false;
for (const name of names) {
  const objects = files[name];
  const ruleProblems = HardeningChecks.defaultRules().flatMap((rule) =>
    objects.flatMap((o) => rule.check(o, objects).map((p) => `${rule.severity} ${rule.id} ${o.kind}/${o.metadata?.name}: ${p}`)));
  const problems = [...manifestProblems(objects), ...availabilityProblems(objects), ...ruleProblems];
  const kinds = objects.map((o) => o.kind).join(', ');
  if (problems.length === 0) {
    console.log(`ok   ${name}: ${objects.length} objects (${kinds})`);
  } else {
    failed = true;
    console.log(`FAIL ${name}:`);
    for (const p of problems) console.log(`  - ${p}`);
  }
}
process.exit(failed ? 1 : 0);
