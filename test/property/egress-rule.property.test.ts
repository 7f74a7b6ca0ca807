import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { EGRESS_RULE_PROPS, egressSpec, EgressSpec, IMAGE, toEgressRule } from './arbitraries';
import { testProperty } from './harness';
import { labels, validOrHostile } from './values';
import { EgressRule, HardenedDeployment } from '../../src';

/** EgressRule from every factory, into the NetworkPolicy of a HardenedDeployment (its only consumer). */
interface Case {
  readonly rules: EgressSpec[];
  /** Labels a plain Deployment selects, for toWorkload (none: it selects nothing). */
  readonly workloadLabels?: Record<string, string>;
}

describe('EgressRule property', () => {
  testProperty<Case>({
    name: 'EgressRule (toPods, toCidr, toWorkload)',
    runs: 120,
    props: fc.record({
      rules: validOrHostile(() => fc.array(egressSpec(), { minLength: 1, maxLength: 4 })),
      workloadLabels: fc.option(validOrHostile(() => labels()), { nil: undefined }),
    }, { requiredKeys: ['rules'] }),
    propNames: [...EGRESS_RULE_PROPS, 'networkPolicy'],
    build: (chart, { rules, workloadLabels }) => {
      const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
      for (const spec of rules) api.addEgressRule(toEgressRule(spec));
      if (workloadLabels !== undefined) {
        const other = new kplus.Deployment(chart, 'other', { select: false, containers: [{ image: IMAGE }] });
        for (const [key, value] of Object.entries(workloadLabels)) other.select(kplus.LabelSelector.of({ labels: { [key]: value } }));
        api.addEgressRule(EgressRule.toWorkload(other, [80]));
      }
    },
    // the plain Deployment is the user's own object; the rules land in the HardenedDeployment's policy
    judged: (obj) => obj.metadata?.name === 'orders-api',
  });
});
