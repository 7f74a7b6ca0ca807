import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { testProperty } from './harness';
import {
  defined, dnsLabel, duration, either, hostileDuration, hostileNumber, hostileString, image, labels, metadataProp, prop,
  validDuration, validOrHostile,
} from './values';
import { ApiServerEndpoint, ChaosDirection, ChaosExperiment, ChaosExperimentProps, ChaosNatsTarget, ChaosScenario, HardenedDeployment, RecoverySla } from '../../src';

/** ChaosExperiment props as data: the target Deployment and the SLA are built in the chart. */
interface Case {
  readonly scenario: ChaosScenario;
  readonly target?: { readonly namespace?: string };
  readonly sla?: { readonly kind: 'baseline'; readonly name: keyof typeof RecoverySla } | { readonly kind: 'within'; readonly maxRecovery: Duration };
  readonly experiment: Omit<ChaosExperimentProps, 'scenario' | 'target' | 'sla'>;
}

export const CHAOS_EXPERIMENT_PROPS = [
  'scenario', 'target', 'nats', 'healthUrl', 'healthSuccesses', 'sla', 'recoveryTimeout', 'pollInterval', 'holdTime', 'direction', 'activeDeadline',
  'ttlAfterFinished', 'image', 'metadata', 'maxRecovery', 'name', 'apiServer', 'observabilityEgress', 'dnsResolver',
];

function natsTarget(): fc.Arbitrary<ChaosNatsTarget> {
  return fc.record({
    statefulSetName: either(fc.constantFrom('nats', 'nats-js'), hostileString()),
    podLabels: either(fc.constant({ 'app.kubernetes.io/name': 'nats' }), labels()),
    monitorPort: prop(fc.integer({ min: 1, max: 65535 }), hostileNumber()),
    killMetaLeader: prop(fc.boolean(), fc.boolean()),
    namespaceName: prop(fc.constantFrom('messaging', 'nats'), hostileString()),
  }, { requiredKeys: ['statefulSetName', 'podLabels'] }).map((n) => defined(n) as ChaosNatsTarget);
}

function experimentProps(): fc.Arbitrary<Case['experiment']> {
  return fc.record({
    apiServer: either<ApiServerEndpoint>(
      fc.record({ cidrs: fc.constantFrom<string[]>(['10.0.0.10/32'], ['10.0.0.10/32', 'fd00::10/128']), port: fc.constantFrom(443, 6443) }),
      fc.record({ cidrs: fc.array(hostileString(), { maxLength: 2 }), port: hostileNumber() }),
    ),
    nats: prop(natsTarget(), natsTarget()),
    healthUrl: prop(fc.constantFrom('http://orders-api.orders.svc/readyz', 'https://api.example.com/healthz'), hostileString()),
    healthSuccesses: prop(fc.integer({ min: 1, max: 10 }), hostileNumber()),
    recoveryTimeout: prop(validDuration(90, 900), hostileDuration()),
    pollInterval: prop(validDuration(1, 10), hostileDuration()),
    holdTime: prop(validDuration(10, 300), hostileDuration()),
    direction: prop(fc.constantFrom(ChaosDirection.INGRESS, ChaosDirection.EGRESS, ChaosDirection.BOTH), fc.constant('Sideways' as any)),
    activeDeadline: prop(validDuration(1800, 7200), hostileDuration()),
    ttlAfterFinished: prop(validDuration(0, 86400 * 7), hostileDuration()),
    image: prop(image('alpine/k8s:1.28.13'), image('alpine/k8s:1.28.13')),
    metadata: metadataProp(),
  }).map((p) => defined(p));
}

describe('ChaosExperiment property', () => {
  testProperty<Case>({
    name: 'ChaosExperiment',
    runs: 100,
    props: validOrHostile(() => fc.record({
      scenario: either(fc.constantFrom(...Object.values(ChaosScenario)), fc.constant('disk-fill' as any), 1, 8),
      target: fc.option(fc.record({ namespace: prop(dnsLabel(), hostileString()) }).map((t) => defined(t)), { nil: undefined }),
      sla: fc.option(fc.oneof(
        fc.record({ kind: fc.constant('baseline' as const), name: fc.constantFrom('API_POD_KILL', 'NATS_LEADER_ELECTION', 'NETWORK_PARTITION', 'MEMORY_PRESSURE', 'OBSERVABILITY_FAILURE') as fc.Arbitrary<keyof typeof RecoverySla> }),
        fc.record({ kind: fc.constant('within' as const), maxRecovery: either(fc.integer({ min: 1, max: 300 }).map((s) => duration('seconds', s)), hostileDuration()) }),
      ), { nil: undefined }),
      experiment: experimentProps(),
    }, { requiredKeys: ['scenario', 'experiment'] })),
    propNames: CHAOS_EXPERIMENT_PROPS,
    build: (chart, c) => {
      const target = c.target && new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: defined({ name: 'orders-api', namespace: c.target.namespace }) });
      const sla = c.sla === undefined ? undefined : c.sla.kind === 'within' ? RecoverySla.within(c.sla.maxRecovery) : RecoverySla[c.sla.name] as RecoverySla;
      new ChaosExperiment(chart, 'chaos', defined({ ...c.experiment, scenario: c.scenario, target, sla }));
    },
    // the HardenedDeployment target is judged by its own property
    judged: (obj) => !(obj.kind === 'Deployment' || obj.kind === 'Service' || (obj.kind === 'NetworkPolicy' && obj.metadata?.name === 'orders-api')),
  });
});
