import { ChildProcess, spawn, spawnSync } from 'child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { imagePath } from './images';
import { ASSETS, NATSCLI_STANDIN_SOURCE, ScriptResult, shellArgv } from './scripts';

export const BACKUP_SCRIPT = join(ASSETS, 'nats-backup', 'nats-backup.sh');
export const RESTORE_SCRIPT = join(ASSETS, 'nats-backup', 'nats-restore.sh');
export const LIB_SCRIPT = join(ASSETS, 'nats-backup', 'nats-backup-lib.sh');

/**
 * The PATH of the nats-box image the NATS scripts run in (busybox, curl, jq), with the natscli
 * stand-in as `nats`: `${NATSCLI_STANDIN}/nats` is natscli for wrappers, and the directory is the
 * scripts' whole PATH.
 */
export const NATSCLI_STANDIN = imagePath('nats-box', { nats: NATSCLI_STANDIN_SOURCE });

/** How to run one of the backup scripts: shell, environment, working directory, extra PATH entries. */
export interface RunOptions {
  readonly shell?: string;
  readonly cwd?: string;
  /** Directories put in front of the image's PATH (wrappers, the fixed clock). */
  readonly path?: string[];
}

function spawnArgs(script: string, env: Record<string, string>, options: RunOptions) {
  const [command, args] = shellArgv(options.shell ?? 'bash');
  return {
    command,
    args: [...args, script],
    spawnOptions: {
      cwd: options.cwd,
      env: { PATH: [...(options.path ?? []), NATSCLI_STANDIN].join(':'), HOME: process.env.HOME ?? '/tmp', ...env },
    },
  };
}

/** Runs a backup script to completion with the natscli stand-in on PATH. */
export function runNatsScript(script: string, env: Record<string, string>, options: RunOptions = {}): ScriptResult {
  const { command, args, spawnOptions } = spawnArgs(script, env, options);
  const result = spawnSync(command, args, { ...spawnOptions, encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The UTC second (epoch) whose name the last backup run of this test file took, or 0. */
let lastBackupSecond = 0;

/**
 * Runs the backup script in a UTC second of its own. Backups are named by the second a run starts
 * in and a run refuses a name that exists (nats-backup.sh), so two runs started within one second
 * are one backup and one refused run: tests that mean two backups wait until the second after the
 * one the previous run's name records. That name is read from the run's own log, not taken from
 * the time it was spawned: a loaded machine may start the script's `date` in a later second.
 */
export function runBackupInItsOwnSecond(env: Record<string, string>, options: RunOptions = {}): ScriptResult {
  const wait = (lastBackupSecond + 1) * 1000 - Date.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  const result = runNatsScript(BACKUP_SCRIPT, env, options);
  const named = /step 1\/6: backup (\d{8}T\d{6}Z) /.exec(result.stderr);
  // A run stopped before it chose a name (a bad setting) leaves the clock where it was.
  if (named) lastBackupSecond = Math.max(lastBackupSecond, secondsOfBackupName(named[1]));
  return result;
}

/** The epoch second a backup name (20261127T020000Z) stands for. */
export function secondsOfBackupName(name: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(name);
  if (!m) throw new Error(`${name} is not a backup name`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
}

/** Starts a backup script without waiting, for tests that signal it mid-run. */
export function startNatsScript(script: string, env: Record<string, string>, options: RunOptions = {}): {
  proc: ChildProcess; done: Promise<ScriptResult & { signal: string | null }>;
} {
  const { command, args, spawnOptions } = spawnArgs(script, env, options);
  const proc = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  proc.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<ScriptResult & { signal: string | null }>((resolve) => {
    proc.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { proc, done };
}

/** Writes an executable shell script (a PATH wrapper) and returns its directory. */
export function writeExecutable(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return dir;
}

/**
 * STAND-IN for date(1): the scripts' clock stopped at $FIXED_NOW (epoch seconds), so retention
 * boundaries can be tested to the second. It forwards to the image's busybox date with
 * `-d @FIXED_NOW`; the scripts only call `date -u +<format>`, which that supports unchanged.
 */
export function fixedClock(dir: string): string {
  return writeExecutable(dir, 'date', 'exec busybox date -d "@${FIXED_NOW:?}" "$@"');
}

/** `<UTC time>` as the backup scripts name a backup (20261127T020000Z). */
export function backupNameAt(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
