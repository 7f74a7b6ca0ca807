import { readAsset } from './_assets';
import { ScriptFiles } from './_scripts-config-map';

/** The backup's scripts: the backup, and the restore that a NatsRestoreJob of this backup runs from the same ConfigMap. */
export function backupScripts(): ScriptFiles {
  return natsBackupAssets('nats-backup-lib.sh', 'nats-backup.sh', 'nats-restore.sh');
}

/** A NatsRestoreJob's own scripts, when it restores from a claim rather than a NatsBackupCronJob. */
export function restoreScripts(): ScriptFiles {
  return natsBackupAssets('nats-backup-lib.sh', 'nats-restore.sh');
}

/** The restore drill's scripts: it restores with nats-restore.sh into a throwaway server. */
export function drillScripts(): ScriptFiles {
  return natsBackupAssets('nats-backup-lib.sh', 'nats-restore.sh', 'nats-restore-drill.sh');
}

function natsBackupAssets(...files: string[]): ScriptFiles {
  return Object.fromEntries(files.map((file) => [file, readAsset('nats-backup', file)]));
}
