/*
 * STAND-IN part: `kubectl` 1.28.13 (the one in alpine/k8s:1.28.13), for the calls the chaos scripts
 * make, with its outputs and exit codes (sources: kubernetes/kubectl and kubernetes/cli-runtime
 * v0.28.13, kubernetes/apimachinery v0.28.13):
 * - every error goes through cmdutil.CheckErr (kubectl pkg/cmd/util/helpers.go): the message on
 *   stderr and exit code 1 (DefaultErrorExitCode); API errors read
 *   `Error from server (<Reason>): <message>` (StandardErrorMessage), others `error: <message>`;
 * - NotFound reads `<resource>.<group> "<name>" not found` (apimachinery pkg/api/errors NewNotFound);
 * - `get -o json` of one object prints the object; of a selector or a type, a `List` even when
 *   empty (kubectl pkg/cmd/get/get.go printGeneric), and `No resources found` only for tables;
 * - `delete` does not read the object first (delete.go: RequireObject(false)) and prints
 *   `<kind>[.<group>] "<name>" deleted` (DeleteOptions.PrintObj); `--ignore-not-found` exits 0
 *   silently on NotFound;
 * - `patch` reads the object first (patch.go builds without RequireObject(false), so cli-runtime
 *   builder.go adds RetrieveLazy: a GET, which RBAC checks as `get`), then PATCHes it and prints
 *   `<kind>.<group>/<name> patched`, or `patched (no change)` when nothing changed;
 * - unknown flags: `error: unknown flag: --x` (cobra/pflag), exit 1;
 * - `create --raw <path> -f <file or ->` (pkg/cmd/create/create.go Validate and RunCreate,
 *   pkg/rawhttp/raw.go raw): needs exactly one -f (none: `Error: must specify one of -f and -k`,
 *   then the help, exit 1), POSTs the file (or stdin) to the path as it is, no namespace flag
 *   involved, and copies the answer's body to stdout; an answer outside 2xx becomes the API's
 *   error (client-go v0.28.13 rest/request.go Stream, transformResponse), printed as above, exit 1.
 *   The stand-in answers the Eviction subresource only (disruption.js);
 * - `rollout restart deployment <name>`: deployment.js.
 * Every request is first authorized against the synthesized RBAC (rbac.js), the Eviction as
 * `create` on `pods/eviction` (apiserver v0.28.13 pkg/endpoints/request/requestinfo.go: the
 * subresource is part of the request); every write then passes the synthesized admission
 * policies (admission.js): a DELETE once the object is found, a PATCH with the object before and
 * after, the Eviction before the budget is looked at (registry/core/pod/storage/eviction.go runs
 * createValidation first).
 */
const fs = require('fs');
const { admit } = require('./admission');
const { deploymentJson, replicaSetJsons, restart } = require('./deployment');
const { budgetJson, evict } = require('./disruption');
const { authorize, forbiddenLine } = require('./rbac');
const { matchesSelector, parseSelector } = require('./selector');

