/**
 * Flake hunt: runs test suites several times in a row, each time in a new random order (jest
 * --randomize with a printed seed), optionally with every core kept busy, and reports every test
 * that failed in any run with the seed that reproduces the order.
 *
 * A test that fails once in N runs is a test that races the clock, the order or the machine's
 * speed. Fix it at its cause; a retry only hides it.
 *
 * Usage: npm run flake-hunt -- [--runs 5] [--load 2] [--seed 1234] [test paths...]
 *   --runs N    runs in a row (default 5)
 *   --load N    busy loops kept running for the whole hunt (default 0: a quiet machine); one per
 *               core doubles every test's wall time on a 2-core machine
 *   --seed S    the first run's seed (the next runs take S+1, S+2, ...); default: a random one
 *   paths       test files or patterns (default: the suites that run scripts and servers)
 * Writes .tmp/flake-hunt/report.json; exits 1 when any test failed in any run.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

/** The suites that run shell scripts, nats-server (alone and as a three-node cluster), scripts as PID 1, promtool and the stand-ins (and the property suite, which runs scripts too): where timing lives. */
export const SCRIPT_SUITES = [
  'test/nats-backup-scripts.test.ts',
  'test/nats-backup-safety.test.ts',
  'test/nats-restore-drill-script.test.ts',
  'test/nats-restore-drill.test.ts',
  'test/natscli-standin.test.ts',
  'test/chaos-scripts.test.ts',
  'test/chaos-availability-scripts.test.ts',
  'test/chaos-standin.test.ts',
  'test/chaos-admission-scripts.test.ts',
  'test/nats-cluster-backup.test.ts',
  'test/nats-cluster-snapshot.test.ts',
  'test/chaos-nats-kill-cluster.test.ts',
  'test/pid1-nats-jobs.test.ts',
  'test/pid1-chaos-soak-jobs.test.ts',
  'test/alerts-hostile-series.test.ts',
  'test/scripts-verified.test.ts',
  'test/nats-backup-cron-job.test.ts',
  'test/nats-restore-job.test.ts',
  'test/soak-job.test.ts',
  'test/operations-soak-ci.test.ts',
  'test/alerts-promtool.test.ts',
  'test/alerts-dashboard-queries.test.ts',
  'test/property',
];

interface Options {
  readonly runs: number;
  readonly load: number;
  readonly firstSeed: number;
  readonly paths: string[];
}

interface RunResult {
  readonly run: number;
  readonly seed: number;
  readonly seconds: number;
  readonly passed: number;
  readonly failed: string[];
  readonly exitCode: number | null;
}

function parseArgs(argv: string[]): Options {
  let runs = 5;
  let load = 0;
  let firstSeed = Math.floor(Math.random() * 2 ** 31);
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`flake-hunt: ${argv[i - 1]} takes a whole number, got '${argv[i]}'`);
      return v;
    };
    if (argv[i] === '--runs') runs = value();
    else if (argv[i] === '--load') load = value();
    else if (argv[i] === '--seed') firstSeed = value();
    else paths.push(argv[i]);
  }
  if (runs < 1) throw new Error('flake-hunt: --runs must be at least 1');
  return { runs, load, firstSeed, paths: paths.length > 0 ? paths : SCRIPT_SUITES };
}

/** Busy loops, one process each, so the suites run on a machine with no spare core. */
function startLoad(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

function runOnce(run: number, seed: number, paths: string[], outDir: string): RunResult {
  const output = join(outDir, `run-${run}.json`);
  const started = Date.now();
  const jest = spawnSync('npx', ['jest', '--ci', '--coverage=false', '--randomize', `--seed=${seed}`, '--showSeed', '--json', `--outputFile=${output}`, ...paths], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  let report: { numPassedTests: number; testResults: Array<{ name: string; message: string; assertionResults: Array<{ fullName: string; status: string }> }> };
  try {
    report = JSON.parse(readFileSync(output, 'utf8'));
  } catch {
    return { run, seed, seconds, passed: 0, failed: [`(jest wrote no report: exit ${jest.status})`], exitCode: jest.status };
  }
  const failed: string[] = [];
  for (const file of report.testResults) {
    const name = file.name.slice(process.cwd().length + 1);
    const failedTests = file.assertionResults.filter((t) => t.status === 'failed');
    for (const t of failedTests) failed.push(`${name} › ${t.fullName}`);
    // A file that failed outside any test (a hook, a syntax error) has no failed assertion.
    if (failedTests.length === 0 && file.message) failed.push(`${name} (outside a test: ${file.message.split('\n')[0]})`);
  }
  return { run, seed, seconds, passed: report.numPassedTests, failed, exitCode: jest.status };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const outDir = join('.tmp', 'flake-hunt');
  mkdirSync(outDir, { recursive: true });
  const load = startLoad(options.load);
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      const seed = options.firstSeed + run - 1;
      console.log(`\nflake-hunt: run ${run}/${options.runs}, seed ${seed}, ${options.load} busy loop(s)`);
      const result = runOnce(run, seed, options.paths, outDir);
      results.push(result);
      console.log(`flake-hunt: run ${run} (seed ${seed}): ${result.passed} passed, ${result.failed.length} failed, ${result.seconds} s`);
    }
  } finally {
    for (const p of load) p.kill('SIGKILL');
  }
  writeFileSync(join(outDir, 'report.json'), `${JSON.stringify({ ...options, results }, null, 2)}\n`);

  console.log(`\nflake-hunt summary (${options.load} busy loop(s), suites: ${options.paths.join(' ')})`);
  for (const r of results) console.log(`  run ${r.run}  seed ${r.seed}  ${r.passed} passed  ${r.failed.length} failed  ${r.seconds} s`);
  const everFailed = new Map<string, number[]>();
  for (const r of results) for (const f of r.failed) everFailed.set(f, [...(everFailed.get(f) ?? []), r.seed]);
  if (everFailed.size === 0) {
    console.log(`flake-hunt: every test passed in all ${results.length} runs`);
    return;
  }
  console.log('flake-hunt: tests that failed at least once (reproduce with: npx jest --randomize --seed=<seed> <file>):');
  for (const [name, seeds] of everFailed) console.log(`  ${name}\n    seeds: ${seeds.join(', ')}`);
  process.exitCode = 1;
}

if (require.main === module) main();
