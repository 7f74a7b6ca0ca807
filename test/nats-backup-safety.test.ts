import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { AckPolicy } from 'nats';
import { describeWith } from './support/binaries';
import { BACKUP_SCRIPT, backupNameAt, fixedClock, NATSCLI_STANDIN, RESTORE_SCRIPT, runBackupInItsOwnSecond, runNatsScript, RunOptions, writeExecutable } from './support/nats-scripts';
import { NatsServer } from './support/nats-server';
import { clearLog, MAIN_PATH_SHELLS, PRODUCTION_SHELL, recordedCalls, SHELLS } from './support/scripts';

const NAME = /^\d{8}T\d{6}Z$/;
const DAY = 86_400;

// What a backup must never do, whatever the environment, the stream names or the content of the
// claim: lose a backup, read or write outside the backup root, or leave files others can read.
describeWith(['nats-server', 'jq', 'dash', 'busybox'], 'backup scripts: retention, bounds, hostile names, symlinks, file modes', () => {
  let server: NatsServer;
  let work: string;
  let root: string;
  let outside: string;
  let callLog: string;

  beforeEach(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'nats-backup-safety-'));
    root = join(work, 'backup');
    outside = join(work, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(join(outside, 'precious.txt'), 'not a backup');
    callLog = join(work, 'calls.log');
  });

  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return { NATS_URL: server.url, BACKUP_ROOT: root, NATS_STANDIN_LOG: callLog, MONITOR_CAPTURE: 'off', ...extra };
  }
  const backup = (extra: Record<string, string> = {}, options: RunOptions = {}) => runBackupInItsOwnSecond(env(extra), options);
  const restore = (extra: Record<string, string> = {}, options: RunOptions = {}) => runNatsScript(RESTORE_SCRIPT, env(extra), options);
  const backupNames = () => readdirSync(root).filter((n) => NAME.test(n)).sort();
  const outsideUntouched = () => expect(readdirSync(outside)).toEqual(['precious.txt']);

  /** A complete backup written directly, its modification time set to `mtime` (epoch seconds). */
  function fakeBackup(mtime: number, name = backupNameAt(mtime)): string {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'backup.json'), JSON.stringify({ name }));
    writeFileSync(join(dir, 'SHA256SUMS'), spawnSync('sha256sum', ['./backup.json'], { cwd: dir, encoding: 'utf8' }).stdout);
    setMtime(dir, mtime);
    return name;
  }

  function setMtime(path: string, epochSeconds: number): void {
    expect(spawnSync('touch', ['-h', '-d', `@${epochSeconds}`, path]).status).toBe(0);
  }

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  describe('retention', () => {
    test.each(SHELLS)('under %s: a backup exactly RETENTION_DAYS old is kept, one a second older is deleted', async (shell) => {
      await server.seedStream({ name: 'ORDERS' }, 1);
      const now = nowSeconds();
      const boundary = fakeBackup(now - 7 * DAY);
      const past = fakeBackup(now - 7 * DAY - 1);
      const clock = fixedClock(join(work, 'clock'));
      const result = backup({ FIXED_NOW: String(now), KEEP_MIN: '1', RETENTION_DAYS: '7' }, { shell, path: [clock] });
      expect(result.status).toBe(0);
      expect(backupNames()).toEqual([past, boundary, backupNameAt(now)].filter((n) => n !== past).sort());
      expect(result.stderr).toContain(`retention: deleting ${past}`);
      expect(result.stderr).not.toContain(`retention: deleting ${boundary}`);
    });

    test('deletes complete backups older than 7 days, keeps the newest 3, leaves foreign entries alone', async () => {
      await server.seedStream({ name: 'ORDERS' }, 1);
      const now = nowSeconds();
      const names = Object.fromEntries([1, 2, 3, 6, 8, 9, 30].map((d) => [d, fakeBackup(now - d * DAY)]));
      const foreign = ['lost+found', 'manual-copy', '20200101T000000Z-keep', '20200101T000000Z', 'notes.txt'];
      for (const f of foreign) {
        if (f.endsWith('.txt')) writeFileSync(join(root, f), 'operator notes'); else mkdirSync(join(root, f));
        setMtime(join(root, f), now - 400 * DAY);
      }
      mkdirSync(join(root, '.incomplete-20200101T000000Z.abcdef')); // a killed run's leftover
      setMtime(join(root, '.incomplete-20200101T000000Z.abcdef'), now - 2 * DAY);
      mkdirSync(join(root, '.incomplete-20991231T000000Z.ghijkl')); // a run that may still be going
      setMtime(join(root, '.incomplete-20991231T000000Z.ghijkl'), now - 600);

      const result = backup();
      expect(result.status).toBe(0);
      const remaining = readdirSync(root);
      for (const d of [1, 2, 3, 6]) expect(remaining).toContain(names[d]);
      for (const d of [8, 9, 30]) expect(remaining).not.toContain(names[d]);
      for (const f of [...foreign, '.incomplete-20991231T000000Z.ghijkl']) expect(remaining).toContain(f);
      expect(remaining).not.toContain('.incomplete-20200101T000000Z.abcdef');
      for (const d of [8, 9, 30]) expect(result.stderr).toContain(`retention: deleting ${names[d]}`);
      expect(remaining).toHaveLength(4 + 1 + foreign.length + 1);
    });

    test('the newest KEEP_MIN survive even when every backup is past retention', async () => {
      await server.seedStream({ name: 'ORDERS' }, 1);
      const now = nowSeconds();
      const old = [10, 11, 12, 13, 14].map((d) => fakeBackup(now - d * DAY));
      expect(backup({ KEEP_MIN: '3' }).status).toBe(0);
      const remaining = backupNames();
      expect(remaining).toHaveLength(3);
      expect(remaining.slice(0, 2)).toEqual([old[1], old[0]]);
    });

    test('a week of failing runs deletes nothing', async () => {
      const now = nowSeconds();
      const old = [8, 9, 10].map((d) => fakeBackup(now - d * DAY));
      await server.stop();
      for (let run = 0; run < 3; run++) {
        const result = backup({ KEEP_MIN: '1' });
        expect(result.status).toBe(1);
        expect(result.stderr).toContain('nothing was deleted');
      }
      expect(readdirSync(root).sort()).toEqual([...old].sort());
    });
  });

  describe('values in the environment that could cost a backup are refused before anything runs', () => {
    const refused: Array<[Record<string, string>, string]> = [
      [{ RETENTION_DAYS: '200000000000000' }, "RETENTION_DAYS must be a whole number from 1 to 36500, got '200000000000000'"],
      [{ RETENTION_DAYS: '36501' }, "RETENTION_DAYS must be a whole number from 1 to 36500, got '36501'"],
      [{ RETENTION_DAYS: '0' }, "RETENTION_DAYS must be a whole number from 1 to 36500, got '0'"],
      [{ RETENTION_DAYS: '007' }, "RETENTION_DAYS must be a whole number from 1 to 36500, got '007'"],
      [{ RETENTION_DAYS: '-7' }, "RETENTION_DAYS must be a whole number from 1 to 36500, got '-7'"],
      [{ RETENTION_DAYS: 'week' }, "RETENTION_DAYS must be a whole number from 1 to 36500, got 'week'"],
      [{ RETENTION_DAYS: '7 ' }, "RETENTION_DAYS must be a whole number from 1 to 36500, got '7 '"],
      [{ KEEP_MIN: '1e+21' }, "KEEP_MIN must be a whole number from 1 to 10000, got '1e+21'"],
      [{ KEEP_MIN: '1000000000000000000000' }, "KEEP_MIN must be a whole number from 1 to 10000, got '1000000000000000000000'"],
      [{ KEEP_MIN: '0' }, "KEEP_MIN must be a whole number from 1 to 10000, got '0'"],
      [{ INCLUDE_MESSAGES: 'yes' }, "INCLUDE_MESSAGES must be true or false, got 'yes'"],
    ];
    test.each(refused)('%j', async (vars, message) => {
      const now = nowSeconds();
      const old = [fakeBackup(now - 8 * DAY), fakeBackup(now - 400 * DAY)];
      const result = backup({ KEEP_MIN: '1', ...vars });
      expect(result.stderr).toContain(message);
      expect(result.status).toBe(1);
      expect(readdirSync(root).sort()).toEqual(old.sort());
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test('the largest accepted values run and keep everything', async () => {
      await server.seedStream({ name: 'ORDERS' }, 1);
      const old = fakeBackup(nowSeconds() - 400 * DAY);
      expect(backup({ RETENTION_DAYS: '36500', KEEP_MIN: '10000' }).status).toBe(0);
      expect(backupNames()).toContain(old);
      expect(backupNames()).toHaveLength(2);
    });
  });

  describe('names are data: valid NATS names with glob and shell characters round-trip, invalid ones stop the run', () => {
    const hostile = ['[st]rc', '?', 'a\'b"c$(touch${IFS}pwned)`id`;x'];
    test.each(MAIN_PATH_SHELLS)('under %s: streams and consumers named with glob and shell characters are backed up and restored, in a directory full of matches', async (shell) => {
      for (const stream of hostile) {
        await server.seedStream({ name: stream }, 2, [{ durable_name: 'it\'s[ab]?', ack_policy: AckPolicy.Explicit }], 1);
      }
      // files the names would match if they were ever expanded, in the working directory
      const cwd = join(work, 'cwd');
      mkdirSync(cwd);
      for (const f of ['src', 'a', 'b', 'x', 'itsa']) writeFileSync(join(cwd, f), '');
      const result = backup({}, { shell, cwd });
      expect(result.stderr).toContain('backup complete');
      expect(result.status).toBe(0);
      const [name] = backupNames();
      expect(JSON.parse(readFileSync(join(root, name, 'streams.json'), 'utf8'))).toEqual([...hostile].sort());
      for (const stream of hostile) {
        expect(JSON.parse(readFileSync(join(root, name, 'streams', stream, 'consumers.json'), 'utf8'))).toEqual(["it's[ab]?"]);
      }

      await server.stop();
      server = await NatsServer.start();
      clearLog(callLog);
      const restored = restore({ STREAMS: '[st]rc ?' }, { shell, cwd });
      expect(restored.stderr).toContain('streams restored=2');
      expect(restored.status).toBe(0);
      await server.withJetStream(async (jsm) => {
        for (const stream of ['[st]rc', '?']) {
          expect((await jsm.streams.info(stream)).state.messages).toBe(2);
          expect((await jsm.consumers.info(stream, "it's[ab]?")).ack_floor.stream_seq).toBe(1);
        }
      });
      expect(readdirSync(cwd).sort()).toEqual(['a', 'b', 'itsa', 'src', 'x']);
      expect(existsSync(join(root, name, 'pwned'))).toBe(false);
    }, 120_000);

    test.each([
      ['-orders', 'a leading dash (natscli would read it as a flag)', '"-orders"'],
      ['del\u007fx', 'a DEL character', '"del\\u007fx"'],
      ['ctl\u0001x', 'a control character', '"ctl\\u0001x"'],
    ])('a stream named %j (%s) stops the backup, naming it', async (stream, _why, printed) => {
      await server.seedStream({ name: 'ORDERS' }, 1);
      // nats.js refuses such names client-side; the server (2.9) takes them through its API
      const created = await server.withJetStream(async (_jsm, nc) => JSON.parse(Buffer.from((await nc.request(
        `$JS.API.STREAM.CREATE.${stream}`, Buffer.from(JSON.stringify({ name: stream, subjects: ['odd.>'], storage: 'file' })))).data).toString()));
      expect(created.error).toBeUndefined();
      const result = backup();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`the stream list holds names that NATS or natscli cannot take back: ${printed}`);
      expect(readdirSync(root)).toEqual([]);
    });
  });

  describe('symlinks and planted entries: nothing outside the backup root is read, written or deleted', () => {
    test('a backup root that is a symlink is refused by both scripts', () => {
      const link = join(work, 'link');
      symlinkSync(outside, link);
      for (const script of [BACKUP_SCRIPT, RESTORE_SCRIPT]) {
        const result = runNatsScript(script, env({ BACKUP_ROOT: link }));
        expect(result.status).toBe(1);
        expect(result.stderr).toContain(`BACKUP_ROOT ${link} is not a directory (symlinks are refused)`);
      }
      outsideUntouched();
    });

    test('retention neither follows nor deletes symlinks named like backups or leftovers', async () => {
      await server.seedStream({ name: 'ORDERS' }, 1);
      const now = nowSeconds();
      writeFileSync(join(outside, 'backup.json'), '{}');
      writeFileSync(join(outside, 'SHA256SUMS'), '');
      const asBackup = backupNameAt(now - 30 * DAY);
      symlinkSync(outside, join(root, asBackup));
      symlinkSync(outside, join(root, '.incomplete-20200101T000000Z.planted'));
      setMtime(join(root, asBackup), now - 30 * DAY);
      setMtime(join(root, '.incomplete-20200101T000000Z.planted'), now - 30 * DAY);
      expect(backup({ KEEP_MIN: '1' }).status).toBe(0);
      expect(lstatSync(join(root, asBackup)).isSymbolicLink()).toBe(true);
      expect(lstatSync(join(root, '.incomplete-20200101T000000Z.planted')).isSymbolicLink()).toBe(true);
      expect(readdirSync(outside).sort()).toEqual(['SHA256SUMS', 'backup.json', 'precious.txt']);
    });

    test.each(['symlink', 'directory'])('a %s planted under the next backup\'s name makes the run fail, writing nothing through it', async (kind) => {
      await server.seedStream({ name: 'ORDERS' }, 1);
      const now = nowSeconds();
      const planted = join(root, backupNameAt(now));
      if (kind === 'symlink') symlinkSync(outside, planted); else mkdirSync(planted);
      const result = backup({ FIXED_NOW: String(now) }, { path: [fixedClock(join(work, 'clock'))] });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`${planted} already exists; refusing to overwrite a backup`);
      expect(readdirSync(root)).toEqual([backupNameAt(now)]);
      outsideUntouched();
    });

    test('restore skips a symlink named like the latest backup and refuses a backup holding a symlink, before any natscli call', async () => {
      await server.seedStream({ name: 'ORDERS' }, 2);
      expect(backup().status).toBe(0);
      const [name] = backupNames();
      // a newer "backup" that is a symlink to a copy outside: never chosen as latest
      spawnSync('cp', ['-a', join(root, name), join(outside, 'copy')]);
      symlinkSync(join(outside, 'copy'), join(root, backupNameAt(nowSeconds() + DAY)));
      await server.stop();
      server = await NatsServer.start();
      clearLog(callLog);
      const viaLatest = restore({ STREAMS: 'NONE' });
      expect(viaLatest.stderr).toContain(`stream NONE is not in backup ${name}`);

      const config = join(root, name, 'streams', 'ORDERS', 'config.json');
      rmSync(config);
      symlinkSync(join(outside, 'precious.txt'), config);
      const result = restore();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('holds symlinks or special files (./streams/ORDERS/config.json )');
      expect(recordedCalls(callLog)).toEqual([]);
    });

    test('restore reads only the files SHA256SUMS lists: a list naming a file outside the backup is refused', async () => {
      await server.seedStream({ name: 'ORDERS' }, 2);
      expect(backup().status).toBe(0);
      const [name] = backupNames();
      const sums = join(root, name, 'SHA256SUMS');
      const outsideSum = spawnSync('sha256sum', ['../../outside/precious.txt'], { cwd: join(root, name), encoding: 'utf8' }).stdout;
      writeFileSync(sums, readFileSync(sums, 'utf8') + outsideSum);
      clearLog(callLog);
      const result = restore();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('does not hold exactly the files SHA256SUMS lists');
      expect(recordedCalls(callLog)).toEqual([]);
    });
  });

  test.each([PRODUCTION_SHELL])('under %s: every directory of a backup is 0700 and every file 0600 (umask 077)', async (shell) => {
    await server.seedStream({ name: 'ORDERS' }, 3, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit }]);
    const result = runNatsScript(BACKUP_SCRIPT, env(), { shell });
    expect(result.status).toBe(0);
    const [name] = backupNames();
    // every entry as `<d|f> <octal mode> <relative path>`, read in Node (no GNU find -printf)
    const modes: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        modes.push(`${entry.isDirectory() ? 'd' : 'f'} ${(lstatSync(path).mode % 0o1000).toString(8)} ${relative(join(root, name), path)}`);
        if (entry.isDirectory()) walk(path);
      }
    };
    walk(join(root, name));
    expect(modes.length).toBeGreaterThan(10);
    expect(modes.filter((m) => !/^(d 700|f 600) /.test(m))).toEqual([]);
    expect(modes).toContain('f 600 streams/ORDERS/data/stream.tar.s2');
  });
});

