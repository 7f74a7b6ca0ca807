// Jest test runner for `npm run mutation` only (stryker.config.mjs sets it): runs a mutant's
// covering tests without loading every other test file, and stops at the first failing file.
//
// Stryker's jest runner runs a mutant by giving jest a testNamePattern made of the full names of
// the tests that cover it (coverageAnalysis 'perTest'), but over every test file of the config:
// each file is still loaded, its module-level code and describe blocks run, and only then are its
// other tests skipped. Every test file imports the library, so loading is most of a mutant's
// cost; and jest has no programmatic bail, so a killed mutant still runs every covering file.
//
// - A run without a pattern (Stryker's dry run, or a mutant no test covers in particular) runs
//   everything and records which file holds which full names, in the sandbox the workers share.
// - A run with a pattern runs only the files holding a name it matches (a file never recorded is
//   run too: this can only leave out files known not to hold a covering test), those with the
//   most matching names first, and stops after the first file with a failing test: the mutant is
//   killed, the other files cannot change that. A file whose only failures are snapshot
//   mismatches does not stop the run: the report's killedBy then also names the explicit
//   assertions that fail (a mutant killed by a snapshot alone is one a `jest -u` would accept).
const fs = require('node:fs');
const path = require('node:path');
const TestRunner = require('jest-runner').default;

const RECORD = path.join(process.cwd(), '.mutation-test-names.json');

class MutationTestRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    const pattern = this._globalConfig.testNamePattern;
    if (!pattern) return this.runAndRecord(tests, watcher, options);
    const record = readRecord();
    if (!record) return super.runTests(tests, watcher, options);
    const regex = new RegExp(pattern, 'i'); // jest matches testNamePattern case-insensitively
    const matching = (test) => record[test.path]?.filter((name) => regex.test(name)).length ?? Infinity;
    const chosen = tests.map((test) => ({ test, matches: matching(test) }))
      .filter(({ matches }) => matches > 0)
      .sort((a, b) => b.matches - a.matches)
      .map(({ test }) => test);
    let failed = false;
    const unsubscribe = [
      this.on('test-file-success', ([, result]) => { failed ||= Boolean(result.testExecError) || result.testResults.some(failsBeyondSnapshots); }),
      this.on('test-file-failure', () => { failed = true; }),
    ];
    try {
      for (const test of chosen) {
        if (failed) break;
        await super.runTests([test], watcher, { ...options, serial: true });
      }
    } finally {
      for (const off of unsubscribe) off();
    }
  }

  async runAndRecord(tests, watcher, options) {
    const record = {};
    const off = this.on('test-file-success', ([test, result]) => {
      if (!result.testExecError) record[test.path] = result.testResults.map((t) => t.fullName);
    });
    try {
      await super.runTests(tests, watcher, options);
    } finally {
      off();
    }
    fs.writeFileSync(RECORD, JSON.stringify({ ...readRecord(), ...record }));
  }
}

function failsBeyondSnapshots(test) {
  return test.status === 'failed' && !test.failureMessages.every((message) => /\.toMatch(Inline)?Snapshot\(/.test(message));
}

function readRecord() {
  try {
    return JSON.parse(fs.readFileSync(RECORD, 'utf8'));
  } catch {
    return undefined;
  }
}

module.exports = MutationTestRunner;
