import { nextCronRuns } from '../src/_cron-runs';

const iso = (runs: number[]) => runs.map((r) => new Date(r).toISOString());

// The next runs of a CronJob schedule, as robfig/cron v3 (the CronJob controller) fires them.
describe('next runs of a CronJob schedule', () => {
  test('daily at 02:00 UTC, strictly after the reference time', () => {
    expect(iso(nextCronRuns('0 2 * * *', 'Etc/UTC', Date.UTC(2026, 10, 27, 2, 0, 0), 3))).toEqual([
      '2026-11-28T02:00:00.000Z', '2026-11-29T02:00:00.000Z', '2026-11-30T02:00:00.000Z',
    ]);
    expect(iso(nextCronRuns('0 2 * * *', 'Etc/UTC', Date.UTC(2026, 10, 27, 1, 59, 59), 1))).toEqual(['2026-11-27T02:00:00.000Z']);
  });

  test('weekdays skip the weekend', () => {
    // 2026-11-27 is a Friday
    expect(iso(nextCronRuns('30 6 * * MON-FRI', 'Etc/UTC', Date.UTC(2026, 10, 27, 7), 2))).toEqual([
      '2026-11-30T06:30:00.000Z', '2026-12-01T06:30:00.000Z',
    ]);
  });

  test('a local time zone is converted to UTC, across the daylight-saving change', () => {
    // Berlin: UTC+2 until 2026-10-25 01:00 UTC, UTC+1 after
    expect(iso(nextCronRuns('0 3 * * *', 'Europe/Berlin', Date.UTC(2026, 9, 23, 12), 3))).toEqual([
      '2026-10-24T01:00:00.000Z', '2026-10-25T02:00:00.000Z', '2026-10-26T02:00:00.000Z',
    ]);
  });

  test('a time skipped in spring does not run that day; a repeated one runs twice', () => {
    // 2026-03-29: 02:00-03:00 does not exist in Berlin
    expect(iso(nextCronRuns('30 2 * * *', 'Europe/Berlin', Date.UTC(2026, 2, 27, 12), 2))).toEqual([
      '2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z',
    ]);
    // 2026-10-25: 02:30 happens at 00:30 and 01:30 UTC
    expect(iso(nextCronRuns('30 2 * * *', 'Europe/Berlin', Date.UTC(2026, 9, 24, 12), 3))).toEqual([
      '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z',
    ]);
  });

  test('a time zone west of UTC: the local day starts after UTC midnight', () => {
    expect(iso(nextCronRuns('0 22 * * *', 'America/New_York', Date.UTC(2026, 5, 1, 1), 2))).toEqual([
      '2026-06-01T02:00:00.000Z', '2026-06-02T02:00:00.000Z',
    ]);
  });

  test('a rare schedule returns what eight years hold', () => {
    expect(iso(nextCronRuns('0 0 29 2 *', 'Etc/UTC', Date.UTC(2026, 0, 1), 2))).toEqual(['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']);
  });
});
