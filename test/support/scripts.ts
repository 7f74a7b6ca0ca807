import { spawnSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

export const ASSETS = join(__dirname, '..', '..', 'assets');
export const NATSCLI_STANDIN = join(__dirname, 'natscli-standin');

export interface ScriptResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a shipped script under a shell with a controlled environment. `PATH` starts with
 * `pathPrefix` (stand-ins) and keeps the system tools.
 */
export function runScript(shell: string, script: string, env: Record<string, string>, pathPrefix: string[] = []): ScriptResult {
  const result = spawnSync(shell, [script], {
    env: { PATH: [...pathPrefix, process.env.PATH].join(':'), HOME: process.env.HOME ?? '/tmp', ...env },
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
