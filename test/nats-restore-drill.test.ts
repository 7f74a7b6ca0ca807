import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HardeningChecks, NatsAuth, NatsBackupCronJob, NatsBackupCronJobProps, NatsRestoreDrill, NatsRestoreDrillProps } from '../src';
import { contentHash } from '../src/_scripts-config-map';
import { describeWith } from './support/binaries';
import { newChart, toYaml } from './support/charts';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';
import { BACKUP_SCRIPT, runNatsScript } from './support/nats-scripts';
import { NatsServer, freePort } from './support/nats-server';
import { ASSETS } from './support/scripts';
import { commandScript, containerEnv, literalEnv, materializeConfigMap } from './support/synthesized';
import { runInstants } from '../src/_cron-runs';

function synthDrill(props: Partial<NatsRestoreDrillProps> = {}, backupProps: NatsBackupCronJobProps = {}, chart: Chart = newChart()) {
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup' }, ...backupProps });
  const drill = new NatsRestoreDrill(chart, 'drill', { metadata: { name: 'nats-restore-drill' }, backup, ...props });
  const objects = synthValid(chart);
  const cronJob = ofKind(objects, 'CronJob').find((c) => c.metadata.name === 'nats-restore-drill');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  return { drill, objects, cronJob, pod, container: pod.containers[0], init: pod.initContainers[0], env: containerEnv(pod.containers[0]) };
}

const own = (objects: any[]) => objects.filter((o) => o.metadata.name.startsWith('nats-restore-drill'));

