import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ExistingStreamPolicy, NatsBackupCronJob, NatsRestoreJob, NatsRestoreJobProps } from '../src';
import { contentHash } from '../src/_scripts-config-map';
import { describeWith } from './support/binaries';
import { newChart, toYaml } from './support/charts';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';
import { NATSCLI_STANDIN } from './support/nats-scripts';
import { NatsServer } from './support/nats-server';
import { ASSETS, runScript } from './support/scripts';
import { commandScript, containerEnv, literalEnv, materializeConfigMap } from './support/synthesized';

function synthRestore(props: Partial<NatsRestoreJobProps> = {}) {
  const chart = newChart();
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup' } });
  new NatsRestoreJob(chart, 'restore', { metadata: { name: 'nats-restore' }, backup, ...props });
  const objects = synthValid(chart);
  const job = onlyOfKind(objects, 'Job');
  const pod = job.spec.template.spec;
  return { objects, job, pod, container: pod.containers[0], env: containerEnv(pod.containers[0]) };
}

describe('NatsRestoreJob', () => {
  test('snapshot', () => {
    const { objects } = synthRestore();
    expect(toYaml(objects.filter((o) => o.metadata.name.startsWith('nats-restore')))).toMatchSnapshot();
  });

  test('a one-off Job that never retries, with a deadline and a TTL', () => {
    const { job } = synthRestore();
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(3600);
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(job.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'jetstream-restore', 'app.kubernetes.io/name': 'nats-restore' });
    expect(job.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('jetstream-restore');
    expect(job.spec.template.spec.containers[0].workingDir).toBe('/tmp');
  });

  test('restores the latest backup from the backup\'s claim, mounted read-only, with the backup\'s scripts and connection', () => {
    const { pod, container, env, objects } = synthRestore();
    expect(commandScript(container)).toEqual({ dir: '/opt/nats-backup', script: 'nats-restore.sh' });
    expect(env).toMatchObject({ BACKUP_NAME: 'latest', ON_EXISTING: 'fail', STREAMS: '', NATS_URL: 'nats://nats:4222', BACKUP_ROOT: '/backup' });
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'nats-backup-data', readOnly: true } });
    expect(container.volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup', readOnly: true });
    const backupScripts = objects.find((o: any) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nats-backup-scripts-'));
    expect(pod.volumes).toContainEqual({ name: 'scripts', configMap: { name: backupScripts.metadata.name, defaultMode: 0o555 } });
    expect(container.image).toBe('natsio/nats-box:0.19.5');
    expect(container.securityContext).toMatchObject({ runAsUser: 65532, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  test('a named backup, a subset of streams and the replace policy', () => {
    const { env } = synthRestore({ backupName: '20261127T020000Z', streams: ['ORDERS', 'PAYMENTS'], onExisting: ExistingStreamPolicy.REPLACE });
    expect(env).toMatchObject({ BACKUP_NAME: '20261127T020000Z', STREAMS: 'ORDERS PAYMENTS', ON_EXISTING: 'replace' });
  });

  test('the newest backup at or before a time, to the second, or on a UTC day', () => {
    const atOrBefore = synthRestore({ latestAtOrBefore: new Date('2026-11-20T02:30:02.900Z') }).env;
    expect(atOrBefore).toMatchObject({ BACKUP_NAME: 'latest', BACKUP_NOT_AFTER: '20261120T023002Z' });
    expect(atOrBefore.BACKUP_NOT_BEFORE).toBeUndefined();
    expect(synthRestore({ latestOnDay: '2024-02-29' }).env).toMatchObject({
      BACKUP_NAME: 'latest', BACKUP_NOT_BEFORE: '20240229T000000Z', BACKUP_NOT_AFTER: '20240229T235959Z',
    });
    const plain = synthRestore().env;
    expect(plain.BACKUP_NOT_AFTER).toBeUndefined();
    expect(plain.BACKUP_NOT_BEFORE).toBeUndefined();
  });

  test.each([
    ['the first second of 1970', new Date('1970-01-01T00:00:00.000Z'), '19700101T000000Z'],
    ['the last second of 9999', new Date('9999-12-31T23:59:59.999Z'), '99991231T235959Z'],
  ])('a time bound at the end of its range: %s', (_, latestAtOrBefore, notAfter) => {
    expect(synthRestore({ latestAtOrBefore }).env.BACKUP_NOT_AFTER).toBe(notAfter);
  });

  test.each([['1970-01-01', '19700101'], ['2026-12-31', '20261231'], ['2028-02-29', '20280229']])('the day %s, at the ends of a year and a leap day', (day, compact) => {
    expect(synthRestore({ latestOnDay: day }).env).toMatchObject({ BACKUP_NOT_BEFORE: `${compact}T000000Z`, BACKUP_NOT_AFTER: `${compact}T235959Z` });
  });

  test('a stream name of exactly 255 bytes', () => {
    const stream = `${'é'.repeat(127)}a`;
    expect(synthRestore({ streams: [stream] }).env.STREAMS).toBe(stream);
  });

  test('no NetworkPolicy when turned off', () => {
    const chart = newChart();
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'jetstream-backups');
    const restore = new NatsRestoreJob(chart, 'restore', { claim, networkPolicy: false });
    expect(restore.networkPolicy).toBeUndefined();
    expect(ofKind(synthValid(chart), 'NetworkPolicy')).toEqual([]);
  });

  test('stream names NATS accepts, glob characters, KV buckets and object stores included, reach the script as they are', () => {
    const streams = ['[st]rc', '?', 'KV_config', 'OBJ_files', '$MQTT_sess', 'a\'b"c$(x)'];
    expect(synthRestore({ streams }).env.STREAMS).toBe(streams.join(' '));
  });

  test('a deadline and a TTL of their own', () => {
    const { job } = synthRestore({ activeDeadline: Duration.hours(6), ttlAfterFinished: Duration.hours(2) });
    expect(job.spec).toMatchObject({ activeDeadlineSeconds: 21600, ttlSecondsAfterFinished: 7200 });
  });

  test('NetworkPolicy: egress to DNS and the NATS client port only', () => {
    const { objects } = synthRestore();
    const policy = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'nats-restore');
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress[1]).toEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' } } }],
      ports: [{ port: 4222, protocol: 'TCP' }],
    });
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'nats-restore', 'app.kubernetes.io/instance': 'nats-restore' });
  });

  test('standalone, from an existing claim: ships its own restore scripts', () => {
    const chart = newChart();
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'jetstream-backups');
    new NatsRestoreJob(chart, 'restore', { claim, natsUrl: 'nats://nats.messaging:4222', natsNamespace: 'messaging' });
    const objects = synthValid(chart);
    const scripts = onlyOfKind(objects, 'ConfigMap');
    expect(Object.keys(scripts.data).sort()).toEqual(['nats-backup-lib.sh', 'nats-restore.sh']);
    expect(scripts.immutable).toBe(true);
    expect(scripts.metadata.name).toBe(`${onlyOfKind(objects, 'Job').metadata.name}-scripts-${contentHash(scripts.data)}`);
    const pod = onlyOfKind(objects, 'Job').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'jetstream-backups', readOnly: true } });
    expect(pod.volumes).toContainEqual({ name: 'scripts', configMap: { name: scripts.metadata.name, defaultMode: 0o555 } });
  });
});

