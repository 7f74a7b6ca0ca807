import { ChildProcess, spawn, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { requireBinary } from './binaries';
import { shellArgv } from './scripts';

export interface Pid1Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Seconds from the SIGTERM to the end of PID 1, when it ended by itself. */
  readonly secondsAfterTerm: number | null;
  /** Whether the grace period ran out and PID 1 got SIGKILL, as the kubelet sends it. */
  readonly killed: boolean;
}

/**
 * A script run as a container runs it: PID 1 of a PID namespace of its own (`unshare --pid
 * --fork`, in a user namespace so no privilege is needed). The kernel drops every signal sent to
 * PID 1 from outside that it has no handler for (SIGKILL excepted), exactly as in a pod.
 * `kubeletStop` plays the kubelet's part when a pod is deleted, evicted or past its deadline:
 * SIGTERM, then SIGKILL once `terminationGracePeriodSeconds` have passed.
 */
export class Pid1Run {
  /** Starts `<shell> <script>` as PID 1 with exactly this environment. */
  public static start(shell: string, script: string, env: Record<string, string>, cwd?: string): Pid1Run {
    requireBinary('unshare');
    const [command, args] = shellArgv(shell);
    // util-linux's, by path: the script's PATH is an image's, whose busybox unshare lacks --kill-child
    const unshare = spawnSync('sh', ['-c', 'command -v unshare'], { encoding: 'utf8' }).stdout.trim();
    // --kill-child: if the test dies, the namespace goes with it
    const proc = spawn(unshare, ['--user', '--map-root-user', '--pid', '--fork', '--kill-child', command, ...args, script], {
      env, cwd, stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Pid1Run(proc);
  }

  private stdout = '';
  private stderr = '';
  private readonly closed: Promise<number | null>;

  private constructor(private readonly proc: ChildProcess) {
    proc.stdout!.on('data', (d) => (this.stdout += d));
    proc.stderr!.on('data', (d) => (this.stderr += d));
    this.closed = new Promise((resolve) => proc.on('close', (code) => resolve(code)));
  }

  /** What the script wrote on stderr so far. */
  public get log(): string {
    return this.stderr;
  }

  /** The host's PID of the script: the forked child of unshare, PID 1 in its own namespace. */
  public async pid1(): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      let children = '';
      try {
        children = readFileSync(`/proc/${this.proc.pid}/task/${this.proc.pid}/children`, 'utf8').trim();
      } catch {
        // unshare has not started yet, or has ended
      }
      if (children) {
        const pid = Number(children.split(' ')[0]);
        const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1].trim().split(/\s+/);
        if (nspid?.[nspid.length - 1] !== '1') throw new Error(`the script is not PID 1 of its namespace (NSpid: ${nspid?.join(' ')})`);
        return pid;
      }
      if (Date.now() > deadline) throw new Error(`unshare started no child:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Whether a child of the script runs a command matching `pattern` now (its /proc cmdline): the
   * script is waiting on it, as on the sleep of a poll interval.
   */
  public childRuns(pattern: RegExp): boolean {
    const read = (path: string) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return ''; // not started yet, or already gone
      }
    };
    const script = read(`/proc/${this.proc.pid}/task/${this.proc.pid}/children`).trim().split(' ')[0];
    if (!script) return false;
    const children = read(`/proc/${script}/task/${script}/children`).trim().split(' ').filter(Boolean);
    return children.some((child) => pattern.test(read(`/proc/${child}/cmdline`).replace(/\0/g, ' ')));
  }

  /** Waits until `ready()` holds (the phase the test means to interrupt), at most `timeoutMs`. */
  public async waitFor(ready: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`never reached: ${what}\n${this.stderr}`);
      if (this.proc.exitCode !== null) throw new Error(`the script ended before: ${what} (exit ${this.proc.exitCode})\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGTERM to PID 1, SIGKILL after `graceSeconds` if it is still there, as the kubelet does. */
  public async kubeletStop(graceSeconds: number): Promise<Pid1Result> {
    const pid = await this.pid1();
    const termAt = Date.now();
    process.kill(pid, 'SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, graceSeconds * 1000);
    const status = await this.closed;
    clearTimeout(timer);
    return { status, stdout: this.stdout, stderr: this.stderr, secondsAfterTerm: killed ? null : (Date.now() - termAt) / 1000, killed };
  }

  /** Waits for the end without a signal. */
  public async done(): Promise<Pid1Result> {
    const status = await this.closed;
    return { status, stdout: this.stdout, stderr: this.stderr, secondsAfterTerm: null, killed: false };
  }
}
