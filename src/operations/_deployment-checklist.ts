import { imageVersion } from '../_image';
import { preamble, RenderContext } from './_context';
import { DeploymentEntry, Manifest } from './_inventory';
import { kubectl, namespaceOf, podSelector, shellWord } from './_kubectl';
import { block, checklist, code, doc, humanSeconds, steps } from './_markdown';
import { probesLine } from './_probe';
import { longestRunIntervalSeconds } from '../alerts/_schedule-period';
import { HardeningChecks } from '../checks/hardening-checks';
import { Severity } from '../checks/hardening-rule';

/** The annotation `HardeningChecks.suppress` writes on a suppressed object: `<prefix><rule id>: <reason>`. */
const SUPPRESSION_ANNOTATION = 'checks.cdk8s-hardening.io/suppress.';

/** DEPLOYMENT-CHECKLIST.md: what to verify before, the deployment step by step, the rollback decision, emergencies. */
export function renderDeploymentChecklist(context: RenderContext): string {
  const { inventory } = context;
  const files = inventory.productionFiles;
  const apply = (verb: string) => ['kubectl', verb, ...files.flatMap((f) => ['-f', shellWord(f)])].join(' ');
  const deployments = inventory.deployments.filter((d) => d.deployment.production);

  return doc([
    preamble(`Deployment checklist: ${context.title}`, 'Go through it for every production deployment, top to bottom.'),
    '## Before deploying',
    ...deployments.flatMap((d) => [`### Deployment ${d.deployment.json.metadata.name}`, checklist(deploymentChecks(d))]),
    '### Production-readiness checks',
    checklist([checksItem(inventory.manifests.filter((m) => m.production))]),
    ...(inventory.backups.length > 0 ? ['### Backups', checklist(inventory.backups.map((b) => {
      const cronJob = b.cronJob.json;
      const ns = namespaceOf(cronJob);
      // NatsBackupCronJob always writes its time zone (Etc/UTC unless told otherwise)
      const period = longestRunIntervalSeconds('schedule', cronJob.spec.schedule, cronJob.spec.timeZone);
      return `The last backup of ${code(cronJob.metadata.name)} is at most ${humanSeconds(period)} old (the longest interval of ${code(cronJob.spec.schedule)} `
        + `in ${code(cronJob.spec.timeZone)}): ${code(kubectl(ns, 'get', 'cronjob', cronJob.metadata.name, "-o jsonpath='{.status.lastSuccessfulTime}'"))}. `
        + 'Older, or the release changes streams or their data: take a backup now (RUNBOOK.md, "Take a backup now") and wait for `backup complete`.';
    }))] : []),
    '## Deploy, step by step',
    steps([
      `See what changes, and check it is only what the release should change:\n${block([apply('diff')])}`,
      `Apply:\n${block([apply('apply')])}`,
      ...deployments.map((d) => {
        const json = d.deployment.json;
        const k = (...args: string[]) => kubectl(namespaceOf(json), ...args);
        return `Wait for ${code(json.metadata.name)} to finish its rollout (it fails after ${json.spec.progressDeadlineSeconds} s without progress), then look at it:\n${block([
          k('rollout', 'status', `deployment/${json.metadata.name}`),
          k('get', 'deployment', json.metadata.name),
          k('get', 'pods', '-l', podSelector(json)),
          ...(d.budget ? [k('get', 'pdb', d.budget.json.metadata.name)] : []),
        ])}`;
      }),
      'Watch the service\'s error rate and latency, and the alerts, for at least 15 minutes.',
    ]),
    '## Roll back?',
    'Roll back when any of these holds; do not debug a bad release in production:',
    checklist([
      '`rollout status` failed (`exceeded its progress deadline`): the new pods never became ready;',
      'new pods restart (`CrashLoopBackOff`, `OOMKilled`) or fail their readiness probe;',
      'errors or latency rose after the rollout, or an alert fired on the Deployment.',
    ]),
    ...deployments.map((d) => {
      const json = d.deployment.json;
      const k = (...args: string[]) => kubectl(namespaceOf(json), ...args);
      return block([
        k('rollout', 'undo', `deployment/${json.metadata.name}`),
        k('rollout', 'status', `deployment/${json.metadata.name}`),
      ]);
    }),
    'Then pin the previous image in the app and synthesize, or the next apply rolls the bad release out again. RUNBOOK.md has the rollback to a specific revision.',
    '## Emergency procedures',
    ...deployments.flatMap((d) => {
      const json = d.deployment.json;
      const name = json.metadata.name;
      const k = (...args: string[]) => kubectl(namespaceOf(json), ...args);
      return [
        `### ${name}`,
        checklist([
          `A rollout is hurting: stop it where it is, then roll back: ${code(k('rollout', 'pause', `deployment/${name}`))}, ${code(k('rollout', 'undo', `deployment/${name}`))}, ${code(k('rollout', 'resume', `deployment/${name}`))}.`,
          `The service must stop now (data corruption, runaway writes): ${code(k('scale', `deployment/${name}`, '--replicas=0'))}; back with ${code(k('scale', `deployment/${name}`, `--replicas=${json.spec.replicas}`))}.`,
          d.budget
            ? `A node drain hangs on ${code('Cannot evict pod')}: ${code(k('get', 'pdb', d.budget.json.metadata.name))} shows ${code('ALLOWED DISRUPTIONS')} 0 because pods are not ready; fix them or scale up, never delete the budget in a hurry.`
            : 'No disruption budget: a node drain can evict every pod at once. Add one before the next maintenance.',
        ]),
      ];
    }),
    ...(inventory.backups.length > 0 ? [
      '### Lost or corrupted JetStream data',
      checklist(['Restore from the last good backup: RUNBOOK.md, "Restore", step by step. Stop the writers first; the restore refuses streams that exist.']),
    ] : []),
  ]);
}

