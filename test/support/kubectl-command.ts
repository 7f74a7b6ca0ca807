/**
 * The kubectl commands the operations documents write, parsed as kubectl v0.28.15 reads them
 * (kubernetes/kubectl, pkg/cmd/...): `-n` is the namespace flag of every command
 * (genericclioptions), `-f` a file of `apply`, `delete` and `diff`, `-l` a label selector
 * (cmdutil.AddLabelSelectorFlagVar, for apply, delete, get, describe and logs; `kubectl run -l`
 * means labels and is refused here), and the resource is `TYPE NAME` or `TYPE/NAME`.
 * Only the forms the documents use are known: anything else fails the parse, so a document
 * cannot quietly grow a command nobody checked.
 */
export interface KubectlCommand {
  readonly text: string;
  readonly verb: string;
  /** `rollout status` and the like: the sub-verb. */
  readonly subVerb?: string;
  readonly namespace?: string;
  readonly files: string[];
  readonly selector?: string;
  /** The resource named: kind (canonical), name (undefined for a list such as `get pods -l`). */
  readonly resource?: { kind: string; name?: string };
  /** Flags with their values (`--timeout=300s` as timeout: 300s). */
  readonly flags: Record<string, string>;
  /** `create job --from=cronjob/NAME <new name>`, `run <new name>`: the object the command creates. */
  readonly creates?: string;
}

/** Resource types as kubectl's RESTMapper resolves them (singular, plural, short names). */
const KINDS: Record<string, string> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
  pdb: 'PodDisruptionBudget',
  poddisruptionbudget: 'PodDisruptionBudget',
  poddisruptionbudgets: 'PodDisruptionBudget',
  cronjob: 'CronJob',
  cronjobs: 'CronJob',
  cj: 'CronJob',
  job: 'Job',
  jobs: 'Job',
  pvc: 'PersistentVolumeClaim',
  persistentvolumeclaim: 'PersistentVolumeClaim',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  rolebinding: 'RoleBinding',
  rolebindings: 'RoleBinding',
};

/** Flags each verb takes in the documents (kubectl v0.28.15: pkg/cmd/<verb>/<verb>.go). */
const VERB_FLAGS: Record<string, string[]> = {
  apply: ['f', 'l'],
  delete: ['f', 'l', 'ignore-not-found', 'wait'],
  diff: ['f'],
  get: ['l', 'o', 'w', 'sort-by'],
  describe: ['l'],
  logs: ['l', 'f', 'tail', 'prefix', 'previous'],
  wait: ['for', 'timeout'],
  scale: ['replicas'],
  patch: ['p'],
  create: ['from'],
  run: ['rm', 'attach', 'restart', 'image', 'overrides'],
  rollout: ['timeout', 'revision', 'to-revision'],
};
const ROLLOUT_VERBS = ['status', 'history', 'undo', 'pause', 'resume'];
/** Boolean flags: they take no separate value. */
const BOOLEAN_FLAGS = new Set(['w', 'ignore-not-found', 'prefix', 'previous', 'rm', 'attach']);
/** Flags whose value may follow as the next word (`-n orders`); others only as `--flag=value`. */
const SPACED_FLAGS = new Set(['n', 'f', 'l', 'o', 'p']);

/**
 * Every kubectl command in the code of a Markdown document: fenced blocks and inline code, cut
 * at the end of the command (an unquoted `|`, `;`, `&`, `)` or `#` comment, as sh reads it; a
 * `$(...)` inside the command is part of it).
 */
export function kubectlCommandsIn(markdown: string): string[] {
  const code: string[] = [];
  const withoutBlocks = markdown.replace(/^([ \t]*)```[^\n]*\n([\s\S]*?)^\1```/gm, (_, _indent, body) => {
    code.push(...body.split('\n'));
    return '';
  });
  for (const m of withoutBlocks.matchAll(/`([^`\n]+)`/g)) code.push(m[1]);
  const commands: string[] = [];
  for (const line of code) {
    for (const m of line.matchAll(/(^|[\s($"])kubectl\s/g)) {
      const start = m.index! + m[1].length;
      commands.push(line.slice(start, start + commandLength(line.slice(start))).trim());
    }
  }
  return commands;
}

/** How far a command runs in sh: up to an unquoted separator or comment (a `)` that closes a `$(` of the command does not end it). */
function commandLength(text: string): number {
  let quote: string | undefined;
  let substitutions = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '\'' || c === '"') {
      quote = c;
    } else if (c === '\\') {
      i++; // an escaped character outside quotes (`'\\''` inside a single-quoted word)
    } else if (c === '$' && text[i + 1] === '(') {
      substitutions++;
      i++;
    } else if (c === ')' && substitutions > 0) {
      substitutions--;
    } else if ('|;&)'.includes(c) || (c === '#' && /\s/.test(text[i - 1] ?? ' '))) {
      return i;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${text}`);
  return text.length;
}

/** sh words: quotes removed, `"$job"` kept as the text `$job`, a command substitution `$(date +%s)` kept whole as part of its word. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!quote && c === '$' && text[i + 1] === '(') {
      const end = i + 2 + commandLength(text.slice(i + 2));
      if (text[end] !== ')') throw new Error(`unterminated $( in: ${text}`);
      word = (word ?? '') + text.slice(i, end + 1);
      i = end;
    } else if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += c;
    } else if (c === '\'' || c === '"') {
      quote = c;
      word = word ?? '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${text}`);
  if (word !== undefined) words.push(word);
  return words;
}

