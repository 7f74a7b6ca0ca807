import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-hardening',
  description:
    'Production hardening for cdk8s: zero-downtime Deployments, PodDisruptionBudgets, NATS JetStream backups, chaos experiments and k6 soak tests that pass PSS restricted, kube-score, Polaris and kube-linter.',
  author: 'cdk8s-hardening maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-5e1c1976.example',
  repositoryUrl: 'https://github.com/maintainers/cdk8s-hardening.git',
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'kubernetes', 'hardening', 'nats', 'jetstream', 'k6', 'chaos', 'pod-security'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // jsii 6 and the cdk8s CLI need Node 20.16 or later; engines says so to npm before anything fails.
  minNodeVersion: '20.16.0',

  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  jsiiVersion: '~6.0.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  devDeps: [
    'cdk8s-plus-28@^2.5.6',
    'cdk8s-cli@^2.207.0',
    // 4.x runs on Node 20 (5.x needs Node 22). 4.4.2 bundles the 1.27 schema; 4.5 already carries 1.29+ fields,
    // so 4.4.2 is the closest that never accepts a field a 1.28 API server lacks.
    'kubernetes-models@4.4.2',
    // only for what the 1.27 schema lacks: admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy (GA in 1.30)
    'kubernetes-models-admission@npm:kubernetes-models@4.5.1',
    // evaluates the CEL of ChaosAdmissionPolicy in the cluster stand-in (cel-spec conformant; cel-go needs Go)
    '@bufbuild/cel@0.6.1',
    '@bufbuild/protobuf@2.17.0',
    '@types/k6@^2.3.0',
    'yaml@^2.8.0',
    // nats.js drives the natscli stand-in of the backup tests against a real nats-server.
    'nats@^2.29.3',
    // Mutation testing of src/ (npm run mutation); 9.x is the last line that runs on Node 20.
    '@stryker-mutator/core@9.6.1',
    '@stryker-mutator/jest-runner@9.6.1',
    // property-based tests: random props for every construct (test/property)
    'fast-check@^4.10.0',
    // the base of test/support/slow-suites-first.js, at jest's own version
    '@jest/test-sequencer@^30.5.2',
  ],

  // The jsii targets: Construct Hub shows these languages; `bindings` generates their code offline.
  publishToPypi: { distName: 'cdk8s-hardening', module: 'cdk8s_hardening' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8shardening',
    mavenGroupId: 'io.github.cdk8s-hardening',
    mavenArtifactId: 'cdk8s-hardening',
  },
  publishToGo: { moduleName: 'github.com/maintainers/cdk8s-hardening-go' },
  publishToNuget: { dotNetNamespace: 'Cdk8sHardening', packageId: 'Cdk8sHardening' },

  // CI runs offline and publishes nothing.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Coverage instrumentation doubles the time of the synth tests on a fresh machine; the
      // suite's measure of its tests is mutation testing (npm run mutation). `npx jest --coverage` shows it.
      collectCoverage: false,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // The example app imports the package by its published name; tests resolve it to the sources.
      moduleNameMapper: { '^cdk8s-hardening$': '<rootDir>/src/index.ts' },
      testTimeout: 60_000,
      // jest's default is one worker per core minus one: a single worker on a 2-core CI machine,
      // while the slow suites spend much of their time waiting (NATS elections, natscli's 5 s
      // timeouts, retries): a third worker runs while one of them waits.
      maxWorkers: 3,
      // The slow script suites start first, so that none of them starts last and runs alone.
      testSequencer: '<rootDir>/test/support/slow-suites-first.js',
      // Stryker's sandboxes are copies of the repository: never tests or modules of this one.
      modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/'],
    },
  },
  gitignore: ['examples/*/dist/', 'examples/*/node_modules/', '.tmp/', 'bench/', 'reports/', '.stryker-tmp/'],
});

// Released by hand from main (no release workflow here): the version is set in this file.
project.package.addVersion('0.1.0');

project.addPackageIgnore('/examples/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/.tmp/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/stryker.config.mjs');

// Node 20 is past its end of life and jsii prints a banner on every run saying so; the supported
// range is stated once, in engines, instead of in every compile, docgen and bindings log. The
// variable lists the silenced major versions (@jsii/check-node compares them to the running one).
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// Tests type-check the example app against the sources, under the package's published name.
project.tryFindObjectFile('test/tsconfig.json')?.addOverride('compilerOptions.paths', { 'cdk8s-hardening': ['../src/index.ts'] });

// Snapshots are updated only on purpose, by a person who then reviews the diff: no task does it.
project.tasks.removeTask('test:update');

// Fixture apps import the package by its published name, which only resolves once linked.
project.eslint?.addIgnorePattern('test/fixtures/');

