import { Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { schedule } from './cron.arbitraries';
import { testProperty } from './harness';
import {
  cpu, defined, described, duration, hostileCpu, hostileDuration, hostileNumber, hostileSize, image, metadataProp, prop, size,
  validDuration, validOrHostile,
} from './values';
import { NatsBackupCronJob, NatsRestoreDrill, NatsRestoreDrillProps } from '../../src';

/** NatsRestoreDrill props as data, with the schedule of the backups it proves. */
interface Case {
  readonly backupSchedule?: Cron;
  readonly backupNamespace?: string;
  readonly drill: Omit<NatsRestoreDrillProps, 'backup'>;
}

const NATS_RESTORE_DRILL_PROPS = [
  'backup', 'metadata', 'schedule', 'maxBackupAge', 'storeSize', 'serverImage', 'resources', 'startingDeadline', 'activeDeadline', 'jobsHistoryLimit',
];

/** Weekly and daily drills at times away from a 02:00 backup, and ones that fall inside its window. */
function drillSchedule(): fc.Arbitrary<Cron> {
  return fc.oneof(
    fc.record({ minute: fc.constantFrom('0', '30'), hour: fc.constantFrom('2', '6', '14'), weekDay: fc.constantFrom('0', '3', '*') })
      .map((o) => described(Cron.schedule(o), `Cron.schedule(${JSON.stringify(o)})`)),
    schedule(),
  );
}

function drillProps(): fc.Arbitrary<Case['drill']> {
  return fc.record({
    metadata: metadataProp(),
    schedule: prop(drillSchedule(), schedule()),
    maxBackupAge: prop(fc.integer({ min: 1, max: 14 }).map((d) => duration('days', d)), hostileDuration()),
    storeSize: prop(fc.integer({ min: 1, max: 50 }).map((g) => size('gibibytes', g)), hostileSize()),
    serverImage: prop(image('nats:2.14.0-alpine'), image('nats:2.14.0-alpine')),
    resources: prop<kplus.ContainerResources>(
      fc.record({ cpu: fc.record({ request: fc.integer({ min: 1, max: 1000 }).map((m) => cpu('millis', m)) }) }),
      fc.record({ cpu: fc.record({ limit: hostileCpu() }) }),
    ),
    startingDeadline: prop(validDuration(10, 86400), hostileDuration()),
    activeDeadline: prop(validDuration(60, 86400), hostileDuration()),
    jobsHistoryLimit: prop(fc.integer({ min: 1, max: 10 }), hostileNumber()),
  }).map((p) => defined(p));
}

describe('NatsRestoreDrill property', () => {
  testProperty<Case>({
    name: 'NatsRestoreDrill',
    runs: 100,
    props: validOrHostile(() => fc.record({
      backupSchedule: fc.option(fc.constantFrom(
        Cron.schedule({ minute: '0', hour: '2' }), Cron.schedule({ minute: '0', hour: '*/6' }), Cron.schedule({ minute: '15', hour: '3', weekDay: '1' }),
      ), { nil: undefined }),
      backupNamespace: fc.option(fc.constantFrom('messaging', 'other'), { nil: undefined }),
      drill: drillProps(),
    }, { requiredKeys: ['drill'] })),
    propNames: NATS_RESTORE_DRILL_PROPS,
    build: (chart, { backupSchedule, backupNamespace, drill }) => {
      const backup = new NatsBackupCronJob(chart, 'backup', defined({ metadata: defined({ name: 'jetstream-backup', namespace: backupNamespace }), schedule: backupSchedule }));
      new NatsRestoreDrill(chart, 'drill', { ...drill, backup });
    },
  });
});
