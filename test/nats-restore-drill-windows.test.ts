import { ApiObject, App, Chart, Cron, JsonPatch } from 'cdk8s';
import { NatsBackupCronJob, NatsBackupCronJobProps, NatsRestoreDrill, NatsRestoreDrillProps } from '../src';
import { defaultDrillSchedule, overlapWithBackups } from '../src/_restore-drill-schedule';
import { newChart } from './support/charts';
import { containerEnv } from './support/synthesized';

/** A drill of a backup whose synthesized CronJob is patched first (an escape hatch the drill reads through). */
function drillOf(backupProps: NatsBackupCronJobProps, patches: JsonPatch[] = [], props: Partial<NatsRestoreDrillProps> = {}) {
  const chart = newChart();
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'nats-backup' }, ...backupProps });
  ApiObject.of(backup.cronJob).addJsonPatch(...patches);
  const drill = new NatsRestoreDrill(chart, 'drill', { metadata: { name: 'nats-restore-drill' }, backup, ...props });
  const spec = ApiObject.of(drill.cronJob).toJson().spec;
  return { spec, env: containerEnv(spec.jobTemplate.spec.template.spec.containers[0]) };
}

describe('drill runs against the backup\'s windows', () => {
  const daily2h = { schedule: '0 2 * * *', timeZone: 'Etc/UTC', windowSeconds: 7200 };

  test('a backup run in the week before 2024 counts: a yearly backup at 23:00 on 31 December holds the drill at 00:30 on 1 January', () => {
    expect(overlapWithBackups('30 0 1 1 *', { ...daily2h, schedule: '0 23 31 12 *' })).toEqual({ drillRun: 'Mon 00:30', backupRun: 'Sun 23:00' });
  });

  test('a drill run before the first backup run lies in no window', () => {
    // monthly backups on the 15th at 02:00; the drill on the 1st at 01:00
    expect(overlapWithBackups('0 1 1 * *', { ...daily2h, schedule: '0 2 15 * *' })).toBeUndefined();
    expect(overlapWithBackups('0 3 15 * *', { ...daily2h, schedule: '0 2 15 * *' })).toEqual({ drillRun: 'Mon 03:00', backupRun: 'Mon 02:00' });
    // a drill at a backup's own time is in that run's window
    expect(overlapWithBackups('0 2 * * 1', daily2h)).toEqual({ drillRun: 'Mon 02:00', backupRun: 'Mon 02:00' });
  });

  test('a gap exactly as long as the window is no gap: every schedule passes; one second shorter a window, and it is a gap', () => {
    const everyTwoHours = { ...daily2h, schedule: '0 */2 * * *' };
    expect(overlapWithBackups('15 3 * * 2', everyTwoHours)).toBeUndefined();
    expect(overlapWithBackups('15 3 * * 2', { ...everyTwoHours, windowSeconds: 7199 })).toEqual({ drillRun: 'Tue 03:15', backupRun: 'Tue 02:00' });
    expect(defaultDrillSchedule(everyTwoHours).expressionString).toBe('0 2 * * 1');
  });

  test('the default skips a window end that falls inside a later run\'s window', () => {
    // 02:05 + 2 h = 04:05 is inside the window of 02:30; 02:30 + 2 h = 04:30 is clear
    expect(defaultDrillSchedule({ ...daily2h, schedule: '30,5 2 * * *' }).expressionString).toBe('30 4 * * 1');
  });

  test('a backup that does not run in the first week of 2024 gives Monday 04:00', () => {
    expect(defaultDrillSchedule({ ...daily2h, schedule: '0 2 15 * *' }).expressionString).toBe('0 4 * * 1');
  });
});

