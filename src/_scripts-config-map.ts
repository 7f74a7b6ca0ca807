import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Who the scripts belong to. */
export interface ScriptsMetadata {
  /** The name of the Job or CronJob that runs them: the ConfigMap's name starts with it. */
  readonly owner: string;
  readonly labels: { [key: string]: string };
  /** The owner's namespace (constructNamespace): required, so the scripts never land apart from the pods that run them. */
  readonly namespace: string | undefined;
}

/**
 * A ConfigMap of scripts that nobody can change in place: `immutable: true`, named after its
 * content (`<owner>-scripts-<10 hex of sha256>`).
 *
 * Whoever can edit a mutable scripts ConfigMap runs code with the credentials of the next
 * scheduled pod that mounts it. Immutable, the API server refuses every edit; named by content,
 * a changed script is a new object that the workload's next synth references, and the old one is
 * removed with the rest of the chart's objects (`kubectl apply --prune` or the chart's delete).
 */
export function immutableScripts(scope: Construct, id: string, metadata: ScriptsMetadata, data: { [file: string]: string }): kplus.ConfigMap {
  return new kplus.ConfigMap(scope, id, {
    metadata: { name: `${metadata.owner}-scripts-${contentHash(data)}`, namespace: metadata.namespace, labels: metadata.labels },
    immutable: true,
    data,
  });
}

/** The first 10 hex digits of the sha256 of the files, names included, in name order. */
export function contentHash(data: { [file: string]: string }): string {
  const hash = createHash('sha256');
  for (const file of Object.keys(data).sort()) hash.update(`${file}\0${data[file]}\0`);
  return hash.digest('hex').slice(0, 10);
}
