import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ChaosDirection, ChaosNetworkPolicy, HardenedDeployment } from '../src';
import { newChart, toYaml } from './support/charts';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';

describe('ChaosNetworkPolicy', () => {
  test('snapshot', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
    new ChaosNetworkPolicy(chart, 'block', { workload: api, metadata: { name: 'orders-api-partition' } });
    expect(toYaml(ofKind(synthValid(chart), 'NetworkPolicy').filter((p) => p.metadata.name === 'orders-api-partition'))).toMatchSnapshot();
  });

  test('isolates the workload\'s pods in both directions, labelled and annotated as chaos', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
    const chaos = new ChaosNetworkPolicy(chart, 'block', { workload: api, metadata: { name: 'orders-api-partition' }, duration: Duration.minutes(2) });
    const policy = ofKind(synthValid(chart), 'NetworkPolicy').find((p) => p.metadata.name === 'orders-api-partition');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    });
    expect(policy.metadata.labels).toEqual({
      'app.kubernetes.io/component': 'chaos', 'app.kubernetes.io/managed-by': 'cdk8s-hardening', 'chaos.cdk8s-hardening.io/scenario': 'network-block',
    });
    expect(policy.metadata.annotations).toEqual({
      'chaos.cdk8s-hardening.io/duration': '120s',
      'chaos.cdk8s-hardening.io/direction': 'Both',
      'chaos.cdk8s-hardening.io/note': 'isolates the selected pods; delete this NetworkPolicy to end the partition',
    });
    expect(chaos.podLabels).toEqual({ 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' });
  });

  test('explicit labels, one direction, a scenario name', () => {
    const chart = newChart();
    new ChaosNetworkPolicy(chart, 'block', { podLabels: { app: 'nats' }, direction: ChaosDirection.EGRESS, scenario: 'nats-egress-cut' });
    const policy = onlyOfKind(synthValid(chart), 'NetworkPolicy');
    expect(policy.spec).toEqual({ podSelector: { matchLabels: { app: 'nats' } }, policyTypes: ['Egress'], egress: [] });
    expect(policy.metadata.labels['chaos.cdk8s-hardening.io/scenario']).toBe('nats-egress-cut');
  });

  test('no label can arm or disarm it: its selector is the pod labels only', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
    new ChaosNetworkPolicy(chart, 'block', { workload: api, metadata: { name: 'orders-api-partition' } });
    const policy = ofKind(synthValid(chart), 'NetworkPolicy').find((p) => p.metadata.name === 'orders-api-partition');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } });
  });
});

describe('ChaosNetworkPolicy refuses', () => {
  test('fails with empty pod labels', () => {
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { podLabels: {} }))
      .toThrow('podLabels must select pods by at least one label: an empty selector isolates every pod in the namespace, got {}');
  });

  test('fails with a workload that selects no labels', () => {
    const chart = newChart();
    const plain = new kplus.Deployment(chart, 'plain', { select: false, containers: [{ image: IMAGE }] });
    expect(() => new ChaosNetworkPolicy(chart, 'block', { workload: plain }))
      .toThrow('workload must select pods by at least one label: an empty selector isolates every pod in the namespace, got "test/plain"');
  });

  test('fails with neither or both of workload and podLabels', () => {
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE });
    expect(() => new ChaosNetworkPolicy(chart, 'a', {})).toThrow('workload must be given, or podLabels instead, but not both, got "neither"');
    expect(() => new ChaosNetworkPolicy(chart, 'b', { workload: api, podLabels: { app: 'x' } }))
      .toThrow('workload must be given, or podLabels instead, but not both, got "both"');
  });

  test('fails with pod labels that are no labels', () => {
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { podLabels: { 'nats,app.kubernetes.io/instance!': 'x' } }))
      .toThrow('podLabels key must be a label key: an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "nats,app.kubernetes.io/instance!"');
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { podLabels: { app: 'nats,app.kubernetes.io/instance!=x' } }))
      .toThrow('podLabels["app"] must be a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, or empty, got "nats,app.kubernetes.io/instance!=x"');
  });

  test('fails with a workload whose selector labels are no labels', () => {
    const chart = newChart();
    const plain = new kplus.Deployment(chart, 'plain', { select: false, containers: [{ image: IMAGE }] });
    plain.select(kplus.LabelSelector.of({ labels: { 'nats,app.kubernetes.io/instance!': 'x' } }));
    expect(() => new ChaosNetworkPolicy(chart, 'block', { workload: plain }))
      .toThrow('workload key must be a label key: an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "nats,app.kubernetes.io/instance!"');
  });

  test('fails with a duration that is not whole seconds', () => {
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { podLabels: { app: 'x' }, duration: Duration.millis(30_500) }))
      .toThrow('duration must be whole seconds from 1 second to 2147483647 seconds (int32), got 30 seconds 500 millis');
  });

  test('fails with a scenario that is not a label value', () => {
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { podLabels: { app: 'x' }, scenario: 'network block!' }))
      .toThrow('scenario must be a label value: at most 63 letters, digits, dashes, dots and underscores, got "network block!"');
    // an empty label value is valid, but names no scenario
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { podLabels: { app: 'x' }, scenario: '' }))
      .toThrow('scenario must be a label value: at most 63 letters, digits, dashes, dots and underscores, got ""');
  });

  test('fails with metadata the API server refuses', () => {
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { podLabels: { app: 'x' }, metadata: { labels: { 'bad key!': 'x' } } }))
      .toThrow('metadata.labels key must be a label key: an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit, got "bad key!"');
    expect(() => new ChaosNetworkPolicy(newChart(), 'block', { podLabels: { app: 'x' }, metadata: { name: 'Orders_Partition' } }))
      .toThrow('metadata.name must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, got "Orders_Partition"');
  });
});
