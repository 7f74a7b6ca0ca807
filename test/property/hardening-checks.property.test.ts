import * as fc from 'fast-check';
import { IMAGE } from './arbitraries';
import { testProperty } from './harness';
import { either, hostileString, validOrHostile } from './values';
import { HardenedDeployment, HardeningChecks, HardeningRule, Severity } from '../../src';

/** A rule of the user's own, with any id. */
class UserRule extends HardeningRule {
  public readonly severity = Severity.WARNING;
  public readonly requirement = 'nothing';
  public readonly rationale = 'nothing';
  public readonly source = 'team policy';
  public readonly fix = 'nothing';
  constructor(public readonly id: string) {
    super();
  }
  public check(): string[] {
    return [];
  }
}

interface Case {
  readonly suppressions: Array<{ readonly ruleId: string; readonly reason: string }>;
  readonly ruleIds: string[];
  readonly optional: boolean;
  readonly failOnWarnings: boolean;
}

const ruleIds = HardeningChecks.defaultRules().map((r) => r.id);

function ruleId(): fc.Arbitrary<string> {
  return either(
    fc.oneof(fc.constantFrom(...ruleIds, 'image-digest', 'team-rule-1', 'a'.repeat(40)), fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}$/)),
    fc.oneof(fc.constantFrom('readiness-probe-', '-a', 'a--b', 'A', 'a_b', 'a.b', 'a'.repeat(41), 'a/b'), hostileString()),
  );
}

function reason(): fc.Arbitrary<string> {
  return either(
    fc.constantFrom('legacy vendor chart, replaced in Q1', 'the probe lives in the sidecar', `${'long reason '.repeat(100)}`, '日本語の理由を十文字以上書く', '$& and `id` are kept literal'),
    fc.oneof(fc.constantFrom('', 'short', '          x', 'two\nlines here', 'tab\there is bad'), hostileString()),
  );
}

describe('HardeningChecks property', () => {
  testProperty<Case>({
    name: 'HardeningChecks (suppress ids and reasons, rule ids)',
    runs: 120,
    props: validOrHostile(() => fc.record({
      suppressions: fc.array(fc.record({ ruleId: ruleId(), reason: reason() }), { maxLength: 3 }),
      ruleIds: fc.uniqueArray(ruleId(), { maxLength: 2 }),
      optional: fc.boolean(),
      failOnWarnings: fc.boolean(),
    })),
    propNames: ['ruleId', 'reason', 'scope', 'rules'],
    build: (chart, { suppressions, ruleIds: ids, optional, failOnWarnings }) => {
      const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
      api.addDisruptionBudget();
      const additionalRules = [...ids.map((id) => new UserRule(id)), ...(optional ? HardeningChecks.optionalRules() : [])];
      new HardeningChecks(chart, { additionalRules, failOnWarnings });
      for (const { ruleId: id, reason: text } of suppressions) HardeningChecks.suppress(api, id, text);
    },
  });
});
