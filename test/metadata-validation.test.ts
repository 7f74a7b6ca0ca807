import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ChaosNetworkPolicy, ChaosScenario, HardenedDeployment, NatsBackupCronJob, NatsRestoreJob, SoakJob, SoakTarget,
} from '../src';
import { synthExperiment } from './support/chaos';
import { newChart } from './support/charts';

// Every construct checks the metadata it is given the way the API server would, naming the prop.
const NAMESPACE = 'metadata.namespace must be a DNS-1123 label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit, got "Orders Team"';
const LABEL_KEY = /^metadata\.labels key must be a label key/;

describe('metadata of every construct', () => {
  const cases: Array<[string, (metadata: any) => void]> = [
    ['NatsBackupCronJob', (metadata) => new NatsBackupCronJob(newChart(), 'backup', { metadata })],
    ['NatsRestoreJob', (metadata) => {
      const chart = newChart();
      new NatsRestoreJob(chart, 'restore', { metadata, claim: kplus.PersistentVolumeClaim.fromClaimName(chart, 'c', 'backups') });
    }],
    ['SoakJob', (metadata) => {
      const chart = newChart();
      const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true });
      new SoakJob(chart, 'soak', { metadata, target: SoakTarget.deployment(api), endpoints: [{ path: '/a' }] });
    }],
    ['ChaosExperiment', (metadata) => synthExperiment({ scenario: ChaosScenario.API_KILL, metadata: { name: 'orders-api-kill', ...metadata } })],
    ['ChaosNetworkPolicy', (metadata) => new ChaosNetworkPolicy(newChart(), 'block', { metadata, podLabels: { app: 'orders-api' } })],
  ];

  test.each(cases)('%s fails with a namespace Kubernetes refuses', (_name, build) => {
    expect(() => build({ namespace: 'Orders Team' })).toThrow(NAMESPACE);
  });

  test.each(cases)('%s fails with a label key Kubernetes refuses', (_name, build) => {
    expect(() => build({ labels: { 'team name': 'orders' } })).toThrow(LABEL_KEY);
  });

  test('ChaosNetworkPolicy fails with a name that is not a DNS subdomain', () => {
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { metadata: { name: '$`[V$PqO' }, podLabels: { app: 'orders-api' } }))
      .toThrow(/^metadata\.name must be a DNS-1123 subdomain: .*, got "\$`\[V\$PqO"$/);
  });

  test('NatsBackupCronJob fails with a claim size far below a kibibyte, naming claimSize', () => {
    expect(() => new NatsBackupCronJob(newChart(), 'backup', { claimSize: Size.mebibytes(1.5e-105) }))
      .toThrow(/^claimSize must be whole gibibytes, at least 1Gi, got /);
  });
});
