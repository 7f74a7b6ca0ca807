import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { rulesMarkdown } from '../scripts/rules-md';
import {
  ChaosExperiment, ChaosNetworkPolicy, ChaosScenario, HardenedDeployment, HardeningChecks, HardeningRule, HttpMethod,
  NatsAuth, NatsBackupCronJob, NatsRestoreJob, Severity, SoakJob, SoakTarget,
} from '../src';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';
const clone = (o: any) => JSON.parse(JSON.stringify(o));
const rule = (id: string) => [...HardeningChecks.defaultRules(), ...HardeningChecks.optionalRules()].find((r) => r.id === id)!;
const RULE_ID = 'at most 40 lowercase letters and digits in words joined by single dashes';
const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** Every construct of the library in one chart, the way the example uses them. */
function libraryChart(app = Testing.app()) {
  const chart = new Chart(app, 'all', { namespace: 'orders' });
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
  api.addDisruptionBudget();
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
  new NatsRestoreJob(chart, 'restore', { backup, metadata: { name: 'jetstream-restore' } });
  new SoakJob(chart, 'soak', {
    metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/api/orders', method: HttpMethod.GET }], testRunParallelism: 2,
  });
  for (const scenario of [ChaosScenario.API_KILL, ChaosScenario.NETWORK_BLOCK]) {
    new ChaosExperiment(chart, scenario, { scenario, target: api, apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 }, metadata: { name: `orders-${scenario}` } });
  }
  new ChaosExperiment(chart, 'nats-kill', {
    scenario: ChaosScenario.NATS_KILL, nats: { statefulSetName: 'nats', podLabels: { 'app.kubernetes.io/name': 'nats' } }, apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 }, metadata: { name: 'orders-nats-kill' },
  });
  new ChaosNetworkPolicy(chart, 'partition', { workload: api, metadata: { name: 'orders-manual-partition' } });
  return chart;
}

describe('HardeningChecks on this library', () => {
  test('every construct passes every rule with no suppression', () => {
    const chart = libraryChart();
    const checks = new HardeningChecks(chart);
    expect(checks.findings()).toEqual([]);
    expect(checks.report()).toBe('hardening checks: 0 errors, 0 warnings, 0 suppressed');
    const objects = Testing.synth(chart);
    expect(objects.some((o) => Object.keys(o.metadata.annotations ?? {}).some((a) => a.startsWith('checks.cdk8s-hardening.io/')))).toBe(false);
  });

  test('with failOnWarnings too, an app of them synthesizes', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'checks-'));
    try {
      const app = new App({ outdir });
      libraryChart(app);
      new HardeningChecks(app, { failOnWarnings: true });
      expect(() => app.synth()).not.toThrow();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('HardeningChecks on a naive cdk8s-plus-28 Deployment', () => {
  function naive() {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'naive-')) });
    const chart = new Chart(app, 'naive');
    new kplus.Deployment(chart, 'web', { containers: [{ image: IMAGE, portNumber: 8080 }] });
    return { app, chart, checks: new HardeningChecks(chart) };
  }

  test('is flagged with the expected rule ids', () => {
    const { checks, app } = naive();
    const ids = [...new Set(checks.findings().map((f) => `${f.severity} ${f.ruleId}`))].sort();
    expect(ids).toEqual([
      'error ephemeral-storage',
      'error high-user-group-id',
      'error liveness-probe',
      'error pod-security-restricted',
      'error readiness-probe',
      'error replicas-and-budget',
      'warning network-policy-coverage',
      'warning topology-spread',
    ]);
    rmSync(app.outdir, { recursive: true, force: true });
  });

  test('fails synthesis with a report naming the missing probe, seccomp profile, dropped capabilities and PDB', () => {
    const { app } = naive();
    let message = '';
    try {
      app.synth();
    } catch (e: any) {
      message = e.message;
    }
    rmSync(app.outdir, { recursive: true, force: true });
    expect(message).toContain('Validation failed');
    expect(message).toContain('hardening checks: 8 errors, 3 warnings, 0 suppressed');
    expect(message).toMatch(/error readiness-probe Deployment\/naive-web-\w+ \(naive\/web\/Resource\): container main has no readinessProbe/);
    expect(message).toContain('container main has no seccomp profile RuntimeDefault or Localhost');
    expect(message).toContain('container main does not drop ALL capabilities');
    expect(message).toContain('no PodDisruptionBudgets select its pods');
    expect(message).toContain('fix: add a readiness probe (HardenedDeployment: readinessPath) (kube-score pod-probes; Polaris readinessProbeMissing)');
  });

  test('suppressions need a reason, are kept in the report and as annotations, and let synthesis pass', () => {
    const { chart, checks, app } = naive();
    const web = chart.node.findChild('web');
    for (const id of ['readiness-probe', 'liveness-probe', 'pod-security-restricted', 'ephemeral-storage', 'replicas-and-budget', 'high-user-group-id']) {
      HardeningChecks.suppress(web, id, 'legacy vendor chart, replaced by orders-api in Q1');
    }
    const findings = checks.findings();
    expect(findings.filter((f) => f.severity === Severity.ERROR).every((f) => f.suppressedBecause === 'legacy vendor chart, replaced by orders-api in Q1')).toBe(true);
    expect(checks.report()).toContain('hardening checks: 0 errors, 3 warnings, 8 suppressed');
    expect(checks.report()).toContain('      reason: legacy vendor chart, replaced by orders-api in Q1');
    expect(checks.report()).toMatch(/\n {2}suppressed readiness-probe Deployment\/naive-web-\w+ \(naive\/web\/Resource\): container main has no readinessProbe\n/);
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(deployment.metadata.annotations['checks.cdk8s-hardening.io/suppress.readiness-probe']).toBe('legacy vendor chart, replaced by orders-api in Q1');
    expect(() => app.synth()).not.toThrow();
    rmSync(app.outdir, { recursive: true, force: true });
  });

  test('warnings fail synthesis with failOnWarnings', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'warn-')) });
    const chart = new Chart(app, 'warn');
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, networkPolicy: false });
    api.addDisruptionBudget();
    const checks = new HardeningChecks(chart, { failOnWarnings: true });
    expect(checks.findings().map((f) => f.ruleId)).toEqual(['network-policy-coverage', 'network-policy-coverage']);
    expect(() => app.synth()).toThrow('hardening checks: 0 errors, 2 warnings, 0 suppressed');
    rmSync(app.outdir, { recursive: true, force: true });
  });
});