const STREAM = "streams must hold JetStream stream names: 1 to 255 bytes without whitespace, '.', '*', '>', '/', '\\', control characters or a leading '-', ";

describe('NatsRestoreJob refuses', () => {
  test('fails with a claim whose name is not a DNS subdomain', () => {
    const chart = newChart();
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'Backups!');
    expect(() => new NatsRestoreJob(chart, 'restore', { claim }))
      .toThrow('claim must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got "Backups!"');
  });

  test('fails without a backup or a claim', () => {
    expect(() => new NatsRestoreJob(newChart(), 'restore', {})).toThrow('backup must be given, or claim instead, but not both, got "neither"');
  });

  test('fails with both a backup and a claim', () => {
    const chart = newChart();
    const backup = new NatsBackupCronJob(chart, 'backup');
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'other');
    expect(() => new NatsRestoreJob(chart, 'restore', { backup, claim })).toThrow('backup must be given, or claim instead, but not both, got "both"');
  });

  const cases: Array<[string, Partial<NatsRestoreJobProps>, string]> = [
    ['a malformed backup name', { backupName: '2026-11-27' }, 'backupName must be "latest" or a backup directory name such as "20260101T020000Z", got "2026-11-27"'],
    ['a path as backup name', { backupName: '../etc' }, 'backupName must be "latest" or a backup directory name such as "20260101T020000Z", got "../etc"'],
    ['a backup name after a path', { backupName: 'x/20260101T020000Z' },
      'backupName must be "latest" or a backup directory name such as "20260101T020000Z", got "x/20260101T020000Z"'],
    ['a backup name with a suffix', { backupName: '20260101T020000Z.tmp' },
      'backupName must be "latest" or a backup directory name such as "20260101T020000Z", got "20260101T020000Z.tmp"'],
    ['a bound with a named backup', { backupName: '20261120T023002Z', latestAtOrBefore: new Date('2026-11-20T03:00:00Z') },
      'latestAtOrBefore must be left out when backupName names a backup (20261120T023002Z); it picks among backups with backupName \'latest\', got 2026-11-20T03:00:00.000Z'],
    ['a day with a named backup', { backupName: '20261120T023002Z', latestOnDay: '2026-11-20' },
      'latestOnDay must be left out when backupName names a backup (20261120T023002Z); it picks among backups with backupName \'latest\', got "2026-11-20"'],
    ['both a time and a day', { latestAtOrBefore: new Date('2026-11-20T03:00:00Z'), latestOnDay: '2026-11-20' },
      'latestOnDay must be left out when latestAtOrBefore is given: give one of them, got "2026-11-20"'],
    ['an invalid Date', { latestAtOrBefore: new Date('tomorrow') }, 'latestAtOrBefore must be a valid Date between the years 1970 and 9999, got an invalid Date'],
    ['a Date before 1970', { latestAtOrBefore: new Date('1969-12-31T23:59:59Z') }, 'latestAtOrBefore must be a valid Date between the years 1970 and 9999, got 1969-12-31T23:59:59.000Z'],
    ['a Date after 9999', { latestAtOrBefore: new Date('+010000-01-01T00:00:00Z') },
      'latestAtOrBefore must be a valid Date between the years 1970 and 9999, got +010000-01-01T00:00:00.000Z'],
    ['a time that is no Date', { latestAtOrBefore: '2026-11-20T03:00:00Z' as unknown as Date },
      'latestAtOrBefore must be a valid Date between the years 1970 and 9999, got "2026-11-20T03:00:00Z"'],
    ['a day before 1970', { latestOnDay: '1969-12-31' }, 'latestOnDay must be a UTC calendar day YYYY-MM-DD from 1970 on, such as "2026-11-20", got "1969-12-31"'],
    ['a thirteenth month', { latestOnDay: '2026-13-01' }, 'latestOnDay must be a UTC calendar day YYYY-MM-DD from 1970 on, such as "2026-11-20", got "2026-13-01"'],
    ['a day 0', { latestOnDay: '2026-03-00' }, 'latestOnDay must be a UTC calendar day YYYY-MM-DD from 1970 on, such as "2026-11-20", got "2026-03-00"'],
    ['a five-digit year', { latestOnDay: '12026-11-20' }, 'latestOnDay must be a UTC calendar day YYYY-MM-DD from 1970 on, such as "2026-11-20", got "12026-11-20"'],
    ['a day that is no string', { latestOnDay: 20261120 as unknown as string },
      'latestOnDay must be a UTC calendar day YYYY-MM-DD from 1970 on, such as "2026-11-20", got 20261120'],
    ['a day that does not exist', { latestOnDay: '2026-02-29' }, 'latestOnDay must be a UTC calendar day YYYY-MM-DD from 1970 on, such as "2026-11-20", got "2026-02-29"'],
    ['a day in the form of a backup name', { latestOnDay: '20261120' }, 'latestOnDay must be a UTC calendar day YYYY-MM-DD from 1970 on, such as "2026-11-20", got "20261120"'],
    ['a day with a time', { latestOnDay: '2026-11-20T02:00' }, 'latestOnDay must be a UTC calendar day YYYY-MM-DD from 1970 on, such as "2026-11-20", got "2026-11-20T02:00"'],
    ['a stream name with a dot', { streams: ['orders.v1'] }, STREAM + 'got "orders.v1"'],
    ['a stream name with a space', { streams: ['ORDERS PAYMENTS'] }, STREAM + 'got "ORDERS PAYMENTS"'],
    ['a stream name with a control character', { streams: ['ORD\u0007ERS'] }, STREAM + 'got "ORD\\u0007ERS"'],
    ['a stream name with a leading dash', { streams: ['-f'] }, STREAM + 'got "-f"'],
    ['a stream name with a backslash', { streams: ['a\\b'] }, STREAM + 'got "a\\\\b"'],
    ['an empty stream name', { streams: [''] }, STREAM + 'got ""'],
    ['a stream name that is no string', { streams: [5 as unknown as string] }, STREAM + 'got 5'],
    ['a stream name over 255 bytes', { streams: ['é'.repeat(128)] }, STREAM + `got "${'é'.repeat(128)}"`],
    ['an empty stream list', { streams: [] }, 'streams must name at least one stream, or be left out to restore every stream, got []'],
    ['an active deadline below a minute', { activeDeadline: Duration.seconds(10) }, 'activeDeadline must be whole seconds from 1 minute to 2147483647 seconds (int32), got 10 seconds'],
    ['a TTL of fractional seconds', { ttlAfterFinished: Duration.millis(1500) }, 'ttlAfterFinished must be whole seconds from 0 seconds to 2147483647 seconds (int32), got 1 second 500 millis'],
    ['a TTL beyond int32', { ttlAfterFinished: Duration.days(30000) }, 'ttlAfterFinished must be whole seconds from 0 seconds to 2147483647 seconds (int32), got 30000 days'],
    ['a Job name over 63 characters', { metadata: { name: 'r'.repeat(64) } },
      `metadata.name must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (its pods carry the name in a label), got "${'r'.repeat(64)}"`],
  ];
  test.each(cases)('fails with %s', (_name, props, message) => {
    const chart = newChart();
    const backup = new NatsBackupCronJob(chart, 'backup');
    expect(() => new NatsRestoreJob(chart, 'restore', { backup, ...props })).toThrow(message);
  });
});

