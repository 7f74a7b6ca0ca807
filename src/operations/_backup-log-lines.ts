/**
 * Log lines of the backup and restore scripts (assets/nats-backup) and what they mean. Each
 * `line` is the script's text with its variables written as `<...>`; a test checks that every
 * fixed part is still in the scripts, so a changed message cannot leave the runbook behind.
 */
export interface LogLine {
  readonly line: string;
  readonly meaning: string;
  readonly action: string;
}

export const BACKUP_LOG_LINES: LogLine[] = [
  {
    line: 'backup complete: <name> streams=<n> consumers=<n> bytes=<n> duration=<n>s',
    meaning: 'the backup is complete; the next line is its backup.json',
    action: 'nothing',
  },
  {
    line: 'ERROR: nats account info failed: is <url> reachable and are the credentials valid?',
    meaning: 'the first call to NATS failed: wrong URL, NetworkPolicy, DNS, or credentials',
    action: 'check the NATS Service and pods, the credentials Secret and the backup NetworkPolicy\'s egress',
  },
  {
    line: 'WARNING: could not read <monitor url>/<endpoint>: this backup has no <endpoint>.json; the data backup goes on (MONITOR_CAPTURE=best-effort)',
    meaning: 'the monitoring endpoint did not answer; the backup itself is complete',
    action: 'check the monitoring URL (the chart exposes 8222 on its headless Service only)',
  },
  {
    line: 'step 4/6: stream <stream>: messages SKIPPED: memory storage cannot be snapshotted (configuration and consumers are captured)',
    meaning: 'a memory-storage stream: its configuration is saved, its messages cannot be',
    action: 'expected for memory streams; they come back empty after a restore',
  },
  {
    line: 'ERROR: nats stream backup <stream> failed',
    meaning: 'the server did not deliver the stream\'s snapshot',
    action: 'read the natscli lines above it; check the stream on the server (nats stream info)',
  },
  {
    line: 'WARNING: less free space than the last backup took: this run may fail for lack of space',
    meaning: 'the claim is nearly full',
    action: 'grow the claim before the next run (see "When the claim is full")',
  },
  {
    line: 'ERROR: the backup claim is full: <free> KiB free on <mount> and <what>; grow the claim or shorten the retention',
    meaning: 'the run failed for lack of space; nothing was written or deleted',
    action: 'see "When the claim is full"',
  },
  {
    line: 'backup FAILED (exit <status>): nothing was written under a final name, nothing was deleted, earlier backups are untouched',
    meaning: 'the run failed (the line before says why) and removed its partial directory',
    action: 'fix the cause, then take a backup now',
  },
];

export const RESTORE_LOG_LINES: LogLine[] = [
  {
    line: 'ERROR: no complete backup under <mount>',
    meaning: 'the claim holds no complete backup to restore',
    action: 'check the claim is the backups\' claim and that a backup completed',
  },
  {
    line: 'ERROR: <backup> is not a complete backup; the complete backups nearest <name>, newest first: <names>',
    meaning: 'no complete backup has that name: a backup is named by the second its run started (02:00:02), rarely the scheduled second',
    action: 'set backupName to one of the names listed, or latestAtOrBefore (a time) or latestOnDay (a UTC day) to restore the newest backup then, and synthesize again',
  },
  {
    line: 'ERROR: no complete backup under <mount> is <the newest complete backup started at or before ...>; the complete backups nearest <time>, newest first: <names>',
    meaning: 'latestAtOrBefore or latestOnDay matched no backup: none started then',
    action: 'pick another time or day, or one of the backups listed',
  },
  {
    line: 'ERROR: streams already exist:<streams>; nothing was changed (set ON_EXISTING=skip or ON_EXISTING=replace)',
    meaning: 'the server already has these streams; the restore changed nothing',
    action: 'delete them on the server, or set onExisting (ExistingStreamPolicy.SKIP or REPLACE) and synthesize again',
  },
  {
    line: 'step 4/4: stream <stream> restored: messages and consumers from the snapshot; messages=<n> (backup had <n>); consumers=<consumers>',
    meaning: 'the stream is back with its messages and consumer state',
    action: 'nothing',
  },
  {
    line: 'WARNING: stream <stream> holds <n> messages, the backup had <n> (limits such as max_age may have removed some)',
    meaning: 'the stream\'s limits dropped messages on the way in',
    action: 'compare the stream\'s limits with the messages\' age',
  },
  {
    line: 'restore complete: <backup> streams restored=<n>',
    meaning: 'done; the next line is the JSON summary',
    action: 'check the applications read the streams again',
  },
  {
    line: 'restore FAILED (exit <status>)',
    meaning: 'the restore stopped; the line before says why',
    action: 'fix the cause; streams restored so far stay: rerun with onExisting SKIP',
  },
];