describe('NatsRestoreDrill reads the backup CronJob as synthesized', () => {
  test('the backup\'s schedule, lists in any order: window ends and the longest interval', () => {
    const { spec, env } = drillOf({ schedule: Cron.schedule({ minute: '30,5', hour: '2' }) });
    expect(spec.schedule).toBe('30 4 * * 1');
    // 02:30 to 02:05 the next day, plus 2 h of window
    expect(env.MAX_BACKUP_AGE_SECONDS).toBe(String(23 * 3600 + 35 * 60 + 7200));
    expect(drillOf({ schedule: Cron.schedule({ minute: '0', hour: '20,3' }) }).env.MAX_BACKUP_AGE_SECONDS).toBe(String(17 * 3600 + 7200));
  });

  test('backups every 30 minutes in Europe/Berlin are never more than 30 minutes apart, the night clocks go back included', () => {
    expect(drillOf({ schedule: Cron.schedule({ minute: '*/30' }), timeZone: 'Europe/Berlin' }).env.MAX_BACKUP_AGE_SECONDS).toBe(String(1800 + 7200));
  });

  test('a backup without a time zone runs in Etc/UTC', () => {
    const { spec } = drillOf({ timeZone: 'Europe/Berlin' }, [JsonPatch.remove('/spec/timeZone')]);
    expect(spec).toMatchObject({ schedule: '0 4 * * 1', timeZone: 'Etc/UTC' });
  });

  test('a missing deadline counts as no window', () => {
    const bothGone = drillOf({}, [JsonPatch.remove('/spec/startingDeadlineSeconds'), JsonPatch.remove('/spec/jobTemplate/spec/activeDeadlineSeconds')]);
    expect(bothGone.spec.schedule).toBe('0 2 * * 1');
    expect(bothGone.env.MAX_BACKUP_AGE_SECONDS).toBe('86400');
    expect(drillOf({}, [JsonPatch.remove('/spec/jobTemplate/spec')]).spec.schedule).toBe('0 3 * * 1');
    expect(drillOf({}, [JsonPatch.remove('/spec/jobTemplate')]).env.MAX_BACKUP_AGE_SECONDS).toBe(String(86400 + 3600));
  });

  test('fails with a backup schedule that never repeats', () => {
    expect(() => drillOf({}, [JsonPatch.replace('/spec/schedule', '0 0 30 2 *')])).toThrow(
      'backup schedule must run at least twice in eight years, so a missing backup can be told from a schedule that never repeats, got "0 0 30 2 *"');
  });
});

describe('NatsRestoreDrill namespaces and server image', () => {
  test('fails with a backup in a namespace when the drill has none, and the other way round', () => {
    const app = new App();
    const backup = new NatsBackupCronJob(new Chart(app, 'backups', { namespace: 'messaging' }), 'backup');
    expect(() => new NatsRestoreDrill(new Chart(app, 'drills'), 'drill', { backup }))
      .toThrow('backup must be in the drill\'s namespace (the default): a claim is mounted in its own namespace only, got "messaging"');
    const unnamespaced = new NatsBackupCronJob(new Chart(app, 'default-backups'), 'backup');
    expect(() => new NatsRestoreDrill(new Chart(app, 'orders', { namespace: 'orders' }), 'drill', { backup: unnamespaced }))
      .toThrow('backup must be in the drill\'s namespace orders: a claim is mounted in its own namespace only, got "(the default)"');
  });

  test('the -alpine check reads the tag after the last colon, not a registry host or port', () => {
    expect(() => drillOf({}, [], { serverImage: 'alpine.example.com:5000/alpine/nats:2.10.22' })).toThrow(
      'serverImage must be an -alpine variant of the nats image such as "nats:2.14.0-alpine" (the init container copies the binary with cp, which the scratch variant lacks), '
      + 'got "alpine.example.com:5000/alpine/nats:2.10.22"');
    const image = (serverImage: string) => drillOf({}, [], { serverImage }).spec.jobTemplate.spec.template.spec.initContainers[0].image;
    expect(image('registry:5000/nats:2.10.22-alpine')).toBe('registry:5000/nats:2.10.22-alpine');
    // a digest names no variant: the image is taken as given
    const digest = `nats@sha256:${'a'.repeat(64)}`;
    expect(image(digest)).toBe(digest);
  });
});
