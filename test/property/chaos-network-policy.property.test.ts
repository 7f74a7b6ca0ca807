import * as fc from 'fast-check';
import { testProperty } from './harness';
import {
  defined, hostileDuration, labels, labelValue, metadataProp, prop, validDuration, validOrHostile,
} from './values';
import { ChaosDirection, ChaosNetworkPolicy, ChaosNetworkPolicyProps, HardenedDeployment } from '../../src';

/** ChaosNetworkPolicy props as data: the workload, when used, is a HardenedDeployment built in the chart. */
interface Case {
  readonly useWorkload: boolean;
  readonly policy: Omit<ChaosNetworkPolicyProps, 'workload'>;
}

describe('ChaosNetworkPolicy property', () => {
  testProperty<Case>({
    name: 'ChaosNetworkPolicy',
    runs: 100,
    props: validOrHostile(() => fc.record({
      useWorkload: fc.boolean(),
      policy: fc.record({
        podLabels: prop(fc.constant({ 'app.kubernetes.io/name': 'orders-api' }), labels()),
        direction: prop(fc.constantFrom(ChaosDirection.INGRESS, ChaosDirection.EGRESS, ChaosDirection.BOTH), fc.constant('Sideways' as any)),
        scenario: prop(fc.constantFrom('network-block', 'manual'), labelValue()),
        duration: prop(validDuration(1, 3600), hostileDuration()),
        gated: prop(fc.boolean(), fc.boolean()),
        metadata: metadataProp(),
      }).map((p) => defined(p)),
    })),
    propNames: ['workload', 'podLabels', 'direction', 'scenario', 'duration', 'gated', 'metadata'],
    build: (chart, { useWorkload, policy }) => {
      const workload = useWorkload ? new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', metadata: { name: 'orders-api' } }) : undefined;
      new ChaosNetworkPolicy(chart, 'partition', defined({ ...policy, workload }));
    },
    judged: (obj) => obj.metadata?.name !== 'orders-api',
  });
});
