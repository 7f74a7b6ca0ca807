import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { HardenedDeployment, SoakJob, SoakJobProps, SoakProfile, SoakTarget } from '../src';
import { newChart } from './support/charts';
import { loadK6Script } from './support/k6-script-runtime';
import { testRunProblems } from './support/k6-testrun';
import { ofKind, onlyOfKind, synthValid } from './support/manifests';

// The k6-operator TestRun, against grafana/k6-operator v1.6.0: api/v1alpha1/testrun_types.go and
// the initializer, starter and runner Job builders of pkg/resources/jobs/.

function synthTestRun(props: Partial<SoakJobProps> = {}) {
  const chart = newChart();
  const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: { name: 'orders-api', namespace: 'shop' } });
  const soak = new SoakJob(chart, 'soak', {
    metadata: { name: 'orders-soak' },
    target: SoakTarget.deployment(api),
    endpoints: [{ path: '/api/orders' }],
    profile: SoakProfile.STAGING,
    testRunParallelism: 4,
    ...props,
  });
  const objects = synthValid(chart).filter((o) => !o.metadata.name.startsWith('orders-api'));
  const testRun = onlyOfKind(objects, 'TestRun');
  return { soak, objects, testRun, spec: testRun.spec };
}

const K6_POD_SECURITY = { runAsNonRoot: true, runAsUser: 12345, runAsGroup: 12345, fsGroup: 12345, seccompProfile: { type: 'RuntimeDefault' } };
const restricted = (id: number) => ({
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: id,
  runAsGroup: id,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

/** The k6 pods' resources by default: the SoakJob's own (the initializer runs k6 too). */
const K6_RESOURCES = {
  requests: { 'cpu': '250m', 'memory': '256Mi', 'ephemeral-storage': '64Mi' },
  limits: { 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '256Mi' },
};

describe('SoakJob k6-operator TestRun', () => {
  test('a TestRun of the same script, split over the runners, only when asked for', () => {
    const { testRun, spec } = synthTestRun();
    expect(testRun.apiVersion).toBe('k6.io/v1alpha1');
    expect(testRun.metadata.name).toBe('orders-soak');
    expect(spec.parallelism).toBe(4);
    expect(spec.script).toEqual({ configMap: { name: expect.stringMatching(/^orders-soak-scripts-[0-9a-f]{10}$/), file: 'soak.js' } });
    expect(spec.arguments).toBe('--no-color');
    const chart = newChart();
    const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true });
    new SoakJob(chart, 'soak', { target: SoakTarget.deployment(api), endpoints: [{ path: '/a' }] });
    expect(ofKind(synthValid(chart), 'TestRun')).toEqual([]);
  });

  test('passes the structural check: initializer, starter and runners restricted, pinned, without token, mounts declared', () => {
    const { testRun } = synthTestRun();
    expect(testRunProblems(testRun)).toEqual([]);
  });

  test('no cleanup: post would delete the TestRun, its runner pods and their verdict logs as soon as it finishes', () => {
    expect(synthTestRun().spec).not.toHaveProperty('cleanup');
  });

  test('the initializer: restricted, a writable /tmp for /tmp/k6logs and the archive, no secrets (SOAK_SECRETS=unmounted)', () => {
    const chart = newChart();
    const secret = kplus.Secret.fromSecretName(chart, 'token', 'soak-token');
    const { spec } = synthTestRun({ authTokenSecret: secret });
    expect(spec.initializer).toEqual({
      metadata: { labels: expect.objectContaining({ 'app.kubernetes.io/name': 'orders-soak', 'app.kubernetes.io/instance': 'orders-soak' }) },
      image: 'grafana/k6:2.2.0',
      imagePullPolicy: 'Always',
      automountServiceAccountToken: 'false',
      securityContext: K6_POD_SECURITY,
      containerSecurityContext: restricted(12345),
      resources: K6_RESOURCES,
      env: [{ name: 'K6_NO_USAGE_REPORT', value: 'true' }, { name: 'SOAK_SECRETS', value: 'unmounted' }],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
  });

  test('the starter (and stopper): a pinned image instead of latest-starter, uid 65532, restricted, small resources', () => {
    const { spec } = synthTestRun();
    expect(spec.starter).toEqual({
      metadata: { labels: expect.objectContaining({ 'app.kubernetes.io/name': 'orders-soak', 'app.kubernetes.io/instance': 'orders-soak-starter' }) },
      image: 'ghcr.io/grafana/k6-operator:starter-v1.6.0',
      imagePullPolicy: 'Always',
      automountServiceAccountToken: 'false',
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containerSecurityContext: restricted(65532),
      resources: {
        requests: { 'cpu': '50m', 'memory': '16Mi', 'ephemeral-storage': '8Mi' },
        limits: { 'cpu': '100m', 'memory': '200Mi', 'ephemeral-storage': '16Mi' },
      },
    });
    expect(synthTestRun({ testRunStarterImage: 'registry.example.com/k6-starter@sha256:' + 'a'.repeat(64) }).spec.starter.image)
      .toBe('registry.example.com/k6-starter@sha256:' + 'a'.repeat(64));
  });

  test('the runners: restricted, the SoakJob\'s resources, output and /tmp scratch, the bearer token as a file, the partial-verdict marker', () => {
    const chart = newChart();
    const secret = kplus.Secret.fromSecretName(chart, 'token', 'soak-token');
    const { spec } = synthTestRun({ authTokenSecret: secret, authTokenKey: 'jwt' });
    expect(spec.runner).toEqual({
      metadata: { labels: expect.objectContaining({ 'app.kubernetes.io/component': 'soak-test' }) },
      image: 'grafana/k6:2.2.0',
      imagePullPolicy: 'Always',
      automountServiceAccountToken: 'false',
      securityContext: K6_POD_SECURITY,
      containerSecurityContext: restricted(12345),
      resources: K6_RESOURCES,
      env: [{ name: 'K6_NO_USAGE_REPORT', value: 'true' }, { name: 'SOAK_TESTRUN_RUNNERS', value: '4' }],
      volumes: [
        { name: 'output', emptyDir: { sizeLimit: '16Mi' } },
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'auth-token', secret: { secretName: 'soak-token', items: [{ key: 'jwt', path: 'value', mode: 0o440 }], defaultMode: 0o440 } },
      ],
      volumeMounts: [
        { name: 'output', mountPath: '/output' },
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'auth-token', mountPath: '/var/run/secrets/soak/auth-token', readOnly: true },
      ],
    });
  });

  test('the initializer and runners get the SoakJob\'s resources, its defaults filled in', () => {
    const { spec } = synthTestRun({
      resources: {
        cpu: { request: kplus.Cpu.millis(500) },
        memory: { limit: Size.mebibytes(128) },
        ephemeralStorage: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
      },
    });
    const resources = {
      requests: { 'cpu': '500m', 'memory': '128Mi', 'ephemeral-storage': '32Mi' },
      limits: { 'cpu': '1', 'memory': '128Mi', 'ephemeral-storage': '128Mi' },
    };
    expect(spec.runner.resources).toEqual(resources);
    expect(spec.initializer.resources).toEqual(resources);
  });

  test('a runner\'s verdict says it covers its share only and is not enforced', () => {
    const { soak } = synthTestRun();
    const data = { metrics: { http_reqs: { values: { count: 10 } } }, state: { testRunDurationMs: 1000 } };
    const runner = loadK6Script(soak.script, { env: { SOAK_TESTRUN_RUNNERS: '4' } }).handleSummary(data);
    expect(runner['/output/summary.txt']).toContain('  partial verdict, not enforced: k6-operator runner, one of 4: its share of the load only; '
      + 'the k6-operator does not fail the TestRun on it (k6 thresholds fail this runner\'s Job)');
    expect(JSON.parse(runner['/output/summary.json'])).toMatchObject({ enforced: false, scope: 'k6-operator runner, one of 4: its share of the load only' });
    const job = loadK6Script(soak.script).handleSummary(data);
    expect(job['/output/summary.txt']).not.toContain('partial verdict');
    expect(JSON.parse(job['/output/summary.json'])).toMatchObject({ enforced: true, scope: 'whole run' });
  });

  test('NetworkPolicies: runners admit the starter and the operator on 6565; the starter reaches only the runners', () => {
    const { objects } = synthTestRun({ testRunOperatorNamespace: 'k6-system' });
    const policies = Object.fromEntries(ofKind(objects, 'NetworkPolicy').map((p) => [p.metadata.name, p.spec]));
    expect(Object.keys(policies).sort()).toEqual(['orders-soak', 'orders-soak-runners', 'orders-soak-starter']);
    const starter = { 'app.kubernetes.io/name': 'orders-soak', 'app.kubernetes.io/instance': 'orders-soak-starter' };
    const runners = { app: 'k6', k6_cr: 'orders-soak', runner: 'true' };
    expect(policies['orders-soak-runners']).toEqual({
      podSelector: { matchLabels: runners },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: starter } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'k6-system' } } }],
        ports: [{ port: 6565, protocol: 'TCP' }],
      }],
    });
    expect(policies['orders-soak-starter']).toEqual({
      podSelector: { matchLabels: starter },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [{ to: [{ podSelector: { matchLabels: runners } }], ports: [{ port: 6565, protocol: 'TCP' }] }],
    });
    // runners and initializer carry the SoakJob's pod labels: its policy (egress to DNS and the target) covers them
    const { spec } = synthTestRun();
    for (const [key, value] of Object.entries(policies['orders-soak'].podSelector.matchLabels)) {
      expect(spec.runner.metadata.labels[key]).toBe(value);
      expect(spec.initializer.metadata.labels[key]).toBe(value);
      expect(spec.starter.metadata.labels[key] === value && key === 'app.kubernetes.io/instance').toBe(false);
    }
    expect(ofKind(synthTestRun({ networkPolicy: false }).objects, 'NetworkPolicy')).toEqual([]);
  });

  test('SoakJob.testRun is the synthesized TestRun', () => {
    const { soak } = synthTestRun();
    expect(soak.testRun?.kind).toBe('TestRun');
    expect(soak.testRun?.name).toBe('orders-soak');
  });

  test('parallelism from 1 runner up to one per VU', () => {
    const one = synthTestRun({ testRunParallelism: 1 }).spec;
    expect(one.parallelism).toBe(1);
    expect(one.runner.env).toContainEqual({ name: 'SOAK_TESTRUN_RUNNERS', value: '1' });
    const perVu = synthTestRun({ testRunParallelism: 25 }).spec;
    expect(perVu.parallelism).toBe(25);
    expect(perVu.runner.env).toContainEqual({ name: 'SOAK_TESTRUN_RUNNERS', value: '25' });
  });

  test('the starter\'s labels: its own instance and component, the starter image\'s tag as version', () => {
    const { spec, objects } = synthTestRun();
    const labels = {
      'app.kubernetes.io/name': 'orders-soak',
      'app.kubernetes.io/instance': 'orders-soak-starter',
      'app.kubernetes.io/component': 'soak-test-starter',
      'app.kubernetes.io/version': 'starter-v1.6.0',
    };
    expect(spec.starter.metadata.labels).toMatchObject(labels);
    expect(ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'orders-soak-starter').metadata.labels).toMatchObject(labels);
  });

  test('a name of the longest length the operator\'s names allow: 51 characters, 50 from 1001 runners on', () => {
    const longest = `a${'b'.repeat(50)}`;
    expect(synthTestRun({ metadata: { name: longest } }).testRun.metadata.name).toBe(longest);
    // up to 1000 runners the longest Service suffix, -service-999, is no longer than -initializer (12)
    const runners = (n: number) => ({ profile: SoakProfile.custom(Duration.hours(1), n), testRunParallelism: n });
    expect(synthTestRun({ metadata: { name: longest }, ...runners(999) }).spec.parallelism).toBe(999);
    expect(() => synthTestRun({ metadata: { name: longest }, ...runners(1001) })).toThrow('metadata.name must start with a letter and have at most 50 characters '
      + `with a TestRun (the k6-operator names its Jobs and Services after it, adding up to 13), got "${longest}"`);
    expect(synthTestRun({ metadata: { name: longest.slice(0, 50) }, ...runners(1001) }).testRun.metadata.name).toBe(longest.slice(0, 50));
  });

  test('the default operator namespace is the one of its kustomize bundle, k6-operator-system', () => {
    const { objects } = synthTestRun();
    const runners = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'orders-soak-runners');
    expect(runners.spec.ingress[0].from[1]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'k6-operator-system' } } });
  });
});

