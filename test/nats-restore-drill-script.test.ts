import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AckPolicy, StorageType, StringCodec } from 'nats';
import { describeWith } from './support/binaries';
import { BACKUP_SCRIPT, LIB_SCRIPT, RESTORE_SCRIPT, fixedClock, runNatsScript, startNatsScript, writeExecutable, NATSCLI_STANDIN } from './support/nats-scripts';
import { NatsServer, freePort, seedEveryKind } from './support/nats-server';
import { ASSETS, MAIN_PATH_SHELLS, shellArgv, SHELLS } from './support/scripts';

const DRILL_SCRIPT = join(ASSETS, 'nats-backup', 'nats-restore-drill.sh');
const NAME = /^\d{8}T\d{6}Z$/;
/** A daily backup's longest interval plus its default margin: 24 h + 1 h starting + 1 h active. */
const DAILY = 93600;
const sc = StringCodec();

/** Whether something accepts TCP connections on a loopback port. */
function portIsOpen(port: number): boolean {
  return spawnSync('bash', ['-c', `(echo > /dev/tcp/127.0.0.1/${port}) 2>/dev/null`]).status === 0;
}

describeWith(['shellcheck'], 'restore drill script: shellcheck', () => {
  test('nats-restore-drill.sh is shellcheck-clean (POSIX sh) with the library it sources', () => {
    const result = spawnSync('shellcheck', ['-x', '--shell=sh', DRILL_SCRIPT, LIB_SCRIPT], { encoding: 'utf8', cwd: join(ASSETS, 'nats-backup') });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('restore drill script: the age of a backup from its name', () => {
  const names = ['19700101T000000Z', '20000301T000000Z', '20240229T235959Z', '20261127T020000Z', '20260809T080908Z', '21000101T000001Z'];
  test.each(SHELLS)('under %s: epoch_of_name agrees with the UTC calendar (leap days, leading zeros that are not octal)', (shell) => {
    const [command, ...args] = shell.split(' ');
    const script = `. ${LIB_SCRIPT}; eval "$(sed -n '/^epoch_of_name() {/,/^}/p' ${DRILL_SCRIPT})"; for n in ${names.join(' ')}; do epoch_of_name "$n"; done`;
    const result = spawnSync(command, [...args, '-c', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const expected = names.map((n) => {
      const [year, month, day, hour, minute, second] = [[0, 4], [4, 6], [6, 8], [9, 11], [11, 13], [13, 15]].map(([a, b]) => Number(n.slice(a, b)));
      return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
    });
    expect(result.stdout.trim().split('\n').map(Number)).toEqual(expected);
  });
});

// The production server below is where the backups come from; the drill must never connect to it.
// natscli is the stand-in of natscli-standin.test.ts; nats-server is the real one (Debian).
describeWith(['nats-server', 'jq', 'dash', 'busybox'], 'restore drill against a real nats-server', () => {
  let production: NatsServer;
  let work: string;
  let root: string;
  let drillDir: string;
  const natsServer = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();

  beforeEach(async () => {
    production = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'nats-drill-test-'));
    root = join(work, 'backup');
    drillDir = join(work, 'drill');
    mkdirSync(root);
    mkdirSync(drillDir);
  });

  afterEach(async () => {
    await production.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const backup = (extra: Record<string, string> = {}, path: string[] = []) => {
    const result = runNatsScript(BACKUP_SCRIPT, { NATS_URL: production.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off', ...extra }, { path });
    expect(result.stderr).toContain('backup complete');
    return JSON.parse(result.stdout).name as string;
  };

  /** Runs the drill as its CronJob would, with the production URL in its environment to prove it is ignored. */
  async function drill(shell = 'bash', extra: Record<string, string> = {}, path: string[] = []) {
    const result = runNatsScript(DRILL_SCRIPT, {
      NATS_URL: production.url,
      BACKUP_ROOT: root,
      MAX_BACKUP_AGE_SECONDS: String(DAILY),
      NATS_SERVER_BIN: natsServer,
      DRILL_DIR: drillDir,
      STORE_LIMIT_KIB: String(1024 * 1024),
      DRILL_PORT: String(await freePort()),
      RESTORE_SHELL: shellArgv(shell).flat().join(' '),
      ...extra,
    }, { shell, path });
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    return { ...result, report: JSON.parse(lines[0]) };
  }

  async function totalConnections(): Promise<number> {
    const varz = await (await fetch(`${production.monitorUrl}/varz`)).json() as any;
    return varz.total_connections;
  }

  /** What a real account holds: consumers part-way through a stream, a KV bucket, an object store, a memory stream. */


  /** SHA256SUMS written again after a change, as a backup that was wrong before it was checksummed would have it. */
  function resum(name: string): void {
    const dir = join(root, name);
    const sums = spawnSync('sh', ['-c', 'find . -type f ! -path ./SHA256SUMS -exec sha256sum {} + | LC_ALL=C sort -k 2'], { cwd: dir, encoding: 'utf8' });
    writeFileSync(join(dir, 'SHA256SUMS'), sums.stdout);
  }

  /** A snapshot of a production stream taken now, with natscli's `stream backup` (the stand-in, against the real server). */
  function snapshotNow(stream: string, dir: string): void {
    const result = spawnSync(join(NATSCLI_STANDIN, 'nats'), ['stream', 'backup', stream, dir, '--consumers', '--no-progress'], {
      env: { ...process.env, NATS_URL: production.url }, encoding: 'utf8',
    });
    expect(result.status).toBe(0);
  }

  const drillLeftovers = () => readdirSync(drillDir);

  test.each(MAIN_PATH_SHELLS)('under %s: a clean drill passes, as one JSON line, without a single connection to production', async (shell) => {
    await seedEveryKind(production, { emptyObject: true });
    const name = backup();
    const before = await totalConnections();
    const { status, stderr, report } = await drill(shell);
    expect(stderr).toContain(`drill passed: backup ${name} restored in`);
    expect(status).toBe(0);
    expect(report).toEqual({
      drill: 'passed',
      backup: name,
      backupStartedAt: name.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
      rpoSeconds: expect.any(Number),
      maxRpoSeconds: DAILY,
      rtoSeconds: expect.any(Number),
      streams: 5,
      messages: 25 + 5 + 3 + 5 + 0, // ORDERS, AUDIT, KV_config (3 revisions), OBJ_files (2 metas, 3 chunks of 128 KiB), CACHE (memory: configuration only)
      consumers: 3,
      kvBuckets: 1,
      kvKeys: 2,
      objectStores: 1,
      objects: 2,
      mismatches: [],
      failures: [],
    });
    expect(report.rpoSeconds).toBeGreaterThanOrEqual(0);
    expect(report.rpoSeconds).toBeLessThan(120);
    expect(report.rtoSeconds).toBeGreaterThanOrEqual(0);
    expect(stderr).toContain('step 6/6: stream CACHE: present; the backup holds its configuration only');
    // the restore is the one users run, its log in the drill's
    expect(stderr).toContain(`nats-restore: restore complete: ${name} streams restored=5`);
    expect(await totalConnections()).toBe(before);
    expect(drillLeftovers()).toEqual([]); // the throwaway server's store is gone
  }, 240_000);

  test('the throwaway server listens on 127.0.0.1 only, with no monitoring, cluster, leaf node or gateway port, and stops with the drill', async () => {
    await production.seedStream({ name: 'AUDIT' }, 2);
    backup();
    const port = await freePort();
    // a natscli wrapper that copies the server's configuration and log at the first call (the restore's stream ls)
    const probe = join(work, 'probe.txt');
    const wrappers = writeExecutable(join(work, 'bin'), 'nats', [
      `if [ ! -e ${probe} ]; then cat ${drillDir}/drill.*/server.conf ${drillDir}/drill.*/server.log > ${probe}; fi`,
      `exec ${NATSCLI_STANDIN}/nats "$@"`,
    ].join('\n'));
    const { status, report } = await drill('bash', { DRILL_PORT: String(port) }, [wrappers]);
    expect(report.drill).toBe('passed');
    expect(status).toBe(0);
    const seen = readFileSync(probe, 'utf8');
    expect(seen).toContain(`listen: "127.0.0.1:${port}"`);
    for (const open of ['http', 'https', 'monitor_port', 'cluster', 'leafnodes', 'gateway', 'websocket', 'mqtt']) {
      expect(seen).not.toMatch(new RegExp(`^\\s*${open}\\b`, 'm'));
    }
    // nats-server's own account of what it listens on
    expect(seen).toContain(`Listening for client connections on 127.0.0.1:${port}`);
    expect(seen.match(/Listening for [a-z ]+ on .*/g)).toEqual([`Listening for client connections on 127.0.0.1:${port}`]);
    expect(portIsOpen(port)).toBe(false);
  }, 120_000);

  test('a tampered checksum fails before any server starts, the reason in the JSON line', async () => {
    await production.seedStream({ name: 'ORDERS' }, 5);
    const name = backup();
    const tar = join(root, name, 'streams', 'ORDERS', 'data', 'stream.tar.s2');
    const bytes = readFileSync(tar);
    bytes[bytes.length - 1] = 255 - bytes[bytes.length - 1]; // one byte changed
    writeFileSync(tar, bytes);
    const { status, stderr, report } = await drill();
    expect(status).toBe(1);
    expect(report).toMatchObject({ drill: 'failed', backup: name, streams: 0, rtoSeconds: null, mismatches: [] });
    expect(report.failures).toEqual([`checksum mismatch in ${join(root, name)}: the backup is damaged or was modified`]);
    expect(stderr).toContain('./streams/ORDERS/data/stream.tar.s2: FAILED');
    expect(stderr).not.toContain('step 4/6');
  }, 120_000);

  test('a truncated stream (its snapshot holds fewer messages than recorded) fails, naming the stream, its counts and sequences', async () => {
    await production.seedStream({ name: 'AUDIT' }, 10);
    snapshotNow('AUDIT', join(work, 'early'));
    await production.withJetStream(async (_jsm, nc) => {
      for (let i = 10; i < 25; i++) await nc.jetstream().publish(`audit.${i}`, sc.encode(`audit ${i}`));
    });
    const name = backup();
    // the snapshot file of 10 messages in place of the one of 25; its record still says 25
    writeFileSync(join(root, name, 'streams', 'AUDIT', 'data', 'stream.tar.s2'), readFileSync(join(work, 'early', 'stream.tar.s2')));
    resum(name);
    const { status, report } = await drill();
    expect(status).toBe(1);
    expect(report.mismatches).toEqual([
      'stream AUDIT: last sequence 10, the snapshot recorded 25',
      'stream AUDIT: 10 messages, the snapshot recorded 25',
      'stream AUDIT: last sequence 10, stream-info.json recorded 25',
    ]);
    expect(report.failures).toEqual(['3 mismatches between the restored server and the backup\'s records']);
    expect(report).toMatchObject({ drill: 'failed', backup: name, streams: 1, messages: 10 });
  }, 120_000);

  /**
   * A backup of ORDERS with consumers billing and shipping (2 acknowledged each) whose records name
   * both, but whose snapshot was taken after shipping was deleted.
   */
  async function backupWhoseSnapshotLostShipping(): Promise<void> {
    await production.seedStream({ name: 'ORDERS' }, 5, [
      { durable_name: 'billing', ack_policy: AckPolicy.Explicit }, { durable_name: 'shipping', ack_policy: AckPolicy.Explicit },
    ], 2);
    const name = backup();
    await production.withJetStream((jsm) => jsm.consumers.delete('ORDERS', 'shipping'));
    rmSync(join(root, name, 'streams', 'ORDERS', 'data'), { recursive: true });
    snapshotNow('ORDERS', join(root, name, 'streams', 'ORDERS', 'data'));
    resum(name);
  }

  test('a consumer the snapshot lost and the restore does not bring back is missing: the drill fails naming it', async () => {
    await backupWhoseSnapshotLostShipping();
    // and a restore whose consumer add does nothing
    const wrappers = writeExecutable(join(work, 'bin'), 'nats', `if [ "$1 $2" = "consumer add" ]; then exit 0; fi\nexec ${NATSCLI_STANDIN}/nats "$@"`);
    const { status, report } = await drill('bash', {}, [wrappers]);
    expect(status).toBe(1);
    expect(report.mismatches).toEqual(['stream ORDERS: consumer shipping missing after the restore']);
    expect(report).toMatchObject({ drill: 'failed', streams: 1, consumers: 1, failures: ['1 mismatches between the restored server and the backup\'s records'] });
  }, 120_000);

  test('a consumer the snapshot lost is recreated from its configuration by the restore, but its state is not: the drill fails', async () => {
    await backupWhoseSnapshotLostShipping();
    const { status, report } = await drill();
    expect(status).toBe(1);
    expect(report.mismatches).toEqual([
      'stream ORDERS: consumer shipping acknowledged up to sequence 0, the backup recorded 2: its state was not restored',
    ]);
    expect(report).toMatchObject({ drill: 'failed', streams: 1, consumers: 2, messages: 5 });
  }, 120_000);

  test('a stale newest backup fails with its age and the allowed age, after proving that it restores', async () => {
    await production.seedStream({ name: 'AUDIT' }, 3);
    const threeDaysAgo = Math.floor(Date.now() / 1000) - 3 * 86400;
    const name = backup({ FIXED_NOW: String(threeDaysAgo) }, [fixedClock(join(work, 'clock'))]);
    const { status, report } = await drill();
    expect(status).toBe(1);
    expect(report.rpoSeconds).toBeGreaterThanOrEqual(3 * 86400);
    expect(report.failures).toEqual([
      `stale: the newest complete backup, ${name}, is ${report.rpoSeconds}s old; the backup schedule allows ${DAILY}s: backups stopped or fail`,
    ]);
    expect(report).toMatchObject({ drill: 'failed', backup: name, maxRpoSeconds: DAILY, streams: 1, messages: 3, mismatches: [] });
    expect(report.rtoSeconds).toEqual(expect.any(Number));
  }, 120_000);

  test('messages older than a stream\'s max_age are removed after the restore, as in production: not a mismatch', async () => {
    await production.withJetStream(async (jsm, nc) => {
      await jsm.streams.add({ name: 'EVENTS', subjects: ['events.>'], max_age: 8_000_000_000 });
      for (let i = 0; i < 4; i++) await nc.jetstream().publish(`events.${i}`, sc.encode(`event ${i}`));
    });
    const published = Date.now();
    const name = backup();
    expect(JSON.parse(readFileSync(join(root, name, 'streams', 'EVENTS', 'data', 'backup.json'), 'utf8')).state.messages).toBe(4);
    await new Promise((r) => setTimeout(r, Math.max(0, published + 10_000 - Date.now())));
    const { status, stderr, report } = await drill();
    expect(report).toMatchObject({ drill: 'passed', streams: 1, messages: 0, mismatches: [] });
    expect(stderr).toContain('stream EVENTS: messages older than its max_age were removed by the server after the restore');
    expect(status).toBe(0);
  }, 120_000);

  test('a backup of replicated streams (num_replicas 3) restores into the single throwaway server', async () => {
    await production.seedStream({ name: 'ORDERS' }, 4, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit }]);
    await production.seedStream({ name: 'CACHE', storage: StorageType.Memory }, 1);
    const name = backup();
    // as a 3-node cluster would have recorded them (a single server cannot create them)
    for (const file of ['streams/ORDERS/config.json', 'streams/ORDERS/stream-info.json', 'streams/ORDERS/data/backup.json', 'streams/CACHE/config.json']) {
      const path = join(root, name, file);
      const json = JSON.parse(readFileSync(path, 'utf8'));
      if (json.config) json.config.num_replicas = 3; else json.num_replicas = 3;
      writeFileSync(path, JSON.stringify(json));
    }
    resum(name);
    const single = await NatsServer.start();
    try {
      // what the drill avoids: a single server refuses them unless the restore sets REPLICAS
      const plain = runNatsScript(RESTORE_SCRIPT, { NATS_URL: single.url, BACKUP_ROOT: root });
      expect(plain.stderr).toContain('replicas > 1 not supported in non-clustered mode');
      expect(plain.status).toBe(1);
    } finally {
      await single.stop();
    }
    const { status, report } = await drill();
    expect(report).toMatchObject({ drill: 'passed', streams: 2, messages: 4, consumers: 1, mismatches: [] });
    expect(status).toBe(0);
  }, 120_000);

  test.each(['0', '6', '1x', '-1'])('nats-restore.sh refuses REPLICAS=%s before touching the server', async (replicas) => {
    const result = runNatsScript(RESTORE_SCRIPT, { NATS_URL: production.url, BACKUP_ROOT: root, REPLICAS: replicas });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`ERROR: REPLICAS must be a whole number from 1 to 5, got '${replicas}'`);
  });

  test('nats-restore.sh with REPLICAS: --replicas on snapshot restores, num_replicas rewritten for configuration-only streams', async () => {
    await production.seedStream({ name: 'ORDERS' }, 2);
    await production.seedStream({ name: 'CACHE', storage: StorageType.Memory }, 1, [{ durable_name: 'reader', ack_policy: AckPolicy.Explicit }]);
    const name = backup();
    const calls = join(work, 'calls.log');
    const target = await NatsServer.start();
    try {
      const result = runNatsScript(RESTORE_SCRIPT, { NATS_URL: target.url, BACKUP_ROOT: root, REPLICAS: '1', NATS_STANDIN_LOG: calls });
      expect(result.status).toBe(0);
      const recorded = readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(recorded).toContainEqual(['stream', 'restore', `${root}/${name}/streams/ORDERS/data`, '--no-progress', '--replicas', '1']);
      const add = recorded.find((c) => c[0] === 'stream' && c[1] === 'add');
      expect(add).toEqual(['stream', 'add', '--config', expect.stringMatching(/\/config\.json$/)]);
      expect(add[3]).not.toContain(root); // a rewritten copy, never the backup's own file
      await target.withJetStream(async (jsm) => expect((await jsm.consumers.info('CACHE', 'reader')).config.durable_name).toBe('reader'));
    } finally {
      await target.stop();
    }
  }, 120_000);

  test.each(SHELLS)('under %s: no complete backup: the drill fails saying so, and never starts a server', async (shell) => {
    mkdirSync(join(root, '.incomplete-20261127T020000Z.abcdef'));
    const { status, report } = await drill(shell);
    expect(status).toBe(1);
    expect(report).toEqual({
      drill: 'failed',
      backup: null,
      backupStartedAt: null,
      rpoSeconds: null,
      maxRpoSeconds: DAILY,
      rtoSeconds: null,
      streams: 0,
      messages: 0,
      consumers: 0,
      kvBuckets: 0,
      kvKeys: 0,
      objectStores: 0,
      objects: 0,
      mismatches: [],
      failures: [`no complete backup under ${root}: no backup has succeeded yet, or the claim is not the backup's`],
    });
  });

  test('not enough room for the restore: refused before the server starts, naming what is needed and storeSize', async () => {
    await production.seedStream({ name: 'AUDIT' }, 3);
    const name = backup();
    const { status, stderr, report } = await drill('bash', { STORE_LIMIT_KIB: '1024' });
    expect(status).toBe(1);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatch(new RegExp(`^not enough room to restore ${name}: about \\d+ KiB needed \\(streams \\d+ KiB, largest snapshot \\d+ KiB, 10 % and 4 MiB to spare\\), 1024 KiB available in ${drillDir} \\(storeSize 1024 KiB\\): raise storeSize$`));
    expect(stderr).not.toContain('step 4/6');
  });

  test('a server that does not start fails the drill with its reason', async () => {
    await production.seedStream({ name: 'AUDIT' }, 1);
    backup();
    const { status, report } = await drill('bash', { NATS_SERVER_BIN: '/bin/false' });
    expect(status).toBe(1);
    expect(report.failures).toEqual(['the throwaway nats-server (/bin/false) stopped before it was ready']);
    expect(drillLeftovers()).toEqual([]);
  });

  test('a restore that fails: its error is the reason', async () => {
    await production.seedStream({ name: 'AUDIT' }, 1);
    backup();
    const wrappers = writeExecutable(join(work, 'bin'), 'nats',
      `if [ "$1 $2" = "stream restore" ]; then echo 'nats: error: restore failed: nats: timeout' >&2; exit 1; fi\nexec ${NATSCLI_STANDIN}/nats "$@"`);
    const { status, report } = await drill('bash', {}, [wrappers]);
    expect(status).toBe(1);
    expect(report.failures).toEqual(['the restore failed (exit 1): nats stream restore AUDIT failed']);
    expect(report.rtoSeconds).toBeNull();
  }, 120_000);

  /** The backup without stream AUDIT, its records made consistent again (`vanished`: recorded as deleted while the run went on). */
  function withoutAudit(name: string, vanished: boolean): void {
    const dir = join(root, name);
    rmSync(join(dir, 'streams', 'AUDIT'), { recursive: true });
    writeFileSync(join(dir, 'streams.json'), JSON.stringify(['ORDERS']));
    const summary = JSON.parse(readFileSync(join(dir, 'backup.json'), 'utf8'));
    writeFileSync(join(dir, 'backup.json'), JSON.stringify({ ...summary, streams: 1, vanished: vanished ? ['AUDIT'] : [] }));
    resum(name);
  }

  test('a backup that lacks a stream the server listed when it ran fails the drill, however consistent its own records are', async () => {
    await production.seedStream({ name: 'AUDIT' }, 2);
    await production.seedStream({ name: 'ORDERS' }, 2);
    const name = backup();
    expect(JSON.parse(readFileSync(join(root, name, 'server', 'stream-names.json'), 'utf8'))).toEqual(['AUDIT', 'ORDERS']);
    withoutAudit(name, false);
    const { status, report } = await drill();
    expect(status).toBe(1);
    expect(report.failures).toEqual([`backup ${name} lacks streams the server listed when it ran: AUDIT (a backup made while they could not be captured must not be complete)`]);
  });

  test('a stream the run recorded as deleted while it went on is not missing', async () => {
    await production.seedStream({ name: 'AUDIT' }, 2);
    await production.seedStream({ name: 'ORDERS' }, 2);
    const name = backup();
    withoutAudit(name, true);
    const { status, report } = await drill();
    expect(report).toMatchObject({ drill: 'passed', streams: 1, failures: [] });
    expect(status).toBe(0);
  });

  test('records that contradict each other fail before the restore', async () => {
    await production.seedStream({ name: 'ORDERS' }, 2, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit }]);
    const name = backup();
    rmSync(join(root, name, 'streams', 'ORDERS', 'consumers', 'billing.json'));
    resum(name);
    const { status, report } = await drill();
    expect(status).toBe(1);
    expect(report.failures).toEqual([`backup ${name} lists consumer billing of stream ORDERS but has no streams/ORDERS/consumers/billing.json`]);
  });

  test.each([
    ['MAX_BACKUP_AGE_SECONDS', '', "MAX_BACKUP_AGE_SECONDS must be a whole number from 1 to 3153600000, got ''"],
    ['STORE_LIMIT_KIB', '0', "STORE_LIMIT_KIB must be a whole number from 1 to 1099511627776, got '0'"],
    ['DRILL_PORT', '70000', "DRILL_PORT must be a whole number from 1 to 65535, got '70000'"],
    ['NATS_SERVER_BIN', '/nonexistent', 'NATS_SERVER_BIN /nonexistent is not an executable file'],
  ])('a bad %s stops the drill with the reason in the JSON line', async (variable, value, reason) => {
    const { status, report } = await drill('dash', { [variable]: value });
    expect(status).toBe(1);
    expect(report.failures).toEqual([reason]);
  });

  test.each(SHELLS)('under %s: the Job deadline\'s SIGTERM stops the restore and the server and still reports', async (shell) => {
    await production.seedStream({ name: 'AUDIT' }, 2);
    backup();
    const port = await freePort();
    const marker = join(work, 'restoring');
    const wrappers = writeExecutable(join(work, 'bin'), 'nats',
      `if [ "$1 $2" = "stream restore" ]; then touch ${marker}; sleep 30; fi\nexec ${NATSCLI_STANDIN}/nats "$@"`);
    const { proc, done } = startNatsScript(DRILL_SCRIPT, {
      BACKUP_ROOT: root,
      MAX_BACKUP_AGE_SECONDS: String(DAILY),
      NATS_SERVER_BIN: natsServer,
      DRILL_DIR: drillDir,
      STORE_LIMIT_KIB: String(1024 * 1024),
      DRILL_PORT: String(port),
      RESTORE_SHELL: shellArgv(shell).flat().join(' '),
    }, { shell, path: [wrappers] });
    const started = Date.now();
    while (!readdirSync(work).includes('restoring') && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 100));
    proc.kill('SIGTERM');
    const result = await done;
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout.trim());
    expect(report.failures).toEqual(['stopped by a signal before the drill ended (the Job deadline, activeDeadline, may be too short)']);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(drillLeftovers()).toEqual([]);
    expect(portIsOpen(port)).toBe(false);
  }, 120_000);

  test('the backup under test is the newest complete one; incomplete directories and older backups are not looked at', async () => {
    await production.seedStream({ name: 'AUDIT' }, 1);
    const older = backup();
    await new Promise((r) => setTimeout(r, 1100));
    await production.withJetStream(async (_jsm, nc) => { await nc.jetstream().publish('audit.x', sc.encode('x')); });
    const newer = backup();
    mkdirSync(join(root, '.incomplete-29991231T000000Z.abcdef'));
    expect(readdirSync(root).filter((n) => NAME.test(n)).sort()).toEqual([older, newer]);
    const { report } = await drill();
    expect(report).toMatchObject({ drill: 'passed', backup: newer, messages: 2 });
  }, 120_000);
});
