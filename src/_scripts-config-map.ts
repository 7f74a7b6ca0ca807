import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** The files of a scripts ConfigMap, by file name. */
export type ScriptFiles = { [file: string]: string };

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
export function immutableScripts(scope: Construct, id: string, metadata: ScriptsMetadata, data: ScriptFiles): kplus.ConfigMap {
  return new kplus.ConfigMap(scope, id, {
    metadata: { name: `${metadata.owner}-scripts-${contentHash(data)}`, namespace: metadata.namespace, labels: metadata.labels },
    immutable: true,
    data,
  });
}

/** The first 10 hex digits of the sha256 of the files, names included, in name order. */
export function contentHash(data: ScriptFiles): string {
  const hash = createHash('sha256');
  for (const file of Object.keys(data).sort()) hash.update(`${file}\0${data[file]}\0`);
  return hash.digest('hex').slice(0, 10);
}

/**
 * The container command that runs `script` from the scripts ConfigMap mounted at `dir`, but only
 * when every file there is, byte for byte, the one synthesized with this pod: the sha256 of each
 * file is part of the pod template, and `sha256sum -c` (busybox's in every image the library uses)
 * checks them before the script starts, then `exec` makes the script the container's PID 1.
 *
 * Why: the ConfigMap is immutable and named after its content, so its name is known. Whoever may
 * delete and create ConfigMaps in the namespace can recreate it under that name with other content
 * (and `kubectl apply` then fails on the immutable field and leaves it there); the next run would
 * execute that content with the Job's credentials. A pod template is changed only by whoever may
 * edit the CronJob or Job itself. A mismatch ends the run before any script line, with exit 126
 * (the shell's "found but not executable") and the files that differ.
 */
export function verifiedScriptCommand(dir: string, script: string, files: ScriptFiles): string[] {
  if (!(script in files)) throw new Error(`internal: ${script} is not one of the scripts ${Object.keys(files).join(', ')}`);
  const sums = Object.keys(files).sort().map((file) => `'${sha256(files[file])}  ${dir}/${file}'`);
  return ['/bin/sh', '-c', [
    `if ! differ=$(printf '%s\\n' ${sums.join(' ')} | sha256sum -c - 2>&1); then`,
    '  printf \'%s\\n\' "$differ" >&2',
    `  echo "ERROR: the scripts in ${dir} are not the ones this pod was synthesized with (was their ConfigMap replaced?); refusing to run them" >&2`,
    '  exit 126',
    'fi',
    `exec /bin/sh ${dir}/${script}`,
  ].join('\n')];
}

function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}
