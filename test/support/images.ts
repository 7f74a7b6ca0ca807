import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { requireBinary } from './binaries';

/**
 * The container images the scripts run in, at the tags the library pins, and the tools each
 * puts on PATH besides busybox (Alpine's /bin/sh, coreutils, find, sed, awk, grep, date, sleep...):
 *
 * - natsio/nats-box:0.19.5 (nats-io/nats-box tag v0.19.5, Dockerfile): alpine:3.23 with
 *   `apk add ca-certificates curl figlet jq`, and nats (natscli 0.4.0), nsc, nats-top and nk in
 *   /usr/local/bin. The scripts use curl, jq and nats.
 * - alpine/k8s:1.28.13 (alpine-docker/k8s Dockerfile at the revision that built 1.28.x): alpine with
 *   `apk add curl ca-certificates bash git`, py3-pip (python3, awscli), jq, yq, gettext, and
 *   kubectl, helm, kustomize, eksctl, aws-iam-authenticator, kubeseal, vals, kubeconform in
 *   /usr/bin. The chaos scripts use kubectl, curl and jq.
 * - grafana/k6:2.2.0 (grafana/k6 tag v2.2.0, Dockerfile): alpine:3.24.1 with k6 in /usr/bin and
 *   nothing installed. run-soak.sh uses k6.
 *
 * Here each image's PATH is one directory: every busybox applet (Debian's busybox 1.35: the same
 * applets Alpine builds, older) and exactly the tools above the scripts use, as the real binary
 * where this machine has it (curl, jq, bash) or the suite's stand-in (nats, kubectl, k6); no GNU
 * coreutils, findutils, sed or grep, and no node: a GNU-only flag in a script fails here as it
 * would in the pod.
 */
export type Image = 'nats-box' | 'alpine-k8s' | 'k6';

/** The tools of each image that come from this machine (Debian's builds of what Alpine ships). */
const IMAGE_TOOLS: Record<Image, string[]> = {
  'nats-box': ['curl', 'jq'],
  'alpine-k8s': ['curl', 'jq', 'bash'],
  'k6': [],
};

const built = new Map<string, string>();

/**
 * The directory that is the image's PATH, with `standIns` (a name and the executable it runs,
 * with leading arguments if any: a stand-in of this suite, run by node or /bin/sh as its first
 * line says) added. Made once per process for each image and set of stand-ins.
 */
export function imagePath(image: Image, standIns: Record<string, string | string[]> = {}): string {
  const key = `${image} ${JSON.stringify(standIns)}`;
  const existing = built.get(key);
  if (existing) return existing;
  requireBinary('busybox');
  const dir = mkdtempSync(join(tmpdir(), `image-${image}-`));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const installed = spawnSync('busybox', ['--install', '-s', bin], { encoding: 'utf8' });
  if (installed.status !== 0) throw new Error(`busybox --install failed: ${installed.stderr}`);
  // Alpine has busybox itself on PATH too
  symlinkSync(spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim(), join(bin, 'busybox'));
  for (const tool of IMAGE_TOOLS[image]) {
    requireBinary(tool);
    const real = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { encoding: 'utf8' }).stdout.trim();
    // a real binary replaces the busybox applet of the same name, as apk's package does
    spawnSync('rm', ['-f', join(bin, tool)]);
    symlinkSync(real, join(bin, tool));
  }
  for (const [name, command] of Object.entries(standIns)) {
    // a stand-in and the leading arguments it takes (the cluster stand-in is told which tool it plays)
    const [target, ...args] = typeof command === 'string' ? [command] : command;
    spawnSync('rm', ['-f', join(bin, name)]);
    const words = [interpreterOf(target), target, ...args].map((w) => `'${w}'`).join(' ');
    writeFileSync(join(bin, name), `#!/bin/sh\nexec ${words} "$@"\n`, { mode: 0o755 });
  }
  built.set(key, bin);
  return bin;
}

/** node for the suite's JavaScript stand-ins (by absolute path: node is on no image's PATH), /bin/sh for shell ones. */
function interpreterOf(standIn: string): string {
  const firstLine = spawnSync('head', ['-n', '1', standIn], { encoding: 'utf8' }).stdout;
  return firstLine.includes('node') || standIn.endsWith('.js') ? process.execPath : '/bin/sh';
}

/** The grafana/k6 image's PATH, with the suite's k6 stand-in (k6-standin/k6) as k6. */
export function k6ImagePath(): string {
  return imagePath('k6', { k6: join(__dirname, 'k6-standin', 'k6') });
}
