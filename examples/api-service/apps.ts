import { join } from 'path';
import { App } from 'cdk8s';
import { HardeningChecks, SoakProfile } from 'cdk8s-hardening';
import { ChaosChart, RestoreChart, SoakChart } from './on-demand-charts';
import { OrdersApiChart } from './orders-api-chart';

/** The example's two apps: what runs in production, and the Jobs a person applies on purpose. */
export interface ExampleApps {
  /** `dist/*.k8s.yaml`: what runs in production (`kubectl apply -f dist/`). */
  readonly app: App;
  /** `dist/on-demand/*.k8s.yaml`: one file at a time, never part of `kubectl apply -f dist/`. */
  readonly onDemand: App;
  readonly production: OrdersApiChart;
}

export function exampleApps(outdir?: string): ExampleApps {
  const app = new App(outdir ? { outdir } : {});
  const production = new OrdersApiChart(app, 'orders-api');

  // A separate folder keeps the on-demand Jobs out of `kubectl apply -f dist/`.
  const onDemand = new App({ outdir: join(app.outdir, 'on-demand') });
  new RestoreChart(onDemand, 'orders-jetstream-restore', { backup: production.backup });
  for (const profile of [SoakProfile.QUICK, SoakProfile.STAGING, SoakProfile.PRODUCTION]) {
    new SoakChart(onDemand, `orders-soak-${profile.name}`, { api: production.api, profile });
  }
  // The API server's endpoints (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes).
  new ChaosChart(onDemand, 'orders-chaos', {
    api: production.api,
    apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
    observabilityEgress: [production.telemetryEgress],
  });
  // The production alerts also cover the on-demand chaos and soak Jobs, whenever they run.
  production.alerts.watch(onDemand);

  // Every object of both apps must pass the production-readiness rules, with no suppression:
  // each app fails its own synth() when one of its objects does not.
  new HardeningChecks(app, { failOnWarnings: true, alsoCheck: [onDemand] });
  return { app, onDemand, production };
}
