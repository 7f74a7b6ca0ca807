import { ReadOnlyRootFilesystemRule } from '../src';
import { podOf } from './support/rule-check';

// The rule alone, on pods whose containers set readOnlyRootFilesystem to true, to false, or not at all.
const rule = new ReadOnlyRootFilesystemRule();
const readOnly = (name: string) => ({ name, securityContext: { readOnlyRootFilesystem: true } });

describe('read-only-root-filesystem', () => {
  test('containers with a read-only root filesystem have no problems', () => {
    expect(rule.check(podOf({ initContainers: [readOnly('setup')], containers: [readOnly('api')] }), [])).toEqual([]);
  });

  test.each<[string, any]>([
    ['false', { name: 'api', securityContext: { readOnlyRootFilesystem: false } }],
    ['left out of the securityContext', { name: 'api', securityContext: { runAsNonRoot: true } }],
    ['without a securityContext', { name: 'api' }],
  ])('flags a container with readOnlyRootFilesystem %s', (_name, container) => {
    expect(rule.check(podOf({ containers: [container] }), [])).toEqual(['container api has a writable root filesystem']);
  });

  test('names init containers and containers', () => {
    expect(rule.check(podOf({ initContainers: [{ name: 'setup' }], containers: [readOnly('api'), { name: 'sidecar' }] }), []))
      .toEqual(['init container setup has a writable root filesystem', 'container sidecar has a writable root filesystem']);
  });

  test('reads the pod template of a workload; objects without pods are not its concern', () => {
    expect(rule.check({ kind: 'StatefulSet', spec: { template: { spec: { containers: [{ name: 'db' }] } } } }, []))
      .toEqual(['container db has a writable root filesystem']);
    expect(rule.check({ kind: 'ConfigMap', metadata: { name: 'c' } }, [])).toEqual([]);
  });
});
