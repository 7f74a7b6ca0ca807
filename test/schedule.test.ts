import { Cron } from 'cdk8s';
import { timeZonesModule, timeZonesOf } from '../scripts/time-zones';
import { NatsBackupCronJob } from '../src';
import { assertCronSchedule, assertTimeZone } from '../src/_schedule';
import { TIME_ZONES, TZDATA_VERSION } from '../src/_time-zones';
import { newChart } from './support/charts';

const ALLOWED = 'schedule must be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *"';
const DAY_OF_WEEK = `${ALLOWED}; its day of week field allows 0-6 or SUN-SAT, *, ranges, lists and steps`;
const ZONE = 'timeZone must be an IANA time zone name such as "Etc/UTC" or "Europe/Berlin"';

const cron = (expression: string) => Cron.schedule({ minute: expression.split(' ')[0], hour: expression.split(' ')[1], day: expression.split(' ')[2], month: expression.split(' ')[3], weekDay: expression.split(' ')[4] });

describe('cron schedules as robfig/cron v3.0.1 ParseStandard reads them', () => {
  test.each([
    '0 2 * * *', '*/15 * * * *', '0 0 1 1 *', '0 2 * * 0', '0 2 * * 6', '0 2 * * SUN-SAT', '0 2 * * mon,wed,fri', '0 2 ? * ?',
    '5/10 * * * *', '0 0-23/6 * * *', '0 2 * JAN-dec *', '0 2 31 12 *', '+5 2 * * *', '05 02 * * *',
    // a step from 1 to the field's maximum; a range whose ends are equal
    '*/1 * * * *', '*/59 * * * *', '0 */23 * * *', '5-5 * * * *', '0 2 * * 3-3',
  ])('accepts %p', (expression) => {
    expect(() => assertCronSchedule('schedule', cron(expression))).not.toThrow();
  });

  test('accepts fields separated by several spaces or a tab (strings.Fields)', () => {
    for (const minute of ['0 ', '0\t', '0 \t ']) {
      expect(() => assertCronSchedule('schedule', Cron.schedule({ minute, hour: '2', day: '*', month: '*', weekDay: '*' }))).not.toThrow();
    }
  });

  test.each([
    // spec.go: dow = bounds{0, 6, ...}; "end of range (7) above maximum (6)"
    ['weekday 7', '0 2 * * 7', DAY_OF_WEEK],
    ['a weekday range up to 7', '0 2 * * 1-7', DAY_OF_WEEK],
    ['an unknown day name', '0 2 * * SUNDAY', DAY_OF_WEEK],
    ['a negative minute', '-1 2 * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['day of month 0', '0 2 0 * *', `${ALLOWED}; its day of month field allows 1-31, *, ranges, lists and steps`],
    ['month 13', '0 2 * 13 *', `${ALLOWED}; its month field allows 1-12 or JAN-DEC, *, ranges, lists and steps`],
    ['two slashes', '*/2/2 * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['an empty list item', '1,,2 * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['a star with a range', '*-5 * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['a range of three bounds', '1-2-3 * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['a range whose start is after its end', '0 2 * * 5-4', DAY_OF_WEEK],
    ['a step of 0', '*/0 * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['a step above the minute maximum', '*/60 * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['a step above the hour maximum', '0 */24 * * *', `${ALLOWED}; its hour field allows 0-23, *, ranges, lists and steps`],
    ['a step that is no number', '*/x * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['a number followed by letters', '5x * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
    ['letters followed by a number', 'x5 * * * *', `${ALLOWED}; its minute field allows 0-59, *, ranges, lists and steps`],
  ])('fails with %s', (_name, expression, message) => {
    expect(() => assertCronSchedule('schedule', cron(expression))).toThrow(`${message}, got "${expression}"`);
  });

  test('fails with a descriptor: the prop takes 5 fields', () => {
    expect(() => assertCronSchedule('schedule', Cron.schedule({ minute: '@daily', hour: '', day: '', month: '', weekDay: '' })))
      .toThrow(`${ALLOWED}, got "@daily"`);
  });

  test('fails through NatsBackupCronJob with weekday 7', () => {
    expect(() => new NatsBackupCronJob(newChart(), 'backup', { schedule: Cron.schedule({ minute: '0', hour: '2', weekDay: '7' }) }))
      .toThrow(`${DAY_OF_WEEK}, got "0 2 * * 7"`);
  });
});

describe('time zones as Go time.LoadLocation and the API server load them', () => {
  test.each(['Etc/UTC', 'UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'US/Pacific', 'Etc/GMT+5', 'America/Port-au-Prince', 'EST5EDT'])('accepts %p', (zone) => {
    expect(() => assertTimeZone('timeZone', zone)).not.toThrow();
  });

  test.each([
    ['a wrong case', 'etc/utc', `${ZONE}; names are case-sensitive (time.LoadLocation): write "Etc/UTC", got "etc/utc"`],
    ['a wrong case of a city', 'europe/berlin', `${ZONE}; names are case-sensitive (time.LoadLocation): write "Europe/Berlin", got "europe/berlin"`],
    ['a name tzdata removed in 2020b', 'US/Pacific-New', `${ZONE}, got "US/Pacific-New"`],
    ['a System V name removed in 2020b', 'SystemV/AST4', `${ZONE}, got "SystemV/AST4"`],
    ['Local, which Kubernetes refuses', 'Local', `${ZONE}, got "Local"`],
    ['an empty name', '', `${ZONE}, got ""`],
    ['a path', '../../etc/passwd', `${ZONE}, got "../../etc/passwd"`],
    ['a UTC offset', '+02:00', `${ZONE}, got "+02:00"`],
    ['a trailing slash', 'Europe/Berlin/', `${ZONE}, got "Europe/Berlin/"`],
  ])('fails with %s', (_name, zone, message) => {
    expect(() => assertTimeZone('timeZone', zone)).toThrow(message);
  });

  test('fails with a value that is no string (from a language without static types)', () => {
    expect(() => assertTimeZone('timeZone', 5 as any)).toThrow(`${ZONE}, got 5`);
  });

  test('fails through NatsBackupCronJob with etc/utc', () => {
    expect(() => new NatsBackupCronJob(newChart(), 'backup', { timeZone: 'etc/utc' })).toThrow(/^timeZone must be an IANA time zone name .* write "Etc\/UTC", got "etc\/utc"$/);
  });

  test('the embedded names are those of one tzdata release, every one loadable under the API server\'s part rule', () => {
    expect(TZDATA_VERSION).toBe('2025b');
    expect(TIME_ZONES.size).toBe(598);
    for (const zone of TIME_ZONES) {
      for (const part of zone.split('/')) expect(part).toMatch(/^[A-Za-z.\-_0-9+]{1,14}$/);
    }
  });

  test('the generator reads zones and links of tzdata.zi', () => {
    const zi = '# version 2099z\n# ddeps backzone\nR d 1916 o - Jun 14 23s 1 S\nZ Europe/Berlin 0:53:28 - LMT 1893 Ap\nZ Etc/UTC 0 - UTC\nL Etc/UTC UTC\nL Europe/Berlin Atlantic/Jan_Mayen\n';
    expect(timeZonesOf(zi)).toEqual({ version: '2099z', names: ['Atlantic/Jan_Mayen', 'Etc/UTC', 'Europe/Berlin', 'UTC'] });
    expect(timeZonesModule('test', zi)).toContain("export const TZDATA_VERSION = '2099z';\n");
    expect(() => timeZonesOf('Z Etc/UTC 0 - UTC\n')).toThrow('tzdata.zi must start with "# version <release>"');
  });
});
