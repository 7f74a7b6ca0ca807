import { App } from 'cdk8s';
import { availabilityProblems } from './support/availability';
import { toYaml } from './support/charts';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';
import { OrdersApiChart } from '../examples/api-service/orders-api-chart';

// The example app, imported the way main.ts imports it ('cdk8s-hardening' resolves to src/).
describe('example app: orders-api', () => {
  const chart = new OrdersApiChart(new App(), 'orders-api');
  const objects = synthValid(chart);

  test('snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('zero-downtime Deployment with at least 2 replicas', () => {
    const deployment = onlyOfKind(objects, 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  test('exactly one policy/v1 PDB with minAvailable 1 selects its pods', () => {
    const budgets = ofKind(objects, 'PodDisruptionBudget');
    expect(budgets).toHaveLength(1);
    expect(budgets[0].apiVersion).toBe('policy/v1');
    expect(budgets[0].spec.minAvailable).toBe(1);
    expect(availabilityProblems(objects)).toEqual([]);
  });
});

describe('availability check', () => {
  test('flags a Deployment without a budget, with one replica and a lossy rollout', () => {
    const problems = availabilityProblems([{
      kind: 'Deployment',
      metadata: { name: 'lone' },
      spec: { replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } }, template: { metadata: { labels: { app: 'lone' } } } },
    }]);
    expect(problems).toEqual([
      'Deployment/lone: maxUnavailable must be 0, got 25%',
      'Deployment/lone: replicas must be at least 2, got 1',
      'Deployment/lone: exactly one PodDisruptionBudget must select its pods, found 0',
    ]);
  });

  test('flags a budget that allows no disruption and two budgets on one Deployment', () => {
    const deployment = {
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } }, template: { metadata: { labels: { app: 'api' } } } },
    };
    const budget = (name: string) => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'api' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
    expect(availabilityProblems([deployment, budget('a')])).toEqual([
      'PodDisruptionBudget/a: must allow at least one disruption of 2 replicas, allows 0',
    ]);
    expect(availabilityProblems([deployment, budget('a'), budget('b')])).toEqual([
      'Deployment/api: exactly one PodDisruptionBudget must select its pods, found 2',
    ]);
  });
});
