import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MonitoringCapture, NatsAuth, NatsBackupCronJob, NatsBackupCronJobProps } from '../src';
import { contentHash } from '../src/_scripts-config-map';
import { describeWith } from './support/binaries';
import { newChart, toYaml } from './support/charts';
import { CLUSTER_DNS_EGRESS, restrictedContainerSecurityContext } from './support/expected';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';
import { NATSCLI_STANDIN } from './support/nats-scripts';
import { NatsServer } from './support/nats-server';
import { ASSETS, runScript } from './support/scripts';
import { commandScript, containerEnv, literalEnv, materializeConfigMap } from './support/synthesized';

function synthBackup(props: NatsBackupCronJobProps = {}) {
  const chart = newChart();
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup' }, ...props });
  const objects = synthValid(chart);
  const cronJob = onlyOfKind(objects, 'CronJob');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const env = containerEnv(pod.containers[0]);
  return { chart, backup, objects, cronJob, pod, container: pod.containers[0], env };
}

describe('NatsBackupCronJob', () => {
  test('snapshot', () => {
    const { objects } = synthBackup();
    // the scripts are pinned by their own test below; the snapshot keeps the manifest readable
    const withoutScripts = objects.map((o) => (o.kind === 'ConfigMap' ? { ...o, data: Object.keys(o.data) } : o));
    expect(toYaml(withoutScripts)).toMatchSnapshot();
  });

  test('daily at 02:00 Etc/UTC, one run at a time, with deadlines and history limits', () => {
    const { cronJob } = synthBackup();
    expect(cronJob.apiVersion).toBe('batch/v1');
    expect(cronJob.spec.schedule).toBe('0 2 * * *');
    expect(cronJob.spec.timeZone).toBe('Etc/UTC');
    expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec.startingDeadlineSeconds).toBe(3600);
    expect(cronJob.spec.successfulJobsHistoryLimit).toBe(3);
    expect(cronJob.spec.failedJobsHistoryLimit).toBe(3);
    expect(cronJob.spec.jobTemplate.spec.backoffLimit).toBe(2);
    expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
    expect(cronJob.spec.jobTemplate.spec).not.toHaveProperty('ttlSecondsAfterFinished');
  });

  test('7-day retention, keep the newest 3, messages included, server info best-effort from the headless Service', () => {
    const { env } = synthBackup();
    expect(env).toMatchObject({
      RETENTION_DAYS: '7',
      KEEP_MIN: '3',
      INCLUDE_MESSAGES: 'true',
      NATS_URL: 'nats://nats:4222',
      NATS_MONITOR_URL: 'http://nats-headless:8222',
      MONITOR_CAPTURE: 'best-effort',
      BACKUP_ROOT: '/backup',
    });
  });

  test('natscli keeps its context under a writable HOME and the XDG folders in it; the job works in /tmp', () => {
    const { env, container, pod, cronJob } = synthBackup();
    expect(env).toMatchObject({ HOME: '/home/nats-backup', XDG_CONFIG_HOME: '/home/nats-backup/.config', XDG_DATA_HOME: '/home/nats-backup/.local/share' });
    expect(container.workingDir).toBe('/tmp');
    expect(container.volumeMounts).toContainEqual({ name: 'home', mountPath: '/home/nats-backup' });
    expect(pod.volumes).toContainEqual({ name: 'home', emptyDir: { sizeLimit: '16Mi' } });
    expect(cronJob.metadata.labels['app.kubernetes.io/component']).toBe('jetstream-backup');
  });

  test('monitoring off: no monitoring URL, no egress to the monitoring port; required: passed on to the script', () => {
    const off = synthBackup({ monitoring: MonitoringCapture.OFF });
    expect(off.env).toMatchObject({ NATS_MONITOR_URL: '', MONITOR_CAPTURE: 'off' });
    expect(onlyOfKind(off.objects, 'NetworkPolicy').spec.egress[1].ports).toEqual([{ port: 4222, protocol: 'TCP' }]);
    const required = synthBackup({ monitoring: MonitoringCapture.REQUIRED, monitorUrl: 'https://nats-mon.messaging:9443' });
    expect(required.env).toMatchObject({ NATS_MONITOR_URL: 'https://nats-mon.messaging:9443', MONITOR_CAPTURE: 'required' });
    expect(onlyOfKind(required.objects, 'NetworkPolicy').spec.egress[1].ports).toEqual([{ port: 4222, protocol: 'TCP' }, { port: 9443, protocol: 'TCP' }]);
  });

  test('a 5Gi ReadWriteOnce claim mounted at /backup', () => {
    const { objects, pod, container, backup } = synthBackup();
    const claim = onlyOfKind(objects, 'PersistentVolumeClaim');
    expect(claim.metadata.name).toBe('nats-backup-data');
    expect(claim.spec.resources.requests.storage).toBe('5Gi');
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'nats-backup-data', readOnly: false } });
    expect(container.volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup', readOnly: false });
    expect(backup.mountPath).toBe('/backup');
  });

  test('the scripts ConfigMap ships the tested scripts, mounted read-only and executable', () => {
    const { objects, pod, container } = synthBackup();
    const scripts = onlyOfKind(objects, 'ConfigMap');
    for (const file of ['nats-backup.sh', 'nats-restore.sh', 'nats-backup-lib.sh']) {
      expect(scripts.data[file]).toBe(readFileSync(join(ASSETS, 'nats-backup', file), 'utf8'));
    }
    expect(commandScript(container)).toEqual({ dir: '/opt/nats-backup', script: 'nats-backup.sh' });
    // immutable and named after its content: editing it in place is refused, a change is a new object
    expect(scripts.immutable).toBe(true);
    expect(scripts.metadata.name).toBe(`nats-backup-scripts-${contentHash(scripts.data)}`);
    expect(pod.volumes).toContainEqual({ name: 'scripts', configMap: { name: scripts.metadata.name, defaultMode: 0o555 } });
    expect(container.volumeMounts).toContainEqual({ name: 'scripts', mountPath: '/opt/nats-backup', readOnly: true });
  });

  test('pinned nats-box image under PSS restricted, non-root ids above 10000, writable HOME and /tmp', () => {
    const { pod, container, env } = synthBackup();
    expect(container.image).toBe('natsio/nats-box:0.19.5');
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.securityContext).toEqual(restrictedContainerSecurityContext(65532, 65532));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '1', 'memory': '512Mi', 'ephemeral-storage': '256Mi' },
    });
    expect(env.HOME).toBe('/home/nats-backup');
    expect(container.volumeMounts).toContainEqual({ name: 'home', mountPath: '/home/nats-backup' });
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  test('NetworkPolicy: no ingress, egress only to DNS and the NATS pods on the client and monitoring ports', () => {
    const { objects } = synthBackup();
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nats-backup', 'app.kubernetes.io/instance': 'nats-backup' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        CLUSTER_DNS_EGRESS,
        {
          to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' } } }],
          ports: [{ port: 4222, protocol: 'TCP' }, { port: 8222, protocol: 'TCP' }],
        },
      ],
    });
    const cronJob = onlyOfKind(objects, 'CronJob');
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
  });

  test('everything is configurable', () => {
    const { cronJob, env, objects } = synthBackup({
      schedule: Cron.schedule({ minute: '30', hour: '*/6' }),
      timeZone: 'Europe/Berlin',
      retention: Duration.days(14),
      keepLast: 5,
      includeMessages: false,
      natsUrl: 'tls://nats.messaging:4443',
      monitorUrl: 'https://nats.messaging:8443',
      natsNamespace: 'messaging',
      natsPodLabels: { app: 'nats' },
      claimSize: Size.gibibytes(20),
      storageClassName: 'retained-ssd',
      startingDeadline: Duration.minutes(10),
      activeDeadline: Duration.hours(3),
      backoffLimit: 0,
      jobsHistoryLimit: 1,
      image: 'natsio/nats-box:0.19.4',
    });
    expect(cronJob.spec).toMatchObject({
      schedule: '30 */6 * * *', timeZone: 'Europe/Berlin', startingDeadlineSeconds: 600, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 10800, backoffLimit: 0 });
    expect(env).toMatchObject({
      RETENTION_DAYS: '14', KEEP_MIN: '5', INCLUDE_MESSAGES: 'false', NATS_URL: 'tls://nats.messaging:4443', NATS_MONITOR_URL: 'https://nats.messaging:8443',
    });
    expect(onlyOfKind(objects, 'PersistentVolumeClaim').spec).toMatchObject({ storageClassName: 'retained-ssd', resources: { requests: { storage: '20Gi' } } });
    expect(onlyOfKind(objects, 'NetworkPolicy').spec.egress[1]).toEqual({
      to: [{ podSelector: { matchLabels: { app: 'nats' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'messaging' } } }],
      ports: [{ port: 4443, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }],
    });
  });

  test('an existing claim instead of a new one; no NetworkPolicy when turned off', () => {
    const chart = newChart();
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'existing', 'jetstream-backups');
    new NatsBackupCronJob(chart, 'backup', { existingClaim: claim, networkPolicy: false });
    const objects = synthValid(chart);
    expect(ofKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    expect(ofKind(objects, 'NetworkPolicy')).toHaveLength(0);
    expect(onlyOfKind(objects, 'CronJob').spec.jobTemplate.spec.template.spec.volumes)
      .toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'jetstream-backups', readOnly: false } });
  });

  test('credentials and CA as files from Secrets only: creds file, user/password, nkey, token; no secret in any env var', () => {
    const chart = newChart();
    const secret = kplus.Secret.fromSecretName(chart, 'creds-secret', 'nats-backup-creds');
    const ca = kplus.Secret.fromSecretName(chart, 'ca-secret', 'nats-ca');
    new NatsBackupCronJob(chart, 'creds', { auth: NatsAuth.credsFile(secret), tlsCaSecret: ca, natsUrl: 'tls://nats:4222' });
    new NatsBackupCronJob(chart, 'userpass', { auth: NatsAuth.userPassword(secret, 'username', 'pass'), natsUrl: 'tls://nats:4222' });
    new NatsBackupCronJob(chart, 'nkey', { auth: NatsAuth.nkeySeedFile(secret, 'seed') });
    new NatsBackupCronJob(chart, 'token', { auth: NatsAuth.token(secret), natsUrl: 'tls://nats:4222' });
    const pods = ofKind(synthValid(chart), 'CronJob').map((c) => c.spec.jobTemplate.spec.template.spec);
    expect(pods).toHaveLength(4);
    const [creds, userpass, nkey, token] = pods;
    const envOf = (pod: any) => containerEnv(pod.containers[0]);
    const authVolume = (items: any[]) => ({ name: 'nats-auth', secret: { secretName: 'nats-backup-creds', defaultMode: 0o440, items } });
    const contextVolume = { name: 'nats-context', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } };

    expect(envOf(creds)).toMatchObject({ NATS_CREDS: '/etc/nats/auth/nats.creds', NATS_CA: '/etc/nats/tls/ca.crt' });
    expect(creds.volumes).toContainEqual(authVolume([{ key: 'nats.creds', path: 'nats.creds', mode: 0o440 }]));
    expect(creds.volumes).toContainEqual({
      name: 'nats-tls-ca', secret: { secretName: 'nats-ca', defaultMode: 0o440, items: [{ key: 'ca.crt', path: 'ca.crt', mode: 0o440 }] },
    });
    expect(creds.containers[0].volumeMounts).toContainEqual({ name: 'nats-auth', mountPath: '/etc/nats/auth', readOnly: true });
    // a creds or nkey file is what natscli reads directly: no private context for them
    expect(creds.volumes).not.toContainEqual(contextVolume);
    expect(envOf(creds)).not.toHaveProperty('NATS_CONTEXT_DIR');

    expect(envOf(userpass)).toMatchObject({
      NATS_USER_FILE: '/etc/nats/auth/username', NATS_PASSWORD_FILE: '/etc/nats/auth/pass', NATS_CONTEXT_DIR: '/run/nats-context',
    });
    expect(userpass.volumes).toContainEqual(authVolume([{ key: 'pass', path: 'pass', mode: 0o440 }, { key: 'username', path: 'username', mode: 0o440 }]));
    expect(userpass.volumes).toContainEqual(contextVolume);
    expect(userpass.containers[0].volumeMounts).toContainEqual({ name: 'nats-context', mountPath: '/run/nats-context' });

    expect(envOf(nkey)).toMatchObject({ NATS_NKEY: '/etc/nats/auth/seed' });
    expect(nkey.volumes).not.toContainEqual(contextVolume);
    expect(envOf(nkey)).not.toHaveProperty('NATS_CONTEXT_DIR');
    expect(envOf(token)).toMatchObject({ NATS_TOKEN_FILE: '/etc/nats/auth/token', NATS_CONTEXT_DIR: '/run/nats-context' });
    expect(token.volumes).toContainEqual(contextVolume);

    for (const pod of pods) {
      const env = pod.containers[0].env as any[];
      expect(env.length).toBeGreaterThan(5);
      expect(env.filter((e) => e.valueFrom !== undefined)).toEqual([]);
      for (const name of ['NATS_USER', 'NATS_PASSWORD', 'NATS_TOKEN']) expect(envOf(pod)).not.toHaveProperty(name);
    }
  });
});

