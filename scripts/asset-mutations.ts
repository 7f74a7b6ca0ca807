/**
 * Mutation testing of the shipped shell and k6 assets, which Stryker (src/ only) does not mutate.
 * The repository's files are copied into a temporary directory (node_modules symlinked); each
 * mutation of test/asset-mutations.ts is applied there, one at a time, and the tests named for it
 * run in that copy: the mutant is killed when one of them fails. The working tree is never
 * changed, so an interrupted run leaves nothing mutated behind.
 *
 * Before any mutant, every named test runs once unmutated: it must pass and match at least one
 * test (a `-t` pattern that matches nothing would pass vacuously and kill nothing).
 *
 * Usage: npm run mutation:assets, or
 *   ts-node --project test/tsconfig.json scripts/asset-mutations.ts [--only <id>]
 * Exit status 0 only when every mutant was killed.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { ASSET_MUTATIONS, AssetMutation, AssetMutationTest, applyMutation } from '../test/asset-mutations';

const root = join(__dirname, '..');

interface JestRun {
  readonly status: number | null;
  readonly passed: number;
  readonly failed: number;
  /** Test files that could not run at all (a syntax error, a failing beforeAll...). */
  readonly brokenSuites: number;
  readonly output: string;
}

function parseArgs(argv: string[]): { only?: string } {
  const at = argv.indexOf('--only');
  if (at < 0) return {};
  const only = argv[at + 1];
  if (!only) throw new Error('--only needs a mutation id');
  if (!ASSET_MUTATIONS.some((m) => m.id === only)) throw new Error(`no asset mutation has the id ${only}`);
  return { only };
}

/** A copy of the repository's files (tracked, and new ones not ignored), node_modules linked. */
function copyRepository(): string {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const copy = mkdtempSync(join(tmpdir(), 'asset-mutations-'));
  for (const file of listed.stdout.split('\0').filter((f) => f !== '')) {
    const from = join(root, file);
    if (!existsSync(from) || !lstatSync(from).isFile()) continue; // deleted in the work tree, or a link
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(from, join(copy, file));
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  mkdirSync(join(copy, '.tmp'), { recursive: true });
  return copy;
}

function runJest(copy: string, test: AssetMutationTest): JestRun {
  const report = join(copy, '.tmp', 'jest-result.json');
  rmSync(report, { force: true });
  const result = spawnSync(join(copy, 'node_modules', '.bin', 'jest'),
    ['--ci', '--coverage=false', '--json', `--outputFile=${report}`, test.file, '-t', test.name], {
      cwd: copy, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 64 * 1024 * 1024,
    });
  const output = `${result.stdout}${result.stderr}`;
  if (!existsSync(report)) return { status: result.status, passed: 0, failed: 0, brokenSuites: 1, output };
  const json = JSON.parse(readFileSync(report, 'utf8'));
  return {
    status: result.status,
    passed: json.numPassedTests,
    failed: json.numFailedTests,
    brokenSuites: json.numRuntimeErrorTestSuites,
    output,
  };
}

const label = (test: AssetMutationTest) => `${test.file} -t '${test.name}'`;

/** Every distinct test, unmutated: it must pass and must match at least one test. */
function checkBaseline(copy: string, mutations: readonly AssetMutation[]): void {
  const seen = new Set<string>();
  for (const test of mutations.flatMap((m) => m.killedBy)) {
    const key = label(test);
    if (seen.has(key)) continue;
    seen.add(key);
    const start = Date.now();
    const run = runJest(copy, test);
    const seconds = Math.round((Date.now() - start) / 1000);
    if (run.status !== 0 || run.failed > 0 || run.brokenSuites > 0) {
      console.log(run.output);
      throw new Error(`unmutated, ${key} fails: fix it before measuring mutants`);
    }
    if (run.passed === 0) throw new Error(`unmutated, ${key} matches no test: a mutant could never fail it`);
    console.log(`baseline ${key}: ${run.passed} passed (${seconds}s)`);
  }
}

/** The first test that fails on the mutant, or undefined when it survives. */
function killerOf(copy: string, mutation: AssetMutation): string | undefined {
  const file = join(copy, mutation.file);
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, applyMutation(original, mutation));
  try {
    for (const test of mutation.killedBy) {
      const run = runJest(copy, test);
      if (run.failed > 0 || run.brokenSuites > 0) return label(test);
      if (run.status !== 0) {
        console.log(run.output);
        throw new Error(`jest exited ${run.status} on mutant ${mutation.id} without a failed test`);
      }
    }
    return undefined;
  } finally {
    writeFileSync(file, original);
  }
}

function main(): number {
  const { only } = parseArgs(process.argv.slice(2));
  const mutations = ASSET_MUTATIONS.filter((m) => only === undefined || m.id === only);
  const copy = copyRepository();
  const removeCopy = () => rmSync(copy, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      removeCopy();
      process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
    });
  }
  try {
    // every mutation applies to the unmutated copy before anything runs
    for (const mutation of mutations) applyMutation(readFileSync(join(copy, mutation.file), 'utf8'), mutation);
    checkBaseline(copy, mutations);
    const survivors: string[] = [];
    for (const mutation of mutations) {
      const start = Date.now();
      const killedBy = killerOf(copy, mutation);
      const seconds = Math.round((Date.now() - start) / 1000);
      if (killedBy === undefined) survivors.push(mutation.id);
      console.log(killedBy
        ? `killed   ${mutation.id} (${mutation.file}, ${seconds}s) by ${killedBy}`
        : `SURVIVED ${mutation.id} (${mutation.file}, ${seconds}s): ${mutation.why}`);
    }
    const killed = mutations.length - survivors.length;
    console.log(`asset mutations: ${killed} of ${mutations.length} killed${survivors.length > 0 ? `; survived: ${survivors.join(', ')}` : ''}`);
    return survivors.length === 0 ? 0 : 1;
  } finally {
    removeCopy();
  }
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`asset mutations: ${(error as Error).message}`);
  process.exitCode = 2;
}
