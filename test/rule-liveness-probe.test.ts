import { LivenessProbeRule } from '../src';

// The rule alone, on one Deployment whose container has a liveness and a readiness probe: each case
// sets both probes and pins the exact problems, so every handler kind is compared field by field.
const rule = new LivenessProbeRule();

function deployment(container: any, kind = 'Deployment'): any {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'd' },
    spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', ...container }] } } },
  };
}

const problems = (container: any, kind?: string): string[] => {
  const workload = deployment(container, kind);
  return rule.check(workload, [workload]);
};
const probes = (livenessProbe: any, readinessProbe: any) => problems({ livenessProbe, readinessProbe });
const SAME = ['container api uses the same handler for liveness and readiness'];

describe('liveness-probe', () => {
  test('a container without a liveness probe is flagged', () => {
    expect(problems({ readinessProbe: { httpGet: { path: '/ready', port: 8080 } } })).toEqual(['container api has no livenessProbe']);
    expect(problems({})).toEqual(['container api has no livenessProbe']);
  });

  test('a liveness probe without a readiness probe is enough', () => {
    expect(problems({ livenessProbe: { httpGet: { path: '/live', port: 8080 } } })).toEqual([]);
  });

  test.each<[string, any, any, string[]]>([
    ['httpGet, same path and port', { httpGet: { path: '/health', port: 8080 } }, { httpGet: { path: '/health', port: 8080 } }, SAME],
    ['httpGet, other path', { httpGet: { path: '/live', port: 8080 } }, { httpGet: { path: '/ready', port: 8080 } }, []],
    ['httpGet, other port', { httpGet: { path: '/health', port: 8080 } }, { httpGet: { path: '/health', port: 9090 } }, []],
    ['tcpSocket, same port', { tcpSocket: { port: 4222 } }, { tcpSocket: { port: 4222 } }, SAME],
    ['tcpSocket, other port', { tcpSocket: { port: 4222 } }, { tcpSocket: { port: 8222 } }, []],
    ['exec, same command', { exec: { command: ['cat', '/tmp/ok'] } }, { exec: { command: ['cat', '/tmp/ok'] } }, SAME],
    ['exec, other command', { exec: { command: ['cat', '/tmp/live'] } }, { exec: { command: ['cat', '/tmp/ready'] } }, []],
    ['grpc, same port and service', { grpc: { port: 9000, service: 'api' } }, { grpc: { port: 9000, service: 'api' } }, SAME],
    ['grpc, same port and no service', { grpc: { port: 9000 } }, { grpc: { port: 9000 } }, SAME],
    ['grpc, other port', { grpc: { port: 9000, service: 'api' } }, { grpc: { port: 9001, service: 'api' } }, []],
    ['grpc, other service', { grpc: { port: 9000, service: 'liveness' } }, { grpc: { port: 9000, service: 'readiness' } }, []],
  ])('%s', (_name, live, ready, expected) => {
    expect(probes(live, ready)).toEqual(expected);
  });

  test.each<[string, any, any]>([
    ['httpGet and tcpSocket', { httpGet: { path: '/health', port: 8080 } }, { tcpSocket: { port: 8080 } }],
    ['tcpSocket and httpGet', { tcpSocket: { port: 8080 } }, { httpGet: { path: '/health', port: 8080 } }],
    ['tcpSocket and exec', { tcpSocket: { port: 8080 } }, { exec: { command: ['true'] } }],
    ['exec and tcpSocket', { exec: { command: ['true'] } }, { tcpSocket: { port: 8080 } }],
    ['exec and grpc', { exec: { command: ['true'] } }, { grpc: { port: 8080 } }],
    ['grpc and exec', { grpc: { port: 8080 } }, { exec: { command: ['true'] } }],
    ['grpc and httpGet', { grpc: { port: 8080 } }, { httpGet: { path: '/health', port: 8080 } }],
    ['httpGet and grpc', { httpGet: { path: '/health', port: 8080 } }, { grpc: { port: 8080 } }],
  ])('handlers of different kinds (%s) are distinct', (_name, live, ready) => {
    expect(probes(live, ready)).toEqual([]);
  });

  test('every container is checked, init containers are not', () => {
    const same = { httpGet: { path: '/health', port: 8080 } };
    const workload = deployment({ livenessProbe: same, readinessProbe: same });
    workload.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox:1.36' });
    workload.spec.template.spec.initContainers = [{ name: 'setup', image: 'busybox:1.36' }];
    expect(rule.check(workload, [workload])).toEqual([...SAME, 'container sidecar has no livenessProbe']);
  });

  test.each(['StatefulSet', 'DaemonSet', 'ReplicaSet'])('applies to a %s', (kind) => {
    expect(problems({}, kind)).toEqual(['container api has no livenessProbe']);
  });

  test('a long-running kind without a pod spec has nothing to check', () => {
    expect(rule.check({ kind: 'Deployment', metadata: { name: 'd' } }, [])).toEqual([]);
  });

  test.each(['Job', 'Pod', 'ConfigMap'])('a %s is not its concern', (kind) => {
    const job = kind === 'Pod'
      ? { kind, metadata: { name: 'p' }, spec: { containers: [{ name: 'api' }] } }
      : { ...deployment({}), kind };
    expect(rule.check(job, [job])).toEqual([]);
  });
});
