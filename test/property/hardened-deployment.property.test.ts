import * as fc from 'fast-check';
import {
  API_PDB_PROPS, budgetOptions, EGRESS_RULE_PROPS, egressSpec, EgressSpec, HARDENED_DEPLOYMENT_PROPS, HEALTH_PROBE_PROPS, hardenedDeploymentProps,
  INGRESS_RULE_PROPS, ingressSpec, IngressSpec, ProbeSpec, toEgressRule, toHealthProbe, toIngressRule,
} from './arbitraries';
import { testProperty } from './harness';
import { defined, validOrHostile } from './values';
import { ApiPdbOptions, HardenedDeployment, HardenedDeploymentProps, LivenessProbeRule, ProbePortsRule, ReadinessProbeRule } from '../../src';

interface Case {
  readonly deployment: HardenedDeploymentProps;
  readonly budget?: ApiPdbOptions;
  readonly addedEgress: EgressSpec[];
  readonly addedIngress: IngressSpec[];
}

describe('HardenedDeployment property', () => {
  testProperty<Case>({
    name: 'HardenedDeployment (+Service, addDisruptionBudget, addEgressRule)',
    runs: 150,
    props: fc.record({
      deployment: hardenedDeploymentProps(),
      budget: fc.option(budgetOptions(), { nil: undefined }),
      addedEgress: validOrHostile(() => fc.array(egressSpec(), { maxLength: 2 })),
      addedIngress: validOrHostile(() => fc.array(ingressSpec(), { maxLength: 1 })),
    }),
    propNames: [...new Set([...HARDENED_DEPLOYMENT_PROPS, ...EGRESS_RULE_PROPS, ...API_PDB_PROPS, ...HEALTH_PROBE_PROPS, ...INGRESS_RULE_PROPS, 'rule'])],
    build: (chart, { deployment, budget, addedEgress, addedIngress }) => {
      const probe = (spec: unknown) => (spec === undefined ? undefined : toHealthProbe(spec as ProbeSpec));
      const props = {
        ...deployment,
        egress: (deployment.egress as unknown as EgressSpec[] | undefined)?.map(toEgressRule),
        ingress: (deployment.ingress as unknown as IngressSpec[] | undefined)?.map(toIngressRule),
        readiness: probe(deployment.readiness),
        liveness: probe(deployment.liveness),
      };
      const api = new HardenedDeployment(chart, 'api', defined(props));
      for (const spec of addedEgress) api.addEgressRule(toEgressRule(spec));
      for (const spec of addedIngress) api.addIngressRule(toIngressRule(spec));
      if (budget) api.addDisruptionBudget(budget);
    },
    // whatever the probes: a readiness probe, a distinct liveness probe, their ports declared (kube-score, kube-linter)
    check: (objects) => objects.flatMap((obj) => [new ReadinessProbeRule(), new LivenessProbeRule(), new ProbePortsRule()]
      .flatMap((rule) => rule.check(obj, objects).map((finding) => `${rule.id}: ${obj.kind}/${obj.metadata.name}: ${finding}`))),
  });
});
