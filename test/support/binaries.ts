import { spawnSync } from 'child_process';

/** The Debian package that provides each binary the integration tests run. */
const DEBIAN_PACKAGE: Record<string, string> = {
  'nats-server': 'nats-server',
  'shellcheck': 'shellcheck',
  'jq': 'jq',
  'dash': 'dash',
  'busybox': 'busybox',
  'promtool': 'prometheus',
  'openssl': 'openssl',
  'curl': 'curl',
  'unshare': 'util-linux',
  'nats-server-2.10': 'nats-server from Debian trixie (scripts/install-test-tools.sh unpacks it as /usr/local/bin/nats-server-2.10)',
};

/** The script that installs every Debian package the suite needs (the first part of README's test command). */
export const INSTALL_COMMAND = 'sh scripts/install-test-tools.sh';

/**
 * Integration tests need real binaries (nats-server, shellcheck, dash, busybox). A missing one
 * fails the suite with the command that installs it: a suite that passes by skipping proves nothing.
 */
export function requireBinary(name: string): void {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name]).status === 0;
  if (found) return;
  const pkg = DEBIAN_PACKAGE[name] ?? name;
  const how = pkg.includes(' ') ? pkg : `"sudo apt-get install -y ${pkg}"`;
  throw new Error(`${name} is not installed: install it with ${how} (all test prerequisites: ${INSTALL_COMMAND}); these tests never skip`);
}

/** `describe` whose tests need these binaries: it fails, never skips, when one is missing (see requireBinary). */
export function describeWith(binaries: string[], name: string, fn: () => void): void {
  describe(name, () => {
    beforeAll(() => binaries.forEach(requireBinary));
    fn();
  });
}
