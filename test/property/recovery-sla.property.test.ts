import * as fc from 'fast-check';
import { testProperty } from './harness';
import { duration, either, hostileDuration, hostileString, validOrHostile } from './values';
import { ChaosExperiment, ChaosScenario, HardenedDeployment, RecoverySla } from '../../src';

/**
 * RecoverySla.within(maxRecovery, name), through the experiment that uses it. Only the factory's
 * arguments may be blamed: every other prop of the experiment keeps its default, so an error
 * naming one of them (activeDeadline, recoveryTimeout) names a prop the user never set.
 */
interface Case {
  readonly maxRecovery: ReturnType<typeof duration>;
  readonly name?: string;
}

describe('RecoverySla property', () => {
  testProperty<Case>({
    name: 'RecoverySla.within',
    runs: 100,
    props: validOrHostile(() => fc.record({
      maxRecovery: either(fc.integer({ min: 1, max: 600 }).map((s) => duration('seconds', s)), hostileDuration()),
      name: fc.option(either(fc.constantFrom('custom', 'api-pod-kill-strict'), hostileString()), { nil: undefined }),
    }, { requiredKeys: ['maxRecovery'] })),
    propNames: ['maxRecovery', 'name', 'sla'],
    build: (chart, { maxRecovery, name }) => {
      const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: { name: 'orders-api' } });
      new ChaosExperiment(chart, 'chaos', {
        scenario: ChaosScenario.API_KILL, target: api, sla: RecoverySla.within(maxRecovery, name), apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
      });
    },
  });
});