describe('HardeningChecks refuses', () => {
  test('fails with a suppression without a real reason', () => {
    const chart = libraryChart();
    expect(() => HardeningChecks.suppress(chart, 'readiness-probe', 'because'))
      .toThrow('reason must explain in a sentence why the rule does not apply (at least 10 characters), got "because"');
  });

  test('fails with a reason of 9 characters, or one that has 10 only with the spaces around it', () => {
    for (const reason of ['123456789', '    123456789   ']) {
      expect(() => HardeningChecks.suppress(libraryChart(), 'readiness-probe', reason))
        .toThrow(`reason must explain in a sentence why the rule does not apply (at least 10 characters), got ${JSON.stringify(reason)}`);
    }
  });

  test('a reason of 10 characters is enough; the annotation holds it without the spaces around it', () => {
    const chart = libraryChart();
    HardeningChecks.suppress(chart, 'readiness-probe', '  1234567890 ');
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(deployment.metadata.annotations['checks.cdk8s-hardening.io/suppress.readiness-probe']).toBe('1234567890');
  });

  test('fails with a reason or a rule id that is no string (from a language without static types)', () => {
    expect(() => HardeningChecks.suppress(libraryChart(), 'readiness-probe', 1234567890 as any))
      .toThrow('reason must explain in a sentence why the rule does not apply (at least 10 characters), got 1234567890');
    expect(() => HardeningChecks.suppress(libraryChart(), 5 as any, 'the probe lives in the sidecar'))
      .toThrow(`ruleId must be a rule id such as "readiness-probe": ${RULE_ID}, got 5`);
  });

  test('a rule id of 40 characters is allowed', () => {
    const chart = libraryChart();
    HardeningChecks.suppress(chart, 'r'.repeat(40), 'the probe lives in the sidecar');
    expect(Testing.synth(chart).find((o) => o.kind === 'Deployment').metadata.annotations[`checks.cdk8s-hardening.io/suppress.${'r'.repeat(40)}`])
      .toBe('the probe lives in the sidecar');
  });

  test('fails with a malformed rule id', () => {
    expect(() => HardeningChecks.suppress(libraryChart(), 'Readiness Probe', 'the probe lives in the sidecar'))
      .toThrow(`ruleId must be a rule id such as "readiness-probe": ${RULE_ID}, got "Readiness Probe"`);
  });

  test.each(['readiness-probe-', '-readiness', 'readiness--probe', 'r'.repeat(41), ''])('fails with the rule id %p (the annotation key would be invalid)', (id) => {
    expect(() => HardeningChecks.suppress(libraryChart(), id, 'the probe lives in the sidecar'))
      .toThrow(`ruleId must be a rule id such as "readiness-probe": ${RULE_ID}, got ${JSON.stringify(id)}`);
  });

  test('fails with a reason that holds control characters (one report line, one annotation value)', () => {
    expect(() => HardeningChecks.suppress(libraryChart(), 'readiness-probe', 'the probe lives\nin the sidecar'))
      .toThrow('reason must contain no control characters (newlines, tabs, escapes), got "the probe lives\\nin the sidecar"');
  });

  test('fails with a custom rule whose id could not be suppressed', () => {
    class Bad extends HardeningRule {
      public readonly id = 'My Rule';
      public readonly severity = Severity.ERROR;
      public readonly requirement = 'x';
      public readonly rationale = 'x';
      public readonly source = 'x';
      public readonly fix = 'x';
      public check(): string[] {
        return [];
      }
    }
    expect(() => new HardeningChecks(new Chart(Testing.app(), 'c'), { additionalRules: [new Bad()] }))
      .toThrow(`rules id must be a rule id such as "readiness-probe": ${RULE_ID}, got "My Rule"`);
  });

  test('fails with a scope that holds no objects yet', () => {
    const chart = new Chart(Testing.app(), 'empty');
    expect(() => HardeningChecks.suppress(chart, 'readiness-probe', 'nothing here to check yet'))
      .toThrow('scope must hold API objects already (suppress after creating them), got "empty"');
  });

  test('fails with two rules of the same id', () => {
    expect(() => new HardeningChecks(new Chart(Testing.app(), 'c'), { rules: [rule('readiness-probe'), rule('readiness-probe')] }))
      .toThrow('rules must have unique ids, got "readiness-probe"');
  });
});

