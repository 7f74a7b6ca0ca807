/**
 * When a CronJob schedule fires, as the CronJob controller computes it with robfig/cron v3
 * (`ParseStandard`, `SpecSchedule.Next` in spec.go):
 * - day of month and day of week: both must match when either field starts with `*` or `?`
 *   (without a step above 1), otherwise either may match (`dayMatches`);
 * - `a/step` runs from a to the field's maximum; names (JAN, MON) are case-insensitive;
 * - `Next` walks hours in absolute time, so a local time skipped by a daylight-saving jump does not
 *   run that day, and a local time repeated when clocks go back runs twice.
 *
 * Shared by the alerts (the longest interval between runs) and the operations documents (the
 * next runs in UTC). Expressions are already checked by assertCronSchedule.
 */

export const DAY_MS = 86_400_000;

interface Field {
  readonly values: Set<number>;
  /** The field starts with `*` or `?` without a step above 1 (robfig's starBit). */
  readonly star: boolean;
}

export interface CronSpec {
  readonly minute: Field;
  readonly hour: Field;
  readonly dayOfMonth: Field;
  readonly month: Field;
  readonly dayOfWeek: Field;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The five fields of an expression already checked by assertCronSchedule. */
export function parseCronSpec(expression: string): CronSpec {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = expression.trim().split(/\s+/);
  return {
    minute: parseField(minute, 0, 59, []),
    hour: parseField(hour, 0, 23, []),
    dayOfMonth: parseField(dayOfMonth, 1, 31, []),
    month: parseField(month, 1, 12, MONTHS, 1),
    dayOfWeek: sundayAsZero(parseField(dayOfWeek, 0, 7, DAYS)),
  };
}

/** 7 is Sunday in the expressions the validation lets through. */
function sundayAsZero(field: Field): Field {
  return { values: new Set([...field.values].map((d) => d % 7)), star: field.star };
}

function parseField(field: string, min: number, max: number, names: string[], nameBase = 0): Field {
  const values = new Set<number>();
  let star = false;
  for (const item of field.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let start: number;
    let end: number;
    if (range === '*' || range === '?') {
      [start, end] = [min, max];
      if (step <= 1) star = true;
    } else {
      const bounds = range.split('-').map((token) => valueOf(token, names, nameBase));
      start = bounds[0];
      end = bounds.length === 2 ? bounds[1] : stepText === undefined ? start : max;
    }
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

/** parseIntOrName: a name, else strconv.Atoi, which takes a leading `+` (assertCronSchedule lets `+5` through). */
function valueOf(token: string, names: string[], nameBase: number): number {
  const index = names.indexOf(token.toUpperCase());
  return index >= 0 ? index + nameBase : Number(token);
}

/** Minutes after local midnight of every run on a matching day, ascending. */
export function cronTimesOfDay(spec: CronSpec): number[] {
  const times: number[] = [];
  for (const h of [...spec.hour.values].sort((a, b) => a - b)) {
    for (const m of [...spec.minute.values].sort((a, b) => a - b)) times.push(h * 60 + m);
  }
  return times;
}

/** robfig/cron v3 dayMatches, on a calendar date (read in UTC: it is the local date). */
export function cronDayMatches(spec: CronSpec, date: Date): boolean {
  if (!spec.month.values.has(date.getUTCMonth() + 1)) return false;
  const dom = spec.dayOfMonth.values.has(date.getUTCDate());
  const dow = spec.dayOfWeek.values.has(date.getUTCDay());
  return spec.dayOfMonth.star || spec.dayOfWeek.star ? dom && dow : dom || dow;
}

/** UTC offsets of a time zone, through the Intl time zone data (the IANA database Go also loads). */
export class TimeZoneOffsets {
  private readonly format?: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    if (timeZone !== 'Etc/UTC' && timeZone !== 'UTC') {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    }
  }

  /** Local wall time minus UTC at an instant, in milliseconds. */
  public offsetMs(instant: number): number {
    if (!this.format) return 0;
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return wall - Math.floor(instant / 1000) * 1000;
  }

  /** The instants that show this wall time: none in a skipped hour, two in a repeated one (in no set order). */
  public instantsOf(wall: number, candidateOffsets: number[]): number[] {
    return [...new Set(candidateOffsets)].map((offset) => wall - offset).filter((instant) => this.offsetMs(instant) === wall - instant);
  }
}

/**
 * The runs on one local calendar day (its midnight read as UTC), ascending. In a repeated hour the
 * two passes interleave: 02:30 and 02:45 run at 02:30, 02:45 and again at 02:30, 02:45.
 */
export function dayRuns(times: number[], offsets: TimeZoneOffsets, day: number): number[] {
  // every instant of this local day lies within a day of its midnight read as UTC
  const candidates = [offsets.offsetMs(day - DAY_MS), offsets.offsetMs(day + 2 * DAY_MS)];
  return times.flatMap((t) => offsets.instantsOf(day + t * 60_000, candidates)).sort((a, b) => a - b);
}

/**
 * The next `count` runs of a schedule strictly after `after` (milliseconds since the epoch), as
 * instants in milliseconds, ascending. Looks at most eight years ahead: fewer runs come back for a
 * schedule that runs less often.
 */
export function nextCronRuns(expression: string, timeZone: string, after: number, count: number): number[] {
  const spec = parseCronSpec(expression);
  const times = cronTimesOfDay(spec);
  const offsets = new TimeZoneOffsets(timeZone);
  const runs: number[] = [];
  // the local calendar day of `after`, read as UTC midnight; start a day early for negative offsets
  const firstDay = Math.floor((after + offsets.offsetMs(after)) / DAY_MS) * DAY_MS - DAY_MS;
  for (let day = firstDay; runs.length < count && day < firstDay + 8 * 366 * DAY_MS; day += DAY_MS) {
    if (!cronDayMatches(spec, new Date(day))) continue;
    for (const instant of dayRuns(times, offsets, day)) {
      if (instant > after && runs.length < count) runs.push(instant);
    }
  }
  return runs;
}

/**
 * Every run of a schedule on the local calendar days from `fromDay` up to `toDay` (UTC midnights,
 * milliseconds), as instants in milliseconds, ascending: none in a skipped hour, two in a repeated one.
 */
export function runInstants(expression: string, timeZone: string, fromDay: number, toDay: number): number[] {
  const spec = parseCronSpec(expression);
  const times = cronTimesOfDay(spec);
  const offsets = new TimeZoneOffsets(timeZone);
  const runs: number[] = [];
  for (let day = fromDay; day < toDay; day += DAY_MS) {
    if (cronDayMatches(spec, new Date(day))) runs.push(...dayRuns(times, offsets, day));
  }
  return runs;
}
