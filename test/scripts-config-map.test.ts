import { Chart, Testing } from 'cdk8s';
import { contentHash, immutableScripts } from '../src/_scripts-config-map';

describe('immutable scripts ConfigMap', () => {
  test('immutable, named by owner and content', () => {
    const chart = new Chart(Testing.app(), 'test');
    immutableScripts(chart, 'Scripts', { owner: 'orders-backup', labels: { app: 'x' }, namespace: 'orders' }, { 'a.sh': 'echo a\n' });
    const [cm] = Testing.synth(chart);
    expect(cm.immutable).toBe(true);
    expect(cm.metadata.name).toBe(`orders-backup-scripts-${contentHash({ 'a.sh': 'echo a\n' })}`);
    expect(cm.metadata.name).toMatch(/^orders-backup-scripts-[0-9a-f]{10}$/);
    expect(cm.data).toEqual({ 'a.sh': 'echo a\n' });
    expect(cm.metadata.namespace).toBe('orders');
    expect(cm.metadata.labels).toEqual({ app: 'x' });
  });

  test('a changed script, a renamed file or another order of the same files', () => {
    const base = contentHash({ 'a.sh': 'echo a\n', 'b.sh': 'echo b\n' });
    expect(contentHash({ 'b.sh': 'echo b\n', 'a.sh': 'echo a\n' })).toBe(base);
    expect(contentHash({ 'a.sh': 'echo A\n', 'b.sh': 'echo b\n' })).not.toBe(base);
    expect(contentHash({ 'c.sh': 'echo a\n', 'b.sh': 'echo b\n' })).not.toBe(base);
    // the separator keeps file boundaries: moving text between name and content changes the hash
    expect(contentHash({ a: '.sh' })).not.toBe(contentHash({ 'a.': 'sh' }));
  });
});
