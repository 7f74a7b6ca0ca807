import { alertNamesFor } from './_alert-names';
import { envOf, jobContainer, preamble, RenderContext } from './_context';
import { Inventory, JobEntry } from './_inventory';
import { alsoAppliesNote, applyCommand, jobExitCodeCommand, kubectl, namespaceOf } from './_kubectl';
import { block, bullets, code, doc, humanSeconds, table } from './_markdown';
import { soakScriptSettings, SoakScriptSettings } from './_soak-script-settings';
import { SoakJob } from '../soak-job';

type Soak = JobEntry<SoakJob>;

interface SoakFacts {
  readonly entry: Soak;
  readonly name: string;
  readonly namespace?: string;
  readonly settings: SoakScriptSettings;
  readonly env: Record<string, string>;
}

/** What each exit code of a soak Job means (assets/k6/run-soak.sh; k6 errext/exitcodes). */
const EXIT_CODES: Array<[string, string]> = [
  ['0', 'PASS: every threshold held and the stability verdict is PASS'],
  ['99', 'FAIL: a k6 threshold failed (error rate, p95, p99, breaker-open rate or an extra threshold)'],
  ['90', 'FAIL: every threshold held, but the stability verdict is FAIL (latency growth between the windows: a probable leak)'],
  ['other', 'k6 could not run the test (script, target unreachable at start); 143 or 137: stopped at the Job deadline'],
];

/** SOAK-BASELINE.md: profiles, thresholds, leak detection, how to run and read each Job, Grafana, CI. */
export function renderSoakBaseline(context: RenderContext): string {
  const { inventory } = context;
  const soaks: SoakFacts[] = inventory.soaks.map((entry) => {
    const job = entry.job.json;
    const script = scriptOf(job, inventory);
    return { entry, name: job.metadata.name, namespace: namespaceOf(job), settings: soakScriptSettings(script), env: envOf(jobContainer(job)) };
  });
  if (soaks.length === 0) {
    return doc([
      preamble(`Soak baseline: ${context.title}`, 'The soak tests of the service and how to read them.'),
      'No SoakJob in the apps: add one to a chart applied on demand (README: Soak testing); this document then lists its profile, thresholds and how to run it.',
    ]);
  }
  const groups = groupBySettings(soaks);
  return doc([
    preamble(`Soak baseline: ${context.title}`, 'The soak tests of the service: what they load, the limits they hold it to, how to run them and read the verdict.'),
    '## Soak Jobs',
    table(['Job', 'profile', 'duration', 'VUs', 'windows: early / steady / late', 'activeDeadlineSeconds', 'file'], soaks.map((s) => {
      const a = s.settings.config.analysis;
      const w = s.settings.options.scenarios;
      // a SoakJob's script always runs the three windows
      return [code(s.name), code(a.profile), `${a.durationSeconds} s (${humanSeconds(a.durationSeconds)})`, a.vus,
        ['early', 'steady', 'late'].map((x) => w[x].duration).join(' / '), s.entry.job.json.spec.activeDeadlineSeconds, s.entry.apply.files.map(code).join(', ')];
    })),
    '## Workload, thresholds and growth limit',
    ...groups.flatMap((group) => groupSection(group)),
    '## Leak detection',
    'k6 hands the summary only aggregates over the whole run, so a slow leak hides in the average. Each run is therefore split into three consecutive '
      + `scenarios tagged ${code('window')}: ${code('early')} (the first 20 %), ${code('steady')} (60 %) and ${code('late')} (the last 20 %), with the same virtual users. `
      + 'The summary divides the late window\'s p95 latency by the early window\'s: a service that slows down over time (memory, connections, caches that never shrink) '
      + `shows a ratio above the growth limit and the verdict is FAIL (exit 90 when every threshold held). The two window thresholds (${code('max>=0')}) always hold: `
      + 'they only make the window latencies appear in the summary.',
    '## Run, watch and read',
    'A soak Job runs once and never retries. Every request is real: run it against the environment it is meant for.',
    ...soaks.flatMap((s) => runSection(s, inventory)),
    'The log ends with the verdict, as text and as one JSON line:',
    block([
      'soak verdict: PASS (profile <profile>, <vus> VUs, planned <seconds> s, ran <seconds> s)',
      '  requests <n> (<n>/s), error rate <n> %, checks passed <n> %',
      '  latency p95 <ms> ms, p99 <ms> ms; early p95 <ms> ms, late p95 <ms> ms, growth <ratio>x',
      '  circuit breaker open <n> times (<n> % of responses)',
      '{"verdict":"PASS","reasons":[],...}',
    ], 'text'),
    'Each `FAIL:` line under it is a reason. The exit code of the Job\'s pod:',
    table(['exit', 'meaning'], EXIT_CODES.map(([c, m]) => [code(c), m])),
    '## What to chart in Grafana',
    ...grafanaSection(soaks, inventory),
    '## CI integration',
    ...ciSection(soaks),
  ]);
}

