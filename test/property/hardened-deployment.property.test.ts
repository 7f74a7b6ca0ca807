import * as fc from 'fast-check';
import {
  API_PDB_PROPS, budgetOptions, EGRESS_RULE_PROPS, egressSpec, EgressSpec, HARDENED_DEPLOYMENT_PROPS, hardenedDeploymentProps,
  toEgressRule,
} from './arbitraries';
import { testProperty } from './harness';
import { defined, validOrHostile } from './values';
import { ApiPdbOptions, HardenedDeployment, HardenedDeploymentProps } from '../../src';

interface Case {
  readonly deployment: HardenedDeploymentProps;
  readonly budget?: ApiPdbOptions;
  readonly addedEgress: EgressSpec[];
}

describe('HardenedDeployment property', () => {
  testProperty<Case>({
    name: 'HardenedDeployment (+Service, addDisruptionBudget, addEgressRule)',
    runs: 150,
    props: fc.record({
      deployment: hardenedDeploymentProps(),
      budget: fc.option(budgetOptions(), { nil: undefined }),
      addedEgress: validOrHostile(() => fc.array(egressSpec(), { maxLength: 2 })),
    }),
    propNames: [...new Set([...HARDENED_DEPLOYMENT_PROPS, ...EGRESS_RULE_PROPS, ...API_PDB_PROPS])],
    build: (chart, { deployment, budget, addedEgress }) => {
      const props = { ...deployment, egress: (deployment.egress as unknown as EgressSpec[] | undefined)?.map(toEgressRule) };
      const api = new HardenedDeployment(chart, 'api', defined(props));
      for (const spec of addedEgress) api.addEgressRule(toEgressRule(spec));
      if (budget) api.addDisruptionBudget(budget);
    },
  });
});
