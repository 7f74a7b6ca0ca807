import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EgressRule, HardenedDeployment, HealthProbe, IngressRule } from '../src';
import { newChart, toYaml } from './support/charts';
import { CLUSTER_DNS_EGRESS, restrictedContainerSecurityContext } from './support/expected';
import { onlyOfKind, synthValid } from './support/manifests';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';
const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const REFERENCE = '[registry[:port]/]lowercase/path[:tag][@sha256:<64 hex digits>] as container runtimes parse it (distribution/reference)';
const NORMALIZED_PATHS = 'normalized absolute paths below the root, such as "/tmp" (no "//", ".", ".." or trailing "/")';
const DNS_LABEL = "at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit";
const LABEL_KEY = "an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const LABEL_VALUE = "1 to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const LABEL_VALUE_OR_EMPTY = "at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty";
const WHOLE_SECONDS = 'whole seconds from 0 seconds to 2147483647 seconds (int32)';

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

  test('requests only: the default limits stay, raised to a request above them (used to crash in cdk8s-plus)', () => {
    const { manifest } = synthDeployment({
      resources: {
        cpu: { request: kplus.Cpu.units(1) }, memory: { request: Size.mebibytes(64) }, ephemeralStorage: { request: Size.mebibytes(128) },
      },
    });
    expect(manifest.spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '1', 'memory': '64Mi', 'ephemeral-storage': '128Mi' },
      limits: { 'cpu': '1', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  test('limits only: the default requests stay, lowered to a limit below them (used to crash in cdk8s-plus)', () => {
    const { manifest } = synthDeployment({
      resources: { cpu: { limit: kplus.Cpu.millis(50) }, memory: { limit: Size.mebibytes(512) }, ephemeralStorage: { limit: Size.kibibytes(32768) } },
    });
    expect(manifest.spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '50m', 'memory': '128Mi', 'ephemeral-storage': '32Mi' },
      limits: { 'cpu': '50m', 'memory': '512Mi', 'ephemeral-storage': '32Mi' },
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

  test('an image pinned by tag and digest is accepted and labelled with the tag', () => {
    const { manifest } = synthDeployment({ image: `ghcr.io/acme/orders-api:1.4.2@${DIGEST}` });
    expect(manifest.spec.template.spec.containers[0].image).toBe(`ghcr.io/acme/orders-api:1.4.2@${DIGEST}`);
    expect(manifest.metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
  });

  test.each(['localhost:5000/orders:1.4.2', '[fd00::1]:5000/acme/orders:1.4.2', 'registry.example.com/a/b--c/d__e:v1.0.0-rc_1', 'nginx:1.27'])(
    'accepts the image reference %s', (image) => {
      expect(synthDeployment({ image }).manifest.spec.template.spec.containers[0].image).toBe(image);
    });

  test('a name starting with a digit is fine without a Service', () => {
    expect(synthDeployment({ metadata: { name: '1api' } }).manifest.metadata.name).toBe('1api');
  });

  test('maxSurge may exceed 100%, as Kubernetes allows', () => {
    expect(synthDeployment({ maxSurge: kplus.PercentOrAbsolute.percent(150) }).manifest.spec.strategy.rollingUpdate.maxSurge).toBe('150%');
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

  test('a writable path with a dot inside a segment is accepted', () => {
    const { manifest } = synthDeployment({ writablePaths: ['/var/app.d'] });
    expect(manifest.spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp', '/var/app.d']);
  });

  test('readinessPath and livenessPath name only HTTP probes on the serving port', () => {
    const { deployment } = synthDeployment({ readiness: HealthProbe.http('/ready', 9090) });
    expect(deployment.port).toBe(8080);
    expect(deployment.readinessPath).toBeUndefined();
    expect(deployment.livenessPath).toBe('/livez');
  });

  test('a refused name leaves nothing behind in the chart', () => {
    const chart = newChart();
    expect(() => new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'Orders' } })).toThrow(
      'metadata.name must be a DNS-1123 subdomain: at most 63 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (it is also the value of the app.kubernetes.io/name and instance labels), got "Orders"');
    expect(() => new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: '1api' }, service: true })).toThrow(
      `metadata.name must be a DNS-1035 label: ${DNS_LABEL.replace('starting and', 'starting with a letter and')} (it also names the Service), got "1api"`);
    expect(chart.node.children).toHaveLength(0);
  });

  test('a generated name starting with a digit is fine without a Service and refused with one', () => {
    expect(synthDeployment().deployment.name).toMatch(/^test-api-/);
    const name = new HardenedDeployment(newChart('1st'), 'api', { image: IMAGE }).name;
    expect(name).toMatch(/^1st-api-[0-9a-z]+$/);
    expect(() => new HardenedDeployment(newChart('1st'), 'api', { image: IMAGE, service: true })).toThrow(
      `metadata.name must be a DNS-1035 label: ${DNS_LABEL.replace('starting and', 'starting with a letter and')} (it also names the Service), got "${name}"`);
  });

  test('an invalid startupTimeout is reported before a conflict between the probes', () => {
    expect(() => new HardenedDeployment(newChart(), 'api', {
      image: IMAGE, startupTimeout: Duration.seconds(0), readinessPath: '/healthz', livenessPath: '/healthz',
    })).toThrow('startupTimeout must be whole seconds from 1 second to 2147483647 seconds (int32), got 0 seconds');
  });

  test('addIngressRule refuses what is not an IngressRule', () => {
    const { deployment } = synthDeployment();
    expect(() => deployment.addIngressRule({} as IngressRule)).toThrow(
      'rule must be an IngressRule (IngressRule.fromPods, fromWorkload, fromNamespace, fromIngressController or fromCidr), got {}');
  });

  test('the NetworkPolicy refuses no peer until an ingress rule is given', () => {
    expect(synthDeployment().deployment._ingressRefusal({ app: 'soak' }, 'shop', 8080)).toBeUndefined();
    expect(synthDeployment({ networkPolicy: false }).deployment._ingressRefusal({ app: 'soak' }, 'shop', 8080)).toBeUndefined();
  });

  test('the NetworkPolicy names the ingress rules that keep a peer out', () => {
    expect(synthDeployment({ ingress: [] }).deployment._ingressRefusal({ app: 'soak' }, 'shop', 8080))
      .toBe('its NetworkPolicy admits only its ingress rules on port 8080 (none ([] admits nobody))');
    const { deployment } = synthDeployment({
      ingress: [IngressRule.fromPods({ labels: { app: 'web' } }), IngressRule.fromPods({ labels: { app: 'soak' }, namespaceName: 'load' })],
    });
    expect(deployment._ingressRefusal({ app: 'soak' }, 'shop', 8080))
      .toBe('its NetworkPolicy admits only its ingress rules on port 8080 (pods {"app":"web"}; pods {"app":"soak"} in load)');
  });

  test('a rule without a namespace admits peers of the Deployment\'s own namespace only', () => {
    const { deployment } = synthDeployment({ metadata: { namespace: 'shop' }, ingress: [IngressRule.fromPods({ labels: { app: 'soak' } })] });
    expect(deployment._ingressRefusal({ app: 'soak' }, 'shop', 8080)).toBeUndefined();
    expect(deployment._ingressRefusal({ app: 'soak' }, 'load', 8080))
      .toBe('its NetworkPolicy admits only its ingress rules on port 8080 (pods {"app":"soak"})');
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
      `image must be an image reference ${REFERENCE}; it does not follow the grammar, got "ghcr.io/acme/orders-api:"`],
    ['an empty image', { image: '' }, `image must be an image reference ${REFERENCE}; it is empty, got ""`],
    ['an image with upper case in its name', { image: 'Nginx:1.27' },
      `image must be an image reference ${REFERENCE}; the repository name has upper-case letters, got "Nginx:1.27"`],
    ['an image with two tags', { image: 'a:b:c' }, `image must be an image reference ${REFERENCE}; it does not follow the grammar, got "a:b:c"`],
    ['an image with an empty digest', { image: 'nginx@sha256:' }, `image must be an image reference ${REFERENCE}; it does not follow the grammar, got "nginx@sha256:"`],
    ['an image with a short digest', { image: `nginx:1.27@sha256:${'a'.repeat(63)}` },
      `image must be an image reference ${REFERENCE}; the digest is not sha256: followed by 64 lowercase hex digits, got "nginx:1.27@sha256:${'a'.repeat(63)}"`],
    ['an image with an upper-case digest', { image: `nginx:1.27@sha256:${'A'.repeat(64)}` },
      `image must be an image reference ${REFERENCE}; the digest is not sha256: followed by 64 lowercase hex digits, got "nginx:1.27@sha256:${'A'.repeat(64)}"`],
    ['an image with a space', { image: 'nginx: 1.27' }, `image must be an image reference ${REFERENCE}; it does not follow the grammar, got "nginx: 1.27"`],
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
    ['a zero startup timeout', { startupTimeout: Duration.seconds(0) },
      'startupTimeout must be whole seconds from 1 second to 2147483647 seconds (int32), got 0 seconds'],
    ['revisionHistoryLimit 0', { revisionHistoryLimit: 0 },
      'revisionHistoryLimit must be a whole number of at least 1, or `kubectl rollout undo` has nothing to go back to, got 0'],
    ['a progress deadline not above minReady', { minReady: Duration.minutes(5), progressDeadline: Duration.minutes(5) },
      'progressDeadline must exceed minReady (5 minutes), got 5 minutes'],
    ['a grace period not above the preStop pause', { preStopDelay: Duration.seconds(30) },
      'terminationGracePeriod must exceed preStopDelay (30 seconds) so the app gets time to shut down after the pause, got 30 seconds'],
    ['root user', { user: 0 }, 'user must be a non-root id between 1 and 2147483647 (above 10000 recommended), got 0'],
    ['negative group', { group: -1 }, 'group must be a non-root id between 1 and 2147483647 (above 10000 recommended), got -1'],
    ['a relative writable path', { writablePaths: ['tmp'] }, `writablePaths must hold ${NORMALIZED_PATHS}, got "tmp"`],
    ['the root as writable path', { writablePaths: ['/'] }, `writablePaths must hold ${NORMALIZED_PATHS}, got "/"`],
    // durations that are not whole seconds used to fail with a message naming no prop
    ['a grace period of 30.5 seconds', { terminationGracePeriod: Duration.millis(30500) },
      `terminationGracePeriod must be ${WHOLE_SECONDS}, got 30 seconds 500 millis`],
    ['a minReady of 1.5 seconds', { minReady: Duration.millis(1500) }, `minReady must be ${WHOLE_SECONDS}, got 1 second 500 millis`],
    ['a progress deadline of 300.5 seconds', { progressDeadline: Duration.millis(300500) },
      'progressDeadline must be whole seconds from 1 second to 2147483647 seconds (int32), got 5 minutes 500 millis'],
    ['a sub-millisecond startup timeout', { startupTimeout: Duration.millis(0.5) },
      'startupTimeout must be whole seconds from 1 second to 2147483647 seconds (int32), got 0.5 millis'],
    ['a startup timeout whose probe failureThreshold overflows int32', { startupTimeout: Duration.days(1e6) },
      'startupTimeout must be whole seconds from 1 second to 2147483647 seconds (int32), got 1000000 days'],
    ['a sub-millisecond preStop delay', { preStopDelay: Duration.millis(0.5) }, `preStopDelay must be ${WHOLE_SECONDS}, got 0.5 millis`],
    ['a NaN preStop delay', { preStopDelay: Duration.millis(NaN) }, `preStopDelay must be ${WHOLE_SECONDS}, got NaN`],
    ['a writable path size of 1.5KiB', { writablePathSizeLimit: Size.kibibytes(1.5) }, 'writablePathSizeLimit must be whole mebibytes, at least 1Mi, got 1.5Ki'],
    ['a writable path size of 512KiB', { writablePathSizeLimit: Size.kibibytes(512) }, 'writablePathSizeLimit must be whole mebibytes, at least 1Mi, got 512Ki'],
    // names and labels
    ['a name longer than a label value', { metadata: { name: 'x'.repeat(64) } },
      `metadata.name must be a DNS-1123 subdomain: at most 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (it is also the value of the app.kubernetes.io/name and instance labels), got "${'x'.repeat(64)}"`],
    ['a name with upper case', { metadata: { name: 'Orders' } },
      'metadata.name must be a DNS-1123 subdomain: at most 63 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (it is also the value of the app.kubernetes.io/name and instance labels), got "Orders"'],
    ['a Service name starting with a digit', { metadata: { name: '1api' }, service: true },
      `metadata.name must be a DNS-1035 label: ${DNS_LABEL.replace('starting and', 'starting with a letter and')} (it also names the Service), got "1api"`],
    ['a Service name with a dot', { metadata: { name: 'orders.api' }, service: true },
      `metadata.name must be a DNS-1035 label: ${DNS_LABEL.replace('starting and', 'starting with a letter and')} (it also names the Service), got "orders.api"`],
    ['an empty namespace', { metadata: { name: 'orders-api', namespace: '' } }, `metadata.namespace must be a DNS-1123 label: ${DNS_LABEL}, got ""`],
    ['a label key with a comma', { metadata: { labels: { 'team,x': 'a' } } }, `metadata.labels key must be a label key: ${LABEL_KEY}, got "team,x"`],
    ['a label key cdk8s cannot render', { metadata: { labels: { constructor: 'a' } } },
      'metadata.labels key must not be "constructor": cdk8s cannot render an object with that key, got "constructor"'],
    ['an annotation key with a space', { metadata: { annotations: { 'my note': 'a' } } },
      `metadata.annotations key must be an annotation key: ${LABEL_KEY}, got "my note"`],
    ['a partOf that is not a label value', { partOf: 'shop floor' }, `partOf must be a label value: ${LABEL_VALUE}, got "shop floor"`],
    ['an empty component', { component: '' }, `component must be a label value: ${LABEL_VALUE}, got ""`],
    ['a component longer than 63', { component: 'c'.repeat(64) }, `component must be a label value: ${LABEL_VALUE}, got "${'c'.repeat(64)}"`],
    ['an environment variable name starting with a digit', { envVariables: { '1TOKEN': kplus.EnvValue.fromValue('x') } },
      'envVariables key must be an environment variable name: letters, digits, \'_\', \'-\' and \'.\', not starting with a digit, got "1TOKEN"'],
    ['a readiness path with a newline', { readinessPath: '/ready\nz' }, 'readinessPath must contain no control characters (newlines, tabs, escapes), got "/ready\\nz"'],
    // numbers
    ['replicas above int32', { replicas: 2 ** 31 },
      'replicas must be a whole number from 1 to 2147483647 (int32) (2 or more to survive a node drain), got 2147483648'],
    ['revisionHistoryLimit above int32', { revisionHistoryLimit: 2 ** 31 },
      'revisionHistoryLimit must be a whole number from 1 to 2147483647 (int32), or `kubectl rollout undo` has nothing to go back to, got 2147483648'],
    ['a negative maxSurge', { maxSurge: kplus.PercentOrAbsolute.absolute(-1) },
      'maxSurge must be PercentOrAbsolute.absolute(n) with n a whole number from 0 to 2147483647 (int32), got -1'],
    ['a fractional maxSurge', { maxSurge: kplus.PercentOrAbsolute.absolute(1.5) },
      'maxSurge must be PercentOrAbsolute.absolute(n) with n a whole number from 0 to 2147483647 (int32), got 1.5'],
    ['a maxUnavailable above 100%', { maxUnavailable: kplus.PercentOrAbsolute.percent(150) },
      'maxUnavailable must be PercentOrAbsolute.percent(n) with n a whole number from 0 to 100, got "150%"'],
    ['a fractional maxUnavailable percentage', { maxUnavailable: kplus.PercentOrAbsolute.percent(12.5) },
      'maxUnavailable must be PercentOrAbsolute.percent(n) with n a whole number from 0 to 100, got "12.5%"'],
    ['a cpu request above its limit', { resources: { cpu: { request: kplus.Cpu.millis(600), limit: kplus.Cpu.millis(500) } } },
      'resources.cpu.request must be at most the cpu limit (500m), got "600m"'],
    ['a memory request above its limit', { resources: { memory: { request: Size.gibibytes(1), limit: Size.mebibytes(512) } } },
      'resources.memory.request must be at most the memory limit (512Mi), got "1Gi"'],
    ['an ephemeral-storage request above its limit', { resources: { ephemeralStorage: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } },
      'resources.ephemeralStorage.request must be at most the ephemeralStorage limit (1Gi), got "2Gi"'],
    ['a fraction of a millicore', { resources: { cpu: { request: kplus.Cpu.millis(0.5) } } },
      'resources.cpu.request must be whole millicores, at least 1m, such as Cpu.millis(250) or Cpu.units(1.5), got "0.5m"'],
    ['a NaN cpu limit', { resources: { cpu: { limit: kplus.Cpu.units(NaN) } } },
      'resources.cpu.limit must be whole millicores, at least 1m, such as Cpu.millis(250) or Cpu.units(1.5), got "NaN"'],
    ['memory in kibibytes', { resources: { memory: { limit: Size.kibibytes(1536) } } }, 'resources.memory.limit must be whole mebibytes, at least 1Mi, got 1536Ki'],
    ['duplicate writable paths', { writablePaths: ['/tmp', '/var/cache', '/tmp'] },
      'writablePaths must hold each path once (two volumes cannot mount on one path), got "/tmp"'],
    ['a writable path with a trailing slash', { writablePaths: ['/tmp/'] }, `writablePaths must hold ${NORMALIZED_PATHS}, got "/tmp/"`],
    ['a writable path with ..', { writablePaths: ['/var/../tmp'] }, `writablePaths must hold ${NORMALIZED_PATHS}, got "/var/../tmp"`],
    ['a writable path with .', { writablePaths: ['/var/./tmp'] }, `writablePaths must hold ${NORMALIZED_PATHS}, got "/var/./tmp"`],
    ['a relative writable path with a slash', { writablePaths: ['var/cache'] }, `writablePaths must hold ${NORMALIZED_PATHS}, got "var/cache"`],
    ['a writable path that is not a string (from JavaScript)', { writablePaths: [['/data'] as any] }, `writablePaths must hold ${NORMALIZED_PATHS}, got ["/data"]`],
    ['a relative readiness path with a slash', { readinessPath: 'health/ready' },
      'readinessPath must be an absolute HTTP path such as "/healthz", got "health/ready"'],
    ['a readiness probe that is the default liveness probe', { readiness: HealthProbe.http('/livez') },
      'liveness must differ from readiness, or a failing dependency restarts every pod, got "GET /livez on port 8080"'],
    ['a liveness probe that is the default readiness probe', { liveness: HealthProbe.http('/readyz') },
      'liveness must differ from readiness, or a failing dependency restarts every pod, got "GET /readyz on port 8080"'],
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
    expect(() => EgressRule.toCidr('10.0.0.0/8', [0])).toThrow('ports must be a port number from 1 to 65535, got 0');
  });

  test.each(['10.0.0.0', '10.0.0.0/33', '999.999.999.999/99', '1.2.3/8', 'fd00::/129', ''])('fails with an egress rule to the malformed CIDR %p', (cidr) => {
    expect(() => EgressRule.toCidr(cidr, [5432])).toThrow(`cidr must be an IPv4 or IPv6 address range in CIDR notation (10.0.0.0/8, fd00::/8), got ${JSON.stringify(cidr)}`);
  });

  test('fails with egress labels that are no label keys or values (a selector injection)', () => {
    expect(() => EgressRule.toPods({ labels: { 'nats,app.kubernetes.io/instance!=x': 'nats' }, ports: [4222] }))
      .toThrow(`labels key must be a label key: ${LABEL_KEY}, got "nats,app.kubernetes.io/instance!=x"`);
    expect(() => EgressRule.toPods({ labels: { app: 'nats,tier!=x' }, ports: [4222] }))
      .toThrow(`labels["app"] must be a label value: ${LABEL_VALUE_OR_EMPTY}, got "nats,tier!=x"`);
  });

  test('fails with an egress label key cdk8s cannot render (a valid Kubernetes key, refused with the reason)', () => {
    expect(() => EgressRule.toPods({ labels: { constructor: 'nats' }, ports: [4222] }))
      .toThrow('labels key must not be "constructor": cdk8s cannot render an object with that key, got "constructor"');
  });

  test('fails with an empty egress namespace instead of silently allowing the own namespace', () => {
    expect(() => EgressRule.toPods({ labels: { app: 'auth' }, namespaceName: '', ports: [8443] }))
      .toThrow(`namespaceName must be a DNS-1123 label: ${DNS_LABEL} (a namespace name), got ""`);
    expect(() => EgressRule.toPods({ labels: { app: 'auth' }, namespaceName: 'Identity', ports: [8443] }))
      .toThrow(`namespaceName must be a DNS-1123 label: ${DNS_LABEL} (a namespace name), got "Identity"`);
  });

  test('fails with an egress rule to a workload that selects no labels', () => {
    const chart = newChart();
    const plain = new kplus.Deployment(chart, 'plain', { select: false, containers: [{ image: IMAGE }] });
    expect(() => EgressRule.toWorkload(plain, [80])).toThrow('workload must select its pods by label: an empty selector allows every pod, got "test/plain"');
  });

});
