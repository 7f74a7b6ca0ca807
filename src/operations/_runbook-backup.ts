import { nextCronRuns } from '../_cron-runs';
import { manualJobName } from '../_manual-job-name';
import { BACKUP_LOG_LINES, LogLine, RESTORE_LOG_LINES } from './_backup-log-lines';
import { envOf, jobContainer, RenderContext } from './_context';
import { BackupEntry, RestoreEntry } from './_inventory';
import { alsoAppliesNote, applyCommand, jobPodSelector, kubectl, namespaceOf } from './_kubectl';
import { block, bullets, code, doc, humanSeconds, steps, table, utcMinute } from './_markdown';
import { longestRunIntervalSeconds } from '../alerts/_schedule-period';

/** A NatsBackupCronJob's section of RUNBOOK.md. */
export function backupRunbook(entry: BackupEntry, context: RenderContext, alertNames: string[]): string {
  const cronJob = entry.cronJob.json;
  const name: string = cronJob.metadata.name;
  const ns = namespaceOf(cronJob);
  const k = (...args: string[]) => kubectl(ns, ...args);
  const spec = cronJob.spec;
  const jobSpec = spec.jobTemplate.spec;
  const container = jobContainer(cronJob);
  const env = envOf(container);
  const mount: string = env.BACKUP_ROOT;
  // NatsBackupCronJob always writes timeZone (default Etc/UTC) and concurrencyPolicy: Forbid
  const timeZone: string = spec.timeZone;
  const period = longestRunIntervalSeconds('schedule', spec.schedule, timeZone);
  const runs = nextCronRuns(spec.schedule, timeZone, context.runsAfter.getTime(), context.nextRuns);
  // the claim is one of the apps' objects when the backup makes it, or when its existingClaim is defined in the apps
  const claimSize = entry.claim?.spec?.resources?.requests?.storage;
  const accessModes: string[] = entry.claim?.spec?.accessModes ?? [];
  const ownClaim = entry.construct.node.findAll().includes(entry.construct.claim);
  const selector = jobPodSelector(cronJob);

  return doc([
    `## JetStream backup ${name}${ns ? ` (namespace ${ns})` : ''}`,
    [
      `Manifest: ${code(entry.cronJob.file)}: CronJob ${code(name)} writing to the claim ${code(entry.claimName)}`
        + (claimSize ? ` (${[claimSize, ...accessModes].map(code).join(', ')})` : ' (an existing claim)') + `, mounted at ${code(mount)}.`,
      `NATS ${code(env.NATS_URL)}; server info from ${env.NATS_MONITOR_URL ? code(env.NATS_MONITOR_URL) : 'nowhere'} (${code(`MONITOR_CAPTURE=${env.MONITOR_CAPTURE}`)}); `
        + `image ${code(container.image)}. Backup pods: ${code(`-l ${selector}`)}.`,
    ].join('\n'),
    '### What a run captures',
    `Each run writes one directory ${code(`${mount}/<UTC start time>/`)} (such as ${code('20261127T020000Z')}), built under a hidden `
      + `${code('.incomplete-<name>.XXXXXX')} name and renamed only when complete: a directory without that prefix is always a complete backup.`,
    table(['path', 'content'], capturedFiles(env)),
    '### Schedule',
    `${code(spec.schedule)} in time zone ${code(timeZone)}, ${code(`concurrencyPolicy: ${spec.concurrencyPolicy}`)} (a run never overlaps the one before)`
      + `. At most ${humanSeconds(period)} between two runs. A missed run still starts up to ${code(`startingDeadlineSeconds: ${spec.startingDeadlineSeconds}`)} late; `
      + `a run may take ${code(`activeDeadlineSeconds: ${jobSpec.activeDeadlineSeconds}`)} and is retried ${code(`backoffLimit: ${jobSpec.backoffLimit}`)} times.`
      + (spec.suspend ? ' The CronJob is **suspended** in the manifest: no run starts.' : ''),
    ['Etc/UTC', 'UTC'].includes(timeZone) ? undefined
      : `The CronJob controller reads the schedule in ${code(timeZone)}: a time skipped when the clocks go forward does not run that day, a time repeated when they go back runs twice.`,
    `The next ${runs.length} runs in UTC, counted from ${utcMinute(context.runsAfter.getTime())}:`,
    bullets(runs.map(utcMinute)),
    '### Retention',
    `After each successful run, complete backups older than ${code(`RETENTION_DAYS=${env.RETENTION_DAYS}`)} days are deleted, never the newest `
      + `${code(`KEEP_MIN=${env.KEEP_MIN}`)}, and nothing that is not one of its own backups. A failed run deletes nothing. `
      + `The CronJob keeps ${code(`successfulJobsHistoryLimit: ${spec.successfulJobsHistoryLimit}`)} and ${code(`failedJobsHistoryLimit: ${spec.failedJobsHistoryLimit}`)} Jobs with their logs.`,
    '### Take a backup now',
    block([
      `job=${manualJobName(name)}`,
      k('create', 'job', `--from=cronjob/${name}`, '"$job"'),
      k('wait', '--for=condition=complete', `--timeout=${jobSpec.activeDeadlineSeconds}s`, '"job/$job"'),
      k('logs', '"job/$job"'),
    ]),
    `${code('wait')} returns when the backup is complete (after a failed run it waits until the timeout: read the log). The log has one line per step `
      + '(`step 1/6` to `step 6/6`), then `backup complete: ...` and the backup.json as its last line.',
    '### List and verify backups',
    'The last line of each kept run is its backup.json (name, streams, consumers, bytes, what was skipped):',
    block([
      k('get', 'cronjob', name),
      k('logs', '-l', selector, '--tail=1', '--prefix'),
    ]),
    'Every backup on the claim, with its size and its checksums verified, from a pod that mounts the claim read-only (same image and user as the backups; '
      + 'with a ReadWriteOnce claim it must run on the node the claim is attached to while a backup runs):',
    block([inspectCommand(entry, ns)]),
    ...restoreSections(entry, k),
    '### When the claim is full',
    steps([
      `The run fails and its log says ${code('ERROR: the backup claim is full: ...')}; nothing was written or deleted. Retention only runs after a successful backup, so make room first.`,
      `With a storage class that allows expansion (${code('allowVolumeExpansion: true')}), grow the claim and `
        + (ownClaim ? `set ${code('claimSize')} to the same size in the app:\n`
          : `give it the same size where it is defined (it is the backups' ${code('existingClaim')}: ${code('claimSize')} does not apply):\n`)
        + block([
          k('get', 'pvc', entry.claimName),
          k('patch', 'pvc', entry.claimName, '-p \'{"spec":{"resources":{"requests":{"storage":"<larger size>"}}}}\''),
        ]),
      `Otherwise create a bigger claim, copy the backups over from a pod that mounts both, and pass it as ${code('existingClaim')}; `
        + `or shorten ${code('retention')} or ${code('keepLast')} (effective from the next successful run).`,
      'Take a backup now (above) and check it completes.',
    ]),
    '### Troubleshooting',
    `Every line of the log starts with a UTC time and ${code('nats-backup:')}. What the lines mean:`,
    logTable(BACKUP_LOG_LINES),
    table(['what you see', 'what it means', 'what to do'], [
      [code('DeadlineExceeded') + ' in the Job status', `the run took longer than ${jobSpec.activeDeadlineSeconds} s and was stopped; its partial directory was removed`, `raise ${code('activeDeadline')}, or look for a slow stream`],
      [`LAST SCHEDULE in ${code(k('get', 'cronjob', name))} older than ${humanSeconds(period)}`, 'runs are not starting: suspended, or missed by more than the starting deadline',
        `${code(k('describe', 'cronjob', name))}, then take a backup now`],
    ]),
    alertNames.length > 0 ? `Alerts on these backups: ${alertNames.map(code).join(', ')}.` : undefined,
  ]).trimEnd();
}