function scriptOf(job: any, inventory: Inventory): string {
  // a SoakJob's pod always mounts its scripts
  const names = job.spec.template.spec.volumes.filter((v: any) => v.configMap).map((v: any) => v.configMap.name);
  const configMap = inventory.manifests.find((m) => m.json.kind === 'ConfigMap' && names.includes(m.json.metadata.name)
    && (m.json.metadata.namespace ?? '') === (job.metadata.namespace ?? '') && m.json.data?.['soak.js'] !== undefined);
  if (!configMap) throw new Error(`soak Job ${job.metadata.name} mounts no ConfigMap with soak.js`);
  return configMap.json.data['soak.js'];
}

/** Jobs whose workload, thresholds and growth limit are the same are described once. */
function groupBySettings(soaks: SoakFacts[]): SoakFacts[][] {
  const groups = new Map<string, SoakFacts[]>();
  for (const s of soaks) {
    const { config, options } = s.settings;
    const key = JSON.stringify([
      config.endpoints, config.thinkTimeSeconds, config.breaker, config.analysis.maxLatencyGrowth, options.thresholds, config.baseUrl,
    ]);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()];
}

function groupSection(group: SoakFacts[]): string[] {
  const { config, options } = group[0].settings;
  const total = config.endpoints.reduce((sum, e) => sum + e.weight, 0);
  const breaker = config.breaker;
  return [
    `### ${group.map((s) => s.name).join(', ')}`,
    `Target ${code(config.baseUrl)}; each virtual user picks an endpoint by weight, checks its status and pauses ${config.thinkTimeSeconds} s.`,
    table(['endpoint', 'request', 'weight', 'share', 'expected status'], config.endpoints.map((e) => [
      code(e.name), code(`${e.method} ${e.path}`), e.weight, `${Math.round((e.weight / total) * 1000) / 10} %`, e.expectedStatus,
    ])),
    // a SoakJob recognises open breakers by status, by header or by both
    `A response counts as an open circuit breaker when ${[
      ...(breaker.statuses.length > 0 ? [`its status is ${breaker.statuses.map(code).join(' or ')}`] : []),
      ...(breaker.header ? [`it carries ${code(breaker.header)}${breaker.headerValue ? ` with ${code(breaker.headerValue)}` : ''}`] : []),
    ].join(' or ')}`
      + ` (counter ${code('circuit_breaker_open')}, rate ${code('circuit_breaker_open_rate')}).`,
    'k6 thresholds (any one failing fails the run, exit 99):',
    table(['metric', 'threshold'], Object.entries(options.thresholds).flatMap(([metric, expressions]) => expressions.map((e) => [code(metric), code(e)]))),
    `Growth limit: late p95 / early p95 at most ${code(`maxLatencyGrowth: ${config.analysis.maxLatencyGrowth}`)} (exit 90 above it).`,
  ];
}

/** Parts of a doc(), which leaves out the undefined ones. */
function runSection(s: SoakFacts, inventory: Inventory): Array<string | undefined> {
  const job = s.entry.job.json;
  const k = (...args: string[]) => kubectl(s.namespace, ...args);
  const a = s.settings.config.analysis;
  const alerts = alertNamesFor(inventory, 'soak-job', job);
  return [
    `### ${s.name} (${a.profile}: ${humanSeconds(a.durationSeconds)}, ${a.vus} VUs)`,
    alsoAppliesNote(s.entry.apply),
    block([
      k('delete', 'job', s.name, '--ignore-not-found'),
      applyCommand(s.entry.apply),
      k('get', 'job', s.name, '-w'),
      k('logs', '-f', `job/${s.name}`),
      k('logs', `job/${s.name}`, '--tail=8'),
      jobExitCodeCommand(s.namespace, s.name),
      applyCommand(s.entry.apply, 'delete'),
    ]),
    `It runs ${a.durationSeconds} s plus the graceful stop and is stopped at ${code(`activeDeadlineSeconds: ${job.spec.activeDeadlineSeconds}`)}; `
      + `its pod and log stay for ${code(`ttlSecondsAfterFinished: ${job.spec.ttlSecondsAfterFinished}`)}.`
      + (alerts.length > 0 ? ` A failed run fires ${alerts.map(code).join(', ')}.` : ''),
  ];
}