describe('NatsRestoreDrill', () => {
  test('snapshot', () => {
    expect(toYaml(own(synthDrill().objects))).toMatchSnapshot();
  });

  test('weekly on Monday 04:00, the end of the default backup\'s window (02:00 + 1 h starting + 1 h active), in the backup\'s time zone', () => {
    const { cronJob } = synthDrill();
    expect(cronJob.spec).toMatchObject({
      schedule: '0 4 * * 1',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 4,
      failedJobsHistoryLimit: 4,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 7200 });
    expect(cronJob.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined(); // history limits keep failures visible
  });

  test('the default schedule follows the backup\'s schedule, window and time zone', () => {
    const berlin = synthDrill({}, { schedule: Cron.schedule({ minute: '30', hour: '1' }), timeZone: 'Europe/Berlin', activeDeadline: Duration.minutes(30) });
    expect(berlin.cronJob.spec).toMatchObject({ schedule: '0 3 * * 1', timeZone: 'Europe/Berlin' });
    // every 6 hours with 2 hours of window: the end of the first window, 02:00 on Monday
    expect(synthDrill({}, { schedule: Cron.schedule({ minute: '0', hour: '*/6' }) }).cronJob.spec.schedule).toBe('0 2 * * 1');
    // a window that ends at 02:17 rounds up to 02:20
    expect(synthDrill({}, { schedule: Cron.schedule({ minute: '0', hour: '1' }), startingDeadline: Duration.minutes(17), activeDeadline: Duration.hours(1) })
      .cronJob.spec.schedule).toBe('20 2 * * 1');
    // weekly backups on Saturday 23:00: the drill on Sunday 01:00
    expect(synthDrill({}, { schedule: Cron.schedule({ minute: '0', hour: '23', weekDay: '6' }) }).cronJob.spec.schedule).toBe('0 1 * * 0');
  });

  test('the allowed backup age is the backup schedule\'s longest interval plus its window (26 h by default), passed to the script', () => {
    expect(synthDrill().env.MAX_BACKUP_AGE_SECONDS).toBe('93600');
    // weekly backups: 7 days + 2 h
    expect(synthDrill({}, { schedule: Cron.schedule({ minute: '0', hour: '23', weekDay: '6' }) }).env.MAX_BACKUP_AGE_SECONDS).toBe(String(7 * 86400 + 7200));
    // Europe/Berlin, daily at 02:00: that time does not exist on the day clocks go forward, so no
    // backup runs that day (robfig/cron) and two runs lie 47 hours apart
    expect(synthDrill({}, { timeZone: 'Europe/Berlin' }).env.MAX_BACKUP_AGE_SECONDS).toBe(String(47 * 3600 + 7200));
    expect(synthDrill({ maxBackupAge: Duration.hours(30) }).env.MAX_BACKUP_AGE_SECONDS).toBe('108000');
  });

  test('mounts the backup\'s claim read-only at /backup and runs as the backup\'s user (its files are owner-only)', () => {
    const { pod, container } = synthDrill({}, { user: 20001, group: 20002 });
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'nats-backup-data', readOnly: true } });
    expect(container.volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup', readOnly: true });
    expect(pod.securityContext).toMatchObject({ runAsUser: 20001, runAsGroup: 20002, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toEqual({
        runAsUser: 20001,
        runAsGroup: 20002,
        runAsNonRoot: true,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.imagePullPolicy).toBe('Always');
    }
    expect(pod.automountServiceAccountToken).toBe(false);
    const existing = synthDrill({}, { existingClaim: kplus.PersistentVolumeClaim.fromClaimName(newChart(), 'c', 'jetstream-backups') });
    expect(existing.pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'jetstream-backups', readOnly: true } });
  });

  test('an init container copies nats-server out of the pinned official image into a shared emptyDir; the drill runs it from there', () => {
    const { init, container, pod, env } = synthDrill();
    expect(init).toMatchObject({
      name: 'nats-server-binary',
      image: 'nats:2.14.0-alpine',
      command: ['cp', '/usr/local/bin/nats-server', '/opt/nats-server/nats-server'],
      volumeMounts: [{ name: 'nats-server', mountPath: '/opt/nats-server' }],
      resources: { requests: { 'cpu': '50m', 'memory': '16Mi', 'ephemeral-storage': '16Mi' }, limits: { 'cpu': '500m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' } },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'nats-server', mountPath: '/opt/nats-server', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'nats-server', emptyDir: { sizeLimit: '64Mi' } });
    expect(env.NATS_SERVER_BIN).toBe('/opt/nats-server/nats-server');
    expect(container.image).toBe('natsio/nats-box:0.19.5');
    expect(commandScript(container)).toEqual({ dir: '/opt/nats-backup', script: 'nats-restore-drill.sh' });
    expect(synthDrill({ serverImage: 'registry.example.com/nats:2.12.15-alpine3.22' }).init.image).toBe('registry.example.com/nats:2.12.15-alpine3.22');
  });

  test('the store: an emptyDir of the backup claim\'s size (5Gi), its size in the environment and in the ephemeral-storage request and limit', () => {
    const { pod, container, env } = synthDrill();
    expect(pod.volumes).toContainEqual({ name: 'store', emptyDir: { sizeLimit: '5120Mi' } });
    expect(container.volumeMounts).toContainEqual({ name: 'store', mountPath: '/drill' });
    expect(env).toMatchObject({ DRILL_DIR: '/drill', STORE_LIMIT_KIB: String(5 * 1024 * 1024), DRILL_PORT: '4222' });
    expect(container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '256Mi', 'ephemeral-storage': '5376Mi' },
      limits: { 'cpu': '1', 'memory': '1024Mi', 'ephemeral-storage': '5376Mi' },
    });
    const larger = synthDrill({}, { claimSize: Size.gibibytes(20) });
    expect(larger.env.STORE_LIMIT_KIB).toBe(String(20 * 1024 * 1024));
    const own512 = synthDrill({ storeSize: Size.mebibytes(512), resources: { memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) } } });
    expect(own512.pod.volumes).toContainEqual({ name: 'store', emptyDir: { sizeLimit: '512Mi' } });
    expect(own512.container.resources.limits).toEqual({ 'cpu': '1', 'memory': '2048Mi', 'ephemeral-storage': '768Mi' });
    // a request alone keeps a limit: the default one, raised to the request
    const cpuRequest = synthDrill({ resources: { cpu: { request: kplus.Cpu.millis(2000) } } });
    expect(cpuRequest.container.resources).toMatchObject({ requests: { cpu: '2000m' }, limits: { cpu: '2000m', memory: '1024Mi' } });
    // an existing claim's size is unknown here: 5Gi
    const existing = synthDrill({}, { existingClaim: kplus.PersistentVolumeClaim.fromClaimName(newChart(), 'c', 'jetstream-backups') });
    expect(existing.env.STORE_LIMIT_KIB).toBe(String(5 * 1024 * 1024));
  });

  test('no credentials, no CA and no NATS URL reach the drill: it talks to its own server only', () => {
    const chart = newChart();
    const secret = kplus.Secret.fromSecretName(chart, 's', 'nats-creds');
    const { container, pod, env } = synthDrill({}, {
      natsUrl: 'tls://nats.messaging:4222', tlsCaSecret: secret, auth: NatsAuth.credsFile(secret),
    }, chart);
    expect(Object.keys(env).filter((k) => k.startsWith('NATS_') && k !== 'NATS_SERVER_BIN')).toEqual([]);
    expect(pod.volumes.filter((v: any) => v.secret || v.projected)).toEqual([]);
    expect(JSON.stringify(container)).not.toContain('nats.messaging');
  });

  test('NetworkPolicy: the drill pods admit nothing and reach nothing, DNS included', () => {
    const { objects, cronJob } = synthDrill();
    const policy = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'nats-restore-drill');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nats-restore-drill', 'app.kubernetes.io/instance': 'nats-restore-drill' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    });
    const podLabels = cronJob.spec.jobTemplate.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(policy.spec.podSelector.matchLabels)) expect(podLabels[key]).toBe(value);
  });

  test('its own immutable scripts ConfigMap: the drill, the restore users run and their library', () => {
    const { objects, pod } = synthDrill();
    const scripts = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('nats-restore-drill-scripts-'));
    expect(Object.keys(scripts.data).sort()).toEqual(['nats-backup-lib.sh', 'nats-restore-drill.sh', 'nats-restore.sh']);
    expect(scripts.immutable).toBe(true);
    expect(scripts.metadata.name).toBe(`nats-restore-drill-scripts-${contentHash(scripts.data)}`);
    expect(pod.volumes).toContainEqual({ name: 'scripts', configMap: { name: scripts.metadata.name, defaultMode: 0o555 } });
  });

  test('labels, and every object passes HardeningChecks with failOnWarnings', () => {
    const app = new App();
    const chart = new Chart(app, 'drills', { namespace: 'orders' });
    const { objects } = synthDrill({}, {}, chart);
    expect(onlyOfKind(own(objects), 'CronJob').metadata.labels).toEqual({
      'app.kubernetes.io/name': 'nats-restore-drill',
      'app.kubernetes.io/instance': 'nats-restore-drill',
      'app.kubernetes.io/component': 'jetstream-restore-drill',
      'app.kubernetes.io/managed-by': 'cdk8s-hardening',
    });
    expect(new HardeningChecks(app, { failOnWarnings: true }).findings()).toEqual([]);
  });
});