/**
 * A claim with no room: a real tmpfs of a few hundred KiB, mounted inside an unprivileged user
 * and mount namespace (`unshare --user --map-root-user --mount`), so ENOSPC comes from the kernel.
 */
describeWith(['nats-server', 'jq', 'busybox', 'unshare'], 'backup on a full claim', () => {
  let server: NatsServer;
  let work: string;
  beforeAll(() => {
    const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$0"', tmpdir()], { encoding: 'utf8' });
    if (probe.status !== 0) {
      throw new Error(`the full-claim test mounts a small tmpfs in a user namespace and this machine refuses it (${probe.stdout}${probe.stderr}): enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)`);
    }
  });
  beforeEach(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'nats-backup-full-'));
  });
  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test.each([PRODUCTION_SHELL])('under %s: the run fails saying the claim is full (free space, size of the last backup), leaves nothing and deletes nothing', async (shell) => {
    // 640 KiB that do not compress: the snapshot is as big as the data
    await server.withJetStream(async (jsm, nc) => {
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      for (let i = 0; i < 10; i++) await nc.jetstream().publish(`orders.${i}`, randomBytes(64 * 1024));
    });
    const seedRoot = join(work, 'seed');
    mkdirSync(seedRoot);
    expect(runNatsScript(BACKUP_SCRIPT, { NATS_URL: server.url, BACKUP_ROOT: seedRoot }).status).toBe(0);
    const [madeAs] = readdirSync(seedRoot);
    // The seed goes into the claim under a name from the past: the run under test takes the name
    // of the second it starts in, which on a quick machine is the seed run's own second.
    const seedName = backupNameAt(Math.floor(Date.now() / 1000) - 86_400);
    renameSync(join(seedRoot, madeAs), join(seedRoot, seedName));

    const claim = join(work, 'claim');
    mkdirSync(claim);
    const report = join(work, 'report');
    const wrapper = writeExecutable(join(work, 'bin'), 'in-small-claim', [
      'set -eu',
      `mount -t tmpfs -o size=1000k tmpfs ${claim}`,
      `cp -a ${join(seedRoot, seedName)} ${claim}/`,
      'status=0',
      '"$@" || status=$?',
      `ls -A ${claim} > ${report}`,
      `(cd ${join(claim, seedName)} && sha256sum -c SHA256SUMS > /dev/null) && echo verified >> ${report}`,
      'exit "$status"',
    ].join('\n'));
    const [command, ...args] = shell.split(' ');
    const { PATH } = process.env;
    const result = spawnSync('unshare', ['--user', '--map-root-user', '--mount', join(wrapper, 'in-small-claim'), command, ...args, BACKUP_SCRIPT], {
      encoding: 'utf8',
      // the host's PATH behind the image's: the wrapper mounts the small claim with util-linux
      env: { PATH: `${NATSCLI_STANDIN}:${PATH}`, HOME: work, NATS_URL: server.url, BACKUP_ROOT: claim, KEEP_MIN: '1', RETENTION_DAYS: '1' },
      timeout: 120_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`ERROR: the backup claim is full: \\d+ KiB free on ${claim} and the last complete backup \\(${seedName}\\) takes \\d+ KiB; grow the claim`));
    expect(result.stderr).toContain('no space left on device');
    expect(result.stderr).toContain('nothing was written under a final name, nothing was deleted');
    expect(readFileSync(report, 'utf8').trim().split('\n')).toEqual([seedName, 'verified']);
  }, 120_000);
});
