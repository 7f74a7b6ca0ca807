import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { describeWith } from './support/binaries';
import { NatsServer, freePort } from './support/nats-server';
import { ASSETS, NATSCLI_STANDIN, clearLog, recordedCalls, runScript } from './support/scripts';

const BACKUP = join(ASSETS, 'nats-backup', 'nats-backup.sh');
const RESTORE = join(ASSETS, 'nats-backup', 'nats-restore.sh');
const LIB = join(ASSETS, 'nats-backup', 'nats-backup-lib.sh');
const NAME = /^\d{8}T\d{6}Z$/;

describeWith(['shellcheck'], 'backup scripts: shellcheck', () => {
  test('nats-backup.sh, nats-restore.sh and their library are shellcheck-clean (POSIX sh)', () => {
    const result = spawnSync('shellcheck', ['-x', '--shell=sh', BACKUP, RESTORE, LIB], { encoding: 'utf8', cwd: join(ASSETS, 'nats-backup') });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

// natscli cannot be installed here: NATSCLI_STANDIN/nats is a named stand-in that drives the
// real nats-server below through nats.js, records every call and refuses flags natscli lacks.
describeWith(['nats-server', 'jq', 'dash'], 'backup and restore scripts against a real nats-server', () => {
  let server: NatsServer;
  let work: string;
  let root: string;
  let callLog: string;

  beforeEach(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'nats-backup-test-'));
    root = join(work, 'backup');
    mkdirSync(root);
    callLog = join(work, 'calls.log');
  });

  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      NATS_URL: server.url,
      NATS_MONITOR_URL: server.monitorUrl,
      BACKUP_ROOT: root,
      NATS_STANDIN_LOG: callLog,
      ...extra,
    };
  }

  const backup = (extra: Record<string, string> = {}, shell = 'bash') => runScript(shell, BACKUP, env(extra), [NATSCLI_STANDIN]);
  const restore = (extra: Record<string, string> = {}) => runScript('bash', RESTORE, env(extra), [NATSCLI_STANDIN]);
  const backupNames = () => readdirSync(root).filter((n) => NAME.test(n)).sort();
  const json = (...path: string[]) => JSON.parse(readFileSync(join(root, ...path), 'utf8'));

  async function seedShop(): Promise<void> {
    await server.seedStream({ name: 'ORDERS' }, 25, [
      { durable_name: 'billing', ack_policy: 'explicit' as any },
      { durable_name: 'shipping', ack_policy: 'explicit' as any, filter_subject: 'orders.1' },
    ]);
    await server.seedStream({ name: 'CACHE', storage: 'memory' as any }, 3);
  }

  function sha256Check(dir: string) {
    return spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
  }

  /** A complete backup written directly, aged with `touch -d`. */
  function fakeBackup(ageDays: number, name = backupName(ageDays)): string {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'backup.json'), JSON.stringify({ name }));
    writeFileSync(join(dir, 'SHA256SUMS'), spawnSync('sha256sum', ['./backup.json'], { cwd: dir, encoding: 'utf8' }).stdout);
    age(dir, ageDays);
    return name;
  }

  function age(path: string, days: number): void {
    expect(spawnSync('touch', ['-d', `${Math.round(days * 1440)} minutes ago`, path]).status).toBe(0);
  }

  function backupName(ageDays: number): string {
    return new Date(Date.now() - ageDays * 86_400_000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  }

  test.each(['bash', 'dash'])('a complete backup under %s: server info, stream and consumer configs, messages, checksums', async (shell) => {
    await seedShop();
    const result = backup({}, shell);
    expect(result.stderr).toContain('backup complete');
    expect(result.status).toBe(0);

    const [name] = backupNames();
    expect(backupNames()).toHaveLength(1);
    expect(readdirSync(root)).toEqual([name]); // no leftovers
    const dir = join(root, name);

    expect(readFileSync(join(dir, 'server', 'account-info.txt'), 'utf8')).toContain('Streams: 2');
    expect(json(name, 'server', 'varz.json').jetstream).toBeDefined();
    expect(json(name, 'server', 'jsz.json')).toHaveProperty('streams', 2);
    expect(json(name, 'streams.json')).toEqual(['CACHE', 'ORDERS']);
    expect(json(name, 'streams', 'ORDERS', 'config.json')).toMatchObject({ name: 'ORDERS', subjects: ['orders.>'], storage: 'file' });
    expect(json(name, 'streams', 'ORDERS', 'stream-info.json').state.messages).toBe(25);
    expect(json(name, 'streams', 'ORDERS', 'consumers.json')).toEqual(['billing', 'shipping']);
    expect(json(name, 'streams', 'ORDERS', 'consumers', 'shipping.json').config).toMatchObject({ durable_name: 'shipping', filter_subject: 'orders.1' });
    expect(readFileSync(join(dir, 'streams', 'ORDERS', 'data', 'messages.jsonl'), 'utf8').trim().split('\n')).toHaveLength(25);
    // memory streams: configuration captured, messages skipped with a logged reason
    expect(json(name, 'streams', 'CACHE', 'config.json')).toMatchObject({ name: 'CACHE', storage: 'memory' });
    expect(existsSync(join(dir, 'streams', 'CACHE', 'data'))).toBe(false);
    expect(result.stderr).toContain('stream CACHE: messages SKIPPED: memory storage cannot be snapshotted');

    expect(json(name, 'backup.json')).toMatchObject({
      name, natsUrl: server.url, streams: 2, consumers: 2, messagesIncluded: true, messagesSkipped: ['CACHE'],
    });
    expect(json(name, 'backup.json').bytes).toBeGreaterThan(1000);
    const check = sha256Check(dir);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('./streams/ORDERS/data/messages.jsonl: OK');
    expect(result.stderr).toMatch(/backup complete: \d{8}T\d{6}Z streams=2 consumers=2 bytes=\d+ duration=\d+s/);
    for (const step of ['step 1/6', 'step 2/6', 'step 3/6', 'step 4/6', 'step 5/6', 'step 6/6']) expect(result.stderr).toContain(step);

    // the exact natscli invocations (flags as defined in natscli v0.4.0)
    const work_ = `${root}/.incomplete-${name}-`;
    const calls = recordedCalls(callLog).map((c) => c.map((a) => a.replace(new RegExp(`^${work_}\\d+`), '<work>')));
    expect(calls).toEqual([
      ['account', 'info'],
      ['stream', 'ls', '--json'],
      ['stream', 'info', 'CACHE', '--json'],
      ['consumer', 'ls', 'CACHE', '--json'],
      ['stream', 'info', 'ORDERS', '--json'],
      ['consumer', 'ls', 'ORDERS', '--json'],
      ['consumer', 'info', 'ORDERS', 'billing', '--json'],
      ['consumer', 'info', 'ORDERS', 'shipping', '--json'],
      ['stream', 'backup', 'ORDERS', '<work>/streams/ORDERS/data', '--consumers', '--no-progress'],
    ]);
  });

  test('configs only when messages are turned off', async () => {
    await seedShop();
    expect(backup({ INCLUDE_MESSAGES: 'false' }).status).toBe(0);
    const [name] = backupNames();
    expect(existsSync(join(root, name, 'streams', 'ORDERS', 'data'))).toBe(false);
    expect(json(name, 'backup.json')).toMatchObject({ messagesIncluded: false, messagesSkipped: [] });
    expect(recordedCalls(callLog).some((c) => c[1] === 'backup')).toBe(false);
  });

  test('NATS unreachable: non-zero exit, no partial backup, earlier backups intact', async () => {
    await seedShop();
    expect(backup().status).toBe(0);
    const [earlier] = backupNames();
    const before = readFileSync(join(root, earlier, 'SHA256SUMS'), 'utf8');

    const result = backup({ NATS_URL: `nats://127.0.0.1:${await freePort()}` });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ERROR: nats account info failed');
    expect(result.stderr).toContain('nothing was written under a final name, earlier backups are untouched');
    expect(readdirSync(root)).toEqual([earlier]);
    expect(readFileSync(join(root, earlier, 'SHA256SUMS'), 'utf8')).toBe(before);
    expect(sha256Check(join(root, earlier)).status).toBe(0);
  });

  test('monitoring endpoint unreachable: non-zero exit and no partial backup', async () => {
    await seedShop();
    const result = backup({ NATS_MONITOR_URL: `http://127.0.0.1:${await freePort()}` });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('could not read http://127.0.0.1:');
    expect(readdirSync(root)).toEqual([]);
  });

  test('a failing stream snapshot mid-run leaves nothing under a final name', async () => {
    await seedShop();
    // a stand-in wrapper that fails the snapshot call, as a dropped connection would
    const failing = join(work, 'failing-bin');
    mkdirSync(failing);
    writeFileSync(join(failing, 'nats'), `#!/bin/sh\nif [ "$2" = backup ]; then echo 'nats: error: snapshot failed' >&2; exit 1; fi\nexec ${NATSCLI_STANDIN}/nats "$@"\n`, { mode: 0o755 });
    const result = runScript('bash', BACKUP, env(), [failing]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ERROR: nats stream backup ORDERS failed');
    expect(readdirSync(root)).toEqual([]);
  });

  test('retention: deletes complete backups older than 7 days, keeps the newest 3, leaves foreign entries alone', async () => {
    await seedShop();
    const ages = [1, 2, 3, 6, 8, 9, 30];
    const names = Object.fromEntries(ages.map((d) => [d, fakeBackup(d)]));
    // entries that are not ours, however old
    for (const foreign of ['lost+found', 'manual-copy', '20200101T000000Z-keep']) {
      mkdirSync(join(root, foreign));
      age(join(root, foreign), 400);
    }
    mkdirSync(join(root, '20200101T000000Z')); // our name pattern, but not a complete backup
    age(join(root, '20200101T000000Z'), 400);
    writeFileSync(join(root, 'notes.txt'), 'operator notes');
    age(join(root, 'notes.txt'), 400);
    mkdirSync(join(root, '.incomplete-20200101T000000Z-1')); // a killed run's leftover
    age(join(root, '.incomplete-20200101T000000Z-1'), 2);
    mkdirSync(join(root, '.incomplete-20991231T000000Z-2')); // a run that may still be going
    age(join(root, '.incomplete-20991231T000000Z-2'), 0.01);

    const result = backup();
    expect(result.status).toBe(0);
    const remaining = readdirSync(root);
    for (const d of [1, 2, 3, 6]) expect(remaining).toContain(names[d]);
    for (const d of [8, 9, 30]) expect(remaining).not.toContain(names[d]);
    for (const foreign of ['lost+found', 'manual-copy', '20200101T000000Z-keep', '20200101T000000Z', 'notes.txt', '.incomplete-20991231T000000Z-2']) {
      expect(remaining).toContain(foreign);
    }
    expect(remaining).not.toContain('.incomplete-20200101T000000Z-1');
    for (const d of [8, 9, 30]) expect(result.stderr).toContain(`retention: deleting ${names[d]}`);
  });

  test('retention: the newest N survive even when every backup is past retention', async () => {
    await seedShop();
    const old = [10, 11, 12, 13, 14].map((d) => fakeBackup(d));
    expect(backup({ KEEP_MIN: '3' }).status).toBe(0);
    const remaining = backupNames();
    expect(remaining).toHaveLength(3);
    expect(remaining).toEqual(expect.arrayContaining([old[0], old[1]]));
    expect(remaining).not.toContain(old[2]);
  });

  test('retention: a week of failing runs deletes nothing', async () => {
    const old = [8, 9, 10].map((d) => fakeBackup(d));
    for (let run = 0; run < 3; run++) {
      expect(backup({ NATS_URL: `nats://127.0.0.1:${await freePort()}`, KEEP_MIN: '1' }).status).not.toBe(0);
    }
    expect(backupNames()).toEqual([...old].sort());
  });

  test('refuses invalid retention settings before touching anything', () => {
    fakeBackup(30);
    for (const [vars, message] of [
      [{ RETENTION_DAYS: '0' }, 'RETENTION_DAYS must be at least 1, got 0'],
      [{ RETENTION_DAYS: 'week' }, "RETENTION_DAYS must be a whole number of days, got 'week'"],
      [{ KEEP_MIN: '0' }, 'KEEP_MIN must be at least 1, got 0'],
    ] as const) {
      const result = backup(vars);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(message);
    }
    expect(backupNames()).toHaveLength(1);
  });

  describe('restore', () => {
    async function backupThenFreshServer(): Promise<string> {
      await seedShop();
      expect(backup().status).toBe(0);
      await server.stop();
      server = await NatsServer.start();
      clearLog(callLog);
      return backupNames()[0];
    }

    test('restores the latest backup: messages, consumers, memory stream config', async () => {
      const name = await backupThenFreshServer();
      const result = restore();
      expect(result.stderr).toContain(`restore complete: ${name} streams restored=2`);
      expect(result.status).toBe(0);
      await server.withJetStream(async (jsm) => {
        const orders = await jsm.streams.info('ORDERS');
        expect(orders.state.messages).toBe(25);
        expect(orders.config.subjects).toEqual(['orders.>']);
        expect((await jsm.consumers.info('ORDERS', 'billing')).config.ack_policy).toBe('explicit');
        expect((await jsm.consumers.info('ORDERS', 'shipping')).config.filter_subject).toBe('orders.1');
        const cache = await jsm.streams.info('CACHE');
        expect(cache.config.storage).toBe('memory');
        expect(cache.state.messages).toBe(0);
      });
      expect(result.stderr).toContain('stream ORDERS restored: messages and consumers from the snapshot; messages=25 (backup had 25); consumers=billing,shipping');
      expect(result.stderr).toContain('stream CACHE restored: configuration only (the backup holds no messages for it)');
      expect(recordedCalls(callLog)).toEqual([
        ['stream', 'info', 'CACHE', '--json'],
        ['stream', 'info', 'ORDERS', '--json'],
        ['stream', 'add', '--config', `${root}/${name}/streams/CACHE/config.json`],
        ['stream', 'info', 'CACHE', '--json'],
        ['stream', 'restore', `${root}/${name}/streams/ORDERS/data`, '--no-progress'],
        ['consumer', 'info', 'ORDERS', 'billing', '--json'],
        ['consumer', 'info', 'ORDERS', 'shipping', '--json'],
        ['stream', 'info', 'ORDERS', '--json'],
      ]);
    });

    test('restores a named backup and a subset of streams; consumers missing after restore are recreated', async () => {
      await seedShop();
      expect(backup({ INCLUDE_MESSAGES: 'false' }).status).toBe(0);
      const name = backupNames()[0];
      await server.stop();
      server = await NatsServer.start();
      clearLog(callLog);
      const result = restore({ BACKUP_NAME: name, STREAMS: 'ORDERS' });
      expect(result.status).toBe(0);
      await server.withJetStream(async (jsm) => {
        expect((await jsm.streams.info('ORDERS')).state.messages).toBe(0);
        expect((await jsm.consumers.info('ORDERS', 'shipping')).config.filter_subject).toBe('orders.1');
        await expect(jsm.streams.info('CACHE')).rejects.toThrow();
      });
      const calls = recordedCalls(callLog);
      expect(calls).toContainEqual(['consumer', 'add', 'ORDERS', '--config', expect.stringMatching(/consumer\.json$/)]);
      expect(calls.filter((c) => c[0] === 'consumer' && c[1] === 'add')).toHaveLength(2);
    });

    test('refuses streams that already exist and changes nothing', async () => {
      await seedShop();
      expect(backup().status).toBe(0);
      clearLog(callLog);
      const result = restore();
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('streams already exist: CACHE ORDERS; nothing was changed');
      expect(recordedCalls(callLog).every((c) => c[1] === 'info')).toBe(true);
    });

    test('ON_EXISTING=skip leaves existing streams; ON_EXISTING=replace deletes and restores them', async () => {
      await seedShop();
      expect(backup().status).toBe(0);
      await server.withJetStream(async (jsm) => {
        await jsm.streams.purge('ORDERS');
      });
      const skipped = restore({ ON_EXISTING: 'skip' });
      expect(skipped.status).toBe(0);
      expect(skipped.stderr).toContain('stream ORDERS: exists, SKIPPED');
      await server.withJetStream(async (jsm) => expect((await jsm.streams.info('ORDERS')).state.messages).toBe(0));

      clearLog(callLog);
      const replaced = restore({ ON_EXISTING: 'replace', STREAMS: 'ORDERS' });
      expect(replaced.status).toBe(0);
      expect(recordedCalls(callLog)).toContainEqual(['stream', 'rm', 'ORDERS', '-f']);
      await server.withJetStream(async (jsm) => expect((await jsm.streams.info('ORDERS')).state.messages).toBe(25));
    });

    test('refuses a backup whose checksums do not match, before any change', async () => {
      const name = await backupThenFreshServer();
      writeFileSync(join(root, name, 'streams', 'ORDERS', 'config.json'), '{"name":"ORDERS","subjects":["tampered.>"]}');
      const result = restore();
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('./streams/ORDERS/config.json: FAILED');
      expect(result.stderr).toContain(`checksum mismatch in ${root}/${name}`);
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test('refuses a backup with a file missing from its checksum list', async () => {
      const name = await backupThenFreshServer();
      writeFileSync(join(root, name, 'streams', 'ORDERS', 'extra.json'), '{}');
      const result = restore();
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/holds \d+ files but SHA256SUMS lists \d+/);
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test('refuses unknown, malformed and incomplete backup names and bad settings', async () => {
      await backupThenFreshServer();
      mkdirSync(join(root, '20200101T000000Z'));
      for (const [vars, message] of [
        [{ BACKUP_NAME: '20190101T000000Z' }, `${root}/20190101T000000Z is not a complete backup`],
        [{ BACKUP_NAME: '20200101T000000Z' }, `${root}/20200101T000000Z is not a complete backup`],
        [{ BACKUP_NAME: '../etc' }, "BACKUP_NAME must be latest or a backup name such as 20260101T020000Z, got '../etc'"],
        [{ ON_EXISTING: 'overwrite' }, "ON_EXISTING must be fail, skip or replace, got 'overwrite'"],
        [{ STREAMS: 'NOPE' }, 'stream NOPE is not in backup'],
      ] as const) {
        const result = restore(vars);
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain(message);
      }
      expect(recordedCalls(callLog).filter((c) => c[1] !== 'info')).toEqual([]);
    });

    test('refuses to run without any complete backup', () => {
      const result = restore();
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`no complete backup under ${root}`);
    });
  });
});