export function parseKubectl(text: string): KubectlCommand {
  const words = shellWords(text);
  if (words[0] !== 'kubectl') throw new Error(`not a kubectl command: ${text}`);
  const flags: Record<string, string> = {};
  const files: string[] = [];
  const positional: string[] = [];
  let namespace: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    const flag = /^--?([a-z-]+)(=(.*))?$/s.exec(w);
    if (!flag || w === '-') {
      positional.push(w);
      continue;
    }
    const name = flag[1];
    let value = flag[3];
    // `logs -f` follows (a boolean); everywhere else -f names a file
    const follow = name === 'f' && positional[0] === 'logs';
    if (value === undefined && !BOOLEAN_FLAGS.has(name) && !follow) {
      if (!SPACED_FLAGS.has(name)) throw new Error(`flag --${name} needs =value in: ${text}`);
      value = words[++i];
      if (value === undefined) throw new Error(`flag -${name} has no value in: ${text}`);
    }
    if (name === 'n' || name === 'namespace') namespace = value;
    else if (name === 'f' && !follow) files.push(value!);
    else flags[name] = value ?? 'true';
  }
  const verb = positional.shift();
  if (!verb || !(verb in VERB_FLAGS)) throw new Error(`unknown kubectl verb ${verb} in: ${text}`);
  for (const f of Object.keys(flags)) {
    if (!VERB_FLAGS[verb].includes(f)) throw new Error(`kubectl ${verb} takes no flag ${f} in: ${text}`);
  }
  if (files.length > 0 && !VERB_FLAGS[verb].includes('f')) throw new Error(`kubectl ${verb} takes no -f in: ${text}`);
  const selector = flags.l;
  let subVerb: string | undefined;
  if (verb === 'rollout') {
    subVerb = positional.shift();
    if (!ROLLOUT_VERBS.includes(subVerb ?? '')) throw new Error(`unknown rollout verb ${subVerb} in: ${text}`);
  }
  let creates: string | undefined;
  let resource: KubectlCommand['resource'];
  if (verb === 'run') {
    creates = positional.shift();
  } else if (verb === 'create') {
    const [type, name] = positional.splice(0, 2);
    if (type !== 'job' || !flags.from) throw new Error(`only "create job --from=cronjob/NAME" is known, got: ${text}`);
    creates = name;
    resource = resourceOf([flags.from], text);
  } else if (positional.length > 0) {
    resource = resourceOf(positional.splice(0, positional[0].includes('/') ? 1 : 2), text);
  }
  // `logs -l` reads the pods the selector picks
  if (verb === 'logs' && !resource && selector) resource = { kind: 'Pod' };
  if (positional.length > 0) throw new Error(`unexpected words ${positional.join(' ')} in: ${text}`);
  if (['apply', 'diff'].includes(verb) && files.length === 0) throw new Error(`kubectl ${verb} needs -f in: ${text}`);
  if (!['apply', 'diff', 'delete', 'run'].includes(verb) && !resource) throw new Error(`kubectl ${verb} names no resource in: ${text}`);
  return { text, verb, subVerb, namespace, files, selector, resource, flags, creates };
}

function resourceOf(words: string[], text: string): { kind: string; name?: string } {
  const [type, name] = words.length === 1 && words[0].includes('/') ? words[0].split('/', 2) : words;
  const kind = KINDS[type];
  if (!kind) throw new Error(`unknown resource type ${type} in: ${text}`);
  return { kind, name };
}

