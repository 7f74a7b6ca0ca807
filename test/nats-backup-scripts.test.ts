import { spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AckPolicy, StorageType, StringCodec } from 'nats';
import { describeWith } from './support/binaries';
import { AuthFixture, credsAuth, nkeyAuth, tlsAuth, tokenAuth, userPasswordAuth } from './support/nats-auth';
import { BACKUP_SCRIPT, LIB_SCRIPT, RESTORE_SCRIPT, runBackupInItsOwnSecond, runNatsScript, RunOptions, startNatsScript, writeExecutable, NATSCLI_STANDIN } from './support/nats-scripts';
import { NatsServer, freePort, seedEveryKind } from './support/nats-server';
import { ASSETS, clearLog, MAIN_PATH_SHELLS, recordedCalls, SHELLS } from './support/scripts';

const NAME = /^\d{8}T\d{6}Z$/;
const sc = StringCodec();

describeWith(['shellcheck'], 'backup scripts: shellcheck', () => {
  test('nats-backup.sh, nats-restore.sh and their library are shellcheck-clean (POSIX sh)', () => {
    const result = spawnSync('shellcheck', ['-x', '--shell=sh', BACKUP_SCRIPT, RESTORE_SCRIPT, LIB_SCRIPT], { encoding: 'utf8', cwd: join(ASSETS, 'nats-backup') });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

// natscli cannot be installed here: NATSCLI_STANDIN/nats is a named stand-in that drives the
// real nats-server below through nats.js (snapshots and restores through the server's own API),
// records every call and refuses flags natscli lacks (its fidelity: natscli-standin.test.ts).
describeWith(['nats-server', 'jq', 'dash', 'busybox', 'curl'], 'backup and restore scripts against a real nats-server', () => {
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
    return { NATS_URL: server.url, NATS_MONITOR_URL: server.monitorUrl, BACKUP_ROOT: root, NATS_STANDIN_LOG: callLog, ...extra };
  }
  const backup = (extra: Record<string, string> = {}, options: RunOptions = {}) => runBackupInItsOwnSecond(env(extra), options);
  const restore = (extra: Record<string, string> = {}, options: RunOptions = {}) => runNatsScript(RESTORE_SCRIPT, env(extra), options);
  const backupNames = () => readdirSync(root).filter((n) => NAME.test(n)).sort();
  const json = (...path: string[]) => JSON.parse(readFileSync(join(root, ...path), 'utf8'));
  const sha256Check = (dir: string) => spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });

  async function freshServer(): Promise<void> {
    await server.stop();
    server = await NatsServer.start();
    clearLog(callLog);
  }

  /**
   * What a real account holds: a stream with consumers part-way through it (ack floors), a
   * stream without consumers, a KV bucket, an object store and a memory stream.
   */


  async function expectEverythingRestored(): Promise<void> {
    await server.withJetStream(async (jsm, nc) => {
      const js = nc.jetstream();
      const orders = await jsm.streams.info('ORDERS');
      expect(orders.state.messages).toBe(25);
      expect(sc.decode((await jsm.streams.getMessage('ORDERS', { seq: 17 })).data)).toBe('message 16');
      const billing = await jsm.consumers.info('ORDERS', 'billing');
      expect(billing.config.ack_policy).toBe(AckPolicy.Explicit);
      expect(billing.ack_floor.stream_seq).toBe(10);
      expect(billing.num_pending).toBe(15);
      const shipping = await jsm.consumers.info('ORDERS', 'shipping');
      expect(shipping.config.filter_subject).toBe('orders.1');
      expect(shipping.ack_floor.stream_seq).toBe(2);
      expect(shipping.num_pending).toBe(0);
      // the next message billing delivers is the 11th: its state came back, not just its config
      expect(sc.decode((await (await js.consumers.get('ORDERS', 'billing')).next({ expires: 2000 }))!.data)).toBe('message 10');

      const audit = await jsm.streams.info('AUDIT');
      expect(audit.state.messages).toBe(5);
      expect(audit.state.consumer_count).toBe(0);

      const kv = await js.views.kv('config');
      expect(sc.decode((await kv.get('feature.checkout'))!.value)).toBe('off');
      expect(sc.decode((await kv.get('limits.orders'))!.value)).toBe('100');
      const history: string[] = [];
      for await (const e of await kv.history({ key: 'feature.checkout' })) history.push(sc.decode(e.value));
      expect(history).toEqual(['on', 'off']);
      await kv.put('feature.new', sc.encode('works')); // the bucket takes writes again
      expect(sc.decode((await kv.get('feature.new'))!.value)).toBe('works');

      const files = await js.views.os('files');
      expect(Buffer.from((await files.getBlob('reports/2026-11.csv'))!)).toEqual(Buffer.alloc(300 * 1024, 'r'));

      const cache = await jsm.streams.info('CACHE');
      expect(cache.config.storage).toBe(StorageType.Memory);
      expect(cache.state.messages).toBe(0); // memory streams cannot be snapshotted: configuration only
      expect((await jsm.consumers.info('CACHE', 'reader')).config.ack_policy).toBe(AckPolicy.Explicit);
    });
  }

  test.each(MAIN_PATH_SHELLS)('under %s: backup, wipe the server, restore: every message, key, object and consumer comes back', async (shell) => {
    await seedEveryKind(server);
    const backedUp = backup({}, { shell });
    expect(backedUp.stderr).toContain('backup complete');
    expect(backedUp.status).toBe(0);
    const [name] = backupNames();
    expect(readdirSync(root)).toEqual([name]); // no leftovers
    const summary = JSON.parse(backedUp.stdout);
    expect(summary).toEqual(json(name, 'backup.json'));
    expect(summary).toMatchObject({
      name,
      natsUrl: server.url,
      streams: 5,
      consumers: 3,
      kvBuckets: ['config'],
      objectStores: ['files'],
      messagesIncluded: true,
      messagesSkipped: ['CACHE'],
      vanished: [],
      monitoring: { capture: 'best-effort', missing: [] },
    });
    expect(json(name, 'streams.json')).toEqual(['AUDIT', 'CACHE', 'KV_config', 'OBJ_files', 'ORDERS']);
    expect(json(name, 'streams', 'AUDIT', 'consumers.json')).toEqual([]);
    expect(sha256Check(join(root, name)).status).toBe(0);

    await freshServer();
    const restored = restore({}, { shell });
    expect(restored.stderr).toContain(`restore complete: ${name} streams restored=5`);
    expect(restored.status).toBe(0);
    expect(JSON.parse(restored.stdout)).toEqual({
      backup: name,
      natsUrl: server.url,
      restored: 5,
      skipped: [],
      streams: [
        { name: 'AUDIT', how: 'snapshot', messages: 5, backupMessages: 5, consumers: [] },
        { name: 'CACHE', how: 'configuration', messages: 0, backupMessages: 3, consumers: ['reader'] },
        { name: 'KV_config', how: 'snapshot', messages: 3, backupMessages: 3, consumers: [] },
        { name: 'OBJ_files', how: 'snapshot', messages: 4, backupMessages: 4, consumers: [] },
        { name: 'ORDERS', how: 'snapshot', messages: 25, backupMessages: 25, consumers: ['billing', 'shipping'] },
      ],
    });
    await expectEverythingRestored();
  }, 240_000);

  test('the natscli calls of a backup and a restore, flags as natscli v0.4.0 defines them', async () => {
    await server.seedStream({ name: 'ORDERS' }, 3, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit }]);
    await server.seedStream({ name: 'CACHE', storage: StorageType.Memory }, 1);
    expect(backup({ MONITOR_CAPTURE: 'off' }).status).toBe(0);
    const [name] = backupNames();
    const work_ = new RegExp(`^${root}/\\.incomplete-${name}\\.[A-Za-z0-9]{6}`);
    expect(recordedCalls(callLog).map((c) => c.map((a) => a.replace(work_, '<work>')))).toEqual([
      ['account', 'info'],
      ['stream', 'ls', '--names', '--json'],
      ['stream', 'info', 'CACHE', '--json'],
      ['consumer', 'ls', 'CACHE', '--json'],
      ['stream', 'info', 'ORDERS', '--json'],
      ['consumer', 'ls', 'ORDERS', '--json'],
      ['consumer', 'info', 'ORDERS', 'billing', '--json'],
      ['stream', 'backup', 'ORDERS', '<work>/streams/ORDERS/data', '--consumers', '--no-progress'],
    ]);
    await freshServer();
    expect(restore().status).toBe(0);
    const dir = `${root}/${name}`;
    expect(recordedCalls(callLog)).toEqual([
      ['stream', 'ls', '--names', '--json'],
      ['stream', 'add', '--config', `${dir}/streams/CACHE/config.json`],
      ['stream', 'info', 'CACHE', '--json'],
      ['stream', 'restore', `${dir}/streams/ORDERS/data`, '--no-progress'],
      ['consumer', 'info', 'ORDERS', 'billing', '--json'],
      ['stream', 'info', 'ORDERS', '--json'],
    ]);
  });

  describe('natscli\'s real output shapes (issue: null lists, hidden internal streams)', () => {
    test('a server without streams: a complete, empty backup (natscli prints null for the empty list)', async () => {
      const result = backup();
      expect(result.stderr).toContain('backup complete');
      expect(result.status).toBe(0);
      const [name] = backupNames();
      expect(json(name, 'streams.json')).toEqual([]);
      expect(json(name, 'backup.json')).toMatchObject({ streams: 0, consumers: 0 });
      await freshServer();
      const restored = restore();
      expect(restored.status).toBe(0);
      expect(JSON.parse(restored.stdout)).toMatchObject({ restored: 0, streams: [] });
    });

    test('a stream without consumers (natscli prints null for its consumer list)', async () => {
      await server.seedStream({ name: 'AUDIT' }, 4);
      const result = backup();
      expect(result.stderr).toContain('backup complete');
      expect(result.status).toBe(0);
      const [name] = backupNames();
      expect(json(name, 'streams', 'AUDIT', 'consumers.json')).toEqual([]);
      expect(readdirSync(join(root, name, 'streams', 'AUDIT', 'data')).sort()).toEqual(['backup.json', 'stream.tar.s2']);
      await freshServer();
      expect(restore().status).toBe(0);
      await server.withJetStream(async (jsm) => expect((await jsm.streams.info('AUDIT')).state.messages).toBe(4));
    });

    test('KV buckets and object stores are backed up (natscli hides them from stream ls without --all)', async () => {
      await server.withJetStream(async (_jsm, nc) => {
        await (await nc.jetstream().views.kv('settings')).put('theme', sc.encode('dark'));
        await (await nc.jetstream().views.os('assets')).putBlob({ name: 'logo.svg' }, sc.encode('<svg/>'));
      });
      expect(backup().status).toBe(0);
      const [name] = backupNames();
      expect(json(name, 'streams.json')).toEqual(['KV_settings', 'OBJ_assets']);
      expect(json(name, 'backup.json')).toMatchObject({ streams: 2, kvBuckets: ['settings'], objectStores: ['assets'] });
      await freshServer();
      expect(restore().status).toBe(0);
      await server.withJetStream(async (_jsm, nc) => {
        expect(sc.decode((await (await nc.jetstream().views.kv('settings')).get('theme'))!.value)).toBe('dark');
        expect(sc.decode((await (await nc.jetstream().views.os('assets')).getBlob('logo.svg'))!)).toBe('<svg/>');
      });
    });

    test('a stream and a consumer deleted while the backup runs are left out and named; the backup completes', async () => {
      await server.seedStream({ name: 'AUDIT' }, 2);
      await server.seedStream({ name: 'ORDERS' }, 2, [
        { durable_name: 'billing', ack_policy: AckPolicy.Explicit }, { durable_name: 'gone', ack_policy: AckPolicy.Explicit },
      ]);
      // natscli answers for a name that was listed a moment ago and is gone now: exit 1 (selectStream / selectConsumer)
      const wrappers = writeExecutable(join(work, 'bin'), 'nats', [
        `if [ "$1 $2 $3" = "stream info AUDIT" ]; then ${NATSCLI_STANDIN}/nats stream rm AUDIT -f; fi`,
        `if [ "$1 $2 $3 $4" = "consumer info ORDERS gone" ]; then NATS_STANDIN_LOG= ${process.execPath} -e "require(\'nats\').connect({servers: process.env.NATS_URL}).then(async (nc) => { await (await nc.jetstreamManager()).consumers.delete(\'ORDERS\', \'gone\'); await nc.close(); })"; fi`,
        `exec ${NATSCLI_STANDIN}/nats "$@"`,
      ].join('\n'));
      const result = backup({}, { path: [wrappers], cwd: join(__dirname, '..') });
      expect(result.stderr).toContain('step 4/6: stream AUDIT: deleted while the backup ran, left out');
      expect(result.stderr).toContain('step 4/6: stream ORDERS: consumer gone went away while the backup ran, left out');
      expect(result.status).toBe(0);
      const [name] = backupNames();
      expect(json(name, 'backup.json')).toMatchObject({ streams: 1, consumers: 1, vanished: ['AUDIT'] });
      expect(json(name, 'streams.json')).toEqual(['ORDERS']);
      expect(existsSync(join(root, name, 'streams', 'AUDIT'))).toBe(false);
      expect(json(name, 'streams', 'ORDERS', 'consumers.json')).toEqual(['billing']);
      expect(sha256Check(join(root, name)).status).toBe(0);
      await freshServer();
      const restored = restore();
      expect(restored.status).toBe(0);
      expect(JSON.parse(restored.stdout)).toMatchObject({ restored: 1, streams: [{ name: 'ORDERS', consumers: ['billing'] }] });
    });

    test('a stream info that fails for a stream still listed: the other streams are read, then the run fails naming it', async () => {
      await server.seedStream({ name: 'AUDIT' }, 2);
      await server.seedStream({ name: 'ORDERS' }, 2);
      // natscli 0.4.0 when the stream's leader does not answer (cli/stream_command.go infoAction)
      const wrappers = writeExecutable(join(work, 'bin'), 'nats',
        `if [ "$1 $2 $3" = "stream info AUDIT" ]; then echo 'nats: error: could not request Stream info: context deadline exceeded' >&2; exit 1; fi\nexec ${NATSCLI_STANDIN}/nats "$@"`);
      const result = backup({}, { path: [wrappers] });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('step 4/6: stream AUDIT: NOT CAPTURED: its information could not be read: no leader, or its servers are down');
      expect(result.stderr).toContain('step 4/6: stream ORDERS: messages and consumer state');
      expect(result.stderr).toContain('ERROR: 1 of the 2 streams the meta layer listed could not be captured: AUDIT (its information could not be read: no leader, or its servers are down)');
      expect(readdirSync(root)).toEqual([]);
    });

    test('an ephemeral consumer is left out of the configurations (it dies with its connection)', async () => {
      await server.seedStream({ name: 'ORDERS' }, 2, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit }]);
      await server.withJetStream(async (jsm) => {
        await jsm.consumers.add('ORDERS', { ack_policy: AckPolicy.None, inactive_threshold: 60_000_000_000 });
        const result = backup();
        expect(result.status).toBe(0);
        expect(result.stderr).toMatch(/stream ORDERS: ephemeral consumer \S+ left out/);
      });
      const [name] = backupNames();
      expect(json(name, 'streams', 'ORDERS', 'consumers.json')).toEqual(['billing']);
      expect(readdirSync(join(root, name, 'streams', 'ORDERS', 'consumers'))).toEqual(['billing.json']);
    });
  });

  describe('server info from the monitoring endpoint: optional, never the reason a data backup fails', () => {
    test('best-effort (the default): an unreachable endpoint is a warning, the data backup completes', async () => {
      await server.seedStream({ name: 'ORDERS' }, 2);
      const result = backup({ NATS_MONITOR_URL: `http://127.0.0.1:${await freePort()}` });
      expect(result.status).toBe(0);
      expect(result.stderr).toContain('WARNING: could not read http://127.0.0.1:');
      expect(result.stderr).toContain('the data backup goes on (MONITOR_CAPTURE=best-effort)');
      const [name] = backupNames();
      expect(readdirSync(join(root, name, 'server')).sort()).toEqual(['account-info.txt', 'stream-names.json']);
      expect(json(name, 'backup.json').monitoring).toEqual({ capture: 'best-effort', missing: ['varz', 'jsz'] });
      expect(sha256Check(join(root, name)).status).toBe(0);
    });

    test('best-effort with a reachable endpoint: varz.json and jsz.json', async () => {
      await server.seedStream({ name: 'ORDERS' }, 2);
      expect(backup().status).toBe(0);
      const [name] = backupNames();
      expect(json(name, 'server', 'varz.json').jetstream).toBeDefined();
      expect(json(name, 'server', 'jsz.json')).toHaveProperty('streams', 1);
    });

    test('required: an unreachable endpoint fails the run and leaves nothing', async () => {
      const result = backup({ MONITOR_CAPTURE: 'required', NATS_MONITOR_URL: `http://127.0.0.1:${await freePort()}` });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('(MONITOR_CAPTURE=required)');
      expect(readdirSync(root)).toEqual([]);
    });

    test('off: no request to the endpoint at all', async () => {
      const curlLog = join(work, 'curl.log');
      const wrappers = writeExecutable(join(work, 'bin'), 'curl', `echo "$@" >> ${curlLog}; exit 7`);
      const result = backup({ MONITOR_CAPTURE: 'off' }, { path: [wrappers] });
      expect(result.status).toBe(0);
      expect(backup({ NATS_MONITOR_URL: '' }, { path: [wrappers] }).status).toBe(0); // no URL and no mode: off
      expect(existsSync(curlLog)).toBe(false);
      for (const name of backupNames()) expect(json(name, 'backup.json').monitoring).toEqual({ capture: 'off', missing: [] });
      expect(backupNames()).toHaveLength(2);
    });

    test('refuses an unknown capture mode, and a mode without a URL', () => {
      expect(backup({ MONITOR_CAPTURE: 'maybe' })).toMatchObject({ status: 1 });
      expect(backup({ MONITOR_CAPTURE: 'maybe' }).stderr).toContain("MONITOR_CAPTURE must be off, best-effort or required, got 'maybe'");
      expect(backup({ NATS_MONITOR_URL: '', MONITOR_CAPTURE: 'best-effort' }).stderr).toContain('NATS_MONITOR_URL is required with MONITOR_CAPTURE=best-effort');
      expect(backup({ NATS_MONITOR_URL: '', MONITOR_CAPTURE: 'required' }).stderr).toContain('NATS_MONITOR_URL is required with MONITOR_CAPTURE=required');
      expect(readdirSync(root)).toEqual([]);
    });
  });

  describe('failures leave nothing under a final name and delete nothing', () => {
    test('NATS unreachable: non-zero exit, no partial backup, earlier backups intact', async () => {
      await server.seedStream({ name: 'ORDERS' }, 3);
      expect(backup().status).toBe(0);
      const [earlier] = backupNames();
      const before = readFileSync(join(root, earlier, 'SHA256SUMS'), 'utf8');

      const result = backup({ NATS_URL: `nats://127.0.0.1:${await freePort()}` });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('ERROR: nats account info failed');
      expect(result.stderr).toContain('nothing was written under a final name, nothing was deleted, earlier backups are untouched');
      expect(readdirSync(root)).toEqual([earlier]);
      expect(readFileSync(join(root, earlier, 'SHA256SUMS'), 'utf8')).toBe(before);
      expect(sha256Check(join(root, earlier)).status).toBe(0);
    });

    /**
     * A `nats` wrapper whose first `stream backup ORDERS` fails the way natscli 0.4.0 does when a
     * snapshot stalls (jsm.go snapshots.go createSnapshot writes backup.json on any end of the
     * transfer; backupStream then reports the timeout): a complete-looking backup.json next to a
     * truncated stream.tar.s2, exit 1. With `always`, every attempt fails so.
     */
    function stallingSnapshots(always: boolean): string {
      const count = join(work, 'attempts');
      return writeExecutable(join(work, 'bin'), 'nats', [
        'if [ "$1 $2 $3" = "stream backup ORDERS" ]; then',
        `  echo x >> ${count}`,
        `  if ${always ? 'true' : `[ "$(wc -l < ${count})" -eq 1 ]`}; then`,
        '    mkdir -p "$4" && printf \'{"config": {"name": "ORDERS"}, "state": {"messages": 2}}\' > "$4/backup.json" && printf truncated > "$4/stream.tar.s2"',
        "    echo 'nats: error: snapshot failed: backup timed out after receiving no data for a long period' >&2; exit 1",
        '  fi',
        'fi',
        `exec ${NATSCLI_STANDIN}/nats "$@"`,
      ].join('\n'));
    }

    test('a snapshot that stalls twice: the run fails naming the stream, leaving nothing under a final name', async () => {
      await server.seedStream({ name: 'AUDIT' }, 2);
      await server.seedStream({ name: 'ORDERS' }, 2);
      const result = backup({ SNAPSHOT_RETRY_SECONDS: '1' }, { path: [stallingSnapshots(true)] });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('step 4/6: stream ORDERS: the snapshot failed; trying once more in 1s');
      expect(result.stderr).toContain('ERROR: 1 of the 2 streams the meta layer listed could not be captured: ORDERS (its snapshot failed twice)');
      expect(readdirSync(root)).toEqual([]);
    });

    test('a snapshot that stalls once is taken again: the stalled attempt\'s files are gone, the backup restores every message', async () => {
      await server.seedStream({ name: 'ORDERS' }, 2);
      const result = backup({ SNAPSHOT_RETRY_SECONDS: '1' }, { path: [stallingSnapshots(false)] });
      expect(result.stderr).toContain('step 4/6: stream ORDERS: the snapshot failed; trying once more in 1s');
      expect(result.status).toBe(0);
      const [name] = backupNames();
      expect(readFileSync(join(root, name, 'streams', 'ORDERS', 'data', 'stream.tar.s2'), 'utf8')).not.toBe('truncated');
      await freshServer();
      expect(restore().status).toBe(0);
      await server.withJetStream(async (jsm) => expect((await jsm.streams.info('ORDERS')).state.messages).toBe(2));
    });

    test.each([['0'], ['3601'], ['05'], ['soon']])('SNAPSHOT_RETRY_SECONDS=%s is refused before anything runs', async (value) => {
      const result = backup({ SNAPSHOT_RETRY_SECONDS: value });
      expect(result.stderr).toContain(`SNAPSHOT_RETRY_SECONDS must be a whole number from 1 to 3600, got '${value}'`);
      expect(result.status).toBe(1);
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test.each(SHELLS)('under %s: the deadline\'s TERM mid-snapshot stops natscli at once and removes the partial directory', async (shell) => {
      await server.seedStream({ name: 'ORDERS' }, 2);
      const pidFile = join(work, 'snapshot.pid');
      const wrappers = writeExecutable(join(work, 'bin'), 'nats',
        `if [ "$1 $2" = "stream backup" ]; then echo $$ > ${pidFile}; exec sleep 60; fi\nexec ${NATSCLI_STANDIN}/nats "$@"`);
      const started = Date.now();
      const run = startNatsScript(BACKUP_SCRIPT, env(), { shell, path: [wrappers] });
      while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') {
        if (Date.now() - started > 60_000) throw new Error('the snapshot never started');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(readdirSync(root).filter((n) => n.startsWith('.incomplete-'))).toHaveLength(1);
      run.proc.kill('SIGTERM');
      const result = await run.done;
      expect(result.stderr).toContain('stopped by a signal (exit 143)');
      expect(result.status).toBe(143);
      expect(readdirSync(root)).toEqual([]);
      const snapshotPid = Number(readFileSync(pidFile, 'utf8'));
      expect(() => process.kill(snapshotPid, 0)).toThrow('kill ESRCH'); // natscli was stopped, not left running
      expect(Date.now() - started).toBeLessThan(30_000); // well within a pod's termination grace period
    }, 90_000);
  });

  describe('restore', () => {
    async function backupThenFreshServer(): Promise<string> {
      await server.seedStream({ name: 'ORDERS' }, 25, [
        { durable_name: 'billing', ack_policy: AckPolicy.Explicit },
        { durable_name: 'shipping', ack_policy: AckPolicy.Explicit, filter_subject: 'orders.1' },
      ]);
      await server.seedStream({ name: 'PAYMENTS' }, 4);
      await server.seedStream({ name: 'CACHE', storage: StorageType.Memory }, 3);
      expect(backup().status).toBe(0);
      await freshServer();
      return backupNames()[0];
    }

    test('refuses when one of several streams exists, before changing anything', async () => {
      await backupThenFreshServer();
      await server.seedStream({ name: 'ORDERS' }, 1); // the middle one of CACHE, ORDERS, PAYMENTS
      const result = restore();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('streams already exist: ORDERS; nothing was changed');
      expect(recordedCalls(callLog)).toEqual([['stream', 'ls', '--names', '--json']]);
      await server.withJetStream(async (jsm) => {
        await expect(jsm.streams.info('CACHE')).rejects.toThrow('stream not found');
        await expect(jsm.streams.info('PAYMENTS')).rejects.toThrow('stream not found');
        expect((await jsm.streams.info('ORDERS')).state.messages).toBe(1);
      });
    });

    test('a named backup and a subset of streams; consumers missing after a configuration-only restore are recreated', async () => {
      await server.seedStream({ name: 'ORDERS' }, 5, [{ durable_name: 'shipping', ack_policy: AckPolicy.Explicit, filter_subject: 'orders.1' }]);
      await server.seedStream({ name: 'PAYMENTS' }, 2);
      expect(backup({ INCLUDE_MESSAGES: 'false' }).status).toBe(0);
      const name = backupNames()[0];
      await freshServer();
      const result = restore({ BACKUP_NAME: name, STREAMS: 'ORDERS' });
      expect(result.status).toBe(0);
      await server.withJetStream(async (jsm) => {
        expect((await jsm.streams.info('ORDERS')).state.messages).toBe(0);
        expect((await jsm.consumers.info('ORDERS', 'shipping')).config.filter_subject).toBe('orders.1');
        await expect(jsm.streams.info('PAYMENTS')).rejects.toThrow('stream not found');
      });
      expect(recordedCalls(callLog)).toContainEqual(['consumer', 'add', 'ORDERS', 'shipping', '--config', `${root}/${name}/streams/ORDERS/consumers/shipping.json`]);
      expect(JSON.parse(result.stdout).streams).toEqual([{ name: 'ORDERS', how: 'configuration', messages: 0, backupMessages: 5, consumers: ['shipping'] }]);
    });

    test('ON_EXISTING=skip leaves existing streams; ON_EXISTING=replace deletes and restores them', async () => {
      await server.seedStream({ name: 'ORDERS' }, 25);
      await server.seedStream({ name: 'PAYMENTS' }, 4);
      expect(backup().status).toBe(0);
      await server.withJetStream((jsm) => jsm.streams.purge('ORDERS'));
      await server.withJetStream((jsm) => jsm.streams.delete('PAYMENTS'));
      const skipped = restore({ ON_EXISTING: 'skip' });
      expect(skipped.status).toBe(0);
      expect(skipped.stderr).toContain('stream ORDERS: exists, SKIPPED');
      expect(JSON.parse(skipped.stdout)).toMatchObject({ restored: 1, skipped: ['ORDERS'] });
      await server.withJetStream(async (jsm) => {
        expect((await jsm.streams.info('ORDERS')).state.messages).toBe(0);
        expect((await jsm.streams.info('PAYMENTS')).state.messages).toBe(4);
      });

      clearLog(callLog);
      const replaced = restore({ ON_EXISTING: 'replace', STREAMS: 'ORDERS' });
      expect(replaced.status).toBe(0);
      expect(recordedCalls(callLog)).toContainEqual(['stream', 'rm', 'ORDERS', '-f']);
      await server.withJetStream(async (jsm) => expect((await jsm.streams.info('ORDERS')).state.messages).toBe(25));
    });

    test('refuses a backup whose checksums do not match, before any natscli call', async () => {
      const name = await backupThenFreshServer();
      writeFileSync(join(root, name, 'streams', 'ORDERS', 'config.json'), '{"name":"ORDERS","subjects":["tampered.>"]}');
      const result = restore();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('./streams/ORDERS/config.json: FAILED');
      expect(result.stderr).toContain(`checksum mismatch in ${root}/${name}`);
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test('refuses a backup with a file added, or one missing, before any natscli call', async () => {
      const name = await backupThenFreshServer();
      writeFileSync(join(root, name, 'streams', 'ORDERS', 'extra.json'), '{}');
      const added = restore();
      expect(added.status).toBe(1);
      expect(added.stderr).toContain('does not hold exactly the files SHA256SUMS lists');
      rmSync(join(root, name, 'streams', 'ORDERS', 'extra.json'));
      rmSync(join(root, name, 'streams', 'PAYMENTS', 'config.json'));
      const missing = restore();
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain('does not hold exactly the files SHA256SUMS lists');
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test('refuses unknown, malformed and incomplete backup names, bad settings and unknown streams', async () => {
      await backupThenFreshServer();
      mkdirSync(join(root, '20200101T000000Z'));
      for (const [vars, message] of [
        [{ BACKUP_NAME: '20190101T000000Z' }, `${root}/20190101T000000Z is not a complete backup`],
        [{ BACKUP_NAME: '20200101T000000Z' }, `${root}/20200101T000000Z is not a complete backup`],
        [{ BACKUP_NAME: '../etc' }, "BACKUP_NAME must be latest or a backup name such as 20260101T020000Z, got '../etc'"],
        [{ ON_EXISTING: 'overwrite' }, "ON_EXISTING must be fail, skip or replace, got 'overwrite'"],
        [{ STREAMS: 'ORDERS NOPE' }, 'stream NOPE is not in backup'],
        [{ STREAMS: 'orders.v1' }, "STREAMS holds 'orders.v1', which is not a stream name NATS accepts"],
        [{ STREAMS: 'ORD\u0001ERS' }, "STREAMS holds 'ORD\u0001ERS', which is not a stream name NATS accepts"],
      ] as const) {
        const result = restore(vars);
        expect(result.status).toBe(1);
        expect(result.stderr).toContain(message);
      }
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test('the newest backup at or before a time, or on a day; a name or bound that matches nothing lists the nearest backups', async () => {
      const made = await backupThenFreshServer();
      // the same complete backup under other start seconds: the selection reads names only
      // (runs of a 02:30 schedule start a few seconds late)
      const nightly = ['20261119T023002Z', '20261120T023003Z', '20261121T023004Z', '20261122T023005Z', '20261123T023006Z'];
      for (const name of nightly) cpSync(join(root, made), join(root, name), { recursive: true });
      expect(backupNames()).toEqual([...nightly, made]);

      const atOrBefore = restore({ BACKUP_NOT_AFTER: '20261120T023000Z' });
      expect(atOrBefore.stderr).toContain('step 1/4: restoring 20261119T023002Z (the newest complete backup started at or before 20261120T023000Z)');
      expect(atOrBefore.status).toBe(0);
      expect(JSON.parse(atOrBefore.stdout).backup).toBe('20261119T023002Z');

      const onDay = restore({ BACKUP_NOT_BEFORE: '20261120T000000Z', BACKUP_NOT_AFTER: '20261120T235959Z', ON_EXISTING: 'replace' });
      expect(onDay.stderr).toContain('restoring 20261120T023003Z (the newest complete backup started at or after 20261120T000000Z and at or before 20261120T235959Z)');
      expect(onDay.status).toBe(0);
      expect(JSON.parse(onDay.stdout).backup).toBe('20261120T023003Z');

      // both bounds include a backup started at exactly that second
      const exactly = restore({ BACKUP_NOT_BEFORE: '20261121T023004Z', BACKUP_NOT_AFTER: '20261121T023004Z', ON_EXISTING: 'replace' });
      expect(exactly.status).toBe(0);
      expect(JSON.parse(exactly.stdout).backup).toBe('20261121T023004Z');

      clearLog(callLog);
      const nearest = '20261123T023006Z, 20261122T023005Z, 20261121T023004Z, 20261120T023003Z, 20261119T023002Z';
      for (const [vars, message] of [
        [{ BACKUP_NAME: '20261120T023000Z' }, `${root}/20261120T023000Z is not a complete backup; the complete backups nearest 20261120T023000Z, newest first: ${nearest}`],
        [{ BACKUP_NOT_AFTER: '20261101T000000Z' }, `no complete backup under ${root} is the newest complete backup started at or before 20261101T000000Z; the complete backups nearest 20261101T000000Z, newest first: ${nearest}`],
        [{ BACKUP_NOT_BEFORE: '20261124T000000Z', BACKUP_NOT_AFTER: '20261124T235959Z' }, `no complete backup under ${root} is the newest complete backup started at or after 20261124T000000Z and at or before 20261124T235959Z; the complete backups nearest 20261124T235959Z, newest first: ${made}, ${nearest.split(', ').slice(0, 4).join(', ')}`],
        [{ BACKUP_NOT_AFTER: '2026-11-20' }, "BACKUP_NOT_AFTER must be a UTC time in the form of a backup name such as 20260101T020000Z, got '2026-11-20'"],
        [{ BACKUP_NOT_BEFORE: '20261121T000000Z', BACKUP_NOT_AFTER: '20261120T000000Z' }, 'BACKUP_NOT_BEFORE (20261121T000000Z) must not be later than BACKUP_NOT_AFTER (20261120T000000Z)'],
        [{ BACKUP_NAME: made, BACKUP_NOT_AFTER: '20261120T000000Z' }, `BACKUP_NOT_AFTER and BACKUP_NOT_BEFORE go with BACKUP_NAME=latest, not with the backup ${made}`],
      ] as const) {
        const result = restore(vars);
        expect(result.stderr).toContain(message);
        expect(result.status).toBe(1);
      }
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test('refuses to run without any complete backup', () => {
      const result = restore();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`no complete backup under ${root}`);
      expect(recordedCalls(callLog)).toEqual([]);
    });
  });

  // NatsAuth end to end: the environment each variant gives the container (files, never
  // secret values in variables), against a nats-server that requires that kind of auth.
  describe('credentials as the constructs mount them', () => {
    const fixtures: Array<[string, (dir: string) => AuthFixture]> = [
      ['NatsAuth.credsFile (NATS_CREDS)', credsAuth],
      ['NatsAuth.nkeySeedFile (NATS_NKEY)', nkeyAuth],
      ['NatsAuth.token (NATS_TOKEN_FILE, a private context file)', tokenAuth],
      ['NatsAuth.userPassword (NATS_USER_FILE and NATS_PASSWORD_FILE, a private context file)', userPasswordAuth],
      ['tlsCaSecret (NATS_CA) against a server that requires TLS', tlsAuth],
    ];
    test.each(fixtures)('%s: backup and restore succeed, and fail without the credentials', async (_name, fixture) => {
      const secrets = join(work, 'secrets');
      mkdirSync(secrets);
      const auth = fixture(secrets);
      await server.stop();
      server = await NatsServer.start(auth.server);
      await server.seedStream({ name: 'ORDERS' }, 6, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit }], 2);
      const denied = backup({ MONITOR_CAPTURE: 'off' });
      expect(denied.status).toBe(1);
      expect(denied.stderr).toContain('nats account info failed');

      const result = backup({ ...auth.env, MONITOR_CAPTURE: 'off' }, { shell: 'busybox sh' });
      expect(result.stderr).toContain('backup complete');
      expect(result.status).toBe(0);
      expect(readdirSync(secrets).filter((f) => f.startsWith('nats-context.'))).toEqual([]); // the context file is gone
      await server.withJetStream((jsm) => jsm.streams.delete('ORDERS'));
      const restored = restore({ ...auth.env }, { shell: 'busybox sh' });
      expect(restored.status).toBe(0);
      await server.withJetStream(async (jsm) => {
        expect((await jsm.streams.info('ORDERS')).state.messages).toBe(6);
        expect((await jsm.consumers.info('ORDERS', 'billing')).ack_floor.stream_seq).toBe(2);
      });
    }, 120_000);
  });
});
