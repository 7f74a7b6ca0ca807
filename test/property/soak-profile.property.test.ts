import * as fc from 'fast-check';
import { testProperty } from './harness';
import { duration, either, hostileDuration, hostileNumber, validOrHostile } from './values';
import { HardenedDeployment, SoakJob, SoakProfile, SoakTarget } from '../../src';

/**
 * SoakProfile.custom(duration, vus), through the Job that runs it. Only the factory's arguments may
 * be blamed: every other prop of the Job keeps its default.
 */
interface Case {
  readonly duration: ReturnType<typeof duration>;
  readonly vus: number;
}

describe('SoakProfile property', () => {
  testProperty<Case>({
    name: 'SoakProfile.custom',
    runs: 100,
    props: validOrHostile(() => fc.record({
      duration: either(fc.integer({ min: 60, max: 7 * 86400 }).map((s) => duration('seconds', s)), hostileDuration()),
      vus: either(fc.integer({ min: 1, max: 500 }), hostileNumber()),
    })),
    propNames: ['duration', 'vus'],
    build: (chart, c) => {
      const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: { name: 'orders-api' } });
      new SoakJob(chart, 'soak', { target: SoakTarget.deployment(api), endpoints: [{ path: '/api/orders' }], profile: SoakProfile.custom(c.duration, c.vus) });
    },
    judged: (obj) => obj.metadata?.name !== 'orders-api',
  });
});
