import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Size } from 'cdk8s';
import { NatsBackupCronJob, NatsRestoreDrill, NatsRestoreJob } from '../src';
import { describeWith } from './support/binaries';
import { newChart } from './support/charts';
import { ofKind, synthValid } from './support/manifests';
import { BACKUP_SCRIPT, runNatsScript, writeExecutable, NATSCLI_STANDIN } from './support/nats-scripts';
import { freePort, NatsServer } from './support/nats-server';
import { Pid1Run } from './support/pid1';
import { shellArgv, SHELLS } from './support/scripts';
import { commandScript, literalEnv, materializeConfigMap } from './support/synthesized';

// Every NATS Job's command as a pod runs it: PID 1 of its own PID namespace, stopped the way the
// kubelet stops it (SIGTERM, then SIGKILL after the synthesized terminationGracePeriodSeconds)
// in each long phase. A phase is held open by a wrapper in front of the real tool that sleeps an
// hour: a script that left it in the foreground would get its TERM only an hour later, after the
// kubelet's SIGKILL.

const NAME = /^\d{8}T\d{6}Z$/;
const HOUR = 3600;

/** The synthesized pod spec of each NATS Job, with its scripts ConfigMap. */
function synthNatsJobs() {
  const chart = newChart();
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup' } });
  new NatsRestoreJob(chart, 'restore', { backup, backupName: 'latest', metadata: { name: 'nats-restore' } });
  new NatsRestoreDrill(chart, 'drill', { backup, storeSize: Size.mebibytes(64), metadata: { name: 'nats-restore-drill' } });
  const objects = synthValid(chart);
  const podOf = (kind: string, name: string) => {
    const o = ofKind(objects, kind).find((x) => x.metadata.name === name);
    return kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
  };
  // the ConfigMap the pod mounts as its scripts (the restore Job mounts the backup's)
  const job = (kind: string, name: string) => {
    const pod = podOf(kind, name);
    const volume = pod.volumes.find((v: any) => v.name === 'scripts');
    return { pod, scripts: ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === volume.configMap.name) };
  };
  return { backup: job('CronJob', 'nats-backup'), restore: job('Job', 'nats-restore'), drill: job('CronJob', 'nats-restore-drill') };
}

