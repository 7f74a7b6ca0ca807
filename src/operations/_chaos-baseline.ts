import { CHAOS_SCENARIO_LABEL } from '../_chaos-labels';
import { ChaosExperiment } from '../chaos-experiment';
import { RecoverySla } from '../recovery-sla';
import { alertNamesFor } from './_alert-names';
import { MANUAL_GUIDES, SCENARIO_GUIDES, BASELINE_TITLES } from './_chaos-scenarios';
import { envOf, jobContainer, preamble, RenderContext } from './_context';
import { DeploymentEntry, JobEntry } from './_inventory';
import { alsoAppliesNote, applyCommand, jobExitCodeCommand, kubectl, namespaceOf, podSelector } from './_kubectl';
import { block, code, doc, table } from './_markdown';
import { probeText } from './_probe';

type Experiment = JobEntry<ChaosExperiment>;

/** The result codes of the chaos scripts (assets/chaos/chaos-lib.sh). */
const EXIT_CODES: Array<[string, string]> = [
  ['0', 'PASS: recovered within the SLA'],
  ['1', 'FAIL: recovered, slower than the SLA'],
  ['2', 'FAIL: not recovered within the recovery timeout'],
  ['3', 'NOT_RUN: the target was missing or unhealthy before injection, or a setting was invalid; nothing was injected'],
  ['4', 'INCONCLUSIVE: the fault had no visible effect, or someone else changed the target during it'],
  ['5', 'the fault or the Job\'s access could not be removed: the log says how to remove it by hand'],
  ['6', 'ERROR: a command failed (API server unreachable, a call RBAC refused); cleanup ran'],
  ['128 + n', 'ABORTED by signal n (143: TERM at the Job deadline); cleanup ran'],
];

/** CHAOS-BASELINE.md: the five baseline scenarios with their SLAs and experiments, how to run and read them, a table to record results. */
export function renderChaosBaseline(context: RenderContext): string {
  const { inventory } = context;
  const experiments = inventory.chaos;
  const scenarioOf = (e: Experiment): string => e.job.json.metadata.labels?.[CHAOS_SCENARIO_LABEL] ?? 'unknown';
  const rowOf = (e: Experiment): string | undefined => {
    const fromScenario = SCENARIO_GUIDES[scenarioOf(e)]?.baseline.name;
    const names = RecoverySla.BASELINE.map((s) => s.name);
    return fromScenario ?? (names.includes(e.construct.sla.name) ? e.construct.sla.name : undefined);
  };
  const others = experiments.filter((e) => rowOf(e) === undefined);
  const api = inventory.deployments[0];

  const summary = RecoverySla.BASELINE.flatMap((sla, i) => {
    const mine = experiments.filter((e) => rowOf(e) === sla.name);
    const title = `${i + 1}. ${BASELINE_TITLES[sla.name]}`;
    if (mine.length === 0) return [[title, baselineSla(sla), 'none in the apps: test by hand', '']];
    return mine.map((e) => [title, jobSla(e), `${code(e.job.json.metadata.name)} (${code(scenarioOf(e))})`, e.apply.files.map(code).join(', ')]);
  });
  for (const e of others) summary.push([`${code(scenarioOf(e))}`, jobSla(e), code(e.job.json.metadata.name), e.apply.files.map(code).join(', ')]);

  const sections = RecoverySla.BASELINE.map((sla, i) => {
    const mine = experiments.filter((e) => rowOf(e) === sla.name);
    const heading = `## ${i + 1}. ${BASELINE_TITLES[sla.name]}`;
    const slaLine = `SLA (${code(`RecoverySla.${constantName(sla)}`)}): ${baselineSla(sla)}.`;
    if (mine.length === 0) return doc([heading, slaLine, ...manualSection(sla, api)]).trimEnd();
    return doc([heading, slaLine, ...mine.flatMap((e) => experimentSection(e, scenarioOf(e), inventory))]).trimEnd();
  });

  return doc([
    preamble(`Chaos baseline: ${context.title}`, 'The recovery baseline of the service: each fault, what must happen, the SLA, the experiment that measures it, and where to record the result.'),
    table(['scenario', 'SLA', 'experiment (Job)', 'file'], summary),
    '## Running an experiment',
    'An experiment is a Job: applying it injects the fault once, measures the recovery and ends with one JSON line (the result) as the last line of its log; '
      + 'its exit code says the same. A Job runs once: to run it again, delete it and apply it again (which also brings back the RoleBinding it removed when it ended). '
      + 'Experiments never run while their target is unhealthy, and never retry.',
    table(['exit', 'verdict'], EXIT_CODES.map(([c, v]) => [code(c), v])),
    ...sections,
    ...(others.length > 0 ? ['## Other experiments', ...others.flatMap((e) => experimentSection(e, scenarioOf(e), inventory))] : []),
    '## Recorded results',
    'One row per run. `recoverySeconds` and `verdict` come from the result line; keep the line itself in the notes.',
    table(['date (UTC)', 'scenario', 'Job', 'SLA', 'recoverySeconds', 'verdict', 'notes'], [
      ...RecoverySla.BASELINE.flatMap((sla) => {
        const mine = experiments.filter((e) => rowOf(e) === sla.name);
        return mine.length === 0 ? [['', BASELINE_TITLES[sla.name], 'by hand', baselineSla(sla), '', '', '']]
          : mine.map((e) => ['', BASELINE_TITLES[sla.name], code(e.job.json.metadata.name), jobSla(e), '', '', '']);
      }),
      ...others.map((e) => ['', code(scenarioOf(e)), code(e.job.json.metadata.name), jobSla(e), '', '', '']),
    ]),
  ]);
}

