import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ApiPdb, HardenedDeployment, UnhealthyPodEvictionPolicy } from '../src';
import { newChart, toYaml } from './support/charts';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';

describe('ApiPdb', () => {
  test('snapshot for a HardenedDeployment', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
    new ApiPdb(chart, 'pdb', { workload: api });
    expect(toYaml(ofKind(synthValid(chart), 'PodDisruptionBudget'))).toMatchSnapshot();
  });

  test('policy/v1 budget: minAvailable 1, AlwaysAllow, selects exactly the pods of the workload', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
    const pdb = api.addDisruptionBudget();
    const objects = synthValid(chart);
    const budget = onlyOfKind(objects, 'PodDisruptionBudget');
    const deployment = onlyOfKind(objects, 'Deployment');

    expect(budget.apiVersion).toBe('policy/v1');
    expect(budget.metadata.name).toBe('orders-api-pdb');
    expect(pdb.name).toBe('orders-api-pdb');
    expect(pdb.replicas).toBe(2);
    expect(budget.spec.minAvailable).toBe(1);
    expect(budget.spec.maxUnavailable).toBeUndefined();
    expect(budget.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    expect(budget.spec.selector).toEqual(deployment.spec.selector);
    for (const [key, value] of Object.entries(budget.spec.selector.matchLabels)) {
      expect(deployment.spec.template.metadata.labels[key]).toBe(value);
    }
    expect(budget.metadata.labels).toEqual(deployment.metadata.labels);
  });

  test('maxUnavailable instead of minAvailable, and the Kubernetes default eviction policy', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, replicas: 5 });
    api.addDisruptionBudget({
      maxUnavailable: kplus.PercentOrAbsolute.percent(20),
      unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET,
    });
    const budget = onlyOfKind(synthValid(chart), 'PodDisruptionBudget');
    expect(budget.spec.maxUnavailable).toBe('20%');
    expect(budget.spec.minAvailable).toBeUndefined();
    expect(budget.spec.unhealthyPodEvictionPolicy).toBe('IfHealthyBudget');
  });

  test('a percentage minAvailable and a custom name, in its workload\'s namespace', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, replicas: 4, metadata: { namespace: 'shop' } });
    api.addDisruptionBudget({ minAvailable: kplus.PercentOrAbsolute.percent(50), metadata: { name: 'orders-budget', namespace: 'shop' } });
    const budget = onlyOfKind(synthValid(chart), 'PodDisruptionBudget');
    expect(budget.spec.minAvailable).toBe('50%');
    expect(budget.metadata).toMatchObject({ name: 'orders-budget', namespace: 'shop' });
  });

  test('works with any cdk8s-plus Deployment and follows labels selected later', () => {
    const chart = newChart();
    const plain = new kplus.Deployment(chart, 'plain', { replicas: 3, select: false, containers: [{ image: IMAGE, portNumber: 8080 }] });
    new ApiPdb(chart, 'pdb', { workload: plain, minAvailable: kplus.PercentOrAbsolute.absolute(2) });
    plain.select(kplus.LabelSelector.of({ labels: { app: 'plain' } }));
    const budget = onlyOfKind(ofKind(Testing.synth(chart), 'PodDisruptionBudget'), 'PodDisruptionBudget');
    expect(budget.spec.selector).toEqual({ matchLabels: { app: 'plain' } });
    expect(budget.spec.minAvailable).toBe(2);
    expect(budget.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-hardening' });
  });

  test('selects by label expressions when the workload selects by them alone', () => {
    const chart = newChart();
    const plain = new kplus.Deployment(chart, 'plain', { replicas: 3, select: false, containers: [{ image: IMAGE }] });
    plain.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.in('app', ['plain', 'legacy'])] }));
    new ApiPdb(chart, 'pdb', { workload: plain });
    const budget = onlyOfKind(Testing.synth(chart), 'PodDisruptionBudget');
    expect(budget.spec.selector).toEqual({ matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In', values: ['plain', 'legacy'] }] });
  });

  test('copies only the app.kubernetes.io labels of the workload', () => {
    const chart = newChart();
    const plain = new kplus.Deployment(chart, 'plain', {
      replicas: 3,
      metadata: { labels: { 'team': 'orders', 'app.kubernetes.io/name': 'plain', 'example.com/app.kubernetes.io': 'x' } },
      containers: [{ image: IMAGE }],
    });
    new ApiPdb(chart, 'pdb', { workload: plain });
    const budget = onlyOfKind(Testing.synth(chart), 'PodDisruptionBudget');
    expect(budget.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'plain', 'app.kubernetes.io/managed-by': 'cdk8s-hardening' });
  });

  test('works with a StatefulSet', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'svc', { clusterIP: 'None', ports: [{ port: 4222 }] });
    const nats = new kplus.StatefulSet(chart, 'nats', { replicas: 3, service, containers: [{ image: 'nats:2.10.22' }] });
    new ApiPdb(chart, 'pdb', { workload: nats });
    const budget = onlyOfKind(Testing.synth(chart), 'PodDisruptionBudget');
    expect(budget.spec.minAvailable).toBe(1);
    expect(Object.keys(budget.spec.selector.matchLabels)).toHaveLength(1);
  });
});

