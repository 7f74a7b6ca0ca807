import { existsSync, mkdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { App } from 'cdk8s';
import { invalidProp } from '../_errors';
import { assertNoControlCharacters, assertWholeNumber } from '../_validate';
import { renderChaosBaseline } from './_chaos-baseline';
import { RenderContext } from './_context';
import { renderDeploymentChecklist } from './_deployment-checklist';
import { collectInventory, Inventory } from './_inventory';
import { renderRunbook } from './_runbook';
import { renderSoakBaseline } from './_soak-baseline';

/** The documents and their renderers, in the order they are rendered. */
const DOCUMENTS: ReadonlyArray<[string, (context: RenderContext) => string]> = [
  ['RUNBOOK.md', renderRunbook],
  ['DEPLOYMENT-CHECKLIST.md', renderDeploymentChecklist],
  ['CHAOS-BASELINE.md', renderChaosBaseline],
  ['SOAK-BASELINE.md', renderSoakBaseline],
];

/**
 * Properties of {@link OperationsDocs}.
 */
export interface OperationsDocsProps {
  /**
   * Apps of charts applied on demand (restore, soak tests, chaos experiments), synthesized into
   * their own directory so that `kubectl apply -f <outdir>` never starts them. Their constructs are
   * documented too, and their files referred to by the paths their apps write.
   *
   * @default - none: only the production app
   */
  readonly onDemand?: App[];

  /**
   * Directory the documents are written to; every path in them is relative to it.
   *
   * @default - the production app's outdir, next to its manifests
   */
  readonly outdir?: string;

  /**
   * The name in the documents' titles.
   *
   * @default - the names of the production app's HardenedDeployments, else "the app"
   */
  readonly title?: string;

  /**
   * The time from which the next runs of backup schedules are listed.
   *
   * @default - the time the documents are rendered
   */
  readonly runsAfter?: Date;

  /**
   * How many next runs of each backup schedule are listed, from 1 to 100.
   *
   * @default 5
   */
  readonly nextRuns?: number;
}

/** One rendered document. */
export interface OperationsDocument {
  /** File name, such as `RUNBOOK.md`. */
  readonly fileName: string;

  /** The Markdown. */
  readonly markdown: string;
}

/**
 * The operations documents of an app, written from its constructs and their synthesized
 * manifests, so they carry the real names, namespaces, files, schedules, SLAs and thresholds:
 *
 * - `RUNBOOK.md`: per HardenedDeployment rollout, rollback (also to a revision), pause and resume,
 *   emergency scaling, what its PodDisruptionBudget guarantees; per NatsBackupCronJob what a run
 *   captures, the schedule and its next runs in UTC, retention, a manual run, listing and
 *   verifying backups, the restore step by step, a full claim; troubleshooting by log line;
 * - `DEPLOYMENT-CHECKLIST.md`: checks before a deployment, the deployment step by step, when
 *   and how to roll back, emergency procedures;
 * - `CHAOS-BASELINE.md`: the five baseline scenarios with their SLAs and the ChaosExperiment that
 *   runs each (or how to test it by hand), how to run and read them, a table for the results;
 * - `SOAK-BASELINE.md`: every SoakJob's profile, workload, thresholds and growth limit, the leak
 *   detection, how to run and read it, what to chart in Grafana, a CI step.
 *
 * ```ts
 * app.synth();
 * onDemand.synth();
 * new OperationsDocs(app, { onDemand: [onDemand] }).write(); // dist/RUNBOOK.md, ...
 * ```
 */
export class OperationsDocs {
  /** The file names of the documents, in the order they are rendered. */
  public static readonly FILE_NAMES: string[] = DOCUMENTS.map(([fileName]) => fileName);

  /** The directory the documents are written to. */
  public readonly outdir: string;

  private readonly onDemand: App[];
  private readonly title?: string;
  private readonly runsAfter?: Date;
  private readonly nextRuns: number;

  /**
   * @param app the production app: its charts are what `kubectl apply -f <outdir>` deploys
   */
  constructor(private readonly app: App, props: OperationsDocsProps = {}) {
    this.onDemand = [...(props.onDemand ?? [])];
    if (this.onDemand.some((a, i) => a === app || this.onDemand.indexOf(a) !== i)) {
      throw invalidProp('onDemand', 'hold apps other than the production app, each once', this.onDemand.map((a) => a.outdir));
    }
    this.outdir = props.outdir ?? app.outdir;
    if (props.title !== undefined) {
      assertNoControlCharacters('title', props.title);
      if (props.title.trim() === '') throw invalidProp('title', 'not be empty', props.title);
    }
    this.title = props.title;
    if (props.runsAfter !== undefined && Number.isNaN(props.runsAfter.getTime())) throw invalidProp('runsAfter', 'be a valid date', String(props.runsAfter));
    this.runsAfter = props.runsAfter;
    this.nextRuns = props.nextRuns ?? 5;
    assertWholeNumber('nextRuns', this.nextRuns, 1, '', 100);
  }

  /** Renders the four documents from the constructs of the apps as they are now. */
  public render(): OperationsDocument[] {
    return this.renderFrom(this.inventory());
  }

  /**
   * Writes the documents into `outdir` and returns their paths. Call it after `synth()` of every
   * app: it fails when a manifest file the documents refer to does not exist.
   */
  public write(): string[] {
    const inventory = this.inventory();
    const missing = [...new Set(inventory.manifests.map((m) => m.file))].filter((file) => !existsSync(resolve(this.outdir, file)));
    if (missing.length > 0) {
      throw invalidProp('app', 'be synthesized before the documents are written (call synth() on the app and on every onDemand app first), '
        + `so that the files they name exist in ${this.outdir}`, missing);
    }
    mkdirSync(this.outdir, { recursive: true });
    return this.renderFrom(inventory).map((d) => {
      const path = join(this.outdir, d.fileName);
      writeFileSync(path, d.markdown);
      return path;
    });
  }

  private renderFrom(inventory: Inventory): OperationsDocument[] {
    const context: RenderContext = {
      title: this.title ?? (inventory.deployments.filter((d) => d.deployment.production).map((d) => d.deployment.json.metadata.name).join(', ') || 'the app'),
      inventory,
      runsAfter: this.runsAfter ?? new Date(),
      nextRuns: this.nextRuns,
    };
    return DOCUMENTS.map(([fileName, renderer]) => ({ fileName, markdown: renderer(context) }));
  }

  private inventory(): Inventory {
    const inventory = collectInventory(this.app, this.onDemand, this.outdir);
    const { deployments, backups, otherRestores, chaos, soaks, otherJobs } = inventory;
    if (deployments.length + backups.length + otherRestores.length + chaos.length + soaks.length + otherJobs.length === 0) {
      throw invalidProp('app', 'hold a HardenedDeployment, NatsBackupCronJob, NatsRestoreJob, ChaosExperiment or SoakJob to document (in the app or an onDemand app)',
        [this.app, ...this.onDemand].map((a) => a.outdir));
    }
    return inventory;
  }
}
