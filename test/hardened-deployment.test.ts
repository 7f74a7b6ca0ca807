import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EgressRule, HardenedDeployment } from '../src';
import { newChart, toYaml } from './support/charts';
import { CLUSTER_DNS_EGRESS, restrictedContainerSecurityContext } from './support/expected';
import { onlyOfKind, synthValid } from './support/manifests';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';

function synthDeployment(props: Partial<ConstructorParameters<typeof HardenedDeployment>[2]> = {}) {
  const chart = newChart();
  const deployment = new HardenedDeployment(chart, 'api', { image: IMAGE, ...props });
  const objects = synthValid(chart);
  return { chart, deployment, objects, manifest: onlyOfKind(objects, 'Deployment') };
}

describe('HardenedDeployment', () => {
  test('snapshot with defaults, its Service and its disruption budget', () => {
    const chart = newChart();
    const deployment = new HardenedDeployment(chart, 'api', { image: IMAGE, service: true, metadata: { name: 'orders-api' } });
    deployment.addDisruptionBudget();
    expect(toYaml(synthValid(chart))).toMatchSnapshot();
  });

  test('zero-downtime rollout: RollingUpdate, maxSurge 1, maxUnavailable 0, 2 replicas', () => {
    const { manifest } = synthDeployment();
    expect(manifest.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(manifest.spec.replicas).toBe(2);
    expect(manifest.spec.minReadySeconds).toBe(10);
    expect(manifest.spec.progressDeadlineSeconds).toBe(300);
    expect(manifest.spec.revisionHistoryLimit).toBe(5);
  });

  test('every rollout default can be overridden', () => {
    const { manifest } = synthDeployment({
      replicas: 4,
      maxSurge: kplus.PercentOrAbsolute.percent(50),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(1),
      minReady: Duration.seconds(30),
      progressDeadline: Duration.minutes(15),
      revisionHistoryLimit: 2,
    });
    expect(manifest.spec.strategy.rollingUpdate).toEqual({ maxSurge: '50%', maxUnavailable: 1 });
    expect(manifest.spec.replicas).toBe(4);
    expect(manifest.spec.minReadySeconds).toBe(30);
    expect(manifest.spec.progressDeadlineSeconds).toBe(900);
    expect(manifest.spec.revisionHistoryLimit).toBe(2);
  });

  test('readiness and liveness probe distinct paths on the declared, named container port', () => {
    const { manifest } = synthDeployment();
    const container = manifest.spec.template.spec.containers[0];
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8080, scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 8080, scheme: 'HTTP' });
    expect(container.readinessProbe.periodSeconds).toBe(5);
    expect(container.livenessProbe.periodSeconds).toBe(10);
    expect(container.livenessProbe.initialDelaySeconds).toBe(10);
    expect(container.startupProbe).toBeUndefined();
  });

  test('probe paths, port and a startup probe are configurable', () => {
    const { manifest } = synthDeployment({
      port: 3000, portName: 'api', readinessPath: '/health/ready', livenessPath: '/health/live', startupTimeout: Duration.minutes(2),
    });
    const container = manifest.spec.template.spec.containers[0];
    expect(container.ports).toEqual([{ containerPort: 3000, name: 'api', protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 3000, scheme: 'HTTP' });
    expect(container.livenessProbe.initialDelaySeconds).toBeUndefined();
    expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health/live', port: 3000 }, periodSeconds: 5, failureThreshold: 24 });
  });

  test('cpu, memory and ephemeral-storage requests and limits by default', () => {
    const { manifest } = synthDeployment();
    expect(manifest.spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  test('a partial resources override keeps the other defaults', () => {
    const { manifest } = synthDeployment({
      resources: {
        memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
        ephemeralStorage: { request: Size.mebibytes(100), limit: Size.gibibytes(2) },
      },
    });
    expect(manifest.spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '512Mi', 'ephemeral-storage': '100Mi' },
      limits: { 'cpu': '500m', 'memory': '1024Mi', 'ephemeral-storage': '2Gi' },
    });
  });

  test('pod security: restricted profile with ids above 10000, read-only root and a writable /tmp', () => {
    const { manifest } = synthDeployment();
    const pod = manifest.spec.template.spec;
    const container = pod.containers[0];
    expect(container.securityContext).toEqual(restrictedContainerSecurityContext(65532, 65532));
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork).toBe(false);
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'writable-0' }]);
    expect(pod.volumes).toEqual([{ name: 'writable-0', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('ids, writable paths and token automount are configurable', () => {
    const { manifest } = synthDeployment({
      user: 20001, group: 20002, writablePaths: ['/tmp', '/var/cache/app'], writablePathSizeLimit: Size.mebibytes(128), automountServiceAccountToken: true,
    });
    const pod = manifest.spec.template.spec;
    expect(pod.containers[0].securityContext).toMatchObject({ runAsUser: 20001, runAsGroup: 20002 });
    expect(pod.securityContext).toMatchObject({ runAsUser: 20001, runAsGroup: 20002, fsGroup: 20002 });
    expect(pod.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp', '/var/cache/app']);
    expect(pod.volumes.map((v: any) => v.emptyDir.sizeLimit)).toEqual(['128Mi', '128Mi']);
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('spread across zones and hosts without blocking scheduling on a small cluster', () => {
    const { manifest } = synthDeployment({ metadata: { name: 'orders-api' } });
    const pod = manifest.spec.template.spec;
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } };
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
    ]);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    const [preferred] = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    expect(preferred.weight).toBe(100);
    expect(preferred.podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    // the anti-affinity term must select this workload's own pods
    for (const [key, value] of Object.entries(preferred.podAffinityTerm.labelSelector.matchLabels)) {
      expect(manifest.spec.template.metadata.labels[key]).toBe(value);
    }
  });

  test('graceful shutdown: preStop pause inside a longer grace period', () => {
    const { manifest } = synthDeployment();
    const pod = manifest.spec.template.spec;
    expect(pod.containers[0].lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    expect(pod.terminationGracePeriodSeconds).toBe(30);
  });

  test('preStop pause can be removed or lengthened', () => {
    expect(synthDeployment({ preStopDelay: Duration.seconds(0) }).manifest.spec.template.spec.containers[0].lifecycle).toBeUndefined();
    const pod = synthDeployment({ preStopDelay: Duration.seconds(15), terminationGracePeriod: Duration.seconds(60) }).manifest.spec.template.spec;
    expect(pod.containers[0].lifecycle.preStop.exec.command).toEqual(['sleep', '15']);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  test('recommended labels on the Deployment, its pods, its selector and its Service', () => {
    const chart = newChart();
    new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, partOf: 'shop', service: true, servicePort: 8000 });
    const objects = synthValid(chart);
    const expected = {
      'app.kubernetes.io/name': 'orders-api',
      'app.kubernetes.io/instance': 'orders-api',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/component': 'api',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'cdk8s-hardening',
    };
    const deployment = onlyOfKind(objects, 'Deployment');
    const service = onlyOfKind(objects, 'Service');
    expect(deployment.metadata.labels).toEqual(expected);
    expect(deployment.spec.template.metadata.labels).toMatchObject(expected);
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } });
    expect(service.metadata).toEqual({ name: 'orders-api', labels: expected });
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 8080 }]);
    expect(service.spec.type).toBe('ClusterIP');
  });

  test('an image pinned by digest is accepted and labelled with the digest prefix', () => {
    const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const { manifest } = synthDeployment({ image: `ghcr.io/acme/orders-api@${digest}` });
    expect(manifest.spec.template.spec.containers[0].image).toBe(`ghcr.io/acme/orders-api@${digest}`);
    expect(manifest.metadata.labels['app.kubernetes.io/version']).toBe('0123456789ab');
  });

  test('default-deny NetworkPolicy: the container port in, DNS out', () => {
    const { objects } = synthDeployment({ metadata: { name: 'orders-api' } });
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.metadata.name).toBe('orders-api');
    expect(policy.metadata.labels['app.kubernetes.io/instance']).toBe('orders-api');
    expect(policy.spec).toEqual({
      // no label takes a pod out of this policy (a network-block experiment switches the policy itself)
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-api', 'app.kubernetes.io/instance': 'orders-api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
      egress: [CLUSTER_DNS_EGRESS],
    });
  });

  test('egress rules to pods, to another namespace, to a workload and to a CIDR, also added later', () => {
    const chart = newChart();
    const cache = new kplus.Deployment(chart, 'cache', { containers: [{ image: 'redis:7.2.4' }] });
    const api = new HardenedDeployment(chart, 'api', {
      image: IMAGE,
      egress: [EgressRule.toPods({ labels: { 'app.kubernetes.io/name': 'nats' }, ports: [4222] })],
    });
    api.addEgressRule(EgressRule.toPods({ labels: { app: 'auth' }, namespaceName: 'identity', ports: [8443, 9443] }));
    api.addEgressRule(EgressRule.toWorkload(cache, [6379]));
    api.addEgressRule(EgressRule.toCidr('10.20.0.0/16', [5432]));
    const policy = onlyOfKind(Testing.synth(chart), 'NetworkPolicy');
    expect(policy.spec.egress.slice(1)).toEqual([
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nats' } } }], ports: [{ port: 4222, protocol: 'TCP' }] },
      {
        to: [{ podSelector: { matchLabels: { app: 'auth' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'identity' } } }],
        ports: [{ port: 8443, protocol: 'TCP' }, { port: 9443, protocol: 'TCP' }],
      },
      { to: [{ podSelector: { matchLabels: cache.matchLabels } }], ports: [{ port: 6379, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
  });

  test('no NetworkPolicy when turned off', () => {
    const { objects, deployment } = synthDeployment({ networkPolicy: false });
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toHaveLength(0);
    expect(() => deployment.addEgressRule(EgressRule.toCidr('10.0.0.0/8', [443])))
      .toThrow('networkPolicy must be enabled to add egress rules, got false');
  });

  test('no Service unless asked for', () => {
    const { objects, deployment } = synthDeployment();
    expect(objects.filter((o) => o.kind === 'Service')).toHaveLength(0);
    expect(deployment.service).toBeUndefined();
  });

  test('stays a cdk8s-plus Deployment', () => {
    const { deployment } = synthDeployment();
    expect(deployment).toBeInstanceOf(kplus.Deployment);
    expect(deployment.container.name).toBe('api');
    expect(deployment.port).toBe(8080);
    expect(deployment.portName).toBe('http');
  });
});

describe('HardenedDeployment refuses', () => {
  const cases: Array<[string, Partial<ConstructorParameters<typeof HardenedDeployment>[2]>, string]> = [
    ['an image without a tag', { image: 'nginx' },
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); an image without a tag runs whatever latest is, got "nginx"'],
    ['an image with a registry port but no tag', { image: 'localhost:5000/orders' },
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); an image without a tag runs whatever latest is, got "localhost:5000/orders"'],
    ['the latest tag', { image: 'ghcr.io/acme/orders-api:latest' },
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); the latest tag moves between pulls, got "ghcr.io/acme/orders-api:latest"'],
    ['an empty tag', { image: 'ghcr.io/acme/orders-api:' },
      'image must pin a version tag (name:1.2.3) or a digest (name@sha256:...); the latest tag moves between pulls, got "ghcr.io/acme/orders-api:"'],
    ['an empty image', { image: '' },
      'image must be a non-empty image reference without spaces, got ""'],
    ['zero replicas', { replicas: 0 }, 'replicas must be a whole number of at least 1 (2 or more to survive a node drain), got 0'],
    ['fractional replicas', { replicas: 1.5 }, 'replicas must be a whole number of at least 1 (2 or more to survive a node drain), got 1.5'],
    ['maxSurge and maxUnavailable both zero', { maxSurge: kplus.PercentOrAbsolute.absolute(0) },
      'maxSurge must be above 0 when maxUnavailable is 0, or the rollout can never replace a pod, got 0'],
    ['port 0', { port: 0 }, 'port must be a port number from 1 to 65535, got 0'],
    ['port 70000', { port: 70000 }, 'port must be a port number from 1 to 65535, got 70000'],
    ['servicePort 0', { servicePort: 0 }, 'servicePort must be a port number from 1 to 65535, got 0'],
    ['a port name longer than 15', { portName: 'http-api-public-v2' },
      'portName must be an IANA service name: 1-15 lowercase letters, digits and single dashes, with a letter, got "http-api-public-v2"'],
    ['a port name with upper case', { portName: 'HTTP' },
      'portName must be an IANA service name: 1-15 lowercase letters, digits and single dashes, with a letter, got "HTTP"'],
    ['a container name that is not a DNS label', { containerName: 'Api_Server' },
      'containerName must be a DNS label: lowercase letters, digits and dashes, at most 63, got "Api_Server"'],
    ['a relative readiness path', { readinessPath: 'ready' }, 'readinessPath must be an absolute HTTP path such as "/healthz", got "ready"'],
    ['a liveness path with a space', { livenessPath: '/live z' }, 'livenessPath must be an absolute HTTP path such as "/healthz", got "/live z"'],
    ['identical readiness and liveness paths', { readinessPath: '/healthz', livenessPath: '/healthz' },
      'livenessPath must differ from readinessPath, or a failing dependency restarts every pod, got "/healthz"'],
    ['a zero startup timeout', { startupTimeout: Duration.seconds(0) }, 'startupTimeout must be at least 1 second, got 0 seconds'],
    ['revisionHistoryLimit 0', { revisionHistoryLimit: 0 },
      'revisionHistoryLimit must be a whole number of at least 1, or `kubectl rollout undo` has nothing to go back to, got 0'],
    ['a progress deadline not above minReady', { minReady: Duration.minutes(5), progressDeadline: Duration.minutes(5) },
      'progressDeadline must exceed minReady (5 minutes), got 5 minutes'],
    ['a grace period not above the preStop pause', { preStopDelay: Duration.seconds(30) },
      'terminationGracePeriod must exceed preStopDelay (30 seconds) so the app gets time to shut down after the pause, got 30 seconds'],
    ['root user', { user: 0 }, 'user must be a non-root id between 1 and 2147483647 (above 10000 recommended), got 0'],
    ['negative group', { group: -1 }, 'group must be a non-root id between 1 and 2147483647 (above 10000 recommended), got -1'],
    ['a relative writable path', { writablePaths: ['tmp'] }, 'writablePaths must hold absolute paths below the root, such as "/tmp", got "tmp"'],
    ['the root as writable path', { writablePaths: ['/'] }, 'writablePaths must hold absolute paths below the root, such as "/tmp", got "/"'],
  ];

  test.each(cases)('fails with %s', (_name, props, message) => {
    expect(() => new HardenedDeployment(newChart(), 'api', { image: IMAGE, ...props })).toThrow(message);
  });

  test('fails with an egress rule to an empty pod selector', () => {
    expect(() => EgressRule.toPods({ labels: {}, ports: [4222] }))
      .toThrow('labels must name at least one label: an empty selector allows every pod, got {}');
  });

  test('fails with an egress rule without ports or with port 0', () => {
    expect(() => EgressRule.toPods({ labels: { app: 'nats' }, ports: [] })).toThrow('ports must hold at least one port, got []');
    expect(() => EgressRule.toCidr('10.0.0.0/8', [0])).toThrow('ports must hold port numbers from 1 to 65535, got 0');
  });

  test('fails with an egress rule to a malformed CIDR', () => {
    expect(() => EgressRule.toCidr('10.0.0.0', [5432])).toThrow('cidr must be an IPv4 or IPv6 range such as "10.0.0.0/16", got "10.0.0.0"');
  });

});
