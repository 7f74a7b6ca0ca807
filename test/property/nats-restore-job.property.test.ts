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

const NATS_RESTORE_PROPS = [...NATS_CONNECTION_PROPS, 'backup', 'claim', 'metadata', 'backupName', 'streams', 'onExisting', 'activeDeadline', 'ttlAfterFinished'];

function restoreProps(): fc.Arbitrary<Case['restore']> {
  return fc.record({
    metadata: metadataProp(),
    backupName: prop(fc.constantFrom('latest', '20261127T020000Z'), fc.oneof(fc.constantFrom('../x', '*', '20261127T020000Z/..', '.incomplete-x'), hostileString())),
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
