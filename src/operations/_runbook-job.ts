import { nextCronRuns } from '../_cron-runs';
import { manualJobName } from '../_manual-job-name';
import { envOf, jobContainer, RenderContext } from './_context';
import { JobEntry } from './_inventory';
import { alsoAppliesNote, applyCommand, jobExitCodeCommand, kubectl, namespaceOf } from './_kubectl';
import { block, bullets, code, doc, table, utcMinute } from './_markdown';

/**
 * The section of a Job or CronJob these documents have no guide for (a construct newer than
 * them): what its synthesized objects say, and the commands that run and read any Job.
 */
export function jobRunbook(entry: JobEntry<unknown>, context: RenderContext): string {
  const json = entry.job.json;
  const name: string = json.metadata.name;
  const ns = namespaceOf(json);
  const k = (...args: string[]) => kubectl(ns, ...args);
  const cron = json.kind === 'CronJob';
  const jobSpec = cron ? json.spec.jobTemplate.spec : json.spec;
  const env = envOf(jobContainer(json));
  const component = json.metadata.labels?.['app.kubernetes.io/component'];
  const settings = Object.entries(env).map(([key, value]) => [code(`${key}=${value}`)]);
  const parts = [
    `## ${json.kind} ${name}${ns ? ` (namespace ${ns})` : ''}`,
    `${json.kind} ${code(name)}${component ? ` (${code(`app.kubernetes.io/component: ${component}`)})` : ''} from ${entry.apply.files.map(code).join(', ')}: `
      + `${limit('activeDeadlineSeconds', jobSpec.activeDeadlineSeconds, 'no time limit')}, ${limit('backoffLimit', jobSpec.backoffLimit, 'Kubernetes retries a failed pod 6 times')}. `
      + 'These documents have no guide of its own for it yet: what follows is read from its manifest.',
    settings.length > 0 ? table(['setting'], settings) : undefined,
    alsoAppliesNote(entry.apply),
  ];
  if (cron) {
    const timeZone = json.spec.timeZone ?? 'Etc/UTC';
    const runs = nextCronRuns(json.spec.schedule, timeZone, context.runsAfter.getTime(), context.nextRuns);
    parts.push(
      `Schedule ${code(json.spec.schedule)} in ${code(timeZone)}; the next runs in UTC:`,
      bullets(runs.map(utcMinute)),
      'Run it now and read it:',
      block([
        `job=${manualJobName(name)}`,
        k('create', 'job', `--from=cronjob/${name}`, '"$job"'),
        k('logs', '-f', '"job/$job"'),
        k('get', 'cronjob', name),
      ]),
    );
  } else {
    parts.push('Run it, follow it, read its last lines and its exit code, then remove it:', block([
      k('delete', 'job', name, '--ignore-not-found'),
      applyCommand(entry.apply),
      k('logs', '-f', `job/${name}`),
      jobExitCodeCommand(ns, name),
      applyCommand(entry.apply, 'delete'),
    ]));
  }
  return doc(parts).trimEnd();
}

/** A limit of the Job spec, or what Kubernetes does without it (batch/v1 JobSpec defaults). */
function limit(field: string, value: number | undefined, without: string): string {
  return value === undefined ? `no ${code(field)} (${without})` : code(`${field}: ${value}`);
}