/** The parts of an experiment's section; doc() leaves out those that are undefined. */
function experimentSection(e: Experiment, scenario: string, inventory: RenderContext['inventory']): Array<string | undefined> {
  const job = e.job.json;
  const name: string = job.metadata.name;
  const ns = namespaceOf(job);
  const k = (...args: string[]) => kubectl(ns, ...args);
  const env = envOf(jobContainer(job));
  const guide = SCENARIO_GUIDES[scenario];
  const alerts = alertNamesFor(inventory, 'chaos-experiment', job);
  const settings: Array<[string, string]> = [
    ['SLA_SECONDS', 'the SLA the verdict is measured against'],
    ['TIMEOUT_SECONDS', 'after this the verdict is "not recovered"'],
    ['HOLD_SECONDS', 'how long the fault lasts'],
    ['DIRECTION', 'traffic the partition cuts'],
    ['POLL_SECONDS', 'time between two recovery checks'],
    ['HEALTH_SUCCESSES', 'healthy answers in a row that count as recovered'],
    ['HEALTH_URL', 'what "healthy" is asked from'],
    ['TARGET_DEPLOYMENT', 'the Deployment disrupted'],
    ['TARGET_POLICY', 'the NetworkPolicy switched to deny'],
    ['NATS_STATEFULSET', 'the NATS StatefulSet'],
    ['NATS_NAMESPACE', 'its namespace'],
  ];
  const known = new Set([...settings.map(([key]) => key), 'ACCESS_BINDING', 'ACCESS_NAMESPACE', 'HOME', 'NATS_MONITOR_PORT', 'NATS_PREFER_LEADER', 'TARGET_SELECTOR']);
  const rows = settings.filter(([key]) => env[key] !== undefined && env[key] !== '').map(([key, what]) => [code(`${key}=${env[key]}`), what]);
  // a scenario this document does not know yet: every setting of its Job, as synthesized
  if (!guide) rows.push(...Object.entries(env).filter(([key]) => !known.has(key)).map(([key, value]) => [code(`${key}=${value}`), 'scenario setting']));
  rows.push([code(`activeDeadlineSeconds: ${job.spec.activeDeadlineSeconds}`), 'the Job is stopped after this (exit 143)']);

  return [
    `### Experiment ${name}`,
    guide
      ? `Scenario ${code(scenario)}: ${guide.fault}. Expected: ${guide.expected}. Recovered when ${guide.recoveredWhen}.`
      : `Scenario ${code(scenario)} (its Job's ${code(CHAOS_SCENARIO_LABEL)} label): the settings below are its Job's, as synthesized; its script is in the Job's ConfigMap.`,
    `Job ${code(name)}${ns ? ` in ${code(ns)}` : ''}, from ${e.apply.files.map(code).join(', ')}. SLA: ${jobSla(e)}.`,
    table(['setting', 'meaning'], rows),
    alsoAppliesNote(e.apply),
    'Run it, follow it, read the result and its exit code, then remove it:',
    block([
      k('delete', 'job', name, '--ignore-not-found'),
      applyCommand(e.apply),
      ...watchCommands(env, ns, inventory),
      k('logs', '-f', `job/${name}`),
      k('logs', `job/${name}`, '--tail=1'),
      jobExitCodeCommand(ns, name),
      applyCommand(e.apply, 'delete'),
    ]),
    // untimed scenarios (rollout, drain, observability-block) report slaSeconds null: nothing to recover in time
    `The result line: ${code(`{"scenario":"${scenario}",...,"recoverySeconds":N,"slaSeconds":${env.SLA_SECONDS ?? 'null'},"verdict":"PASS",...,"cleanup":"done"}`)}.`,
    alerts.length > 0 ? `A failed run fires ${alerts.map(code).join(', ')}.` : undefined,
  ];
}