const RETENTION = "retention must be whole days from 1 to 36500 (100 years; the backup script's arithmetic stays exact), ";

describe('NatsBackupCronJob refuses', () => {
  const cases: Array<[string, NatsBackupCronJobProps, string]> = [
    ['an invalid cron expression (hour 24)', { schedule: Cron.schedule({ minute: '0', hour: '24' }) },
      'schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *"; its hour field allows 0-23, *, ranges, lists and steps, got "0 24 * * *"'],
    ['a cron expression with a word', { schedule: Cron.schedule({ minute: 'daily' }) },
      'schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *"; its minute field allows 0-59, *, ranges, lists and steps, got "daily * * * *"'],
    ['a cron expression with a reversed range', { schedule: Cron.schedule({ minute: '0', hour: '5-1' }) },
      'schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *"; its hour field allows 0-23, *, ranges, lists and steps, got "0 5-1 * * *"'],
    ['a cron step of zero', { schedule: Cron.schedule({ minute: '*/0' }) },
      'schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *"; its minute field allows 0-59, *, ranges, lists and steps, got "*/0 * * * *"'],
    ['a cron expression with too many fields', { schedule: Cron.schedule({ minute: '0 0' }) },
      'schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *", got "0 0 * * * *"'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone must be an IANA time zone name such as "Etc/UTC" or "Europe/Berlin", got "Mars/Olympus_Mons"'],
    ['a UTC offset as time zone', { timeZone: '+02:00' }, 'timeZone must be an IANA time zone name such as "Etc/UTC" or "Europe/Berlin", got "+02:00"'],
    ['retention below one day', { retention: Duration.hours(12) }, RETENTION + 'got 12 hours'],
    ['retention of zero days', { retention: Duration.days(0) }, RETENTION + 'got 0 days'],
    ['a label key the API server refuses', { metadata: { labels: { 'bad key!': 'x' } } },
      "metadata.labels key must be a label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, got \"bad key!\""],
    ['retention of a fractional day count', { retention: Duration.hours(36) }, RETENTION + 'got 1 day 12 hours'],
    ['retention beyond what the script computes exactly', { retention: Duration.days(2e14) }, RETENTION + 'got 200000000000000 days'],
    ['retention of 100 years and a day', { retention: Duration.days(36501) }, RETENTION + 'got 36501 days'],
    ['keep-newest below 1', { keepLast: 0 }, 'keepLast must be a whole number from 1 to 10000, so the newest backup always survives retention, got 0'],
    ['keep-newest beyond what the script counts exactly', { keepLast: 1e21 }, 'keepLast must be a whole number from 1 to 10000, so the newest backup always survives retention, got 1e+21'],
    ['a fractional keep-newest', { keepLast: 2.5 }, 'keepLast must be a whole number from 1 to 10000, so the newest backup always survives retention, got 2.5'],
    ['a claim below 1Gi', { claimSize: Size.mebibytes(512) }, 'claimSize must be whole gibibytes, at least 1Gi, got 512Mi'],
    ['a claim that is not whole gibibytes', { claimSize: Size.mebibytes(1536) }, 'claimSize must be whole gibibytes, at least 1Gi, got 1536Mi'],
    ['an empty NATS URL', { natsUrl: '' },
      'natsUrl must be a URL with scheme nats://, tls://, ws://, wss:// and a host, such as "nats://nats:4222", got ""'],
    ['a NATS URL without scheme', { natsUrl: 'nats:4222' },
      'natsUrl must be a URL with scheme nats://, tls://, ws://, wss:// and a host, such as "nats://nats:4222", got "nats:4222"'],
    ['a NATS URL with an http scheme', { natsUrl: 'http://nats:4222' },
      'natsUrl must be a URL with scheme nats://, tls://, ws://, wss:// and a host, such as "nats://nats:4222", got "http://nats:4222"'],
    ['a monitoring URL without scheme', { monitorUrl: 'nats:8222' },
      'monitorUrl must be a URL with scheme http://, https:// and a host, such as "http://nats:8222", got "nats:8222"'],
    ['an unpinned image', { image: 'natsio/nats-box:latest' },
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); the latest tag moves between pulls, got "natsio/nats-box:latest"'],
    ['root', { user: 0 }, 'user must be a non-root id between 1 and 2147483647 (above 10000 recommended), got 0'],
    ['an empty NATS pod selector', { natsPodLabels: {} }, 'natsPodLabels must name at least one label: an empty selector opens egress to every pod, got {}'],
    ['a NATS pod label value that is a selector expression', { natsPodLabels: { 'app.kubernetes.io/name': 'nats,app.kubernetes.io/instance!=x' } },
      'natsPodLabels["app.kubernetes.io/name"] must be a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, or empty, got "nats,app.kubernetes.io/instance!=x"'],
    ['a NATS pod label key with a space', { natsPodLabels: { 'app name': 'nats' } },
      'natsPodLabels key must be a label key: an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "app name"'],
    ['a NATS namespace that is not a DNS label', { natsNamespace: 'Messaging' },
      'natsNamespace must be a DNS-1123 label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit, got "Messaging"'],
    ['an empty NATS namespace', { natsNamespace: '' },
      'natsNamespace must be a DNS-1123 label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit, got ""'],
    ['a control character in the NATS URL', { natsUrl: 'nats://nats:4222\n' }, 'natsUrl must contain no control characters (newlines, tabs, escapes), got "nats://nats:4222\\n"'],
    ['a NATS URL with a user in it', { natsUrl: 'nats://user:pass@nats:4222' },
      'natsUrl must be a URL with scheme nats://, tls://, ws://, wss:// and a host, such as "nats://nats:4222", got "nats://user:pass@nats:4222"'],
    ['a control character in the monitoring URL', { monitorUrl: 'http://nats-headless:8222\u0007' },
      'monitorUrl must contain no control characters (newlines, tabs, escapes), got "http://nats-headless:8222\\u0007"'],
    ['a monitoring capture mode that does not exist', { monitoring: 'sometimes' as MonitoringCapture }, 'monitoring must be one of off, best-effort, required, got "sometimes"'],
    ['a storage class that is not a DNS subdomain', { storageClassName: 'fast ssd' },
      'storageClassName must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got "fast ssd"'],
    ['a CronJob name over 52 characters', { metadata: { name: 'a'.repeat(53) } },
      `metadata.name must be a DNS-1123 label: at most 52 lowercase letters, digits and '-', starting and ending with a letter or digit (the CronJob controller appends 11 characters for its Jobs), got "${'a'.repeat(53)}"`],
    ['a starting deadline below 10 seconds', { startingDeadline: Duration.seconds(5) },
      'startingDeadline must be whole seconds from 10 seconds to 2147483647 seconds (int32) (the CronJob controller checks every 10 seconds), got 5 seconds'],
    ['a starting deadline of fractional seconds', { startingDeadline: Duration.millis(30500) },
      'startingDeadline must be whole seconds from 10 seconds to 2147483647 seconds (int32) (the CronJob controller checks every 10 seconds), got 30 seconds 500 millis'],
    ['an active deadline below a minute', { activeDeadline: Duration.seconds(30) }, 'activeDeadline must be whole seconds from 1 minute to 2147483647 seconds (int32), got 30 seconds'],
    ['an active deadline of fractional seconds', { activeDeadline: Duration.millis(90500) },
      'activeDeadline must be whole seconds from 1 minute to 2147483647 seconds (int32), got 1 minute 30 seconds'],
    ['an active deadline beyond int32', { activeDeadline: Duration.days(30000) }, 'activeDeadline must be whole seconds from 1 minute to 2147483647 seconds (int32), got 30000 days'],
    ['a negative backoff limit', { backoffLimit: -1 }, 'backoffLimit must be a whole number of at least 0, got -1'],
    ['a zero history limit', { jobsHistoryLimit: 0 }, 'jobsHistoryLimit must be a whole number of at least 1, so a failed run keeps its logs, got 0'],
  ];

  test.each([1, 36500])('accepts a retention of %p days, the ends of the range', (days) => {
    expect(synthBackup({ retention: Duration.days(days) }).env.RETENTION_DAYS).toBe(String(days));
  });

  test.each(cases)('fails with %s', (_name, props, message) => {
    expect(() => new NatsBackupCronJob(newChart(), 'backup', props)).toThrow(message);
  });

  test('fails with a claim size next to an existing claim', () => {
    const chart = newChart();
    const existingClaim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'existing', 'backups');
    expect(() => new NatsBackupCronJob(chart, 'backup', { existingClaim, claimSize: Size.gibibytes(10) }))
      .toThrow('claimSize must be left out when existingClaim is given (the claim already has its size), got 10240Mi');
  });

  test('fails with an existing claim whose name is not a DNS subdomain', () => {
    const chart = newChart();
    const existingClaim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'existing', '..');
    expect(() => new NatsBackupCronJob(chart, 'backup', { existingClaim }))
      .toThrow('existingClaim must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got ".."');
  });

  const secretCases: Array<[string, (s: kplus.ISecret) => NatsAuth, string]> = [
    ['an empty creds key (the credentials would silently be missing)', (s) => NatsAuth.credsFile(s, ''), 'NatsAuth.credsFile key must be a Secret key: at most 253 letters, digits, \'-\', \'_\' and \'.\', not \'.\' or \'..\', got ""'],
    ['a creds key of ..', (s) => NatsAuth.credsFile(s, '..'), 'NatsAuth.credsFile key must be a Secret key: at most 253 letters, digits, \'-\', \'_\' and \'.\', not \'.\' or \'..\', got ".."'],
    ['a token key with a space', (s) => NatsAuth.token(s, 'my token'), 'NatsAuth.token key must be a Secret key: at most 253 letters, digits, \'-\', \'_\' and \'.\', not \'.\' or \'..\', got "my token"'],
    ['an nkey key with a slash', (s) => NatsAuth.nkeySeedFile(s, 'seeds/backup'), 'NatsAuth.nkeySeedFile key must be a Secret key: at most 253 letters, digits, \'-\', \'_\' and \'.\', not \'.\' or \'..\', got "seeds/backup"'],
    ['the same key for user and password', (s) => NatsAuth.userPassword(s, 'x', 'x'), 'NatsAuth.userPassword passwordKey must differ from userKey, got "x"'],
  ];
  test.each(secretCases)('fails with %s', (_name, auth, message) => {
    const chart = newChart();
    expect(() => auth(kplus.Secret.fromSecretName(chart, 'secret', 'nats-creds'))).toThrow(message);
  });

  test('fails with a Secret name that is not a DNS subdomain, for auth and CA', () => {
    const chart = newChart();
    expect(() => NatsAuth.credsFile(kplus.Secret.fromSecretName(chart, 'bad', 'NATS Creds')))
      .toThrow('NatsAuth.credsFile Secret name must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got "NATS Creds"');
    expect(() => new NatsBackupCronJob(chart, 'backup', { tlsCaSecret: kplus.Secret.fromSecretName(chart, 'ca', '..') }))
      .toThrow('tlsCaSecret Secret name must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got ".."');
    expect(() => new NatsBackupCronJob(newChart(), 'backup', { tlsCaSecret: kplus.Secret.fromSecretName(chart, 'ca2', 'nats-ca'), tlsCaKey: 'ca crt' }))
      .toThrow('tlsCaKey must be a Secret key: at most 253 letters, digits, \'-\', \'_\' and \'.\', not \'.\' or \'..\', got "ca crt"');
  });
});