describe('SoakJob TestRun refuses', () => {
  test.each<[string, Partial<SoakJobProps>, string]>([
    ['parallelism above the VUs', { testRunParallelism: 26 }, "testRunParallelism must be a whole number from 1 to the profile's VUs (25), got 26"],
    ['zero parallelism', { testRunParallelism: 0 }, "testRunParallelism must be a whole number from 1 to the profile's VUs (25), got 0"],
    ['fractional parallelism', { testRunParallelism: 1.5 }, "testRunParallelism must be a whole number from 1 to the profile's VUs (25), got 1.5"],
    ['an unpinned starter', { testRunStarterImage: 'ghcr.io/grafana/k6-operator:latest-starter' },
      'testRunStarterImage must pin a version tag (starter-v1.6.0) or a digest (name@sha256:...); the latest-* tags move between pulls, got "ghcr.io/grafana/k6-operator:latest-starter"'],
    ['a starter without a tag', { testRunStarterImage: 'ghcr.io/grafana/k6-operator' },
      'testRunStarterImage must pin a version tag (name:1.2.3) or a digest (name@sha256:...); an image without a tag runs whatever latest is, got "ghcr.io/grafana/k6-operator"'],
    ['an invalid operator namespace', { testRunOperatorNamespace: 'K6_Operator' },
      'testRunOperatorNamespace must be a DNS-1123 label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit, got "K6_Operator"'],
    ['a name the operator\'s Job names would push past 63', { metadata: { name: `a${'b'.repeat(51)}` } },
      `metadata.name must start with a letter and have at most 51 characters with a TestRun (the k6-operator names its Jobs and Services after it, adding up to 12), got "a${'b'.repeat(51)}"`],
    ['a name starting with a digit (the runner Services are DNS-1035 labels)', { metadata: { name: '1-soak' } },
      'metadata.name must start with a letter and have at most 51 characters with a TestRun (the k6-operator names its Jobs and Services after it, adding up to 12), got "1-soak"'],
  ])('fails with %s', (_name, props, message) => {
    expect(() => synthTestRun(props)).toThrow(message);
  });

  test('fails with TestRun props but no TestRun', () => {
    expect(() => synthTestRun({ testRunParallelism: undefined, testRunOperatorNamespace: 'k6' }))
      .toThrow('testRunOperatorNamespace must come with testRunParallelism, got "k6"');
    const starter = 'ghcr.io/grafana/k6-operator:starter-v1.6.0';
    expect(() => synthTestRun({ testRunParallelism: undefined, testRunStarterImage: starter }))
      .toThrow(`testRunStarterImage must come with testRunParallelism, got "${starter}"`);
    expect(() => synthTestRun({ testRunParallelism: undefined, testRunStarterImage: starter, testRunOperatorNamespace: 'k6' }))
      .toThrow(`testRunStarterImage must come with testRunParallelism, got "${starter}"`);
  });
});