function capturedFiles(env: Record<string, string>): string[][] {
  const rows = [
    [code('server/account-info.txt'), code('nats account info') + ' (also proves the credentials work)'],
  ];
  if (env.MONITOR_CAPTURE !== 'off') rows.push([`${code('server/varz.json')}, ${code('server/jsz.json')}`, `the monitoring endpoint's server and JetStream info (${env.MONITOR_CAPTURE})`]);
  rows.push(
    [code('streams.json'), 'every stream name: KV buckets, object stores and MQTT state included'],
    [`${code('streams/<stream>/stream-info.json')}, ${code('config.json')}`, 'the stream\'s info and configuration'],
    [`${code('streams/<stream>/consumers.json')}, ${code('consumers/<consumer>.json')}`, 'durable consumers and their configuration'],
  );
  if (env.INCLUDE_MESSAGES === 'true') {
    rows.push([code('streams/<stream>/data/'), 'the messages and the consumers\' state (`nats stream backup --consumers`); not for memory-storage streams']);
  }
  rows.push(
    [code('backup.json'), 'summary: streams, consumers, bytes, duration, what was skipped'],
    [code('SHA256SUMS'), 'a sha256 checksum of every file'],
  );
  return rows;
}

function restoreSections(entry: BackupEntry, k: (...args: string[]) => string): Array<string | undefined> {
  if (entry.restores.length === 0) {
    return ['### Restore', 'No NatsRestoreJob of the apps restores these backups. Add one to a chart applied on demand (README: Backup and restore).'];
  }
  return entry.restores.flatMap((restore) => restoreSection(entry, restore, k));
}

