import { relative, resolve, sep } from 'path';
import { ApiObject, App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { HardeningAlerts } from '../alerts/hardening-alerts';
import { SoakDashboard } from '../alerts/soak-dashboard';
import { ChaosExperiment } from '../chaos-experiment';
import { selectorMatches } from '../checks/_manifests';
import { HardenedDeployment } from '../hardened-deployment';
import { NatsBackupCronJob } from '../nats-backup-cron-job';
import { NatsRestoreJob } from '../nats-restore-job';
import { SoakJob } from '../soak-job';
import { manifestFiles } from './_manifest-files';

/** One synthesized object: its JSON and the file it is written to, relative to the documents. */
export interface Manifest {
  readonly json: any;
  readonly file: string;
  /** Whether it belongs to the production app (else an on-demand app). */
  readonly production: boolean;
}

/** How to apply exactly the objects of one construct. */
export interface ApplyTarget {
  /** The files holding its objects, relative to the documents. */
  readonly files: string[];
  /** A label selector (`kubectl apply -l`) that keeps only its objects, when the files hold others too. */
  readonly selector?: string;
  /** Objects of those files that `kubectl apply` also applies (`Kind/name`), when no label tells them apart. */
  readonly alsoApplies: string[];
  /** The construct's own objects, which a delete names one by one when no label tells them apart. */
  readonly objects: Array<{ kind: string; name: string; namespace?: string }>;
}

export interface DeploymentEntry {
  readonly construct: HardenedDeployment;
  readonly deployment: Manifest;
  readonly service?: any;
  readonly networkPolicy?: any;
  readonly budget?: Manifest;
}

export interface RestoreEntry {
  readonly construct: NatsRestoreJob;
  readonly job: Manifest;
  readonly apply: ApplyTarget;
}

export interface BackupEntry {
  readonly construct: NatsBackupCronJob;
  readonly cronJob: Manifest;
  /** The claim, when it is one of the app's objects (not an existingClaim). */
  readonly claim?: any;
  readonly claimName: string;
  readonly restores: RestoreEntry[];
}

export interface JobEntry<T> {
  readonly construct: T;
  readonly job: Manifest;
  readonly apply: ApplyTarget;
}

/** Everything the documents describe, read from the constructs and their synthesized objects. */
export interface Inventory {
  readonly deployments: DeploymentEntry[];
  readonly backups: BackupEntry[];
  /** Restores whose claim no NatsBackupCronJob of the apps writes. */
  readonly otherRestores: RestoreEntry[];
  readonly chaos: Array<JobEntry<ChaosExperiment>>;
  readonly soaks: Array<JobEntry<SoakJob>>;
  readonly alerts: Manifest[];
  readonly dashboards: Array<{ construct: SoakDashboard; configMap: Manifest }>;
  /**
   * Other constructs that expose a `job` (kplus.Job) or a `cronJob` (kplus.CronJob), such as a
   * construct newer than these documents: they get a generic section from their synthesized objects.
   */
  readonly otherJobs: Array<JobEntry<IConstruct>>;
  /** Every synthesized object of every app. */
  readonly manifests: Manifest[];
  /** The production app's objects as `kubectl apply` takes them: its files. */
  readonly productionFiles: string[];
}

/** The library's constructs in the apps, with their objects and files as `App.synth()` writes them. */
export function collectInventory(production: App, onDemand: App[], docsDir: string): Inventory {
  const entries: Array<{ obj: ApiObject; manifest: Manifest }> = [];
  const constructs: Array<{ construct: IConstruct; production: boolean }> = [];
  for (const app of [production, ...onDemand]) {
    const isProduction = app === production;
    const files = manifestFiles(app);
    for (const [obj, file] of files) {
      const path = relative(resolve(docsDir), resolve(app.outdir, file)).split(sep).join('/');
      entries.push({ obj, manifest: { json: obj.toJson(), file: path, production: isProduction } });
    }
    for (const construct of app.node.findAll()) constructs.push({ construct, production: isProduction });
  }
  const byObject = new Map(entries.map((e) => [e.obj, e.manifest]));
  const manifests = entries.map((e) => e.manifest);
  const manifestOf = (construct: IConstruct): Manifest => {
    const found = byObject.get(ApiObject.of(construct));
    if (!found) throw new Error(`${construct.node.path} is in no chart of the apps`);
    return found;
  };
  const applyOf = (construct: IConstruct) => applyTarget(construct, entries);

  const budgets = manifests.filter((m) => m.json.kind === 'PodDisruptionBudget');
  const deployments: DeploymentEntry[] = [];
  const backups: BackupEntry[] = [];
  const restores: RestoreEntry[] = [];
  const inventory = {
    deployments,
    backups,
    otherRestores: [] as RestoreEntry[],
    chaos: [] as Array<JobEntry<ChaosExperiment>>,
    soaks: [] as Array<JobEntry<SoakJob>>,
    alerts: [] as Manifest[],
    dashboards: [] as Array<{ construct: SoakDashboard; configMap: Manifest }>,
    otherJobs: [] as Array<JobEntry<IConstruct>>,
    manifests,
    productionFiles: [...new Set(manifests.filter((m) => m.production).map((m) => m.file))],
  };
  for (const { construct: c } of constructs) {
    if (c instanceof HardenedDeployment) {
      const deployment = manifestOf(c);
      const namespace = deployment.json.metadata.namespace ?? '';
      // cdk8s-plus labels every pod template (cdk8s.io/metadata.addr), and the selector picks from those labels
      const podLabels = deployment.json.spec.template.metadata.labels;
      deployments.push({
        construct: c,
        deployment,
        service: c.service ? manifestOf(c.service).json : undefined,
        networkPolicy: c.networkPolicy ? manifestOf(c.networkPolicy).json : undefined,
        budget: budgets.find((b) => (b.json.metadata.namespace ?? '') === namespace && selectorMatches(b.json.spec.selector, podLabels)),
      });
    } else if (c instanceof NatsBackupCronJob) {
      const cronJob = manifestOf(c.cronJob);
      const claimName = claimOf(cronJob.json.spec.jobTemplate.spec.template.spec);
      const claim = manifests.find((m) => m.json.kind === 'PersistentVolumeClaim' && m.json.metadata.name === claimName
        && sameNamespace(m.json, cronJob.json))?.json;
      backups.push({ construct: c, cronJob, claim, claimName, restores: [] });
    } else if (c instanceof NatsRestoreJob) {
      restores.push({ construct: c, job: manifestOf(c.job), apply: applyOf(c) });
    } else if (c instanceof ChaosExperiment) {
      inventory.chaos.push({ construct: c, job: manifestOf(c.job), apply: applyOf(c) });
    } else if (c instanceof SoakJob) {
      inventory.soaks.push({ construct: c, job: manifestOf(c.job), apply: applyOf(c) });
    } else if (c instanceof HardeningAlerts) {
      inventory.alerts.push(manifestOf(c.prometheusRule));
    } else if (c instanceof SoakDashboard) {
      inventory.dashboards.push({ construct: c, configMap: manifestOf(c.configMap) });
    } else {
      const job = (c as any).job ?? (c as any).cronJob;
      if (job instanceof kplus.Job || job instanceof kplus.CronJob) {
        inventory.otherJobs.push({ construct: c, job: manifestOf(job), apply: applyOf(c) });
      }
    }
  }
  // a restore belongs to the backups whose claim it mounts, in the same namespace
  for (const restore of restores) {
    const claimName = claimOf(restore.job.json.spec.template.spec);
    const backup = backups.find((b) => b.claimName === claimName && sameNamespace(b.cronJob.json, restore.job.json));
    if (backup) backup.restores.push(restore);
    else inventory.otherRestores.push(restore);
  }
  return inventory;
}

/** The claim a backup or restore pod mounts: both constructs always mount one (../_nats-box configureNatsBoxPod). */
function claimOf(podSpec: any): string {
  return podSpec.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName;
}

function sameNamespace(a: any, b: any): boolean {
  return (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '');
}

const INSTANCE = 'app.kubernetes.io/instance';

/**
 * The files of a construct's objects and, when those files hold other objects as well, the
 * `app.kubernetes.io/instance` selector that applies its objects and nothing else.
 */
function applyTarget(construct: IConstruct, entries: Array<{ obj: ApiObject; manifest: Manifest }>): ApplyTarget {
  const own = new Set<IConstruct>(construct.node.findAll());
  const ownEntries = entries.filter((e) => own.has(e.obj));
  const files = [...new Set(ownEntries.map((e) => e.manifest.file))];
  const objects = ownEntries.map(({ manifest: { json } }) => ({ kind: json.kind, name: json.metadata.name, namespace: json.metadata.namespace }));
  const inFiles = entries.filter((e) => files.includes(e.manifest.file));
  const others = inFiles.filter((e) => !own.has(e.obj));
  if (others.length === 0) return { files, alsoApplies: [], objects };
  const instances = [...new Set(ownEntries.map((e) => e.manifest.json.metadata.labels?.[INSTANCE]))];
  if (instances.length === 1 && instances[0] !== undefined) {
    // every own object carries the label, so the selected objects are exactly them when there are as many
    const selected = inFiles.filter((e) => e.manifest.json.metadata.labels?.[INSTANCE] === instances[0]);
    if (selected.length === ownEntries.length) {
      return { files, selector: `${INSTANCE}=${instances[0]}`, alsoApplies: [], objects };
    }
  }
  return { files, alsoApplies: others.map((e) => `${e.manifest.json.kind}/${e.manifest.json.metadata.name}`), objects };
}
