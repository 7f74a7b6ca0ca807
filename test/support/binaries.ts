import { spawnSync } from 'child_process';

/**
 * Integration tests need real binaries (nats-server, shellcheck, dash). Locally a missing one
 * skips the test with a printed reason; with CI set it fails, so CI never passes by skipping.
 */
export function requireBinary(name: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
  if (found) return true;
  const message = `${name} is not installed: install it (apt-get install -y ${name}) to run these tests`;
  if (process.env.CI) throw new Error(`${message}; CI must not skip them`);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: ${message}`);
  return false;
}

/** `describe` that runs only when every binary is available (see requireBinary). */
export function describeWith(binaries: string[], name: string, fn: () => void): void {
  const available = binaries.map(requireBinary).every(Boolean);
  (available ? describe : describe.skip)(name, fn);
}
