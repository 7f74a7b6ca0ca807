/*
 * jest's test sequencer with the slow suites first. Without a cache of earlier runs (a fresh
 * clone, CI) jest starts the largest files first, so a suite that runs two minutes could start
 * last and keep one worker busy long after the others have finished. The seconds below are what
 * each suite took in `npm test` on a 2-core machine (3 workers); suites not listed keep jest's own
 * order after them. A suite that grows slow belongs here: `npx jest --json` prints every suite's
 * time.
 */
const { relative } = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const SECONDS = {
  'test/chaos-scripts.test.ts': 260,
  'test/nats-restore-drill-script.test.ts': 231,
  'test/nats-backup-scripts.test.ts': 230,
  'test/chaos-availability-scripts.test.ts': 181,
  'test/nats-cluster-backup.test.ts': 128,
  'test/nats-backup-safety.test.ts': 70,
  'test/pid1-nats-jobs.test.ts': 89,
  'test/nats-cluster-snapshot.test.ts': 86,
  'test/pid1-chaos-soak-jobs.test.ts': 45,
  'test/chaos-admission-scripts.test.ts': 40,
  'test/chaos-nats-kill-cluster.test.ts': 33,
  'test/chaos-standin.test.ts': 25,
  'test/natscli-standin.test.ts': 23,
};

class SlowSuitesFirst extends Sequencer {
  sort(tests) {
    const seconds = (test) => SECONDS[relative(test.context.config.rootDir, test.path)] ?? 0;
    // Array.prototype.sort is stable: the unlisted suites keep the order jest chose.
    return [...super.sort(tests)].sort((a, b) => seconds(b) - seconds(a));
  }
}

module.exports = SlowSuitesFirst;
