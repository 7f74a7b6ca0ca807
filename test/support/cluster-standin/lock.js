/*
 * A lock on the cluster state file, for when the test changes it while a script runs (the kubelet
 * of real-nats-pods.ts): a directory next to the file, created atomically (mkdir fails when it
 * exists). Returns the function that releases it.
 */
const fs = require('fs');

function withStateLock(stateFile) {
  const lock = `${stateFile}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (Date.now() > deadline) throw new Error(`the cluster state stayed locked for 10 s (${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  let held = true;
  return () => {
    if (held) fs.rmdirSync(lock);
    held = false;
  };
}

module.exports = { withStateLock };
