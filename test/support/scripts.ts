import { spawnSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

export const ASSETS = join(__dirname, '..', '..', 'assets');
/** The natscli stand-in itself (a node script); scripts reach it as `nats` on the nats-box PATH (nats-scripts.ts NATSCLI_STANDIN). */
export const NATSCLI_STANDIN_SOURCE = join(__dirname, 'natscli-standin', 'nats');

export interface ScriptResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The shells the shipped scripts run under in the tests: busybox ash is the one that matters in
 * production (nats-box, grafana/k6 and alpine/k8s are Alpine images), dash is a strict POSIX sh
 * (Debian's /bin/sh, in an image a user picks), bash is what a user runs by hand. Signal handling
 * (where the three differ most: when a trap runs, what `wait` returns), arithmetic and refusals run
 * under all three.
 */
export const SHELLS = ['bash', 'dash', 'busybox sh'];

/**
 * A scenario's main path, end to end against a server or the scripted cluster: under the strict
 * POSIX sh and the images' shell. bash, more permissive than both, adds no line of a script that
 * these two do not take, and the suite's time goes to each run.
 */
export const MAIN_PATH_SHELLS = ['dash', 'busybox sh'];

/**
 * The shell of every image the scripts run in (nats-box, alpine/k8s and grafana/k6 run busybox
 * ash). A scenario's other cases (a refusal, a timeout, an unhealthy target) run under this one,
 * where the scripts run in production: they take the same lines of the script as the main path.
 */
export const PRODUCTION_SHELL = 'busybox sh';

const shellPaths = new Map<string, string>();

/**
 * The executable (by absolute path: the scripts' PATH is an image's, which may lack the shell) and
 * leading arguments of a shell named as in SHELLS (`busybox sh` is two words).
 */
export function shellArgv(shell: string): [string, string[]] {
  const [command, ...args] = shell.split(' ');
  if (!shellPaths.has(command)) {
    shellPaths.set(command, spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { encoding: 'utf8' }).stdout.trim() || command);
  }
  return [shellPaths.get(command)!, args];
}

/**
 * Runs a shipped script under a shell with a controlled environment and exactly `path` as PATH:
 * the image's (images.ts imagePath), with any wrappers in front.
 */
export function runScript(shell: string, script: string, env: Record<string, string>, path: string[]): ScriptResult {
  const [command, args] = shellArgv(shell);
  const result = spawnSync(command, [...args, script], {
    env: { PATH: path.join(':'), HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The commands a stand-in recorded, one argument array per call. */
export function recordedCalls(logFile: string): string[][] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

export function clearLog(logFile: string): void {
  writeFileSync(logFile, '');
}
