import * as kplus from 'cdk8s-plus-28';
import { HardenedDeployment } from '../src';
import { newChart } from './support/charts';
import { manifestProblems, synthValid } from './support/manifests';

// The validator is the oracle of every other test: it must be able to fail.
describe('manifest validation helper', () => {
  test('passes a HardenedDeployment', () => {
    const chart = newChart();
    new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0' });
    expect(() => synthValid(chart)).not.toThrow();
  });

  test('flags a plain cdk8s-plus-28 Deployment under PSS restricted', () => {
    const chart = newChart();
    new kplus.Deployment(chart, 'plain', { containers: [{ image: 'ghcr.io/acme/api:1.0.0' }] });
    expect(() => synthValid(chart)).toThrow(/pss-restricted: .*seccompProfile must be set/);
    expect(() => synthValid(chart)).toThrow(/pss-restricted: .*capabilities.drop must include ALL/);
  });

  test('flags schema errors', () => {
    const problems = manifestProblems([{
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'x' }, spec: { minAvailable: 1, unhealthyPodEvictionPolicy: 5 },
    }]);
    expect(problems).toEqual([
      'PodDisruptionBudget/x: schema: /spec/unhealthyPodEvictionPolicy must be string',
      'PodDisruptionBudget/x: schema: /spec/unhealthyPodEvictionPolicy must be equal to one of the allowed values',
    ]);
  });

  test('flags NetworkPolicy egress open to every address, DNS included', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p' },
      spec: {
        podSelector: { matchLabels: { app: 'a' } },
        policyTypes: ['Egress'],
        egress: [
          { ports: [{ port: 53, protocol: 'UDP' }] },
          { to: [], ports: [{ port: 443 }] },
          { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        ],
      },
    };
    expect(manifestProblems([policy])).toEqual([
      'NetworkPolicy/p: egress: ports ["53/UDP"] open to every address',
      'NetworkPolicy/p: egress: ports ["443/TCP"] open to every address',
    ]);
  });

  test('flags an unknown kind instead of passing it', () => {
    expect(manifestProblems([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]))
      .toEqual(['Widget/w: schema: no Kubernetes schema for example.com/v1 Widget']);
  });

  test('flags privileged, host namespaces, hostPath, root and unpinned images', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad' },
      spec: {
        hostNetwork: true,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
        volumes: [{ name: 'host', hostPath: { path: '/var/run' } }],
        containers: [{
          name: 'c',
          image: 'busybox:latest',
          ports: [{ containerPort: 80, hostPort: 80 }],
          securityContext: {
            privileged: true, runAsUser: 0, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'], drop: ['NET_RAW'] },
          },
        }],
      },
    };
    const problems = manifestProblems([pod]).join('\n');
    for (const expected of [
      '/spec/hostNetwork must not be true',
      '/spec/volumes/0 must not be a hostPath volume',
      'seccompProfile/type must be RuntimeDefault or Localhost, got Unconfined',
      'securityContext.privileged must not be true',
      'ports/0/hostPort must be unset or 0',
      'securityContext.allowPrivilegeEscalation must be false',
      'securityContext.runAsUser must not be 0',
      'capabilities.drop must include ALL',
      'capabilities.add may only hold NET_BIND_SERVICE, got SYS_ADMIN',
      'image "busybox:latest" is not pinned',
    ]) {
      expect(problems).toContain(expected);
    }
  });
});
