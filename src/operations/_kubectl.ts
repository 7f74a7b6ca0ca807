import { ApplyTarget } from './_inventory';

/**
 * A path as one shell word: as written when it holds only characters no shell treats specially,
 * else single-quoted. The documents' commands are pasted into a shell, and a path comes from an
 * App's `outdir`, which may hold anything (`dist/on-demand;$(...)`).
 */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** A kubectl command in the namespace of an object (`-n` left out for objects without one). */
export function kubectl(namespace: string | undefined, ...args: string[]): string {
  return ['kubectl', ...(namespace ? ['-n', namespace] : []), ...args].join(' ');
}

/** The namespace of a synthesized object (every synthesized object has metadata). */
export function namespaceOf(json: any): string | undefined {
  return json.metadata.namespace;
}

/**
 * `kubectl apply` (or `delete`) of exactly the objects of one construct. When no label tells them
 * from the other objects of their files, a delete names them one by one (a line per namespace):
 * `delete -f` would delete every object of those files.
 */
export function applyCommand(target: ApplyTarget, verb: 'apply' | 'delete' | 'diff' = 'apply'): string {
  if (verb === 'delete' && target.alsoApplies.length > 0) {
    const namespaces = [...new Set(target.objects.map((o) => o.namespace))];
    return namespaces.map((ns) => kubectl(ns, 'delete', ...target.objects.filter((o) => o.namespace === ns).map((o) => `${o.kind.toLowerCase()}/${o.name}`)))
      .join('\n');
  }
  return ['kubectl', verb, ...target.files.flatMap((f) => ['-f', shellWord(f)]), ...(target.selector ? ['-l', target.selector] : [])].join(' ');
}

/** A note when applying a construct's files also applies other objects. */
export function alsoAppliesNote(target: ApplyTarget): string | undefined {
  if (target.alsoApplies.length === 0) return undefined;
  return `Applying ${target.files.length > 1 ? 'these files' : 'this file'} also applies ${target.alsoApplies.map((o) => `\`${o}\``).join(', ')}: `
    + 'no label tells them apart. Give the construct a chart of its own to apply it alone.';
}

/** The label selector of a HardenedDeployment's pods, as `kubectl -l` takes it: its matchLabels. */
export function podSelector(json: any): string {
  const labels: Record<string, string> = json.spec.selector.matchLabels;
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * The command that prints the exit code of a Job's own pod. It selects the pod by the Job's uid
 * (the `batch.kubernetes.io/controller-uid` label the API server gives every pod of a Job since
 * Kubernetes 1.27), not by the labels of the pod template: those are on the pods of an earlier run
 * under the same name, on a TestRun's runners, and on any pod someone creates with them.
 */
export function jobExitCodeCommand(namespace: string | undefined, name: string): string {
  const uid = kubectl(namespace, 'get', 'job', name, '-o', "jsonpath='{.metadata.uid}'");
  return kubectl(namespace, 'get', 'pods', '-l', `"batch.kubernetes.io/controller-uid=$(${uid})"`,
    "-o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}'");
}

/** The instance label of a Job's (or CronJob's) pods, which tells its pods from every other Job's. */
export function jobPodSelector(job: any): string {
  const template = job.kind === 'CronJob' ? job.spec.jobTemplate.spec.template : job.spec.template;
  // cdk8s-plus labels every pod template (cdk8s.io/metadata.addr)
  const labels: Record<string, string> = template.metadata.labels;
  const key = 'app.kubernetes.io/instance';
  return labels[key] ? `${key}=${labels[key]}` : Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}