function grafanaSection(soaks: SoakFacts[], inventory: Inventory): string[] {
  const pushing = soaks.filter((s) => s.env.K6_OUT);
  const silent = soaks.filter((s) => !s.env.K6_OUT);
  const parts: string[] = [];
  if (pushing.length > 0) {
    parts.push(`${pushing.map((s) => code(s.name)).join(', ')} push their k6 metrics while they run (${code(`K6_OUT=${pushing[0].env.K6_OUT}`)} to `
      + `${code(pushing[0].env.K6_PROMETHEUS_RW_SERVER_URL)}), every series labelled ${code('testid')} (the Job's name), ${code('profile')} and ${code('window')}.`);
  }
  if (silent.length > 0) {
    parts.push(`${silent.map((s) => code(s.name)).join(', ')} push no metrics: their summary in the log is the only result. Give them a ${code('metricsOutput')} to chart them.`);
  }
  const dashboard = inventory.dashboards[0];
  if (dashboard && pushing.length > 0) {
    const json = JSON.parse(Object.values(dashboard.configMap.json.data ?? {})[0] as string);
    parts.push(`The dashboard ${code(json.title)} (Grafana ${code(`/d/${json.uid}`)}, ConfigMap ${code(dashboard.configMap.json.metadata.name)} in ${code(dashboard.configMap.file)}) `
      + `draws them: pick the run in ${code('Soak Job')} (the variable ${code('$testid')}, such as ${code(pushing[0].name)}). Its panels and queries:`);
    parts.push(table(['panel', 'query'], json.panels.flatMap((p: any) => p.targets.map((t: any) => [p.title, code(t.expr)]))));
    parts.push('Watch the p95 panel: the late window drifting above the early one is the leak the verdict looks for; error rate and breaker opens '
      + 'rising together point at a dependency.');
  } else if (pushing.length > 0) {
    parts.push('Chart these series per window (no SoakDashboard in the apps):');
    parts.push(bullets([
      `${code('sum by (window) (rate(k6_http_reqs_total{testid="<job>"}[1m]))')}: requests per second`,
      `${code('max by (window) (k6_http_req_duration_p95{testid="<job>"})')}: p95 latency (leak: late above early)`,
      `${code('max by (window) (k6_http_req_failed_rate{testid="<job>"})')}: failed share`,
      `${code('sum by (window) (rate(k6_circuit_breaker_open_total{testid="<job>"}[1m]))')}: breaker opens`,
    ]));
  }
  return parts;
}

function ciSection(soaks: SoakFacts[]): string[] {
  const s = [...soaks].sort((a, b) => a.settings.config.analysis.durationSeconds - b.settings.config.analysis.durationSeconds)[0];
  const job = s.entry.job.json;
  const k = (...args: string[]) => kubectl(s.namespace, ...args);
  const deadline: number = job.spec.activeDeadlineSeconds;
  return [
    `A pipeline step that runs ${code(s.name)}, waits for it to end, prints the verdict and fails with the Job's exit code `
      + '(GitHub Actions syntax; the script is plain POSIX sh for any CI). It runs from the directory of this file, with kubectl configured for the cluster.',
    block([
      `- name: Soak test ${s.name}`,
      `  timeout-minutes: ${Math.ceil(deadline / 60) + 5}`,
      '  run: |',
      ...[
        k('delete', 'job', s.name, '--ignore-not-found', '--wait=true'),
        applyCommand(s.entry.apply),
        '# the Job ends Complete or Failed; the deadline ends it at the latest',
        'while :; do',
        `  status=$(${k('get', 'job', s.name, '-o', 'jsonpath=\'{.status.conditions[?(@.status=="True")].type}\'')})`,
        '  case "$status" in *Complete* | *Failed*) break ;; esac',
        '  sleep 30',
        'done',
        k('logs', `job/${s.name}`, '--tail=8'),
        '# the Job\'s condition decides; the exit code of its own pod only says why it failed',
        'case "$status" in *Complete*) echo "soak exit code: 0"; exit 0 ;; esac',
        `code=$(${jobExitCodeCommand(s.namespace, s.name)})`,
        'echo "soak exit code: ${code:-unknown}"',
        '# a failed Job never passes, whatever a pod says',
        'case "$code" in "" | 0) exit 1 ;; esac',
        'exit "$code"',
      ].map((line) => `    ${line}`),
    ], 'yaml'),
  ];
}
