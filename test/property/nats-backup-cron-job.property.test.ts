import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { schedule } from './cron.arbitraries';
import { testProperty } from './harness';
import { NATS_CONNECTION_PROPS, natsConnectionOptions, natsConnectionSpec, NatsConnectionSpec } from './nats-connection.arbitraries';
import {
  defined, dnsLabel, duration, either, hostileDuration, hostileNumber, hostileSize, hostileString, metadataProp, prop,
  size, validDuration, validOrHostile,
} from './values';
import { NatsBackupCronJob, NatsBackupCronJobProps } from '../../src';

/** NatsBackupCronJob props as data: the connection is built in the chart (see nats-connection.arbitraries.ts). */
interface Case {
  readonly connection: NatsConnectionSpec;
  readonly backup: Omit<NatsBackupCronJobProps, keyof NatsConnectionSpec | 'auth' | 'tlsCaSecret' | 'existingClaim'>;
  readonly existingClaimName?: string;
}

const NATS_BACKUP_PROPS = [
  ...NATS_CONNECTION_PROPS, 'metadata', 'schedule', 'timeZone', 'retention', 'keepLast', 'includeMessages', 'monitorUrl', 'existingClaim',
  'claimSize', 'storageClassName', 'accessMode', 'startingDeadline', 'activeDeadline', 'backoffLimit', 'jobsHistoryLimit',
];

function backupProps(): fc.Arbitrary<Case['backup']> {
  return fc.record({
    metadata: metadataProp(),
    schedule: prop(schedule(), schedule()),
    timeZone: prop(fc.constantFrom('Etc/UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'UTC'),
      fc.oneof(fc.constantFrom('etc/utc', 'US/Pacific-New', 'SystemV/AST4', 'Local', '+02:00', 'Mars/Olympus_Mons'), hostileString())),
    retention: prop(fc.integer({ min: 1, max: 90 }).map((d) => duration('days', d)), hostileDuration()),
    keepLast: prop(fc.integer({ min: 1, max: 30 }), hostileNumber()),
    includeMessages: prop(fc.boolean(), fc.boolean()),
    monitorUrl: prop(fc.constantFrom('http://nats:8222', 'https://nats-headless.messaging.svc:8222'), hostileString()),
    claimSize: prop(fc.integer({ min: 1, max: 100 }).map((g) => size('gibibytes', g)), hostileSize()),
    storageClassName: prop(fc.oneof(dnsLabel(), fc.constant('retained-ssd')), hostileString()),
    accessMode: prop(fc.constantFrom(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE, kplus.PersistentVolumeAccessMode.READ_WRITE_MANY), fc.constant('Sometimes' as any)),
    startingDeadline: prop(validDuration(10, 86400), hostileDuration()),
    activeDeadline: prop(validDuration(60, 86400), hostileDuration()),
    backoffLimit: prop(fc.integer({ min: 0, max: 6 }), hostileNumber()),
    jobsHistoryLimit: prop(fc.integer({ min: 1, max: 10 }), hostileNumber()),
  }).map((p) => defined(p));
}

describe('NatsBackupCronJob property', () => {
  testProperty<Case>({
    name: 'NatsBackupCronJob',
    runs: 100,
    props: validOrHostile(() => fc.record({
      connection: natsConnectionSpec(),
      backup: backupProps(),
      existingClaimName: fc.option(either(dnsLabel(), hostileString()), { nil: undefined }),
    }, { requiredKeys: ['connection', 'backup'] })),
    propNames: NATS_BACKUP_PROPS,
    build: (chart, { connection, backup, existingClaimName }) => {
      const existingClaim = existingClaimName !== undefined ? kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', existingClaimName) : undefined;
      new NatsBackupCronJob(chart, 'backup', defined({ ...natsConnectionOptions(chart, connection), ...backup, existingClaim }));
    },
  });
});
