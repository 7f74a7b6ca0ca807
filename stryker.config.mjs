// Stryker (mutation testing of src/): `npm run mutation`. README "Testing" has the scores.
//
// The whole suite takes minutes and a mutant runs the tests that cover it, so three things keep a
// run practical on a small machine:
// - incremental (reports/stryker-incremental.json, kept between runs): a rerun tests only mutants
//   whose code or covering tests changed, and a run of one area adds to the same report;
// - a mutant loads only the test files holding the tests that cover it, and stops at the first
//   failing one (scripts/mutation-test-runner.cjs; about twice as fast as jest's own runner);
// - one area at a time: `--mutate` picks the source files, MUTATION_TESTS (space-separated paths
//   or globs, relative to the repository) the test files jest runs for them, e.g.
//     MUTATION_TESTS='test/hardening-checks*.test.ts' npm run mutation -- --mutate 'src/checks/**/*.ts'
//   Without MUTATION_TESTS jest runs every unit test. A mutant that only a test outside the
//   chosen files would kill counts as surviving: an area's score is a lower bound.
// Left out of every run: the suites that exercise assets/ (the shell scripts under three shells
// against nats-server and the stand-ins, minutes each; their mutations are in
// test/asset-mutations.ts) and the cdk8s CLI test (it synthesizes from the compiled lib/, which
// Stryker does not mutate). The property suite runs 20 cases per construct (PROPERTY_RUNS, same
// seed: the same first cases as npm test).
const assetSuites = [
  '/test/chaos-scripts\\.test\\.ts$',
  '/test/chaos-availability-scripts\\.test\\.ts$',
  '/test/nats-backup-scripts\\.test\\.ts$',
  '/test/nats-restore-drill-script\\.test\\.ts$',
  '/test/nats-backup-safety\\.test\\.ts$',
  '/test/natscli-standin\\.test\\.ts$',
  '/test/chaos-standin\\.test\\.ts$',
  '/test/operations-soak-ci\\.test\\.ts$',
  '/test/cdk8s-cli\\.test\\.ts$',
];

process.env.PROPERTY_RUNS ??= '20';
const tests = (process.env.MUTATION_TESTS ?? '').split(/\s+/).filter(Boolean);

export default {
  $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    // every test file imports the library through src/index.ts: related tests would be all of them
    enableFindRelatedTests: false,
    config: {
      ...(tests.length > 0 ? { testMatch: tests.map((t) => `<rootDir>/${t}`) } : {}),
      testPathIgnorePatterns: ['/node_modules/', ...assetSuites],
      collectCoverage: false,
      // a mutant loads only the test files holding its covering tests and stops at the first
      // failing one (the file says why)
      runner: '<rootDir>/scripts/mutation-test-runner.cjs',
    },
  },
  coverageAnalysis: 'perTest',
  // jest runs every test of a chosen file anyway (the jest runner sets bail: false); this only makes
  // the report name every test a mutant fails instead of the first, so a mutant that only a
  // snapshot kills can be told from one an explicit assertion kills too
  disableBail: true,
  mutate: ['src/**/*.ts', '!src/index.ts', '!src/_time-zones.ts'],
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['lib', 'dist', '.tmp', 'examples/*/dist', 'examples/*/node_modules', '.jsii', 'tsconfig.tsbuildinfo', 'reports', 'bench'],
  disableTypeChecks: 'src/**/*.ts',
};
