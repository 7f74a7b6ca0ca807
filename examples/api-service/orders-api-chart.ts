import { Chart, ChartProps } from 'cdk8s';
import { EgressRule, HardenedDeployment, HardeningAlerts, NatsBackupCronJob, NatsRestoreDrill, SoakDashboard } from 'cdk8s-hardening';
import { Construct } from 'constructs';

/**
 * The production chart of the orders API: a hardened Deployment behind a Service, fenced by
 * its NetworkPolicy and protected by its disruption budget, the daily backup of the
 * NATS JetStream server it uses, and the weekly drill that proves the newest backup restores.
 */
export class OrdersApiChart extends Chart {
  public readonly api: HardenedDeployment;
  /** The API's egress to the observability stack: the OpenTelemetry collector's OTLP/gRPC port. */
  public readonly telemetryEgress: EgressRule;
  public readonly backup: NatsBackupCronJob;
  public readonly drill: NatsRestoreDrill;
  public readonly alerts: HardeningAlerts;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'orders', ...props });

    // The OpenTelemetry collector (the opentelemetry-collector Helm chart in the namespace observability).
    this.telemetryEgress = EgressRule.toPods({
      labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' }, namespaceName: 'observability', ports: [4317],
    });
    this.api = new HardenedDeployment(this, 'api', {
      metadata: { name: 'orders-api' },
      image: 'ghcr.io/acme/orders-api:1.4.2',
      partOf: 'shop',
      port: 8080,
      readinessPath: '/readyz',
      livenessPath: '/livez',
      service: true,
      // Default-deny egress: the API may reach DNS, the NATS client port and its traces' collector, nothing else.
      // The NATS server pods of the official chart (its nats-box pods share the name label, not the component).
      egress: [
        EgressRule.toPods({ labels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' }, ports: [4222] }),
        this.telemetryEgress,
      ],
    });
    this.api.addDisruptionBudget();

    // Daily at 02:00 UTC, 7 days kept (never fewer than the newest 3), 5Gi claim,
    // configs plus messages and consumer state.
    this.backup = new NatsBackupCronJob(this, 'jetstream-backup', {
      metadata: { name: 'orders-jetstream-backup' },
      natsUrl: 'nats://nats:4222',
      monitorUrl: 'http://nats-headless:8222', // the official chart exposes 8222 on its headless Service only
    });

    // Every Monday at 04:00 UTC, once the night's backup window has closed: the newest backup is
    // restored into a throwaway nats-server inside the drill's own pod and checked against its
    // records; the drill fails when anything differs or when that backup is older than 26 hours.
    this.drill = new NatsRestoreDrill(this, 'jetstream-restore-drill', {
      metadata: { name: 'orders-jetstream-drill' },
      backup: this.backup,
    });

    // Alerts on the backups, the Deployment and its budget for kube-prometheus-stack's Prometheus
    // (release "kube-prometheus-stack"), and the dashboard of the soak runs for its Grafana.
    this.alerts = new HardeningAlerts(this, 'alerts', { metadata: { name: 'orders-alerts' }, labels: { release: 'kube-prometheus-stack' } });
    new SoakDashboard(this, 'soak-dashboard', { metadata: { name: 'orders-soak-dashboard' } });
  }
}