describe('NatsRestoreDrill refuses', () => {
  const cases: Array<[string, Partial<NatsRestoreDrillProps>, string]> = [
    ['a schedule that starts inside the backup\'s window', { schedule: Cron.schedule({ minute: '30', hour: '3', weekDay: '1' }) },
      'schedule must start after the backup\'s window (a backup run may start 7200s late or run that long: its startingDeadline plus activeDeadline), '
      + 'so the drill tests the newest backup; in Etc/UTC it starts Mon 03:30 while the backup run of Mon 02:00 may still be going, got "30 3 * * 1"'],
    ['a schedule that runs before the backup\'s', { schedule: Cron.schedule({ minute: '0', hour: '2', weekDay: '1' }) },
      'schedule must start after the backup\'s window (a backup run may start 7200s late or run that long: its startingDeadline plus activeDeadline), '
      + 'so the drill tests the newest backup; in Etc/UTC it starts Mon 02:00 while the backup run of Mon 02:00 may still be going, got "0 2 * * 1"'],
    ['a schedule that is not a cron expression', { schedule: Cron.schedule({ minute: '61' }) },
      'schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *"; its minute field allows 0-59, *, ranges, lists and steps, got "61 * * * *"'],
    ['an allowed backup age shorter than the backup schedule\'s interval', { maxBackupAge: Duration.hours(23) },
      'maxBackupAge must be whole seconds from 1 day to 36500 days (the backup schedule\'s longest interval: a drill right before the next backup would fail), got 23 hours'],
    ['a store below 64Mi', { storeSize: Size.mebibytes(32) }, 'storeSize must be whole mebibytes, at least 64Mi, got 32Mi'],
    ['a store of fractional mebibytes', { storeSize: Size.kibibytes(70000) }, 'storeSize must be whole mebibytes, at least 64Mi, got 70000Ki'],
    ['a store of a fraction of a kibibyte', { storeSize: Size.mebibytes(5e-324) }, 'storeSize must be whole mebibytes, at least 64Mi, got 5.06e-321Ki'],
    ['a negative cpu limit', { resources: { cpu: { limit: kplus.Cpu.millis(-5e-324) } } }, 'resources.cpu.limit must be whole millicores, at least 1m, such as Cpu.millis(250) or Cpu.units(1.5), got "-5e-324m"'],
    ['a memory request above its limit', { resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } },
      'resources.memory.request must be at most the memory limit (1Gi), got "2Gi"'],
    ['a namespace with a control character', { metadata: { namespace: 'a\u0000' } },
      'metadata.namespace must be a DNS-1123 label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit, got "a\\u0000"'],
    ['ephemeral storage in resources', { resources: { ephemeralStorage: { limit: Size.gibibytes(1) } } },
      'resources.ephemeralStorage must be left out: the drill\'s ephemeral storage is storeSize plus 256Mi, got "given"'],
    ['an unpinned server image', { serverImage: 'nats:latest' }, 'serverImage must pin a version tag (name:1.2.3) or a digest (name@sha256:...); the latest tag moves between pulls, got "nats:latest"'],
    ['the scratch server image, which has no cp', { serverImage: 'nats:2.14.0' },
      'serverImage must be an -alpine variant of the nats image such as "nats:2.14.0-alpine" (the init container copies the binary with cp, which the scratch variant lacks), got "nats:2.14.0"'],
    ['a starting deadline below 10 seconds', { startingDeadline: Duration.seconds(5) },
      'startingDeadline must be whole seconds from 10 seconds to 2147483647 seconds (int32) (the CronJob controller checks every 10 seconds), got 5 seconds'],
    ['an active deadline below 2 minutes', { activeDeadline: Duration.minutes(1) },
      'activeDeadline must be whole seconds from 2 minutes to 2147483647 seconds (int32) (the throwaway server alone may take a minute to start), got 1 minute'],
    ['a history limit of 0', { jobsHistoryLimit: 0 }, 'jobsHistoryLimit must be a whole number of at least 1, so a failed drill keeps its result, got 0'],
    ['a CronJob name over 52 characters', { metadata: { name: 'd'.repeat(53) } },
      `metadata.name must be a DNS-1123 label: at most 52 lowercase letters, digits and '-', starting and ending with a letter or digit (the CronJob controller appends 11 characters for its Jobs), got "${'d'.repeat(53)}"`],
  ];
  test.each(cases)('fails with %s', (_name, props, message) => {
    const chart = newChart();
    const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup' } });
    expect(() => new NatsRestoreDrill(chart, 'drill', { backup, ...props })).toThrow(message);
  });

  test('fails with a backup in another namespace (its claim cannot be mounted here)', () => {
    const app = new App();
    const backup = new NatsBackupCronJob(new Chart(app, 'backups', { namespace: 'messaging' }), 'backup');
    expect(() => new NatsRestoreDrill(new Chart(app, 'drills', { namespace: 'orders' }), 'drill', { backup }))
      .toThrow('backup must be in the drill\'s namespace orders: a claim is mounted in its own namespace only, got "messaging"');
  });

  test('fails without a NatsBackupCronJob', () => {
    expect(() => new NatsRestoreDrill(newChart(), 'drill', { backup: {} as any }))
      .toThrow('backup must be a NatsBackupCronJob (the drill mounts its claim and follows its schedule), got {}');
  });

  test('backups so frequent that their windows leave no gap: any schedule is accepted (the drill tests the newest complete backup)', () => {
    const { cronJob } = synthDrill({ schedule: Cron.schedule({ minute: '15', hour: '3', weekDay: '2' }) }, { schedule: Cron.schedule({ minute: '0' }) });
    expect(cronJob.spec.schedule).toBe('15 3 * * 2');
  });
});