/** Resource types the scripts use, with the names kubectl accepts for them (discovery short names). */
const RESOURCES = {
  pods: { group: '', kind: 'Pod', names: ['pod', 'pods', 'po'] },
  deployments: { group: 'apps', kind: 'Deployment', names: ['deployment', 'deployments', 'deploy'] },
  replicasets: { group: 'apps', kind: 'ReplicaSet', names: ['replicaset', 'replicasets', 'rs'] },
  poddisruptionbudgets: { group: 'policy', kind: 'PodDisruptionBudget', names: ['poddisruptionbudget', 'poddisruptionbudgets', 'pdb'] },
  statefulsets: { group: 'apps', kind: 'StatefulSet', names: ['statefulset', 'statefulsets', 'sts'] },
  networkpolicies: { group: 'networking.k8s.io', kind: 'NetworkPolicy', names: ['networkpolicy', 'networkpolicies', 'netpol'] },
  rolebindings: { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', names: ['rolebinding', 'rolebindings'] },
};

const VALUE_FLAGS = {
  '-n': 'namespace', '--namespace': 'namespace', '-l': 'selector', '--selector': 'selector', '-o': 'output', '--output': 'output',
  '-p': 'patch', '--patch': 'patch', '--type': 'type', '--raw': 'raw', '-f': 'filename', '--filename': 'filename',
};
const BOOL_FLAGS = { '--wait': 'wait', '--ignore-not-found': 'ignoreNotFound' };

function parseArgs(cluster, argv) {
  const words = [];
  const flags = { wait: true, ignoreNotFound: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name === '-f' || name === '--filename') {
      // a repeatable flag (a string slice in kubectl)
      flags.filenames = [...(flags.filenames ?? []), inline ?? argv[++i]];
    } else if (VALUE_FLAGS[name]) {
      flags[VALUE_FLAGS[name]] = inline ?? argv[++i];
    } else if (BOOL_FLAGS[name]) {
      flags[BOOL_FLAGS[name]] = inline === undefined ? true : inline === 'true';
    } else if (a.startsWith('--')) {
      cluster.die(`error: unknown flag: ${name}`, 1);
    } else if (a.startsWith('-') && a.length > 1) {
      cluster.die(`error: unknown shorthand flag: '${a[1]}' in ${a}`, 1);
    } else {
      words.push(a);
    }
  }
  return { words, flags };
}

function resourceOf(cluster, word) {
  const entry = Object.entries(RESOURCES).find(([, r]) => r.names.includes(word));
  if (!entry) cluster.die(`error: the server doesn't have a resource type "${word}"`, 1);
  return { resource: entry[0], ...entry[1] };
}

