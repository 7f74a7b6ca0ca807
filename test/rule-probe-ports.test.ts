import { ProbePortsRule } from '../src';
import { podOf } from './support/rule-check';

// The rule alone, on one container with a declared port probed in each way a probe can name a port.
const rule = new ProbePortsRule();
const declared = [{ containerPort: 8080, name: 'http' }];
const problems = (fields: any): string[] =>
  rule.check(podOf({ containers: [{ name: 'api', ports: declared, ...fields }] }), []);

describe('probe-ports', () => {
  test.each<[string, any]>([
    ['an httpGet probe by number', { httpGet: { path: '/ready', port: 8080 } }],
    ['an httpGet probe by name', { httpGet: { path: '/ready', port: 'http' } }],
    ['a tcpSocket probe', { tcpSocket: { port: 8080 } }],
    ['a grpc probe', { grpc: { port: 8080 } }],
    ['an exec probe, which has no port', { exec: { command: ['true'] } }],
  ])('%s on a declared port has no problems, as readiness, liveness and startup probe', (_name, probe) => {
    expect(problems({ readinessProbe: probe, livenessProbe: probe, startupProbe: probe })).toEqual([]);
  });

  test('an exec probe needs no ports at all', () => {
    expect(problems({ ports: undefined, livenessProbe: { exec: { command: ['true'] } } })).toEqual([]);
  });

  test.each<[string, any, string]>([
    ['an httpGet port', { httpGet: { path: '/ready', port: 9090 } }, '9090'],
    ['an httpGet port name', { httpGet: { path: '/ready', port: 'metrics' } }, 'metrics'],
    ['a tcpSocket port', { tcpSocket: { port: 9090 } }, '9090'],
    ['a grpc port', { grpc: { port: 9090 } }, '9090'],
  ])('flags %s the container does not declare, for each kind of probe', (_name, probe, port) => {
    expect(problems({ readinessProbe: probe })).toEqual([`container api readinessProbe targets port ${port}, which the container does not declare`]);
    expect(problems({ livenessProbe: probe })).toEqual([`container api livenessProbe targets port ${port}, which the container does not declare`]);
    expect(problems({ startupProbe: probe })).toEqual([`container api startupProbe targets port ${port}, which the container does not declare`]);
  });

  test('a container without ports declares none', () => {
    expect(problems({ ports: undefined, readinessProbe: { tcpSocket: { port: 8080 } } }))
      .toEqual(['container api readinessProbe targets port 8080, which the container does not declare']);
  });

  test('reports the probes in the order readiness, liveness, startup, and init containers first', () => {
    const bad = { tcpSocket: { port: 9090 } };
    const containers = [{ name: 'api', ports: [], startupProbe: bad, livenessProbe: bad, readinessProbe: bad }];
    const initContainers = [{ name: 'setup', startupProbe: bad }];
    expect(rule.check({ kind: 'Deployment', spec: { template: { spec: { initContainers, containers } } } }, [])).toEqual([
      'init container setup startupProbe targets port 9090, which the container does not declare',
      'container api readinessProbe targets port 9090, which the container does not declare',
      'container api livenessProbe targets port 9090, which the container does not declare',
      'container api startupProbe targets port 9090, which the container does not declare',
    ]);
  });

  test('objects without pods are not its concern', () => {
    expect(rule.check({ kind: 'Service', spec: { ports: [{ port: 80 }] } }, [])).toEqual([]);
  });
});
