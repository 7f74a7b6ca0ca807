import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { API_PDB_PROPS, budgetOptions, IMAGE } from './arbitraries';
import { testProperty } from './harness';
import { either, hostileNumber, validOrHostile } from './values';
import { ApiPdb, ApiPdbOptions, HardenedDeployment } from '../../src';

/** ApiPdb on every kind of workload it takes (and some it refuses), with replicas at the edges. */
interface Case {
  readonly workload: 'hardened' | 'deployment' | 'statefulset' | 'job';
  readonly replicas: number | undefined;
  readonly options: ApiPdbOptions;
}

describe('ApiPdb property', () => {
  testProperty<Case>({
    name: 'ApiPdb',
    runs: 120,
    props: fc.record({
      workload: fc.constantFrom('hardened' as const, 'deployment' as const, 'statefulset' as const, 'job' as const),
      replicas: validOrHostile(() => fc.option(either(fc.integer({ min: 1, max: 6 }), hostileNumber()), { nil: undefined })),
      options: budgetOptions(),
    }),
    propNames: API_PDB_PROPS,
    build: (chart, { workload, replicas, options }) => {
      const containers = [{ image: IMAGE, portNumber: 8080 }];
      const target = workload === 'hardened'
        // HardenedDeployment checks its own replicas: only valid ones reach the budget from there
        ? new HardenedDeployment(chart, 'api', { image: IMAGE, replicas: Number.isInteger(replicas) && replicas! >= 1 && replicas! < 2 ** 31 ? replicas : undefined })
        : workload === 'deployment' ? new kplus.Deployment(chart, 'api', { replicas, containers })
          : workload === 'statefulset' ? new kplus.StatefulSet(chart, 'api', { replicas, containers, service: new kplus.Service(chart, 'svc', { clusterIP: 'None', ports: [{ port: 8080 }] }) })
            : new kplus.Job(chart, 'api', { containers });
      new ApiPdb(chart, 'pdb', { ...options, workload: target });
    },
    // Plain cdk8s-plus workloads are the user's own objects (not restricted, replicas as given):
    // the budget is what ApiPdb emits, and the HardenedDeployment is judged by its own property.
    judged: (obj) => obj.kind === 'PodDisruptionBudget',
  });
});