describe('opt-in rules', () => {
  test('image-digest is off by default and on with additionalRules', () => {
    expect(HardeningChecks.defaultRules().map((r) => r.id)).not.toContain('image-digest');
    expect(HardeningChecks.optionalRules().map((r) => r.id)).toEqual(['image-digest']);
    const chart = new Chart(Testing.app(), 'c');
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
    api.addDisruptionBudget();
    expect(new HardeningChecks(chart).findings()).toEqual([]);
    const strict = new HardeningChecks(chart, { additionalRules: HardeningChecks.optionalRules() });
    expect(strict.rules.map((r) => r.id)).toEqual([...HardeningChecks.defaultRules().map((r) => r.id), 'image-digest']);
    expect(strict.findings().map((f) => `${f.severity} ${f.ruleId} ${f.objectName}: ${f.message}`)).toEqual([
      'error image-digest Deployment/orders-api: container api image "ghcr.io/acme/orders-api:1.4.2" has no digest',
    ]);
  });

  test('an app whose images carry digests passes image-digest', () => {
    const chart = new Chart(Testing.app(), 'c');
    const api = new HardenedDeployment(chart, 'api', { image: `${IMAGE}@${DIGEST}`, metadata: { name: 'orders-api' } });
    api.addDisruptionBudget();
    expect(new HardeningChecks(chart, { additionalRules: HardeningChecks.optionalRules() }).findings()).toEqual([]);
  });

  test('fails with an opt-in rule that is also among the rules', () => {
    expect(() => new HardeningChecks(new Chart(Testing.app(), 'c'), { rules: HardeningChecks.optionalRules(), additionalRules: HardeningChecks.optionalRules() }))
      .toThrow('rules must have unique ids, got "image-digest"');
  });
});