function deploymentChecks(entry: DeploymentEntry): string[] {
  const json = entry.deployment.json;
  const spec = json.spec;
  const container = spec.template.spec.containers[0];
  const rolling = spec.strategy.rollingUpdate;
  const ns = namespaceOf(json);
  const budget = entry.budget?.json;
  const items = [
    `The image is pinned: ${code(container.image)} (version ${code(imageVersion(container.image))}), ${code(`imagePullPolicy: ${container.imagePullPolicy}`)}; `
      + 'the tag exists in the registry and is the release you mean to ship.',
    `The release answers its probes: ${probesLine(container.readinessProbe, container.livenessProbe)}.`,
    `Rollout settings: ${code(spec.strategy.type)}, ${code(`maxSurge: ${rolling.maxSurge}`)}, ${code(`maxUnavailable: ${rolling.maxUnavailable}`)}, `
      + `${code(`minReadySeconds: ${spec.minReadySeconds}`)}, ${code(`progressDeadlineSeconds: ${spec.progressDeadlineSeconds}`)}; the cluster has room for `
      + `${rolling.maxSurge} more pod(s) of cpu ${code(container.resources.requests.cpu)} and memory ${code(container.resources.requests.memory)}.`,
  ];
  if (budget) {
    const min = budget.spec.minAvailable;
    items.push(`The disruption budget ${code(budget.metadata.name)} is in place (${min !== undefined ? code(`minAvailable: ${min}`) : code(`maxUnavailable: ${budget.spec.maxUnavailable}`)} `
      + `of ${code(`replicas: ${spec.replicas}`)}) and allows a disruption: ${code(kubectl(ns, 'get', 'pdb', budget.metadata.name, "-o jsonpath='{.status.disruptionsAllowed}'"))} prints more than 0.`);
  } else {
    items.push('**No PodDisruptionBudget selects these pods**: add one (`addDisruptionBudget()`).');
  }
  return items;
}

/** The built-in rules run over the production objects now: what `cdk8s synth` with HardeningChecks reports. */
function checksItem(manifests: Manifest[]): string {
  const rules = HardeningChecks.defaultRules();
  const all = manifests.map((m) => m.json);
  const open: string[] = [];
  let suppressed = 0;
  for (const json of all) {
    for (const rule of rules) {
      for (const message of rule.check(json, all)) {
        if (json.metadata.annotations?.[`${SUPPRESSION_ANNOTATION}${rule.id}`] !== undefined) suppressed++;
        else open.push(`${rule.severity} ${rule.id} ${json.kind}/${json.metadata.name}: ${message}`);
      }
    }
  }
  const errors = open.filter((o) => o.startsWith(Severity.ERROR)).length;
  const head = `${code('cdk8s synth')} passes with ${code('new HardeningChecks(app, { failOnWarnings: true })')} (${rules.length} built-in rules). `
    + `When these documents were generated the production manifests had ${errors} errors, ${open.length - errors} warnings and ${suppressed} suppressed findings`;
  return open.length === 0 ? `${head}.` : `${head}:\n${open.map((o) => `  - ${code(o)}`).join('\n')}`;
}
