import { manualJobName } from '../src/_manual-job-name';

/** The Job name the shell makes of the command text, with the seconds `date +%s` prints until 2286. */
const asRun = (text: string) => text.replace('$(date +%s)', '9999999999');
/** A Job name: a DNS-1123 subdomain whose value also fits a label (63 characters, alphanumeric at both ends). */
const JOB_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('manualJobName', () => {
  test('a CronJob name of up to 45 characters is kept whole', () => {
    expect(manualJobName('jetstream-backup')).toBe('jetstream-backup-manual-$(date +%s)');
    const longest = 'a'.repeat(45);
    expect(manualJobName(longest)).toBe(`${longest}-manual-$(date +%s)`);
    expect(asRun(manualJobName(longest))).toHaveLength(63);
  });

  test('a longer CronJob name (up to the 52 characters a CronJob may have) is cut to 45, so the Job name fits 63', () => {
    const name = 'orders-jetstream-backup-of-the-primary-cluster-x1';
    expect(name).toHaveLength(49);
    expect(manualJobName(name)).toBe('orders-jetstream-backup-of-the-primary-cluste-manual-$(date +%s)');
    expect(manualJobName('b'.repeat(52))).toBe(`${'b'.repeat(45)}-manual-$(date +%s)`);
    expect(asRun(manualJobName('b'.repeat(52)))).toHaveLength(63);
  });

  test.each([
    ['a cut that ends in a hyphen', `${'c'.repeat(44)}-tail`, `${'c'.repeat(44)}-manual-$(date +%s)`],
    ['a cut that ends in two hyphens', `${'d'.repeat(43)}--tail`, `${'d'.repeat(43)}-manual-$(date +%s)`],
    ['a cut that ends in a dot', `${'e'.repeat(44)}.tail`, `${'e'.repeat(44)}-manual-$(date +%s)`],
  ])('%s drops what a name part may not end with', (_case, name, expected) => {
    expect(manualJobName(name)).toBe(expected);
    expect(asRun(expected)).toMatch(JOB_NAME);
  });

  test('a separator anywhere around the cut of a 52-character name still gives a valid Job name of at most 63 characters', () => {
    for (const separator of ['-', '.', '--', '---']) {
      for (let at = 38; at <= 48; at++) {
        const name = `${'f'.repeat(at)}${separator}${'g'.repeat(52)}`.slice(0, 52);
        const job = asRun(manualJobName(name));
        expect({ name, job, fits: job.length <= 63, valid: JOB_NAME.test(job) }).toEqual({ name, job, fits: true, valid: true });
      }
    }
  });
});