// jsii must stay warning-free: a warning is a binding that may misbehave in another language.
project.compileTask.reset('jsii --fail-on-warnings');

// API.md is committed; the suite fails when it no longer matches the sources.
project.addTask('api-md:check', {
  description: 'Fail when API.md differs from what jsii-docgen generates',
  steps: [
    { exec: 'jsii-docgen -o .tmp/API.md' },
    { exec: 'diff -u API.md .tmp/API.md', name: 'API.md is stale: run "npx projen docgen" and commit API.md' },
  ],
});

// Proves the API is usable from every jsii language without a network: code generation only.
const bindings = project.addTask('bindings', {
  description: 'Generate Python, Java, Go and .NET bindings (code only) to prove the API is jsii-clean',
  steps: [
    { exec: 'rm -rf .tmp/bindings' },
    { exec: 'jsii-pacmak --code-only --outdir .tmp/bindings -t python -t java -t go -t dotnet' },
  ],
});

// Packaging other languages needs their toolchains and registries; offline, their code generation is the proof.
project.tasks.tryFind('package-all')?.reset();
project.tasks.tryFind('package-all')?.spawn(project.tasks.tryFind('package:js')!);
project.tasks.tryFind('package-all')?.spawn(bindings);

project.addTask('example', {
  description: 'Build the library and synthesize the example app with the cdk8s CLI into examples/api-service/dist',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  steps: [
    { spawn: 'compile' },
    { exec: 'node scripts/link-example.js examples/api-service' },
    { exec: 'cdk8s synth', cwd: 'examples/api-service' },
  ],
});

// The property suite runs in `npm test` with a fixed seed and few cases; this runs 10,000 cases per
// construct with a random seed (printed, and reusable with PROPERTY_SEED=<seed>).
project.addTask('fuzz', {
  description: 'Run the property-based suite with 10,000 random cases per construct (PROPERTY_SEED and PROPERTY_RUNS override)',
  env: { PROPERTY_FUZZ: '1' },
  steps: [{ exec: 'jest --coverage=false --testTimeout=86400000 --runInBand test/property', receiveArgs: true }],
});

// Runs the script suites several times in random order, optionally with every core busy, and
// reports each test that ever failed with its seed (README: Tests that race nothing).
project.addTask('flake-hunt', {
  description: 'Run the script suites N times in random order (seeds printed), optionally under CPU load; report every test that ever failed',
  steps: [{ exec: 'ts-node --project test/tsconfig.json scripts/flake-hunt.ts', receiveArgs: true }],
});

project.addTask('rules-md', {
  description: 'Write RULES.md from the built-in hardening rules',
  steps: [{ exec: 'ts-node --project test/tsconfig.json scripts/rules-md.ts' }],
});

project.addTask('bench', {
  description: 'Synth benchmark: the library against the same YAML as plain ApiObjects, with and without HardeningChecks (writes bench/results.json)',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' },
  steps: [
    { spawn: 'compile' },
    { exec: 'node --expose-gc --max-old-space-size=4096 -r ts-node/register scripts/bench.ts', receiveArgs: true },
  ],
});

project.addTask('bench:backup', {
  description: 'Backup and restore wall time of a large R3 stream on a real three-node JetStream cluster, split into snapshot, other natscli calls and the scripts\' own work (writes bench/backup-window.json)',
  env: { TS_NODE_PROJECT: 'test/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' },
  steps: [{ exec: 'node -r ts-node/register scripts/backup-window.ts', receiveArgs: true }],
});

project.addTask('mutation', {
  description: 'Mutation testing: Stryker over src/ (incremental: a rerun tests only what changed)',
  steps: [{ exec: 'stryker run' }],
});

project.addTask('mutation:assets', {
  description: 'Mutation testing of the shell and k6 assets: each mutation in test/asset-mutations.ts must fail a named test',
  steps: [{ exec: 'ts-node --project test/tsconfig.json scripts/asset-mutations.ts', receiveArgs: true }],
});

project.addTask('validate-example', {
  description: 'Validate the synthesized example manifests with the test suite\'s schema, PSS and rule checks',
  steps: [{ exec: 'ts-node --project test/tsconfig.json scripts/validate-manifests.ts examples/api-service/dist' }],
});

// `npm test` is the whole suite: jsii compile (zero warnings), then jest with API.md freshness and
// the jsii bindings beside it (scripts/run-tests.sh runs the api-md:check and bindings tasks: they
// need only the compiled assembly), then eslint.
const testTask = project.testTask;
testTask.reset();
testTask.exec('mkdir -p .tmp');
testTask.spawn(project.compileTask);
testTask.exec('sh scripts/run-tests.sh', { receiveArgs: true });
testTask.spawn(project.tasks.tryFind('eslint')!);

project.synth();
