import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ChaosScenario, HardenedDeployment, NatsBackupCronJob, NatsRestoreDrill, NatsRestoreJob, SoakJob, SoakTarget } from '../src';
import { describeWith } from './support/binaries';
import { synthExperiment } from './support/chaos';
import { newChart } from './support/charts';
import { Image, imagePath } from './support/images';
import { synthValid } from './support/manifests';
import { commandScript, literalEnv, materializeConfigMap } from './support/synthesized';

/**
 * Attack: whoever may delete and create ConfigMaps in the namespace recreates a scripts ConfigMap
 * (immutable, its name known from its content hash) under the same name with other content. The
 * next pod would run that content with the Job's credentials. Every Job's command checks the
 * sha256 of each mounted file against the sums in its own pod template first.
 *
 * Each case runs the synthesized command as the container does (`/bin/sh -c ...` under busybox sh,
 * the image's shell, with the image's tools on PATH), with the ConfigMap written out as its volume
 * would be. The one change: the mount path in the command points at that directory, since the test
 * cannot create /opt/... on the machine.
 */

interface ScriptedJob {
  readonly name: string;
  readonly image: Image;
  readonly container: any;
  readonly configMap: any;
}

/** Every kind of Job the library emits, with the ConfigMap its pod mounts at the script directory. */
function scriptedJobs(): ScriptedJob[] {
  const chart = newChart();
  const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: { name: 'orders-api', namespace: 'shop' } });
  new SoakJob(chart, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/api/orders' }] });
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup' } });
  new NatsRestoreDrill(chart, 'drill', { metadata: { name: 'nats-restore-drill' }, backup });
  new NatsRestoreJob(chart, 'restore', { metadata: { name: 'nats-restore' }, backup });
  const objects = [...synthValid(chart), ...synthExperiment({ scenario: ChaosScenario.API_KILL }).objects];
  const podOf = (o: any) => o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
  const imageOf = (name: string): Image => name.includes('soak') ? 'k6' : name.includes('api-kill') ? 'alpine-k8s' : 'nats-box';
  return objects.filter((o) => o.kind === 'Job' || o.kind === 'CronJob').map((o) => {
    const pod = podOf(o);
    const scriptsVolume = pod.volumes.find((v: any) => v.name === 'scripts');
    const configMap = objects.find((c) => c.kind === 'ConfigMap' && c.metadata.name === scriptsVolume.configMap.name);
    return { name: o.metadata.name, image: imageOf(o.metadata.name), container: pod.containers[0], configMap };
  });
}

/** Each Job's scripts ConfigMap, file by file: the test of each file below is named after it. */
const FILES: Record<string, string[]> = {
  'nats-backup': ['nats-backup-lib.sh', 'nats-backup.sh', 'nats-restore.sh'],
  'nats-restore': ['nats-backup-lib.sh', 'nats-backup.sh', 'nats-restore.sh'],
  'nats-restore-drill': ['nats-backup-lib.sh', 'nats-restore-drill.sh', 'nats-restore.sh'],
  'orders-soak': ['run-soak.sh', 'soak.js'],
  'orders-api-kill': ['api-kill.sh', 'chaos-lib.sh'],
};
const JOBS = Object.keys(FILES);

describeWith(['busybox'], 'a scripts ConfigMap replaced under its own name', () => {
  let work: string;
  beforeEach(() => { work = mkdtempSync(join(tmpdir(), 'scripts-verified-')); });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** The Job synthesized in the test itself (a mutation run counts a test's own synth only). */
  const jobNamed = (name: string) => scriptedJobs().find((j) => j.name === name)!;

  /** Runs the container's command with the ConfigMap's files as `files` left them. */
  function runCommand(job: ScriptedJob, change: (dir: string) => void = () => {}) {
    const { dir } = commandScript(job.container);
    const mounted = join(work, 'scripts');
    materializeConfigMap(job.configMap, mounted);
    change(mounted);
    const program: string = job.container.command[2].split(`${dir}/`).join(`${mounted}/`);
    return spawnSync('busybox', ['sh', '-c', program], {
      encoding: 'utf8',
      env: { ...literalEnv(job.container), PATH: imagePath(job.image), HOME: work },
      cwd: work,
      timeout: 30_000,
    });
  }

  test('every Job the library emits checks its scripts: backup, drill, restore, soak and chaos', () => {
    const jobs = scriptedJobs();
    expect(jobs.map((j) => j.name).sort()).toEqual([...JOBS].sort());
    for (const job of jobs) expect(Object.keys(job.configMap.data).sort()).toEqual(FILES[job.name]);
  });

  /** What each script says first when it runs here, where the pod's volumes, server, kubectl and k6 are missing. */
  const FIRST_WORDS: Record<string, RegExp> = {
    'nats-backup': /nats-backup: ERROR: BACKUP_ROOT \/backup is not a directory/,
    'nats-restore': /nats-restore: ERROR: BACKUP_ROOT \/backup is not a directory/,
    'nats-restore-drill': /"drill":"failed".*NATS_SERVER_BIN \/opt\/nats-server\/nats-server is not an executable/,
    'orders-soak': /soak: FAIL: k6 exited 127/,
    'orders-api-kill': /"verdict":"NOT_RUN","reason":"NAMESPACE is not set"/,
  };

  test.each(JOBS)('%s: the synthesized files pass the check and the script runs', (name) => {
    const result = runCommand(jobNamed(name));
    expect(result.stderr).not.toContain('refusing to run them');
    expect(result.status).not.toBe(126);
    // the script ran: it stopped on what this machine lacks, in its own words
    expect(result.stdout + result.stderr).toMatch(FIRST_WORDS[name]);
  });

  test.each(JOBS.flatMap((name) => FILES[name].map((file) => [name, file])))(
    '%s: %s with other content: exit 126 naming the file, nothing of it runs', (name, file) => {
      const job = jobNamed(name);
      const marker = join(work, 'planted-code-ran');
      const result = runCommand(job, (dir) => writeFileSync(join(dir, file), `touch ${marker}\n${job.configMap.data[file]}`));
      expect(result.status).toBe(126);
      expect(result.stderr).toMatch(new RegExp(`/scripts/${file.replace('.', '\\.')}: FAILED`));
      expect(result.stderr).toContain(`ERROR: the scripts in ${commandScript(job.container).dir} are not the ones this pod was synthesized with (was their ConfigMap replaced?); refusing to run them`);
      expect(existsSync(marker)).toBe(false);
    });

  test.each(JOBS)('%s: a file missing from the ConfigMap: exit 126', (name) => {
    const job = jobNamed(name);
    const { script } = commandScript(job.container);
    const other = Object.keys(job.configMap.data).find((f) => f !== script)!;
    const result = runCommand(job, (dir) => unlinkSync(join(dir, other)));
    expect(result.status).toBe(126);
    expect(result.stderr).toContain('refusing to run them');
  });
});