describe('ApiPdb refuses', () => {
  function deployment(replicas = 2) {
    const chart = newChart();
    return { chart, api: new HardenedDeployment(chart, 'api', { image: IMAGE, replicas }) };
  }

  test('fails with both minAvailable and maxUnavailable', () => {
    const { chart, api } = deployment(3);
    expect(() => new ApiPdb(chart, 'pdb', {
      workload: api, minAvailable: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(1),
    })).toThrow('minAvailable must not be combined with maxUnavailable (set one of them), got "minAvailable 1 and maxUnavailable 1"');
  });

  test('fails with minAvailable equal to replicas', () => {
    const { api } = deployment(2);
    expect(() => api.addDisruptionBudget({ minAvailable: kplus.PercentOrAbsolute.absolute(2) }))
      .toThrow('minAvailable must be below replicas (2), or drains deadlock with zero allowed disruptions, got 2');
  });

  test('fails with minAvailable above replicas', () => {
    const { api } = deployment(3);
    expect(() => api.addDisruptionBudget({ minAvailable: kplus.PercentOrAbsolute.absolute(5) }))
      .toThrow('minAvailable must be below replicas (3), or drains deadlock with zero allowed disruptions, got 5');
  });

  test('fails with a minAvailable percentage that rounds up to every replica', () => {
    const { api } = deployment(3);
    expect(() => api.addDisruptionBudget({ minAvailable: kplus.PercentOrAbsolute.percent(70) }))
      .toThrow('minAvailable must be below replicas (3), or drains deadlock with zero allowed disruptions, got "70%"');
  });

  test('fails with minAvailable 0', () => {
    const { api } = deployment(2);
    expect(() => api.addDisruptionBudget({ minAvailable: kplus.PercentOrAbsolute.absolute(0) }))
      .toThrow('minAvailable must be at least 1, or the budget protects nothing, got 0');
  });

  test('fails with maxUnavailable 0 (zero allowed disruptions)', () => {
    const { api } = deployment(2);
    expect(() => api.addDisruptionBudget({ maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }))
      .toThrow('maxUnavailable must allow at least 1 pod: a budget with zero allowed disruptions blocks every drain, got 0');
  });

  test('fails with maxUnavailable 0%', () => {
    const { api } = deployment(2);
    expect(() => api.addDisruptionBudget({ maxUnavailable: kplus.PercentOrAbsolute.percent(0) }))
      .toThrow('maxUnavailable must allow at least 1 pod: a budget with zero allowed disruptions blocks every drain, got "0%"');
  });

  test('fails with maxUnavailable covering every replica', () => {
    const { api } = deployment(2);
    expect(() => api.addDisruptionBudget({ maxUnavailable: kplus.PercentOrAbsolute.percent(100) }))
      .toThrow('maxUnavailable must be below replicas (2), or a drain may take every pod down, got "100%"');
  });

  test('fails with a target of fewer than 2 replicas', () => {
    const { api } = deployment(1);
    expect(() => api.addDisruptionBudget())
      .toThrow('workload must run at least 2 replicas: with 1 a budget either blocks every drain or protects nothing (test/api has 1), got 1');
  });

  test('fails with a StatefulSet left at its default of 1 replica', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'svc', { clusterIP: 'None', ports: [{ port: 4222 }] });
    const nats = new kplus.StatefulSet(chart, 'nats', { service, containers: [{ image: 'nats:2.10.22' }] });
    expect(() => new ApiPdb(chart, 'pdb', { workload: nats }))
      .toThrow('workload must run at least 2 replicas: with 1 a budget either blocks every drain or protects nothing (test/nats has 1), got 1');
  });

  test('fails with a workload that is not a Deployment or StatefulSet', () => {
    const chart = newChart();
    const job = new kplus.Job(chart, 'job', { containers: [{ image: IMAGE }] });
    expect(() => new ApiPdb(chart, 'pdb', { workload: job }))
      .toThrow('workload must be a Deployment or a StatefulSet (the workloads a drain evicts through a budget), got "test/job"');
  });

  test('fails with a second budget for the same workload', () => {
    const { chart, api } = deployment(3);
    api.addDisruptionBudget();
    expect(() => new ApiPdb(chart, 'pdb', { workload: api }))
      .toThrow('workload must have at most one disruption budget: the eviction API refuses pods selected by two, got "test/api"');
  });

  test('fails at synth when the workload selects no labels', () => {
    const chart = newChart();
    const plain = new kplus.Deployment(chart, 'plain', { select: false, containers: [{ image: IMAGE }] });
    new ApiPdb(chart, 'pdb', { workload: plain });
    expect(() => Testing.synth(chart)).toThrow(
      'workload test/plain must select its pods by label, got an empty selector (a budget with an empty selector covers every pod in the namespace)',
    );
  });

  test.each([
    ['an absolute NaN', kplus.PercentOrAbsolute.absolute(NaN), 'minAvailable must be PercentOrAbsolute.absolute(n) with n a whole number from 0 to 2147483647 (int32), got NaN'],
    ['a fractional absolute', kplus.PercentOrAbsolute.absolute(1.5), 'minAvailable must be PercentOrAbsolute.absolute(n) with n a whole number from 0 to 2147483647 (int32), got 1.5'],
    ['a fractional percentage', kplus.PercentOrAbsolute.percent(50.5), 'minAvailable must be PercentOrAbsolute.percent(n) with n a whole number from 0 to 100, got "50.5%"'],
    ['a negative percentage', kplus.PercentOrAbsolute.percent(-10), 'minAvailable must be PercentOrAbsolute.percent(n) with n a whole number from 0 to 100, got "-10%"'],
  ])('fails with a minAvailable of %s', (_name, minAvailable, message) => {
    const { api } = deployment(4);
    expect(() => api.addDisruptionBudget({ minAvailable })).toThrow(message);
  });

  test('fails with a maxUnavailable that is not a whole number', () => {
    const { api } = deployment(4);
    expect(() => api.addDisruptionBudget({ maxUnavailable: kplus.PercentOrAbsolute.absolute(1.5) }))
      .toThrow('maxUnavailable must be PercentOrAbsolute.absolute(n) with n a whole number from 0 to 2147483647 (int32), got 1.5');
    expect(() => api.addDisruptionBudget({ maxUnavailable: kplus.PercentOrAbsolute.percent(150) }))
      .toThrow('maxUnavailable must be PercentOrAbsolute.percent(n) with n a whole number from 0 to 100, got "150%"');
  });

  test('fails with a name or namespace the API server refuses', () => {
    const { api } = deployment(3);
    expect(() => api.addDisruptionBudget({ metadata: { name: 'Orders_Budget' } })).toThrow(
      'metadata.name must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got "Orders_Budget"');
    expect(() => api.addDisruptionBudget({ metadata: { namespace: '' } })).toThrow(
      'metadata.namespace must be a DNS-1123 label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit, got ""');
    expect(() => api.addDisruptionBudget({ metadata: { labels: { team: 'a b' } } })).toThrow(
      'metadata.labels["team"] must be a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, or empty, got "a b"');
  });

  test('fails with an eviction policy that is not one of the enum (a plain string from JavaScript)', () => {
    const { api } = deployment(3);
    expect(() => api.addDisruptionBudget({ unhealthyPodEvictionPolicy: 'Never' as UnhealthyPodEvictionPolicy }))
      .toThrow('unhealthyPodEvictionPolicy must be one of AlwaysAllow, IfHealthyBudget, got "Never"');
  });
});
