import { Chart, ChartProps } from 'cdk8s';
import {
  HardenedDeployment, HttpMethod, NatsBackupCronJob, NatsRestoreJob, SoakJob, SoakProfile, SoakTarget,
} from 'cdk8s-hardening';
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

export interface SoakChartProps extends ChartProps {
  /** The API under test. */
  readonly api: HardenedDeployment;
  /** The soak profile: QUICK (1 h / 10 VUs), STAGING (4 h / 25 VUs) or PRODUCTION (24 h / 10 VUs). */
  readonly profile: SoakProfile;
}

/**
 * A soak test of the orders API, run on demand: a mixed workload of the health endpoint,
 * order listing and order creation, with leak detection and circuit-breaker tracking.
 */
export class SoakChart extends Chart {
  public readonly soak: SoakJob;

  constructor(scope: Construct, id: string, props: SoakChartProps) {
    super(scope, id, { namespace: 'orders', ...props });
    this.soak = new SoakJob(this, 'soak', {
      metadata: { name: `orders-soak-${props.profile.name}` },
      target: SoakTarget.deployment(props.api),
      profile: props.profile,
      endpoints: [
        { path: '/api/orders', weight: 6 },
        { path: '/api/orders', method: HttpMethod.POST, body: '{"sku":"SOAK-1","quantity":1}', headers: { 'Content-Type': 'application/json' }, expectedStatus: 201, weight: 3 },
      ],
      circuitBreaker: { statuses: [503], header: 'x-circuit-breaker', headerValue: 'open' },
    });
  }
}