function qualified(type) {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

/** RBAC first, as the API server's authorization filter runs before the handler. */
function authorized(cluster, verb, type, namespace, name = '', subresource = undefined) {
  const request = { verb, group: type.group, resource: type.resource, ...(subresource ? { subresource } : {}), namespace, name };
  if (authorize(cluster.state, request)) {
    cluster.state.allowed.push(request);
    return;
  }
  cluster.state.forbidden.push(request);
  cluster.die(forbiddenLine(cluster.state, request), 1);
}

/** Validating admission after RBAC, as the API server's admission chain runs after authorization; every API group used here serves v1. */
function admitted(cluster, operation, type, namespace, name, { object = null, oldObject = null, subresource } = {}) {
  const { account } = cluster.state.rbac;
  const answer = admit(cluster.state, {
    operation, group: type.group, version: 'v1', resource: type.resource, subresource, namespace, name, object, oldObject,
    username: `system:serviceaccount:${account.namespace}:${account.name}`,
  });
  if (!answer) return;
  // kubectl v0.28.13 cmdutil checkErr: an Invalid status is worded from its details and causes
  if (answer.reason === 'Invalid') cluster.die(`The ${answer.details.kind} "${answer.details.name}" is invalid: ${answer.details.cause}`, 1);
  cluster.die(`Error from server (${answer.reason}): ${answer.message}`, 1);
}

/** Scripted outages: a matching call fails the way kubectl reports an unreachable API server. */
function injectedFailure(cluster, args) {
  const failure = (cluster.state.failures ?? []).find((f) => f.remaining > 0 && f.args.every((a, i) => args[i] === a));
  if (!failure) return;
  if (failure.skip > 0) {
    failure.skip--;
    return;
  }
  failure.remaining--;
  // helpers.go StandardErrorMessage, *url.Error with "connection refused"
  cluster.die('The connection to the server 10.96.0.1:443 was refused - did you specify the right host or port?', 1);
}

/** RoleBindings live in state.rbac, where the authorizer reads them; everything else under its resource name. */
function storeOf(cluster, type) {
  return type.resource === 'rolebindings' ? cluster.state.rbac.bindings : (cluster.state[type.resource] ?? []);
}

/** Stored objects of a type in a namespace (what patch and delete change). */
function storedOf(cluster, type, namespace) {
  return storeOf(cluster, type).filter((o) => o.metadata.namespace === namespace && !o.deleted);
}

/** Objects as the API shows them: pods, ReplicaSets and statuses computed for the clock's time. */
function objectsOf(cluster, type, namespace) {
  if (type.resource === 'pods') return cluster.livePods().filter((p) => p.namespace === namespace).map(cluster.podJson);
  if (type.resource === 'replicasets') return replicaSetJsons(cluster, namespace);
  const stored = storedOf(cluster, type, namespace);
  if (type.resource === 'deployments') return stored.map((d) => deploymentJson(cluster, d));
  if (type.resource === 'poddisruptionbudgets') return stored.map((b) => budgetJson(cluster, b));
  return stored;
}

function list(items) {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** RFC 7386 JSON merge patch (`--type=merge`): null removes, objects merge, everything else replaces. */
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function get(cluster, type, name, flags) {
  if (flags.output !== 'json') cluster.die('the stand-in answers -o json only', 2);
  if (name) {
    authorized(cluster, 'get', type, flags.namespace, name);
    const found = objectsOf(cluster, type, flags.namespace).find((o) => o.metadata.name === name);
    if (!found) cluster.die(`Error from server (NotFound): ${qualified(type)} "${name}" not found`, 1);
    console.log(JSON.stringify(found, null, 4));
    return;
  }
  authorized(cluster, 'list', type, flags.namespace);
  let items = objectsOf(cluster, type, flags.namespace);
  if (flags.selector !== undefined) {
    try {
      parseSelector(flags.selector);
    } catch (e) {
      cluster.die(`Error from server (BadRequest): ${e.message}`, 1);
    }
    items = items.filter((o) => matchesSelector(flags.selector, o.metadata.labels ?? {}));
  }
  console.log(JSON.stringify(list(items), null, 4));
}

function remove(cluster, type, name, flags) {
  if (!name) cluster.die('error: resource(s) were provided, but no name was specified', 1);
  if (flags.wait) cluster.die('the stand-in requires --wait=false (waiting needs a watch)', 2);
  authorized(cluster, 'delete', type, flags.namespace, name);
  if (type.resource === 'pods') {
    const pod = cluster.livePods().find((p) => p.namespace === flags.namespace && p.name === name && !cluster.isDeleted(p));
    if (pod) {
      admitted(cluster, 'DELETE', type, flags.namespace, name, { oldObject: cluster.podJson(pod) });
      cluster.deletePod(pod);
    } else if (!cluster.livePods().some((p) => p.namespace === flags.namespace && p.name === name)) {
      if (flags.ignoreNotFound) return;
      cluster.die(`Error from server (NotFound): pods "${name}" not found`, 1);
    }
  } else {
    const found = storedOf(cluster, type, flags.namespace).find((o) => o.metadata.name === name);
    if (!found) {
      if (flags.ignoreNotFound) return;
      cluster.die(`Error from server (NotFound): ${qualified(type)} "${name}" not found`, 1);
    }
    admitted(cluster, 'DELETE', type, flags.namespace, name, { oldObject: found });
    // a deleted RoleBinding grants nothing from the next request on (rbac.js skips it)
    found.deleted = true;
  }
  const kind = type.group ? `${type.kind.toLowerCase()}.${type.group}` : type.kind.toLowerCase();
  console.log(`${kind} "${name}" deleted`);
}

function patch(cluster, type, name, flags) {
  if (flags.type !== 'merge') cluster.die('the stand-in applies --type=merge patches only', 2);
  authorized(cluster, 'get', type, flags.namespace, name);
  const found = storedOf(cluster, type, flags.namespace).find((o) => o.metadata.name === name);
  if (!found) cluster.die(`Error from server (NotFound): ${qualified(type)} "${name}" not found`, 1);
  authorized(cluster, 'patch', type, flags.namespace, name);
  let body;
  try {
    body = JSON.parse(flags.patch);
  } catch (e) {
    cluster.die(`error: unable to parse "${flags.patch}": ${e.message}`, 1);
  }
  const before = JSON.stringify(found);
  const patched = mergePatch(found, body);
  // ObjectMeta's labels and annotations are `omitempty` maps: the API never shows an empty one
  for (const key of ['labels', 'annotations']) if (patched.metadata && Object.keys(patched.metadata[key] ?? { x: 1 }).length === 0) delete patched.metadata[key];
  admitted(cluster, 'UPDATE', type, flags.namespace, name, { object: patched, oldObject: found });
  const store = storeOf(cluster, type);
  store[store.indexOf(found)] = patched;
  cluster.state.history.push({ clock: cluster.state.clock, resource: type.resource, name, object: patched });
  if (type.resource === 'networkpolicies') require('./curl-cli').policyPatched(cluster, found, patched);
  console.log(`${type.kind.toLowerCase()}.${type.group}/${name} ${JSON.stringify(patched) === before ? 'patched (no change)' : 'patched'}`);
}

/** `kubectl create --raw /api/v1/namespaces/<ns>/pods/<name>/eviction -f <file or ->`: the Eviction API. */
function createRaw(cluster, words, flags) {
  if (flags.raw === undefined) cluster.die('the stand-in plays `kubectl create --raw` only', 2);
  if ((flags.filenames ?? []).length === 0) cluster.die('Error: must specify one of -f and -k\n', 1);
  if (words.length > 1) cluster.die(`error: Unexpected args: [${words.slice(1).join(' ')}]\nSee 'kubectl create -h' for help and examples`, 1);
  if (flags.filenames.length !== 1) cluster.die('error: --raw can only use a single local file or stdin', 1);
  const path = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/.exec(flags.raw);
  if (!path) cluster.die(`the stand-in answers the Eviction subresource only, not ${flags.raw}`, 2);
  const [, namespace, name] = path;
  authorized(cluster, 'create', { group: '', resource: 'pods' }, namespace, name, 'eviction');
  const file = flags.filenames[0];
  let eviction;
  try {
    eviction = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (e) {
    cluster.die(`the stand-in wants a JSON Eviction, got: ${e.message}`, 2);
  }
  if (eviction.apiVersion !== 'policy/v1' || eviction.kind !== 'Eviction') cluster.die('the stand-in wants a policy/v1 Eviction', 2);
  admitted(cluster, 'CREATE', { group: '', resource: 'pods' }, namespace, name, { object: eviction, subresource: 'eviction' });
  const answer = evict(cluster, namespace, name, eviction);
  if (answer.status >= 300) cluster.die(`Error from server (${answer.reason}): ${answer.message}`, 1);
  process.stdout.write(answer.body);
}

/** `kubectl rollout restart deployment <name>` (or `deployment/<name>`). */
function rollout(cluster, words, flags) {
  const [sub, ...rest] = words;
  if (sub !== 'restart') cluster.die(`the stand-in plays rollout restart only, not rollout ${sub}`, 2);
  const [typeWord, name] = rest.length === 1 ? rest[0].split('/') : rest;
  const type = resourceOf(cluster, typeWord);
  if (type.resource !== 'deployments') cluster.die('the stand-in restarts Deployments only', 2);
  authorized(cluster, 'get', type, flags.namespace, name);
  const found = storedOf(cluster, type, flags.namespace).find((o) => o.metadata.name === name);
  if (!found) cluster.die(`Error from server (NotFound): deployments.apps "${name}" not found`, 1);
  // the PATCH is only sent (and authorized) once kubectl has a non-empty patch
  restart(cluster, found, (after) => {
    authorized(cluster, 'patch', type, flags.namespace, name);
    admitted(cluster, 'UPDATE', type, flags.namespace, name, { object: after, oldObject: found });
  });
}

function run(cluster, args) {
  injectedFailure(cluster, args);
  const { words, flags } = parseArgs(cluster, args);
  const [verb, typeWord, name] = words;
  if (verb === 'create') return createRaw(cluster, words, flags);
  if (flags.namespace === undefined) cluster.die('the stand-in wants -n on every call: the scripts never rely on a default namespace', 2);
  if (verb === 'rollout') return rollout(cluster, words.slice(1), flags);
  const type = resourceOf(cluster, typeWord);
  if (verb === 'get') get(cluster, type, name, flags);
  else if (verb === 'delete') remove(cluster, type, name, flags);
  else if (verb === 'patch') patch(cluster, type, name, flags);
  else cluster.die(`the stand-in does not implement: kubectl ${args.join(' ')}`, 2);
}

module.exports = { run, mergePatch, RESOURCES };