/** The restore of one NatsRestoreJob, step by step: parts of a doc(), which leaves out the undefined ones. */
export function restoreSection(entry: BackupEntry | undefined, restore: RestoreEntry, k: (...args: string[]) => string): Array<string | undefined> {
  const job = restore.job.json;
  const name: string = job.metadata.name;
  const env = envOf(jobContainer(job));
  const deadline: number = job.spec.activeDeadlineSeconds;
  const cronJob = entry?.cronJob.json.metadata.name;
  const which = env.BACKUP_NAME !== 'latest' ? `the backup ${code(env.BACKUP_NAME)}`
    : `the newest complete backup${env.BACKUP_NOT_BEFORE ? ` started at or after ${code(env.BACKUP_NOT_BEFORE)}` : ''}${env.BACKUP_NOT_BEFORE && env.BACKUP_NOT_AFTER ? ' and' : ''}${env.BACKUP_NOT_AFTER ? `${env.BACKUP_NOT_BEFORE ? '' : ' started'} at or before ${code(env.BACKUP_NOT_AFTER)}` : ''}`;
  const selection = ['BACKUP_NAME', 'BACKUP_NOT_BEFORE', 'BACKUP_NOT_AFTER'].filter((v) => env[v]).map((v) => `${v}=${env[v]}`).join(' ');
  const streams = env.STREAMS ? `the streams ${env.STREAMS.split(' ').map(code).join(', ')}` : 'every stream of the backup';
  return [
    `### Restore with ${name}`,
    `The Job ${code(name)} (${restore.apply.files.map(code).join(', ')}) restores ${which} (${code(selection)}): ${streams}, `
      + `streams that exist already: ${code(`ON_EXISTING=${env.ON_EXISTING}`)}. It mounts the claim read-only, never retries and must finish within ${deadline} s.`,
    alsoAppliesNote(restore.apply),
    steps([
      `Choose the backup: ${code(selection)} is what this manifest restores. For another one, set ${code('backupName')} to its directory name (see "List and verify backups"), or ${code('latestAtOrBefore')} (a time) or ${code('latestOnDay')} (a UTC day) for the newest backup then, and synthesize again. A backup is named by the second its run started, rarely the scheduled second.`,
      ...(cronJob ? [`Stop the backups while you restore, so no run writes to the claim:\n${block([k('patch', 'cronjob', cronJob, '-p \'{"spec":{"suspend":true}}\'')])}`] : []),
      env.ON_EXISTING === 'fail'
        ? 'Make sure the streams to restore do not exist on the server: the Job refuses to change anything otherwise. Stop the applications that write them.'
        : `Streams that exist are handled by ${code(`ON_EXISTING=${env.ON_EXISTING}`)}${env.ON_EXISTING === 'replace' ? ': **they are deleted with their messages first**' : ': they are left as they are'}. Stop the applications that write them.`,
      `Start the restore:\n${block([applyCommand(restore.apply)])}`,
      `Follow it and wait for the end:\n${block([
        k('logs', '-f', `job/${name}`),
        k('wait', '--for=condition=complete', `--timeout=${deadline}s`, `job/${name}`),
      ])}\nIt verifies the checksums, refuses files SHA256SUMS does not list, restores messages and consumers, prints each stream with its message count, and ends with a JSON summary line: ${code('{"backup":...,"restored":N,"streams":[...],"skipped":[...]}')}.`,
      `Check the result: ${code(k('logs', `job/${name}`, '--tail=1'))} is the summary.`,
      `Clean up (the Job also goes away ${job.spec.ttlSecondsAfterFinished} s after it finished):\n${block([applyCommand(restore.apply, 'delete')])}`,
      ...(cronJob ? [`Resume the backups and take one now:\n${block([k('patch', 'cronjob', cronJob, '-p \'{"spec":{"suspend":false}}\'')])}`] : []),
    ]),
    'What the restore log lines mean:',
    logTable(RESTORE_LOG_LINES),
  ];
}

function logTable(lines: LogLine[]): string {
  return table(['log line', 'what it means', 'what to do'], lines.map((l) => [code(l.line), l.meaning, l.action]));
}

/**
 * `kubectl run` of a pod that lists the backups and verifies their checksums: the backup pod's
 * image, security contexts and resources, the claim mounted read-only, no network needed.
 * kubectl (v0.28.15 pkg/cmd/util/override_options.go) applies `--overrides` as an RFC 7396 merge
 * patch by default, which replaces the generated container list with this one; `--attach` reads
 * the pod's only container and falls back to its log when the pod ended first (pkg/cmd/run/run.go).
 */
function inspectCommand(entry: BackupEntry, ns: string | undefined): string {
  const cronJob = entry.cronJob.json;
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const container = pod.containers[0];
  const mount = envOf(container).BACKUP_ROOT;
  const name = `${cronJob.metadata.name}-inspect`;
  // directories without a leading dot are the complete backups; busybox sha256sum -s prints nothing
  const script = `cd ${mount} && for d in */; do d=\${d%/}; if (cd "$d" && sha256sum -c -s SHA256SUMS); then r=OK; else r=FAILED; fi; echo "$d $(du -sk "$d" | cut -f1) KiB checksums $r"; done`;
  const overrides = {
    apiVersion: 'v1',
    spec: {
      automountServiceAccountToken: false,
      securityContext: pod.securityContext,
      containers: [{
        name,
        image: container.image,
        command: ['sh', '-c', script],
        securityContext: container.securityContext,
        resources: container.resources,
        volumeMounts: [{ name: 'backup', mountPath: mount, readOnly: true }],
      }],
      volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: entry.claimName, readOnly: true } }],
    },
  };
  return kubectl(ns, 'run', name, '--rm', '--attach', '--restart=Never', `--image=${container.image}`, `--overrides='${JSON.stringify(overrides)}'`);
}
