import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { applyLabels, MANAGED_BY, recommendedLabels, selectorLabels } from '../src/_labels';

const BASE = { name: 'orders', instance: 'orders-eu', component: 'api' };
const ALWAYS = {
  'app.kubernetes.io/name': 'orders',
  'app.kubernetes.io/instance': 'orders-eu',
  'app.kubernetes.io/component': 'api',
  'app.kubernetes.io/managed-by': 'cdk8s-hardening',
};

describe('the recommended labels', () => {
  test('name, instance, component and managed-by, and nothing else when nothing else is given', () => {
    expect(MANAGED_BY).toBe('cdk8s-hardening');
    // toStrictEqual: a key present with the value undefined would fail
    expect(recommendedLabels(BASE)).toStrictEqual(ALWAYS);
  });

  test('version and part-of when given', () => {
    expect(recommendedLabels({ ...BASE, version: '1.4.2', partOf: 'shop' }))
      .toStrictEqual({ ...ALWAYS, 'app.kubernetes.io/version': '1.4.2', 'app.kubernetes.io/part-of': 'shop' });
  });

  test.each([
    ['longer than 63 characters', 'v'.repeat(64)],
    ['with a character a label value cannot hold', '1.4.2+build.7'],
  ])('a version %s is left out rather than refused (image tags allow more than label values)', (_, version) => {
    expect(recommendedLabels({ ...BASE, version })).toStrictEqual(ALWAYS);
  });

  test('a version of exactly 63 characters is kept', () => {
    expect(recommendedLabels({ ...BASE, version: 'v'.repeat(63) })['app.kubernetes.io/version']).toBe('v'.repeat(63));
  });

  test('the selector labels are name and instance only: version changes, a selector must not', () => {
    expect(selectorLabels('orders', 'orders-eu')).toStrictEqual({ 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders-eu' });
  });

  test('applyLabels puts every label on every metadata it is given', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'd', { containers: [{ image: 'nginx:1.27' }] });
    applyLabels({ a: '1', b: '2' }, deployment.metadata, deployment.podMetadata);
    const [manifest] = Testing.synth(chart);
    expect(manifest.metadata.labels).toEqual({ a: '1', b: '2' });
    expect(manifest.spec.template.metadata.labels).toMatchObject({ a: '1', b: '2' });
  });
});
