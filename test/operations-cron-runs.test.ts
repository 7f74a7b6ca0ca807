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

describe('the fields of a CronJob schedule, as robfig/cron v3 parses them', () => {
  const utc = (expression: string, after: number, count: number) => iso(nextCronRuns(expression, 'Etc/UTC', after, count));
  const JAN_1 = Date.UTC(2026, 0, 1); // a Thursday

  test('fields split on any run of white space, leading and trailing included', () => {
    expect(utc(' 0\t2  *   * *\n', JAN_1, 2)).toEqual(['2026-01-01T02:00:00.000Z', '2026-01-02T02:00:00.000Z']);
  });

  test('steps: */15, a range with a step, and a start with a step running to the field\'s maximum', () => {
    expect(utc('*/15 * * * *', JAN_1, 5)).toEqual([
      '2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z', '2026-01-01T01:00:00.000Z', '2026-01-01T01:15:00.000Z',
    ]);
    expect(utc('5-20/5 0 * * *', JAN_1, 5)).toEqual([
      '2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z', '2026-01-01T00:20:00.000Z', '2026-01-02T00:05:00.000Z',
    ]);
    expect(utc('7/20 0 * * *', JAN_1, 4)).toEqual([
      '2026-01-01T00:07:00.000Z', '2026-01-01T00:27:00.000Z', '2026-01-01T00:47:00.000Z', '2026-01-02T00:07:00.000Z',
    ]);
  });

  test('? is *; a number may carry a leading + or zeros (strconv.Atoi)', () => {
    expect(utc('? 2 * * *', JAN_1, 2)).toEqual(['2026-01-01T02:00:00.000Z', '2026-01-01T02:01:00.000Z']);
    expect(utc('+5 +2 * * *', JAN_1, 2)).toEqual(['2026-01-01T02:05:00.000Z', '2026-01-02T02:05:00.000Z']);
    expect(utc('05 02 * * *', JAN_1, 1)).toEqual(['2026-01-01T02:05:00.000Z']);
  });

  test('month and weekday names, in any case', () => {
    // March 2026: Mondays 2, 9; 2026-03-01 is a Sunday
    expect(utc('0 0 * mar Mon', JAN_1, 2)).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    expect(utc('0 0 1 JAN-feb,Dec *', JAN_1, 3)).toEqual(['2026-02-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(utc('0 0 * * sun', JAN_1, 1)).toEqual(['2026-01-04T00:00:00.000Z']);
  });

  test('day of month and day of week both restricted: either matches; with * or ? in one, both must', () => {
    // January 2026: Fridays 2, 9, 16; the 13th is a Tuesday
    expect(utc('0 0 13 * 5', JAN_1, 4)).toEqual([
      '2026-01-02T00:00:00.000Z', '2026-01-09T00:00:00.000Z', '2026-01-13T00:00:00.000Z', '2026-01-16T00:00:00.000Z',
    ]);
    expect(utc('0 0 ? * 5', JAN_1, 2)).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-09T00:00:00.000Z']);
    expect(utc('0 0 13 * ?', JAN_1, 2)).toEqual(['2026-01-13T00:00:00.000Z', '2026-02-13T00:00:00.000Z']);
    // */2 is no star in robfig (its step clears starBit): odd days or Mondays (the 12th)
    expect(utc('0 0 */2 * 1', JAN_1, 7)).toEqual([
      '2026-01-03T00:00:00.000Z', '2026-01-05T00:00:00.000Z', '2026-01-07T00:00:00.000Z', '2026-01-09T00:00:00.000Z',
      '2026-01-11T00:00:00.000Z', '2026-01-12T00:00:00.000Z', '2026-01-13T00:00:00.000Z',
    ]);
    // */1 is a star: Mondays only
    expect(utc('0 0 */1 * 1', JAN_1, 2)).toEqual(['2026-01-05T00:00:00.000Z', '2026-01-12T00:00:00.000Z']);
  });

  test('lists out of order run in time order', () => {
    expect(utc('30,5,45 * * * *', JAN_1, 4)).toEqual([
      '2026-01-01T00:05:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T00:45:00.000Z', '2026-01-01T01:05:00.000Z',
    ]);
    expect(utc('0 20,3,11 * * *', JAN_1, 4)).toEqual([
      '2026-01-01T03:00:00.000Z', '2026-01-01T11:00:00.000Z', '2026-01-01T20:00:00.000Z', '2026-01-02T03:00:00.000Z',
    ]);
  });

  test('count stops inside a day', () => {
    expect(utc('0 */6 * * *', JAN_1, 2)).toEqual(['2026-01-01T06:00:00.000Z', '2026-01-01T12:00:00.000Z']);
  });

  test('the two passes through a repeated hour interleave, in time order', () => {
    // Berlin 2026-10-25: 02:00-03:00 CEST (00:00-01:00 UTC), then again as CET (01:00-02:00 UTC)
    expect(iso(nextCronRuns('30,45 2 * * *', 'Europe/Berlin', Date.UTC(2026, 9, 24, 12), 4))).toEqual([
      '2026-10-25T00:30:00.000Z', '2026-10-25T00:45:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T01:45:00.000Z',
    ]);
    expect(iso(nextCronRuns('30,45 2 * * *', 'Europe/Berlin', Date.UTC(2026, 9, 24, 12), 2))).toEqual([
      '2026-10-25T00:30:00.000Z', '2026-10-25T00:45:00.000Z',
    ]);
  });

  test('the search ends 8 × 366 days after the day before the reference time\'s local day', () => {
    // from 2028-02-24 the last day searched is 2036-02-28; from 2028-02-25 it is 2036-02-29
    expect(utc('0 0 29 2 *', Date.UTC(2028, 1, 24, 12), 3)).toEqual(['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']);
    expect(utc('0 0 29 2 *', Date.UTC(2028, 1, 25, 12), 3)).toEqual([
      '2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z', '2036-02-29T00:00:00.000Z',
    ]);
  });

  test('a schedule that never runs (30 February) gives no runs', () => {
    expect(nextCronRuns('0 0 30 2 *', 'Etc/UTC', JAN_1, 1)).toEqual([]);
    expect(nextCronRuns('0 0 31 4,6,9,11 *', 'Europe/Berlin', JAN_1, 3)).toEqual([]);
  });
});
