import { cronDayMatches, cronTimesOfDay, DAY_MS, dayRuns, parseCronSpec, TimeZoneOffsets } from '../_cron-runs';
import { invalidProp } from '../_errors';

/**
 * The longest time between two consecutive runs of a CronJob schedule, in its time zone, as the
 * CronJob controller fires it (robfig/cron v3, see ../_cron-runs).
 *
 * The runs are enumerated over eight fixed calendar years (2024-2031: two leap days), so the
 * result never depends on the day of synthesis.
 */
export function longestRunIntervalSeconds(prop: string, expression: string, timeZone: string): number {
  const spec = parseCronSpec(expression);
  const times = cronTimesOfDay(spec);
  const offsets = new TimeZoneOffsets(timeZone);
  // the first run has no predecessor: its gap, from +Infinity, is -Infinity and counts for nothing
  let previous = Number.POSITIVE_INFINITY;
  let longest = 0;
  const consider = (instant: number) => {
    longest = Math.max(longest, instant - previous);
    previous = instant;
  };
  const internalGap = times.slice(1).reduce((gap, t, i) => Math.max(gap, t - times[i]), 0) * 60_000;

  for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2032, 0, 1); day += DAY_MS) {
    const date = new Date(day);
    if (!cronDayMatches(spec, date)) continue;
    // every instant of this local day lies within a day of its midnight read as UTC
    const before = offsets.offsetMs(day - DAY_MS);
    const after = offsets.offsetMs(day + 2 * DAY_MS);
    if (before === after) {
      // no clock change on this day: its runs are the wall times shifted by one offset
      consider(day + times[0] * 60_000 - before);
      longest = Math.max(longest, internalGap);
      previous = day + times[times.length - 1] * 60_000 - before;
    } else {
      // a repeated hour's two passes interleave: the runs in time order, not in the order of their wall times
      for (const instant of dayRuns(times, offsets, day)) consider(instant);
    }
  }
  if (longest === 0) {
    throw invalidProp(prop, 'run at least twice in eight years, so a missing backup can be told from a schedule that never repeats', expression);
  }
  return longest / 1000;
}