// The manifest and the scripts meet: the synthesized ConfigMap's scripts run with the
// synthesized container's environment (only addresses and paths point at the test machine).
describeWith(['nats-server', 'jq', 'busybox'], 'NatsBackupCronJob as synthesized, run against a real nats-server', () => {
  let server: NatsServer;
  let work: string;
  beforeEach(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'nats-backup-synth-'));
  });
  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('the CronJob\'s own script and environment produce a verified backup', async () => {
    await server.seedStream({ name: 'ORDERS' }, 5, [{ durable_name: 'billing' }]);
    const { objects, container } = synthBackup({ retention: Duration.days(3), keepLast: 2 });
    const scriptsDir = join(work, 'opt', 'nats-backup');
    materializeConfigMap(onlyOfKind(objects, 'ConfigMap'), scriptsDir);
    const root = join(work, 'backup');
    mkdirSync(root);

    const env = literalEnv(container);
    expect(env).toMatchObject({ MONITOR_CAPTURE: 'best-effort', NATS_MONITOR_URL: 'http://nats-headless:8222' });
    const result = runScript('busybox sh', join(scriptsDir, 'nats-backup.sh'), {
      ...env, NATS_URL: server.url, NATS_MONITOR_URL: server.monitorUrl, BACKUP_ROOT: root, HOME: work,
    }, [NATSCLI_STANDIN]);
    expect(result.stderr).toContain('delete complete backups older than 3 days, always keep the newest 2');
    expect(result.status).toBe(0);
    const [name] = readdirSync(root);
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(root, name) }).status).toBe(0);
    expect(JSON.parse(readFileSync(join(root, name, 'backup.json'), 'utf8'))).toMatchObject({ streams: 1, consumers: 1, messagesIncluded: true });
  });
});
