import { longestRunIntervalSeconds } from '../src/alerts/_schedule-period';

const HOUR = 3600;
const DAY = 86400;

// The longest gap between two runs, as the CronJob controller's robfig/cron v3 fires them.
describe('longest interval of a CronJob schedule', () => {
  test.each([
    ['0 2 * * *', 'Etc/UTC', DAY, 'daily'],
    ['*/15 * * * *', 'Etc/UTC', 15 * 60, 'every 15 minutes'],
    ['* * * * *', 'Etc/UTC', 60, 'every minute'],
    ['0 */6 * * *', 'Etc/UTC', 6 * HOUR, 'every 6 hours'],
    ['0 2,14 * * *', 'Etc/UTC', 12 * HOUR, 'twice a day'],
    ['0 1,2,23 * * *', 'Etc/UTC', 21 * HOUR, 'irregular times: 02:00 to 23:00'],
    ['0 1,2 * * *', 'Etc/UTC', 23 * HOUR, 'two runs a day: overnight, 02:00 to 01:00'],
    ['0 1,2 * * *', 'Asia/Tokyo', 23 * HOUR, 'two runs a day, 9 h ahead of UTC: still overnight'],
    ['0 1,2 * * *', 'America/Phoenix', 23 * HOUR, 'two runs a day, 7 h behind UTC: still overnight'],
    ['0 2 * * 1-5', 'Etc/UTC', 3 * DAY, 'weekdays: Friday to Monday'],
    ['0 2 * * MON-FRI', 'Etc/UTC', 3 * DAY, 'weekday names'],
    ['0 3 * * 0', 'Etc/UTC', 7 * DAY, 'Sundays'],
    ['0 3 * * 7', 'Etc/UTC', 7 * DAY, '7 is Sunday'],
    ['0 0 1 * *', 'Etc/UTC', 31 * DAY, 'monthly: the longest month'],
    ['0 0 1 1,7 *', 'Etc/UTC', 184 * DAY, 'January and July (Jul-Dec is 184 days)'],
    ['0 0 1 JAN *', 'Etc/UTC', 366 * DAY, 'yearly: a leap year'],
    ['0 0 29 2 *', 'Etc/UTC', 1461 * DAY, 'leap days'],
    ['0 2 1,15 * 1', 'Etc/UTC', 7 * DAY, 'day of month OR day of week when neither is *'],
    ['0 2 */1 * 1', 'Etc/UTC', 7 * DAY, 'a star with step 1 still ANDs the days: Mondays only'],
    ['0 2 1-31/2 * 1', 'Etc/UTC', 2 * DAY, 'odd days OR Mondays: 31st to 2nd is the longest'],
  ])('%s in %s: %d s (%s)', (schedule, timeZone, seconds) => {
    expect(longestRunIntervalSeconds('schedule', schedule, timeZone)).toBe(seconds);
  });

  test('a daily run in a time zone with daylight saving: 25 h across the autumn change', () => {
    // 03:00 exists every day in Berlin; the night clocks go back is an hour longer
    expect(longestRunIntervalSeconds('schedule', '0 3 * * *', 'Europe/Berlin')).toBe(25 * HOUR);
  });

  test('a run inside the hour skipped in spring does not happen that day: 47 h', () => {
    // robfig walks hours in absolute time: 02:30 does not exist on the last Sunday of March
    expect(longestRunIntervalSeconds('schedule', '30 2 * * *', 'Europe/Berlin')).toBe(47 * HOUR);
  });

  test('a run inside the hour repeated in autumn runs twice: the gaps around it stay at most 24 h', () => {
    // 01:30 EDT and 01:30 EST on the first Sunday of November, 24 h after and before their neighbours
    expect(longestRunIntervalSeconds('schedule', '30 1 * * *', 'America/New_York')).toBe(DAY);
  });

  test('several runs a day across the spring change: the skipped 02:30 makes 14:30 to 14:30 the longest gap, 23 h', () => {
    // 14:30 CET on Saturday, no 02:30 on Sunday, 14:30 CEST on Sunday
    expect(longestRunIntervalSeconds('schedule', '30 2,14 * * *', 'Europe/Berlin')).toBe(23 * HOUR);
  });

  test('several runs a day across the autumn change: the repeated 01:30 adds a run, not a gap, and the longest stays 12 h', () => {
    expect(longestRunIntervalSeconds('schedule', '30 1,13 * * *', 'America/New_York')).toBe(12 * HOUR);
  });

  test('a time zone without daylight saving keeps 24 h', () => {
    expect(longestRunIntervalSeconds('schedule', '0 2 * * *', 'Asia/Tokyo')).toBe(DAY);
  });

  test('fails on a schedule that never repeats', () => {
    expect(() => longestRunIntervalSeconds('schedule', '0 0 30 2 *', 'Etc/UTC')).toThrow(
      'schedule must run at least twice in eight years, so a missing backup can be told from a schedule that never repeats, got "0 0 30 2 *"',
    );
  });
});
