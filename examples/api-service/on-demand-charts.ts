import { Chart, ChartProps } from 'cdk8s';
import {
  ApiServerEndpoint, ChaosExperiment, ChaosScenario, EgressRule, HardenedDeployment, HttpMethod, NatsBackupCronJob, NatsRestoreJob, SoakJob, SoakMetricsOutput, SoakProfile, SoakTarget,
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
      // the POST creates SOAK-1 orders for the whole run, 24 hours with PRODUCTION: intended here
      acknowledgeProductionWrites: true,
      metricsOutput: SoakMetricsOutput.prometheusRemoteWrite({
        url: 'http://prometheus-operated.monitoring.svc:9090/api/v1/write',
        // the Prometheus pods of kube-prometheus-stack, and nothing else
        egress: EgressRule.toPods({ labels: { 'app.kubernetes.io/name': 'prometheus' }, namespaceName: 'monitoring', ports: [9090] }),
      }),
    });
  }
}

export interface ChaosChartProps extends ChartProps {
  /** The API to disrupt. */
  readonly api: HardenedDeployment;
  /**
   * Where the Jobs reach the Kubernetes API server: the endpoints of the `kubernetes` Service
   * (`kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`).
   */
  readonly apiServer: ApiServerEndpoint;
  /** The API's egress rules to its observability stack, which observability-block cuts for a while. */
  readonly observabilityEgress: EgressRule[];
  /** Namespace of the NATS release (the official Helm chart); default: the orders namespace. */
  readonly natsNamespace?: string;
  /** Name of the NATS Helm release; default `nats`. */
  readonly natsRelease?: string;
}

/**
 * The chaos baseline of the orders API and its NATS server, installed by the official NATS Helm
 * chart (nats-io/k8s, chart nats 2.14.x): StatefulSet named after the release (`nats`), its pods
 * labelled `app.kubernetes.io/name: nats`, `app.kubernetes.io/instance: <release>`,
 * `app.kubernetes.io/component: nats`, the monitoring port 8222 on the pods (and on the
 * `nats-headless` Service). The chart's nats-box pod shares the name and instance labels
 * (component `nats-box`); nats-kill never touches it. Each Job injects one fault, measures
 * recovery against its SLA and exits non-zero on FAIL; rollout, drain and observability-block
 * probe the API several times a second and fail on any failed probe. Never part of the
 * production chart.
 */
export class ChaosChart extends Chart {
  constructor(scope: Construct, id: string, props: ChaosChartProps) {
    super(scope, id, { namespace: 'orders', ...props });
    const release = props.natsRelease ?? 'nats';
    new ChaosExperiment(this, 'api-kill', {
      metadata: { name: 'orders-chaos-api-kill' },
      scenario: ChaosScenario.API_KILL, // SLA: back to full strength in < 30 s
      target: props.api,
      apiServer: props.apiServer,
    });
    new ChaosExperiment(this, 'nats-kill', {
      metadata: { name: 'orders-chaos-nats-kill' },
      scenario: ChaosScenario.NATS_KILL, // SLA: new JetStream meta leader, streams current in < 60 s
      nats: {
        statefulSetName: release,
        namespaceName: props.natsNamespace,
        podLabels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': release, 'app.kubernetes.io/component': 'nats' },
      },
      apiServer: props.apiServer,
    });
    new ChaosExperiment(this, 'network-block', {
      metadata: { name: 'orders-chaos-network-block' },
      scenario: ChaosScenario.NETWORK_BLOCK, // SLA: healthy again < 90 s after the partition ends
      target: props.api,
      apiServer: props.apiServer,
    });
    new ChaosExperiment(this, 'rollout', {
      metadata: { name: 'orders-chaos-rollout' },
      scenario: ChaosScenario.ROLLOUT, // zero downtime: rollout restart completes, every probe answers
      target: props.api,
      apiServer: props.apiServer,
    });
    new ChaosExperiment(this, 'drain', {
      metadata: { name: 'orders-chaos-drain' },
      scenario: ChaosScenario.DRAIN, // zero downtime: every pod evicted under the budget, every probe answers
      target: props.api,
      apiServer: props.apiServer,
    });
    new ChaosExperiment(this, 'observability-block', {
      metadata: { name: 'orders-chaos-observability-block' },
      scenario: ChaosScenario.OBSERVABILITY_BLOCK, // graceful degradation: no collector for 60 s, every probe answers
      target: props.api,
      observabilityEgress: props.observabilityEgress,
      apiServer: props.apiServer,
    });
  }
}
