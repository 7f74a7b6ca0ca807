import { alertNamesFor } from './_alert-names';
import { preamble, RenderContext } from './_context';
import { kubectl, namespaceOf } from './_kubectl';
import { anchor, bullets, doc } from './_markdown';
import { backupRunbook, restoreSection } from './_runbook-backup';
import { deploymentRunbook } from './_runbook-deployment';
import { jobRunbook } from './_runbook-job';

/** RUNBOOK.md: per HardenedDeployment and per NatsBackupCronJob, what to run and what the output means. */
export function renderRunbook(context: RenderContext): string {
  const { inventory } = context;
  const sections: Array<{ heading: string; body: string }> = [];
  for (const entry of inventory.deployments) {
    const body = deploymentRunbook(entry, alertNamesFor(inventory, 'hardened-deployment', entry.deployment.json));
    sections.push({ heading: firstLine(body), body });
  }
  for (const entry of inventory.backups) {
    const body = backupRunbook(entry, context, alertNamesFor(inventory, 'nats-backup', entry.cronJob.json));
    sections.push({ heading: firstLine(body), body });
  }
  for (const restore of inventory.otherRestores) {
    const ns = namespaceOf(restore.job.json);
    const body = doc([`## JetStream restore ${restore.job.json.metadata.name}`, ...restoreSection(undefined, restore, (...args) => kubectl(ns, ...args))]).trimEnd();
    sections.push({ heading: firstLine(body), body });
  }
  for (const entry of inventory.otherJobs) {
    const body = jobRunbook(entry, context);
    sections.push({ heading: firstLine(body), body });
  }
  return doc([
    preamble(`Runbook: ${context.title}`, 'How to deploy, roll back, scale, back up and restore, and what the output means.'),
    bullets(sections.map((s) => `[${s.heading}](#${anchor(s.heading)})`)),
    ...sections.map((s) => s.body),
  ]);
}

function firstLine(body: string): string {
  return body.split('\n')[0].replace(/^#+ /, '');
}