describeWith(['nats-server', 'jq', 'dash', 'busybox', 'unshare'], 'NATS Jobs as PID 1, stopped by the kubelet mid-run', () => {
  const jobs = synthNatsJobs();
  let server: NatsServer;
  let work: string;
  let root: string;
  let marker: string;

  beforeEach(async () => {
    server = await NatsServer.start();
    await server.seedStream({ name: 'ORDERS' }, 20);
    work = mkdtempSync(join(tmpdir(), 'pid1-nats-'));
    root = join(work, 'backup');
    mkdirSync(root);
    marker = join(work, 'phase-reached');
  });

  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** A wrapper `tool` that, when `condition` (shell test on its arguments) holds, marks the phase and sleeps an hour. */
  function holdingWrapper(tool: string, condition: string, real: string): string {
    return writeExecutable(join(work, 'bin'), tool, `if ${condition}; then touch ${marker}; exec sleep ${HOUR}; fi\nexec ${real} "$@"`);
  }

  /** Starts the Job's own script from its synthesized ConfigMap as PID 1, with its synthesized environment. */
  function startJob(job: { pod: any; scripts: any }, shell: string, env: Record<string, string>, path: string[]) {
    const dir = join(work, 'scripts');
    materializeConfigMap(job.scripts, dir);
    const container = job.pod.containers[0];
    const script = join(dir, commandScript(container).script);
    return Pid1Run.start(shell, script, {
      ...literalEnv(container),
      PATH: [...path, NATSCLI_STANDIN].join(':'),
      HOME: work,
      NATS_CONTEXT_DIR: work,
      BACKUP_ROOT: root,
      NATS_URL: server.url,
      MONITOR_CAPTURE: 'off',
      ...env,
    });
  }

  const grace = (job: { pod: any }) => job.pod.terminationGracePeriodSeconds as number;

  test('the grace periods the scripts are sized for: backup 60 s, restore 30 s, drill 60 s', () => {
    expect([grace(jobs.backup), grace(jobs.restore), grace(jobs.drill)]).toEqual([60, 30, 60]);
  });

  describe.each(SHELLS)('under %s', (shell) => {
    test.each([
      ['the snapshot', 'nats', '[ "$1 $2" = "stream backup" ]', `${NATSCLI_STANDIN}/nats`],
      ['the checksums', 'sha256sum', 'true', 'busybox sha256sum'],
    ])('backup stopped during %s: ends at once with exit 143, its partial directory removed, nothing under a final name', async (_phase, tool, condition, real) => {
      const run = startJob(jobs.backup, shell, {}, [holdingWrapper(tool, condition, real)]);
      await run.waitFor(() => existsSync(marker), `${tool} started`);
      const result = await run.kubeletStop(grace(jobs.backup));
      expect(result.killed).toBe(false);
      expect(result.secondsAfterTerm).toBeLessThan(10);
      expect(result.status).toBe(143);
      expect(result.stderr).toContain('stopped by a signal (exit 143)');
      expect(result.stderr).toContain('backup FAILED (exit 143): nothing was written under a final name, nothing was deleted');
      expect(readdirSync(root)).toEqual([]);
    });

    test('backup stopped while retention deletes an expired backup: the new backup is complete, the expired one is no longer under a backup name, the next run removes it', async () => {
      // an expired complete backup, 30 days old
      expect(runNatsScript(BACKUP_SCRIPT, { NATS_URL: server.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off' }).status).toBe(0);
      const [expired] = readdirSync(root);
      spawnSync('touch', ['-d', '@1000000000', join(root, expired)]);
      await new Promise((r) => setTimeout(r, 1100));
      const run = startJob(jobs.backup, shell, { KEEP_MIN: '1' }, [holdingWrapper('rm', 'case "$*" in *.deleting-*) true ;; *) false ;; esac', 'busybox rm')]);
      await run.waitFor(() => existsSync(marker), 'retention deleting');
      const result = await run.kubeletStop(grace(jobs.backup));
      expect(result.killed).toBe(false);
      expect(result.secondsAfterTerm).toBeLessThan(10);
      expect(result.status).toBe(143);
      expect(result.stderr).toMatch(/stopped during retention \(exit 143\): backup \d{8}T\d{6}Z is complete/);
      const names = readdirSync(root);
      expect(names.filter((n) => NAME.test(n))).toHaveLength(1);
      expect(names).toContain(`.deleting-${expired}`);
      expect(names).not.toContain(expired);
      // the next run sweeps it
      await new Promise((r) => setTimeout(r, 1100));
      expect(runNatsScript(BACKUP_SCRIPT, { NATS_URL: server.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off' }).status).toBe(0);
      expect(readdirSync(root).filter((n) => !NAME.test(n))).toEqual([]);
    });

    test('restore stopped during a stream restore: ends at once with exit 143 and says so', async () => {
      expect(runNatsScript(BACKUP_SCRIPT, { NATS_URL: server.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off' }).status).toBe(0);
      await server.withJetStream((jsm) => jsm.streams.delete('ORDERS'));
      const run = startJob(jobs.restore, shell, {}, [holdingWrapper('nats', '[ "$1 $2" = "stream restore" ]', `${NATSCLI_STANDIN}/nats`)]);
      await run.waitFor(() => existsSync(marker), 'stream restore started');
      const result = await run.kubeletStop(grace(jobs.restore));
      expect(result.killed).toBe(false);
      expect(result.secondsAfterTerm).toBeLessThan(10);
      expect(result.status).toBe(143);
      expect(result.stderr).toContain('stopped by a signal (exit 143)');
      expect(result.stderr).toContain('restore FAILED (exit 143)');
    });

    test('restore stopped while it verifies the checksums: ends at once, before any change to the server', async () => {
      expect(runNatsScript(BACKUP_SCRIPT, { NATS_URL: server.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off' }).status).toBe(0);
      const calls = join(work, 'calls.log');
      const run = startJob(jobs.restore, shell, { NATS_STANDIN_LOG: calls }, [holdingWrapper('sha256sum', '[ "$1" = "-c" ]', 'busybox sha256sum')]);
      await run.waitFor(() => existsSync(marker), 'sha256sum -c started');
      const result = await run.kubeletStop(grace(jobs.restore));
      expect(result.killed).toBe(false);
      expect(result.secondsAfterTerm).toBeLessThan(10);
      expect(result.status).toBe(143);
      expect(existsSync(calls)).toBe(false); // no natscli call at all
    });

    test('drill stopped during its restore: the throwaway server stopped, its store removed, a failed JSON line that says why', async () => {
      expect(runNatsScript(BACKUP_SCRIPT, { NATS_URL: server.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off' }).status).toBe(0);
      const drillDir = join(work, 'drill');
      mkdirSync(drillDir);
      const port = await freePort();
      const run = startJob(jobs.drill, shell, {
        DRILL_DIR: drillDir,
        DRILL_PORT: String(port),
        NATS_SERVER_BIN: spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim(),
        RESTORE_SHELL: shellArgv(shell).flat().join(' '),
      }, [holdingWrapper('nats', '[ "$1 $2" = "stream restore" ]', `${NATSCLI_STANDIN}/nats`)]);
      await run.waitFor(() => existsSync(marker), 'the drill\'s restore started');
      const result = await run.kubeletStop(grace(jobs.drill));
      expect(result.killed).toBe(false);
      expect(result.secondsAfterTerm).toBeLessThan(15);
      expect(result.status).toBe(1);
      const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
      expect(report.drill).toBe('failed');
      expect(report.failures).toContain('stopped by a signal before the drill ended (the Job deadline, activeDeadline, may be too short)');
      expect(readdirSync(drillDir)).toEqual([]);
      expect(await fetch(`http://127.0.0.1:${port}`).then(() => 'open', () => 'closed')).toBe('closed');
    });
  });

  test('a shell that left the snapshot in the foreground would hold the TERM past the grace period (the failure these tests catch)', async () => {
    // the same Job under a script that runs natscli in the foreground, as the scripts once did
    const naive = writeExecutable(join(work, 'naive'), 'backup.sh', [
      "trap 'echo stopped >&2; exit 143' TERM",
      'nats stream backup ORDERS /tmp/x --consumers --no-progress',
    ].join('\n'));
    const run = Pid1Run.start('busybox sh', join(naive, 'backup.sh'), {
      PATH: [holdingWrapper('nats', '[ "$1 $2" = "stream backup" ]', `${NATSCLI_STANDIN}/nats`), NATSCLI_STANDIN].join(':'),
    });
    await run.waitFor(() => existsSync(marker), 'nats started');
    const result = await run.kubeletStop(2);
    expect(result.killed).toBe(true);
    expect(result.stderr).not.toContain('stopped');
  });
});

