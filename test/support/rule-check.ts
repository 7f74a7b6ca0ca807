import { HardeningRule } from '../../src';

// What the rule tests (test/rule-*.test.ts) share: each checks one rule alone on one small
// hand-written manifest, most of them a bare Pod.

/** A bare Pod named `p` with this spec. */
export function podOf(spec: any): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
}

/** The problems a rule finds in a manifest that is the only object in scope. */
export function checkAlone(rule: HardeningRule, manifest: any): string[] {
  return rule.check(manifest, [manifest]);
}

/** The problems a rule finds in a fresh compliant manifest after one change to it. */
export function problemsAfter(rule: HardeningRule, compliant: () => any, change: (manifest: any) => void): string[] {
  const manifest = compliant();
  change(manifest);
  return checkAlone(rule, manifest);
}
