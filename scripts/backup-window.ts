/**
 * Backup window and restore time of one large R3 stream on a real three-node JetStream cluster:
 * the baseline for a backup schedule's window and for the RTO.
 *
 * Starts a three-node cluster (nats-server-2.10 by default), publishes --mib MiB of incompressible
 * data into an R3 stream, runs nats-backup.sh against it, then nats-restore.sh into a second,
 * fresh three-node cluster. Every natscli call goes through a timing wrapper in front of the
 * natscli stand-in, so the report splits each run's wall time into the snapshot or restore
 * itself, the other natscli calls and the scripts' own work (listing, jq, checksums, copies,
 * retention). The stand-in is a Node.js process (about 0.3 s per call on a small machine, where
 * Go's natscli starts in milliseconds): its per-call overhead is counted under "other natscli calls".
 *
 * Usage: npm run bench:backup [-- --mib 1024 --binary nats-server-2.10]; writes bench/backup-window.json.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NatsCluster, publishIncompressible } from '../test/support/nats-cluster';
import { BACKUP_SCRIPT, NATSCLI_STANDIN, RESTORE_SCRIPT, runNatsScript, writeExecutable } from '../test/support/nats-scripts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface Call { readonly args: string[]; readonly ms: number }

/**
 * A `nats` in front of the stand-in that appends `<ms> <args>` for every call to $log (the host's
 * GNU date for the nanoseconds: busybox's has no %N; this is the bench's own clock, not the script's).
 */
function timingWrapper(dir: string, log: string): string {
  const date = spawnSync('sh', ['-c', 'command -v date'], { encoding: 'utf8' }).stdout.trim();
  return writeExecutable(dir, 'nats', [
    `start=$(${date} +%s%N)`,
    'status=0',
    `${NATSCLI_STANDIN}/nats "$@" || status=$?`,
    `printf '%s %s\\n' "$((($(${date} +%s%N) - start) / 1000000))" "$*" >> ${log}`,
    'exit "$status"',
  ].join('\n'));
}

function calls(log: string): Call[] {
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [ms, ...args] = line.split(' ');
    return { ms: Number(ms), args };
  });
}

function split(totalMs: number, all: Call[], main: (c: Call) => boolean) {
  const mainMs = all.filter(main).reduce((t, c) => t + c.ms, 0);
  const otherMs = all.filter((c) => !main(c)).reduce((t, c) => t + c.ms, 0);
  const scriptMs = totalMs - mainMs - otherMs;
  const pct = (ms: number) => Math.round((ms / totalMs) * 1000) / 10;
  return {
    wallSeconds: totalMs / 1000,
    main: { seconds: mainMs / 1000, percent: pct(mainMs) },
    otherNatscliCalls: { count: all.filter((c) => !main(c)).length, seconds: otherMs / 1000, percent: pct(otherMs) },
    scriptsOwnWork: { seconds: scriptMs / 1000, percent: pct(scriptMs) },
  };
}

async function main(): Promise<void> {
  const mib = Number(arg('mib', '1024'));
  const binary = arg('binary', 'nats-server-2.10');
  const work = mkdtempSync(join(tmpdir(), 'backup-window-'));
  const root = join(work, 'backup');
  mkdirSync(root);
  const source = await NatsCluster.start({ binary });
  let target: NatsCluster | undefined;
  try {
    await source.withJetStream((jsm) => jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'], num_replicas: 3, max_bytes: -1 }));
    await source.waitForStream('ORDERS');
    const publishStart = Date.now();
    await publishIncompressible(source, 'orders.bulk', mib * 1024 * 1024);
    await source.waitForStream('ORDERS');
    console.log(`published ${mib} MiB into R3 ORDERS in ${(Date.now() - publishStart) / 1000} s`);

    const backupLog = join(work, 'backup-calls.log');
    const wrapper = timingWrapper(join(work, 'bin'), backupLog);
    let started = Date.now();
    const backup = runNatsScript(BACKUP_SCRIPT, { NATS_URL: source.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off' }, { path: [wrapper] });
    const backupMs = Date.now() - started;
    if (backup.status !== 0) throw new Error(`the backup failed:\n${backup.stderr}`);
    const summary = JSON.parse(backup.stdout);
    const backupSplit = split(backupMs, calls(backupLog), (c) => c.args[0] === 'stream' && c.args[1] === 'backup');

    await source.stop();
    target = await NatsCluster.start({ binary });
    const restoreLog = join(work, 'restore-calls.log');
    writeFileSync(restoreLog, '');
    const restoreWrapper = timingWrapper(join(work, 'bin-restore'), restoreLog);
    started = Date.now();
    const restore = runNatsScript(RESTORE_SCRIPT, { NATS_URL: target.url, BACKUP_ROOT: root }, { path: [restoreWrapper] });
    const restoreMs = Date.now() - started;
    if (restore.status !== 0) throw new Error(`the restore failed:\n${restore.stderr}`);
    const restoreSplit = split(restoreMs, calls(restoreLog), (c) => c.args[0] === 'stream' && c.args[1] === 'restore');
    const restored = await target.withJetStream((jsm) => jsm.streams.info('ORDERS'));

    const report = {
      server: target.version(),
      streamMiB: mib,
      replicas: 3,
      messages: restored.state.messages,
      backupBytes: summary.bytes,
      machine: `${spawnSync('nproc').stdout.toString().trim()} cores`,
      backup: { ...backupSplit, snapshotIs: 'main' },
      restore: { ...restoreSplit, restoreIs: 'main', restoredReplicas: restored.config.num_replicas },
    };
    mkdirSync('bench', { recursive: true });
    writeFileSync(join('bench', 'backup-window.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await source.stop();
    await target?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
