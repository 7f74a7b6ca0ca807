import { PodSecurityRestrictedRule } from '../src';
import { podOf, problemsAfter } from './support/rule-check';

// The rule alone, on one Pod the restricted profile admits, changed one field at a time: each
// case pins the exact problems, so a check that stops looking (or looks at the wrong level of the
// pod/container securityContext) fails here and not only in a snapshot.
const rule = new PodSecurityRestrictedRule();

function compliantPod(): any {
  return podOf({
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    volumes: [{ name: 'tmp', emptyDir: {} }],
    containers: [{
      name: 'api',
      image: 'ghcr.io/acme/api:1.0.0',
      ports: [{ containerPort: 8080 }],
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }],
  });
}

const problems = (change: (pod: any) => void): string[] => problemsAfter(rule, compliantPod, change);
const api = (pod: any) => pod.spec.containers[0];

describe('pod-security-restricted', () => {
  test('a pod of the restricted profile has no problems', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  test.each<[string, (pod: any) => void, string[]]>([
    ['hostNetwork', (p) => (p.spec.hostNetwork = true), ['hostNetwork is true']],
    ['hostPID', (p) => (p.spec.hostPID = true), ['hostPID is true']],
    ['hostIPC', (p) => (p.spec.hostIPC = true), ['hostIPC is true']],
    ['a hostPath volume', (p) => p.spec.volumes.push({ name: 'root', hostPath: { path: '/' } }), ['volume root is a hostPath volume']],
    ['a privileged container', (p) => (api(p).securityContext.privileged = true), ['container api is privileged']],
    ['allowPrivilegeEscalation left out', (p) => delete api(p).securityContext.allowPrivilegeEscalation, ['container api does not set allowPrivilegeEscalation: false']],
    ['runAsNonRoot nowhere', (p) => delete p.spec.securityContext.runAsNonRoot, ['container api does not set runAsNonRoot: true']],
    ['runAsNonRoot false on the container over true on the pod', (p) => (api(p).securityContext.runAsNonRoot = false), ['container api does not set runAsNonRoot: true']],
    ['uid 0 on the pod', (p) => (p.spec.securityContext.runAsUser = 0), ['container api runs as uid 0']],
    ['uid 0 on the container', (p) => (api(p).securityContext.runAsUser = 0), ['container api runs as uid 0']],
    ['no seccomp profile', (p) => delete p.spec.securityContext.seccompProfile, ['container api has no seccomp profile RuntimeDefault or Localhost']],
    ['Unconfined on the container over RuntimeDefault on the pod', (p) => (api(p).securityContext.seccompProfile = { type: 'Unconfined' }),
      ['container api has no seccomp profile RuntimeDefault or Localhost']],
    ['no capabilities dropped', (p) => delete api(p).securityContext.capabilities, ['container api does not drop ALL capabilities']],
    ['NET_RAW dropped instead of ALL', (p) => (api(p).securityContext.capabilities.drop = ['NET_RAW']), ['container api does not drop ALL capabilities']],
    ['a capability added besides NET_BIND_SERVICE', (p) => (api(p).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']),
      ['container api adds capability SYS_ADMIN']],
    ['a hostPort', (p) => (api(p).ports = [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }]), ['container api uses a hostPort']],
    ['an init container that is not restricted', (p) => (p.spec.initContainers = [{ name: 'setup', image: 'busybox:1.36' }]), [
      'init container setup does not set allowPrivilegeEscalation: false',
      'init container setup does not drop ALL capabilities',
    ]],
  ])('flags %s', (_name, change, expected) => {
    expect(problems(change)).toEqual(expected);
  });

  test.each<[string, (pod: any) => void]>([
    ['hostNetwork false', (p) => (p.spec.hostNetwork = false)],
    ['every volume type the profile allows', (p) => {
      p.spec.volumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']
        .map((type, i) => ({ name: `v${i}`, [type]: {} }));
    }],
    ['a volume with only a name (emptyDir is the default)', (p) => p.spec.volumes.push({ name: 'bare' })],
    ['privileged false', (p) => (api(p).securityContext.privileged = false)],
    ['runAsNonRoot on the container alone', (p) => { delete p.spec.securityContext.runAsNonRoot; api(p).securityContext.runAsNonRoot = true; }],
    ['a non-zero uid on the container over uid 0 on the pod', (p) => { p.spec.securityContext.runAsUser = 0; api(p).securityContext.runAsUser = 1000; }],
    ['Localhost seccomp on the container alone', (p) => {
      delete p.spec.securityContext.seccompProfile;
      api(p).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'api.json' };
    }],
    ['everything on the container and no pod securityContext', (p) => {
      delete p.spec.securityContext;
      Object.assign(api(p).securityContext, { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    }],
    ['NET_BIND_SERVICE added', (p) => (api(p).securityContext.capabilities.add = ['NET_BIND_SERVICE'])],
    ['hostPort 0', (p) => (api(p).ports = [{ containerPort: 8080, hostPort: 0 }])],
    ['no ports', (p) => delete api(p).ports],
  ])('allows %s', (_name, change) => {
    expect(problems(change)).toEqual([]);
  });

  test('objects without pods are not its concern', () => {
    expect(rule.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, [])).toEqual([]);
  });

  test('reads the pod template of a Deployment and of a CronJob', () => {
    const pod = compliantPod();
    api(pod).securityContext.privileged = true;
    const template = { metadata: { labels: { app: 'a' } }, spec: pod.spec };
    expect(rule.check({ kind: 'Deployment', spec: { template } }, [])).toEqual(['container api is privileged']);
    expect(rule.check({ kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } }, [])).toEqual(['container api is privileged']);
  });
});
