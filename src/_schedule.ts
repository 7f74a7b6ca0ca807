import { Cron } from 'cdk8s';
import { invalidProp } from './_errors';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** [name, min, max, names] of the five fields the CronJob controller parses. */
const FIELDS: Array<[string, number, number, string[]]> = [
  ['minute', 0, 59, []],
  ['hour', 0, 23, []],
  ['day of month', 1, 31, []],
  ['month', 1, 12, MONTHS],
  ['day of week', 0, 7, DAYS],
];

/** Refuses a cron expression the CronJob controller would reject or misread. */
export function assertCronSchedule(prop: string, schedule: Cron): void {
  const expression = schedule.expressionString.trim();
  const fields = expression.split(/\s+/);
  const allowed = 'be a 5-field cron expression (minute hour day-of-month month day-of-week) such as "0 2 * * *"';
  if (fields.length !== 5) throw invalidProp(prop, allowed, expression);
  fields.forEach((field, i) => {
    const [name, min, max, names] = FIELDS[i];
    for (const item of field.split(',')) {
      if (!isValidItem(item, min, max, names)) {
        throw invalidProp(prop, `${allowed}; its ${name} field allows ${min}-${max}${names.length ? ` or ${names[0]}-${names[names.length - 1]}` : ''}, *, ranges, lists and steps`, expression);
      }
    }
  });
}

function isValidItem(item: string, min: number, max: number, names: string[]): boolean {
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= max)) return false;
  if (range === '*' || range === '?') return true;
  const bounds = range.split('-');
  if (bounds.length > 2) return false;
  const values = bounds.map((b) => valueOf(b, names));
  if (values.some((v) => v === undefined || v < min || v > max)) return false;
  return values.length === 1 || values[0]! <= values[1]!;
}

function valueOf(token: string, names: string[]): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const index = names.indexOf(token.toUpperCase());
  if (index < 0) return undefined;
  return names === MONTHS ? index + 1 : index;
}

/** Refuses a time zone that is not an IANA name the Go runtime of the controller can load. */
export function assertTimeZone(prop: string, timeZone: string): void {
  const allowed = 'be an IANA time zone name such as "Etc/UTC" or "Europe/Berlin"';
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) throw invalidProp(prop, allowed, timeZone);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw invalidProp(prop, allowed, timeZone);
  }
}
