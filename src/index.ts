export * from './hardened-deployment';
export * from './api-pdb';
export * from './egress-rule';
export * from './nats-connection';
export * from './nats-backup-cron-job';
export * from './nats-restore-job';
