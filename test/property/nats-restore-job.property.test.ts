import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { testProperty } from './harness';
import { NATS_CONNECTION_PROPS, natsConnectionOptions, natsConnectionSpec, NatsConnectionSpec } from './nats-connection.arbitraries';
import {
  defined, dnsLabel, either, hostileDuration, hostileString, metadataProp, prop, validDuration, validOrHostile,
} from './values';
import { ExistingStreamPolicy, NatsBackupCronJob, NatsRestoreJob, NatsRestoreJobProps } from '../../src';

/** NatsRestoreJob props as data: from a NatsBackupCronJob, or from a claim with its own connection. */
interface Case {
  readonly source: { readonly kind: 'backup' } | { readonly kind: 'claim'; readonly claimName: string; readonly connection: NatsConnectionSpec };
  readonly restore: Omit<NatsRestoreJobProps, keyof NatsConnectionSpec | 'auth' | 'tlsCaSecret' | 'backup' | 'claim'>;
}

const NATS_RESTORE_PROPS = [...NATS_CONNECTION_PROPS, 'backup', 'claim', 'metadata', 'backupName', 'latestAtOrBefore', 'latestOnDay', 'streams', 'onExisting', 'activeDeadline', 'ttlAfterFinished'];

function restoreProps(): fc.Arbitrary<Case['restore']> {
  return fc.record({
    metadata: metadataProp(),
    backupName: prop(fc.constantFrom('latest', '20261127T020000Z'), fc.oneof(fc.constantFrom('../x', '*', '20261127T020000Z/..', '.incomplete-x'), hostileString())),
    latestAtOrBefore: prop(
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
      fc.oneof(fc.constant(new Date(NaN)), fc.date({ min: new Date(-8.64e15), max: new Date('1969-12-31T23:59:59Z') }), fc.constant('2026-11-20' as any)),
    ),
    latestOnDay: prop(
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.oneof(fc.constantFrom('2026-02-29', '2026-13-01', '20261120', '2026-11-20T02:00', '1969-12-31'), hostileString()),
    ),
    streams: prop(
      fc.uniqueArray(fc.constantFrom('ORDERS', 'payments_v2', 'KV_config', 'a-b'), { minLength: 1, maxLength: 3 }),
      fc.array(fc.oneof(fc.constantFrom('a b', 'a.b', '*', '>', 'a/b', '?', '[ab]', ''), hostileString()), { maxLength: 3 }),
    ),
    onExisting: prop(fc.constantFrom(ExistingStreamPolicy.FAIL, ExistingStreamPolicy.SKIP, ExistingStreamPolicy.REPLACE), fc.constant('merge' as any)),
    activeDeadline: prop(validDuration(60, 86400), hostileDuration()),
    ttlAfterFinished: prop(validDuration(0, 86400 * 30), hostileDuration()),
  }).map((p) => defined(p));
}

describe('NatsRestoreJob property', () => {
  testProperty<Case>({
    name: 'NatsRestoreJob',
    runs: 100,
    props: validOrHostile(() => fc.record({
      source: fc.oneof(
        fc.constant({ kind: 'backup' as const }),
        fc.record({ kind: fc.constant('claim' as const), claimName: either(dnsLabel(), hostileString()), connection: natsConnectionSpec() }),
      ),
      restore: restoreProps(),
    })),
    propNames: NATS_RESTORE_PROPS,
    build: (chart, { source, restore }) => {
      if (source.kind === 'backup') {
        const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
        new NatsRestoreJob(chart, 'restore', { ...restore, backup });
      } else {
        const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', source.claimName);
        new NatsRestoreJob(chart, 'restore', { ...natsConnectionOptions(chart, source.connection), ...restore, claim });
      }
    },
  });
});
