import { Chart, ChartProps } from 'cdk8s';
import { NatsBackupCronJob, NatsRestoreJob } from 'cdk8s-hardening';
import { Construct } from 'constructs';

export interface RestoreChartProps extends ChartProps {
  /** The backups to restore from. */
  readonly backup: NatsBackupCronJob;
  /** The backup to restore: a directory name such as 20261127T020000Z, or latest. */
  readonly backupName?: string;
}

/**
 * Restores the newest JetStream backup. Applied by hand, only when a restore is wanted:
 * it refuses to touch streams that already exist.
 */
export class RestoreChart extends Chart {
  constructor(scope: Construct, id: string, props: RestoreChartProps) {
    super(scope, id, { namespace: 'orders', ...props });
    new NatsRestoreJob(this, 'restore', {
      metadata: { name: 'orders-jetstream-restore' },
      backup: props.backup,
      backupName: props.backupName ?? 'latest',
    });
  }
}