describeWith(['nats-server', 'jq'], 'NatsRestoreDrill as synthesized, run against a real nats-server', () => {
  let server: NatsServer;
  let work: string;
  beforeEach(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'nats-drill-synth-'));
  });
  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('the CronJob\'s own scripts and environment drill a backup and pass', async () => {
    await server.seedStream({ name: 'ORDERS' }, 7, [{ durable_name: 'billing' }]);
    const root = join(work, 'backup');
    mkdirSync(root);
    expect(runNatsScript(BACKUP_SCRIPT, { NATS_URL: server.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off' }).status).toBe(0);

    const { objects, container } = synthDrill({ storeSize: Size.mebibytes(64) });
    const scriptsDir = join(work, 'opt', 'nats-backup');
    materializeConfigMap(ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('nats-restore-drill-scripts-')), scriptsDir);
    const drillDir = join(work, 'drill');
    mkdirSync(drillDir);
    const result = runNatsScript(join(scriptsDir, 'nats-restore-drill.sh'), {
      ...literalEnv(container),
      // the pod's paths, mapped to this machine; everything else as synthesized
      BACKUP_ROOT: root,
      DRILL_DIR: drillDir,
      HOME: work,
      DRILL_PORT: String(await freePort()),
      NATS_SERVER_BIN: spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim(),
    }, { shell: 'busybox sh' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ drill: 'passed', maxRpoSeconds: 93600, streams: 1, messages: 7, consumers: 1, failures: [] });
    expect(literalEnv(container).STORE_LIMIT_KIB).toBe('65536');
  }, 120_000);

  test('the shipped drill script is the one in the ConfigMap', () => {
    const { objects } = synthDrill();
    const scripts = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('nats-restore-drill-scripts-'));
    expect(scripts.data['nats-restore-drill.sh']).toBe(readFileSync(join(ASSETS, 'nats-backup', 'nats-restore-drill.sh'), 'utf8'));
  });
});

describe('runs of a schedule in its time zone (robfig/cron v3 as the CronJob controller runs it)', () => {
  const iso = (runs: number[]) => runs.map((r) => new Date(r).toISOString());

  test('Europe/Berlin 02:30 daily: no run on the day clocks go forward, two on the day they go back', () => {
    expect(iso(runInstants('30 2 * * *', 'Europe/Berlin', Date.UTC(2024, 2, 30), Date.UTC(2024, 3, 2)))).toEqual([
      '2024-03-30T01:30:00.000Z', '2024-04-01T00:30:00.000Z',
    ]);
    expect(iso(runInstants('30 2 * * *', 'Europe/Berlin', Date.UTC(2024, 9, 27), Date.UTC(2024, 9, 28)))).toEqual([
      '2024-10-27T00:30:00.000Z', '2024-10-27T01:30:00.000Z',
    ]);
  });

  test('Etc/UTC: every matching minute of the days asked for, in order', () => {
    expect(iso(runInstants('0 4,16 * * 1', 'Etc/UTC', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 9)))).toEqual([
      '2024-01-01T04:00:00.000Z', '2024-01-01T16:00:00.000Z', '2024-01-08T04:00:00.000Z', '2024-01-08T16:00:00.000Z',
    ]);
  });
});
