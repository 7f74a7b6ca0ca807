import { JobLimitsRule } from '../src';
import { problemsAfter } from './support/rule-check';

// The rule alone, on one Job that sets all three limits, each left out in turn.
const rule = new JobLimitsRule();

function compliantJob(): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'restore' },
    spec: {
      ttlSecondsAfterFinished: 3600,
      backoffLimit: 0,
      activeDeadlineSeconds: 900,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'restore', image: 'busybox:1.36' }] } },
    },
  };
}

const problems = (change: (job: any) => void): string[] => problemsAfter(rule, compliantJob, change);

describe('job-limits', () => {
  test('a Job with a TTL, a backoff limit and a deadline has no problems', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  test.each<[string, (job: any) => void, string[]]>([
    ['no ttlSecondsAfterFinished', (j) => delete j.spec.ttlSecondsAfterFinished, ['ttlSecondsAfterFinished is unset']],
    ['no backoffLimit', (j) => delete j.spec.backoffLimit, ['backoffLimit is unset']],
    ['no activeDeadlineSeconds', (j) => delete j.spec.activeDeadlineSeconds, ['activeDeadlineSeconds is unset']],
    ['no spec', (j) => delete j.spec, ['ttlSecondsAfterFinished is unset', 'backoffLimit is unset', 'activeDeadlineSeconds is unset']],
  ])('flags %s', (_name, change, expected) => {
    expect(problems(change)).toEqual(expected);
  });

  test('a CronJob is not its concern (cron-job-safety is)', () => {
    const cronJob = { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: {} } } };
    expect(rule.check(cronJob, [cronJob])).toEqual([]);
  });
});