/** `a=b,c=d` as kubectl's label selector takes it: every pair must match. */
export function selectorMatchesLabels(selector: string, labels: Record<string, string> | undefined): boolean {
  return selector.split(',').every((pair) => {
    const [key, value] = pair.split('=');
    return labels?.[key] === value;
  });
}

/** A name the command fills in at run time (`"$job"`, `<revision>`), not one of the manifests. */
export function isPlaceholder(name: string | undefined): boolean {
  return name !== undefined && /[$<]/.test(name);
}

/**
 * Problems of one command against the synthesized objects: a file that does not exist, an object
 * (kind, name, namespace) that is not there, a selector that selects nothing. `objects` holds every
 * synthesized object; `files` maps each document-relative path to the objects it holds.
 */
export function commandProblems(cmd: KubectlCommand, objects: any[], files: Map<string, any[]>): string[] {
  const problems: string[] = [];
  const ns = (o: any) => o.metadata?.namespace;
  for (const file of cmd.files) if (!files.has(file)) problems.push(`file ${file} does not exist`);
  if (cmd.files.length > 0) {
    const inFiles = cmd.files.flatMap((f) => files.get(f) ?? []);
    if (cmd.selector && !inFiles.some((o) => selectorMatchesLabels(cmd.selector!, o.metadata?.labels))) {
      problems.push(`-l ${cmd.selector} selects no object of ${cmd.files.join(', ')}`);
    }
    return problems;
  }
  if (cmd.verb === 'run') {
    const overrides = JSON.parse(cmd.flags.overrides ?? '{}');
    for (const volume of overrides.spec?.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim && !objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim && ns(o) === cmd.namespace)) {
        problems.push(`claim ${claim} is not in namespace ${cmd.namespace}`);
      }
    }
    if (!objects.some((o) => JSON.stringify(o).includes(`"image":"${cmd.flags.image}"`))) problems.push(`no synthesized pod runs ${cmd.flags.image}`);
    return problems;
  }
  const { kind, name } = cmd.resource!;
  if (name === undefined || kind === 'Pod') {
    // a list: it must be selected by a label selector that matches pods of the manifests
    if (!cmd.selector) return [`${cmd.text} lists every ${kind} of the namespace: name one or select by label`];
    // the pods of one run of a Job, by the uid label the API server adds (Kubernetes 1.27+): the Job
    // must be one of the manifests' in that namespace (the inner command is checked on its own)
    const byJobUid = /^batch\.kubernetes\.io\/controller-uid=\$\(kubectl (?:-n (\S+) )?get job (\S+) -o jsonpath='\{\.metadata\.uid\}'\)$/.exec(cmd.selector);
    if (kind === 'Pod' && byJobUid) {
      const [, jobNamespace, job] = byJobUid;
      if (jobNamespace !== cmd.namespace) problems.push(`the Job's uid is read in namespace ${jobNamespace}, its pods listed in ${cmd.namespace}`);
      if (!objects.some((o) => o.kind === 'Job' && o.metadata.name === job && ns(o) === cmd.namespace)) problems.push(`no Job ${job} in ${cmd.namespace}`);
      return problems;
    }
    const templates = objects.filter((o) => ns(o) === cmd.namespace).map(podTemplateLabels)
      .filter((l): l is Record<string, string> => l !== undefined);
    if (!templates.some((labels) => selectorMatchesLabels(cmd.selector!, labels))) problems.push(`-l ${cmd.selector} selects no pods of a workload in ${cmd.namespace}`);
    return problems;
  }
  if (isPlaceholder(name)) {
    if (kind !== 'Job') problems.push(`only Jobs made at run time may be named by a placeholder, got ${kind} ${name}`);
    return problems;
  }
  const exists = objects.some((o) => o.kind === kind && o.metadata.name === name && ns(o) === cmd.namespace)
    // objects outside the app that a synthesized Role grants access to by name (the NATS StatefulSet of a chaos experiment)
    || objects.some((o) => o.kind === 'Role' && ns(o) === cmd.namespace
      && (o.rules ?? []).some((r: any) => (r.resources ?? []).includes(`${kind.toLowerCase()}s`) && (r.resourceNames ?? []).includes(name)));
  if (!exists) problems.push(`${kind} ${name} is not in namespace ${cmd.namespace ?? '(none)'}`);
  return problems;
}

function podTemplateLabels(o: any): Record<string, string> | undefined {
  if (o.kind === 'CronJob') return o.spec.jobTemplate.spec.template.metadata?.labels;
  if (['Deployment', 'StatefulSet', 'Job'].includes(o.kind)) return o.spec.template.metadata?.labels;
  return undefined;
}