describeWith(['nats-server', 'jq'], 'NatsRestoreJob as synthesized, run against a real nats-server', () => {
  let server: NatsServer;
  let work: string;
  beforeEach(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'nats-restore-synth-'));
  });
  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('the Job\'s own script and environment restore a backup into an empty server', async () => {
    await server.seedStream({ name: 'ORDERS' }, 7, [{ durable_name: 'billing' }]);
    const root = join(work, 'backup');
    mkdirSync(root);
    const backedUp = runScript('sh', join(ASSETS, 'nats-backup', 'nats-backup.sh'), {
      NATS_URL: server.url, BACKUP_ROOT: root,
    }, [NATSCLI_STANDIN]);
    expect(backedUp.status).toBe(0);
    await server.stop();
    server = await NatsServer.start();

    const { objects, container } = synthRestore({ streams: ['ORDERS'] });
    const scriptsDir = join(work, 'opt', 'nats-backup');
    materializeConfigMap(onlyOfKind(objects, 'ConfigMap'), scriptsDir);
    const result = runScript('sh', join(scriptsDir, 'nats-restore.sh'), {
      ...literalEnv(container), NATS_URL: server.url, BACKUP_ROOT: root, HOME: work,
    }, [NATSCLI_STANDIN]);
    expect(result.stderr).toContain('stream ORDERS restored: messages and consumers from the snapshot; messages=7 (backup had 7); consumers=billing');
    expect(result.status).toBe(0);
    await server.withJetStream(async (jsm) => {
      expect((await jsm.streams.info('ORDERS')).state.messages).toBe(7);
    });
  });
});
