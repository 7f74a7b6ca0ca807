/** The digits `date +%s` prints until the year 2286. */
const UNIX_SECONDS_DIGITS = 10;
const SUFFIX = '-manual-';
/** A Job's name is the value of its pods' job-name label, and a label value holds at most 63 characters. */
const JOB_NAME_MAX = 63;

/**
 * The name of a Job started by hand from a CronJob, as shell text: `<cronjob>-manual-$(date +%s)`.
 * A CronJob's name may have 52 characters, 7 more than the suffix leaves room for, so its part is cut
 * to fit; what remains of it ends in a letter or a digit, as each part of a name must.
 */
export function manualJobName(cronJobName: string): string {
  const prefix = cronJobName.slice(0, JOB_NAME_MAX - SUFFIX.length - UNIX_SECONDS_DIGITS).replace(/[^a-z0-9]+$/, '');
  return `${prefix}${SUFFIX}$(date +%s)`;
}