describe('custom rules', () => {
  test('a subclass of HardeningRule is checked like the built-in ones', () => {
    class NoDefaultNamespace extends HardeningRule {
      public readonly id = 'explicit-namespace';
      public readonly severity = Severity.ERROR;
      public readonly requirement = 'every object names its namespace';
      public readonly rationale = 'kubectl context switches put objects in the wrong place';
      public readonly source = 'team policy';
      public readonly fix = 'set the chart namespace';
      public check(manifest: any): string[] {
        return manifest.metadata?.namespace ? [] : ['has no namespace'];
      }
    }
    const chart = new Chart(Testing.app(), 'c');
    new kplus.ConfigMap(chart, 'cm', { data: { a: 'b' } });
    const checks = new HardeningChecks(chart, { rules: [new NoDefaultNamespace()] });
    expect(checks.findings().map((f) => [f.ruleId, f.message])).toEqual([['explicit-namespace', 'has no namespace']]);
  });
});

describe('objects rendered by a toJson of their own', () => {
  test('one without metadata is checked and named by its kind', () => {
    const chart = new Chart(Testing.app(), 'c');
    const own = new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    own.toJson = () => ({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    const findings = new HardeningChecks(chart, { rules: [rule('pinned-image')] }).findings();
    expect(findings.map((f) => `${f.objectName}: ${f.message}`)).toEqual(['Pod/(no name): container main image "busybox" is not pinned']);
  });
});

describe('every rule: a compliant and a non-compliant case', () => {
  const base = Testing.synth(libraryChart());
  const find = (kind: string, name: string) => clone(base.find((o) => o.kind === kind && o.metadata.name === name));
  const deployment = () => find('Deployment', 'orders-api');
  const container = (d: any) => d.spec.template.spec.containers[0];
  const pdb = () => find('PodDisruptionBudget', 'orders-api-pdb');
  const cronJob = () => find('CronJob', 'jetstream-backup');
  const job = () => find('Job', 'jetstream-restore');
  const withAll = (obj: any, replace: string[]) => [obj, ...base.filter((o) => !replace.includes(`${o.kind}/${o.metadata.name}`))];

  const cases: Array<[string, () => any, (o: any) => void, string, string[]?]> = [
    ['readiness-probe', deployment, (d) => delete container(d).readinessProbe, 'container api has no readinessProbe'],
    ['liveness-probe', deployment, (d) => delete container(d).livenessProbe, 'container api has no livenessProbe'],
    ['liveness-probe', deployment, (d) => (container(d).livenessProbe.httpGet.path = '/readyz'), 'container api uses the same handler for liveness and readiness'],
    ['probe-ports', deployment, (d) => (container(d).readinessProbe.httpGet.port = 9090), 'container api readinessProbe targets port 9090, which the container does not declare'],
    ['resource-limits', deployment, (d) => delete container(d).resources.limits.memory, 'container api has no memory limits'],
    ['ephemeral-storage', cronJob, (c) => delete c.spec.jobTemplate.spec.template.spec.containers[0].resources.limits['ephemeral-storage'],
      'container nats-backup has no ephemeral-storage request and limit'],
    ['pod-security-restricted', job, (j) => (j.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true),
      'container nats-restore does not set allowPrivilegeEscalation: false'],
    ['pod-security-restricted', deployment, (d) => (d.spec.template.spec.hostNetwork = true), 'hostNetwork is true'],
    ['high-user-group-id', deployment, (d) => (container(d).securityContext.runAsUser = 1000), 'container api runAsUser is 1000'],
    ['read-only-root-filesystem', deployment, (d) => (container(d).securityContext.readOnlyRootFilesystem = false), 'container api has a writable root filesystem'],
    ['pinned-image', deployment, (d) => (container(d).image = 'ghcr.io/acme/orders-api:latest'), 'container api image "ghcr.io/acme/orders-api:latest" is not pinned'],
    ['pinned-image', deployment, (d) => (container(d).image = 'Nginx:1.27'), 'container api image "Nginx:1.27" is not a valid image reference'],
    ['image-pull-always', deployment, (d) => (container(d).imagePullPolicy = 'IfNotPresent'), 'container api imagePullPolicy is IfNotPresent'],
    ['replicas-and-budget', deployment, (d) => (d.spec.replicas = 1), 'runs 1 replica'],
    ['replicas-and-budget', deployment, (d) => (d.spec.template.metadata.labels['app.kubernetes.io/instance'] = 'other'), 'no PodDisruptionBudgets select its pods'],
    ['budget-allows-disruption', pdb, (p) => (p.spec.minAvailable = 2), 'allows no disruption of Deployment/orders-api (2 replicas)'],
    ['budget-allows-disruption', pdb, (p) => { delete p.spec.minAvailable; p.spec.maxUnavailable = '0%'; }, 'allows no disruption of Deployment/orders-api (2 replicas)'],
    ['unhealthy-pod-eviction', pdb, (p) => delete p.spec.unhealthyPodEvictionPolicy, 'unhealthyPodEvictionPolicy is unset (IfHealthyBudget)'],
    ['topology-spread', deployment, (d) => delete d.spec.template.spec.topologySpreadConstraints, 'has no topologySpreadConstraint on hostname or zone'],
    ['service-account-token', job, (j) => (j.spec.template.spec.automountServiceAccountToken = true), 'mounts the token of ServiceAccount default, which no RoleBinding in scope uses'],
    ['cron-job-safety', cronJob, (c) => delete c.spec.startingDeadlineSeconds, 'startingDeadlineSeconds is unset'],
    ['cron-job-safety', cronJob, (c) => (c.spec.concurrencyPolicy = 'Allow'), 'concurrencyPolicy is Allow'],
    ['cron-job-safety', cronJob, (c) => (c.spec.jobTemplate.spec.ttlSecondsAfterFinished = 60), 'its job template sets ttlSecondsAfterFinished'],
    ['job-limits', job, (j) => delete j.spec.ttlSecondsAfterFinished, 'ttlSecondsAfterFinished is unset'],
    ['nats-credentials-over-tls', cronJob, (c) => c.spec.jobTemplate.spec.template.spec.containers[0].env.push({ name: 'NATS_PASSWORD_FILE', value: '/etc/nats/auth/password' }),
      'container nats-backup sends a NATS password or token to nats://nats:4222 without TLS'],
    ['network-policy-selector', () => find('NetworkPolicy', 'jetstream-backup'), (p) => (p.spec.podSelector = {}),
      'podSelector is empty: it selects every pod in the namespace'],
    ['network-policy-coverage', deployment, (d) => (d.spec.template.metadata.labels = { app: 'elsewhere' }), 'no NetworkPolicy covers Ingress for its pods'],
    ['network-policy-coverage', () => find('Job', 'orders-nats-kill'), (j) => (j.spec.template.metadata.labels = { app: 'elsewhere' }), 'no NetworkPolicy covers Egress for its pods'],
    ['network-policy-coverage', job, (j) => (j.spec.template.metadata.labels = { app: 'elsewhere' }), 'no NetworkPolicy covers Ingress for its pods'],
    ['network-policy-coverage', cronJob, (c) => (c.spec.jobTemplate.spec.template.metadata.labels = { app: 'elsewhere' }), 'no NetworkPolicy covers Egress for its pods'],
    ['network-policy-coverage', () => find('Job', 'orders-soak'), (j) => (j.spec.template.metadata.labels = { app: 'elsewhere' }), 'no NetworkPolicy covers Ingress for its pods'],
    ['rbac-wildcards', () => find('Role', 'orders-api-kill'), (r) => (r.rules[1].verbs = ['*']), 'rule 1 has * in verbs'],
  ];

  test.each(cases)('%s: compliant passes, non-compliant is flagged', (id, pick, breakIt, message) => {
    const compliant = pick();
    const all = withAll(compliant, [`${compliant.kind}/${compliant.metadata.name}`]);
    expect(rule(id).check(compliant, all)).toEqual([]);
    const broken = clone(compliant);
    breakIt(broken);
    expect(rule(id).check(broken, withAll(broken, [`${broken.kind}/${broken.metadata.name}`]))).toContain(message);
  });

  test('image-digest (opt-in): an image with tag and digest passes, a tag alone is flagged', () => {
    const pinned = deployment();
    container(pinned).image = `ghcr.io/acme/orders-api:1.4.2@${DIGEST}`;
    expect(rule('image-digest').check(pinned, base)).toEqual([]);
    container(pinned).image = `ghcr.io/acme/orders-api@${DIGEST}`;
    expect(rule('image-digest').check(pinned, base)).toEqual([]);
    expect(rule('image-digest').check(deployment(), base)).toEqual(['container api image "ghcr.io/acme/orders-api:1.4.2" has no digest']);
  });

  test('every built-in rule has at least one case above', () => {
    const covered = new Set(cases.map((c) => c[0]));
    expect(HardeningChecks.defaultRules().map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test('a token mounted for a ServiceAccount bound to a Role passes', () => {
    // the chaos Jobs mount a projected, expiring token instead of the automounted one
    expect(find('Job', 'orders-api-kill').spec.template.spec.automountServiceAccountToken).toBe(false);
    const chaosJob = find('Job', 'orders-api-kill');
    chaosJob.spec.template.spec.automountServiceAccountToken = true;
    expect(rule('service-account-token').check(chaosJob, base)).toEqual([]);
    expect(rule('service-account-token').check(chaosJob, base.filter((o) => o.kind !== 'RoleBinding'))).toEqual([
      'mounts the token of ServiceAccount orders-api-kill, which no RoleBinding in scope uses',
    ]);
  });
});

describe('RULES.md', () => {
  test('lists every rule with id, severity, what, why and source, as the code has them', () => {
    expect(readFileSync(join(__dirname, '..', 'RULES.md'), 'utf8')).toBe(rulesMarkdown());
    for (const r of [...HardeningChecks.defaultRules(), ...HardeningChecks.optionalRules()]) {
      expect(rulesMarkdown()).toContain(`| \`${r.id}\` | ${r.severity} | ${r.requirement} |`);
    }
    expect(rulesMarkdown()).toContain('## Opt-in rules');
  });
});

describe('nats-credentials-over-tls', () => {
  const natsRule = rule('nats-credentials-over-tls');
  const jobWithEnv = (env: Array<{ name: string; value?: string; valueFrom?: any }>) => ({
    kind: 'Job', metadata: { name: 'client' }, spec: { template: { spec: { containers: [{ name: 'client', image: 'natsio/nats-box:0.19.5', env }] } } },
  });
  const password = { name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: 'nats', key: 'password' } } };

  test.each([
    ['a password over nats://', [{ name: 'NATS_URL', value: 'nats://nats:4222' }, password], 'to nats://nats:4222 without TLS'],
    ['a token file over ws://', [{ name: 'NATS_URL', value: 'ws://nats:8080' }, { name: 'NATS_TOKEN_FILE', value: '/t' }], 'to ws://nats:8080 without TLS'],
    ['a user alone (natscli sends it as a token) to a server without scheme', [{ name: 'NATS_URL', value: 'nats-0:4222' }, { name: 'NATS_USER', value: 'x' }], 'to nats-0:4222 without TLS'],
    ['one plain server in a list', [{ name: 'NATS_URL', value: 'tls://a:4222,nats://b:4222' }, password], 'to nats://b:4222 without TLS'],
  ])('flags %s', (_name, env, message) => {
    expect(natsRule.check(jobWithEnv(env), [])).toEqual([`container client sends a NATS password or token ${message}`]);
  });

  test.each([
    ['tls://', [{ name: 'NATS_URL', value: 'tls://nats:4222' }, password]],
    ['wss://', [{ name: 'NATS_URL', value: 'wss://nats:443' }, password]],
    ['nats:// with a CA (natscli then requires TLS)', [{ name: 'NATS_URL', value: 'nats://nats:4222' }, password, { name: 'NATS_CA', value: '/etc/nats/tls/ca.crt' }]],
    ['creds over nats:// (the seed is never sent)', [{ name: 'NATS_URL', value: 'nats://nats:4222' }, { name: 'NATS_CREDS', value: '/c' }]],
    ['no NATS_URL', [password]],
  ])('passes %s', (_name, env) => {
    expect(natsRule.check(jobWithEnv(env), [])).toEqual([]);
  });

  test('the library\'s own constructs: flagged with a password over nats://, clean with tls://', () => {
    const chart = new Chart(Testing.app(), 'nats-auth');
    const secret = kplus.Secret.fromSecretName(chart, 'secret', 'nats-backup-creds');
    new NatsBackupCronJob(chart, 'plain', { metadata: { name: 'plain' }, auth: NatsAuth.userPassword(secret) });
    new NatsBackupCronJob(chart, 'tls', { metadata: { name: 'tls' }, auth: NatsAuth.token(secret), natsUrl: 'tls://nats:4222' });
    const checks = new HardeningChecks(chart, { rules: [natsRule] });
    expect(checks.findings().map((f) => [f.objectName, f.severity, f.message])).toEqual([
      ['CronJob/plain', 'warning', 'container nats-backup sends a NATS password or token to nats://nats:4222 without TLS'],
    ]);
  });
});
