import { CronJobSafetyRule } from '../src';
import { problemsAfter } from './support/rule-check';

// The rule alone, on one CronJob that meets it, changed one field at a time.
const rule = new CronJobSafetyRule();

function compliantCronJob(): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup' },
    spec: {
      schedule: '0 3 * * *',
      startingDeadlineSeconds: 600,
      concurrencyPolicy: 'Forbid',
      jobTemplate: { spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'backup', image: 'busybox:1.36' }] } } } },
    },
  };
}

const problems = (change: (cronJob: any) => void): string[] => problemsAfter(rule, compliantCronJob, change);

describe('cron-job-safety', () => {
  test('a CronJob with a deadline, Forbid and no TTL has no problems', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  test.each<[string, (c: any) => void, string[]]>([
    ['no startingDeadlineSeconds', (c) => delete c.spec.startingDeadlineSeconds, ['startingDeadlineSeconds is unset']],
    ['no concurrencyPolicy', (c) => delete c.spec.concurrencyPolicy, ['concurrencyPolicy is unset (Allow)']],
    ['concurrencyPolicy Allow', (c) => (c.spec.concurrencyPolicy = 'Allow'), ['concurrencyPolicy is Allow']],
    ['a TTL on the job template', (c) => (c.spec.jobTemplate.spec.ttlSecondsAfterFinished = 3600), ['its job template sets ttlSecondsAfterFinished']],
    ['a TTL of 0 on the job template', (c) => (c.spec.jobTemplate.spec.ttlSecondsAfterFinished = 0), ['its job template sets ttlSecondsAfterFinished']],
    ['an empty spec', (c) => (c.spec = {}), ['startingDeadlineSeconds is unset', 'concurrencyPolicy is unset (Allow)']],
    ['no spec', (c) => delete c.spec, ['startingDeadlineSeconds is unset', 'concurrencyPolicy is unset (Allow)']],
  ])('flags %s', (_name, change, expected) => {
    expect(problems(change)).toEqual(expected);
  });

  test.each<[string, (c: any) => void]>([
    ['concurrencyPolicy Replace', (c) => (c.spec.concurrencyPolicy = 'Replace')],
    ['a startingDeadlineSeconds of 0', (c) => (c.spec.startingDeadlineSeconds = 0)],
    ['no job template', (c) => delete c.spec.jobTemplate],
    ['a job template without a spec', (c) => delete c.spec.jobTemplate.spec],
  ])('allows %s', (_name, change) => {
    expect(problems(change)).toEqual([]);
  });

  test('a Job is not its concern', () => {
    const job = { kind: 'Job', metadata: { name: 'j' }, spec: { ttlSecondsAfterFinished: 60 } };
    expect(rule.check(job, [job])).toEqual([]);
  });
});
