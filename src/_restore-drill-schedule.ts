import { Cron } from 'cdk8s';
import { runInstants } from './_cron-runs';

/** One leap year from a Monday (2024-01-01), with both daylight-saving changes of every zone. */
const FROM_DAY = Date.UTC(2024, 0, 1);
const TO_DAY = Date.UTC(2025, 0, 1);
const WEEK_MS = 7 * 86_400_000;
const FIVE_MINUTES_MS = 300_000;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** When backups run and how long after its time a run may still be going. */
export interface BackupWindows {
  readonly schedule: string;
  readonly timeZone: string;
  /** startingDeadlineSeconds + activeDeadlineSeconds of the backup CronJob. */
  readonly windowSeconds: number;
}

/** A drill run that starts while a backup run may still be going. */
export interface WindowOverlap {
  readonly drillRun: string;
  readonly backupRun: string;
}

/**
 * The first run of the drill schedule that starts inside a backup's window (from a backup run's
 * time until it may have ended), or undefined. When the windows leave no gap at all, a drill cannot
 * avoid them and none counts: the drill then tests the newest backup complete when it starts.
 */
export function overlapWithBackups(drillSchedule: string, backup: BackupWindows): WindowOverlap | undefined {
  const backups = runInstants(backup.schedule, backup.timeZone, FROM_DAY - WEEK_MS, TO_DAY);
  const window = backup.windowSeconds * 1000;
  if (!hasGap(backups, window)) return undefined;
  let i = 0;
  for (const run of runInstants(drillSchedule, backup.timeZone, FROM_DAY, TO_DAY)) {
    // past the last run, backups[i + 1] is undefined and the comparison false
    while (backups[i + 1] <= run) i++;
    if (backups[i] <= run && run < backups[i] + window) {
      return { drillRun: localTime(run, backup.timeZone), backupRun: localTime(backups[i], backup.timeZone) };
    }
  }
  return undefined;
}

/**
 * Weekly, at the end of the window of the first backup run of a week (rounded up to five
 * minutes), on that weekday, in the backup's time zone; the end of a later run's window when that
 * one would start inside another window. `0 2 * * *` with two hours of window gives `0 4 * * 1`.
 */
export function defaultDrillSchedule(backup: BackupWindows): Cron {
  const backups = runInstants(backup.schedule, backup.timeZone, FROM_DAY, FROM_DAY + WEEK_MS);
  const candidates = backups.map((run) => weeklyAt(run + backup.windowSeconds * 1000, backup.timeZone));
  return candidates.find((c) => overlapWithBackups(c.expressionString, backup) === undefined) ?? candidates[0]
    ?? Cron.schedule({ minute: '0', hour: '4', weekDay: '1' });
}

function hasGap(runs: number[], window: number): boolean {
  // after the last run, runs[i + 1] - run is NaN, which is no gap
  return runs.some((run, i) => runs[i + 1] - run > window);
}

/** A weekly schedule at the local wall time of an instant, rounded up to five minutes. */
function weeklyAt(instant: number, timeZone: string): Cron {
  const wall = new Date(Math.ceil(wallMs(instant, timeZone) / FIVE_MINUTES_MS) * FIVE_MINUTES_MS);
  return Cron.schedule({ minute: String(wall.getUTCMinutes()), hour: String(wall.getUTCHours()), weekDay: String(wall.getUTCDay()) });
}

/** An instant as `Mon 04:00` in a time zone. */
function localTime(instant: number, timeZone: string): string {
  const wall = new Date(wallMs(instant, timeZone));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[wall.getUTCDay()]} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
}

/** The local wall time of an instant, read as if it were UTC. */
function wallMs(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  for (const part of format.formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}