/** Commands that watch the target while the fault is injected (run them in another terminal). */
function watchCommands(env: Record<string, string>, namespace: string | undefined, inventory: RenderContext['inventory']): string[] {
  const target = inventory.deployments.find((d) => d.deployment.json.metadata.name === env.TARGET_DEPLOYMENT
    && namespaceOf(d.deployment.json) === namespace);
  if (target) return [`${kubectl(namespace, 'get', 'pods', '-l', podSelector(target.deployment.json), '-w')}   # in a second terminal`];
  if (env.NATS_STATEFULSET) return [`${kubectl(env.NATS_NAMESPACE || namespace, 'get', 'statefulset', env.NATS_STATEFULSET, '-w')}   # in a second terminal`];
  return [];
}

function manualSection(sla: RecoverySla, api: DeploymentEntry | undefined): string[] {
  const guide = MANUAL_GUIDES[sla.name];
  const scenario = Object.entries(SCENARIO_GUIDES).find(([, g]) => g.baseline === sla)?.[0];
  const parts = [
    `Expected: ${guide.expected}.`,
    scenario
      ? `No experiment of the apps runs it: add a ${code('ChaosExperiment')} with ${code(`ChaosScenario.${scenario.toUpperCase().replace(/-/g, '_')}`)} to an on-demand chart, or test by hand.`
      : 'No injector in this library: test it by hand.',
    `By hand: ${guide.inject}. Recovered: ${guide.recoveredWhen}. Record the times in the table at the end.`,
  ];
  if (!api) return parts;
  const json = api.deployment.json;
  const k = (...args: string[]) => kubectl(namespaceOf(json), ...args);
  const selector = podSelector(json);
  const container = json.spec.template.spec.containers[0];
  return [
    ...parts,
    `Watch ${code(json.metadata.name)} meanwhile (memory limit ${code(container.resources.limits.memory)}; readiness ${probeText(container.readinessProbe)}):`,
    block([
      k('get', 'pods', '-l', selector, '-w'),
      k('get', 'pods', '-l', selector, '-o jsonpath=\'{range .items[*]}{.metadata.name} {.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.finishedAt}{"\\n"}{end}\''),
      k('rollout', 'status', `deployment/${json.metadata.name}`),
    ]),
  ];
}

function baselineSla(sla: RecoverySla): string {
  if (sla.maxRecovery) return `recovered in < ${sla.maxRecovery.toSeconds()} s`;
  return sla === RecoverySla.ZERO_DOWNTIME ? 'zero downtime (every probe answered)' : 'graceful degradation (no time limit)';
}

function jobSla(e: Experiment): string {
  const seconds = envOf(jobContainer(e.job.json)).SLA_SECONDS;
  return seconds ? `recovered in < ${seconds} s` : baselineSla(e.construct.sla);
}

function constantName(sla: RecoverySla): string {
  return sla.name.toUpperCase().replace(/-/g, '_');
}
