#!/usr/bin/env node
/*
 * STAND-IN for a Kubernetes cluster, used only by the chaos script tests: there is no
 * kube-apiserver on the machines that build this library. It plays `kubectl` (the get,
 * delete and label calls the scripts make, with kubectl's flag names) and `curl` (health
 * URLs and the NATS monitoring endpoints) against a scripted cluster state in the JSON file
 * $CLUSTER_STATE, on the fake clock that the `date` and `sleep` stand-ins next to it keep.
 * Every call is appended to $CLUSTER_LOG as one JSON array of its arguments.
 *
 * State: { clock, deployments: {name: {replicas}}, statefulsets: {name: {replicas}},
 *   pods: [{name, uid, labels, ip, owner, readyAt, deletedAt}], replacementDelay (seconds
 *   until a deleted pod's replacement is ready; null: never), partitionEffective,
 *   healthDownAfterHeal, healthy (health URL before any fault), jszLeader }
 */
const fs = require('fs');
const path = require('path');

const tool = path.basename(process.argv[2]);
const args = process.argv.slice(3);
fs.appendFileSync(process.env.CLUSTER_LOG, `${JSON.stringify([tool, ...args])}\n`);
const stateFile = process.env.CLUSTER_STATE;
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
state.clock = Number(fs.readFileSync(process.env.FAKE_CLOCK, 'utf8'));
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function die(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** Pods as the API would show them now: replacements appear two seconds after a deletion. */
function livePods() {
  const pods = [];
  for (const pod of state.pods) {
    if (pod.deletedAt !== null && state.clock >= pod.deletedAt + 2) continue;
    pods.push(pod);
  }
  return pods;
}

function podJson(pod) {
  const ready = pod.deletedAt === null && pod.readyAt !== null && state.clock >= pod.readyAt;
  return {
    metadata: { name: pod.name, uid: pod.uid, labels: pod.labels, ...(pod.deletedAt !== null ? { deletionTimestamp: iso(pod.deletedAt) } : {}) },
    status: { podIP: pod.ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function matches(labels, selector) {
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return labels[k] === v;
  });
}

function parseKubectl(argv) {
  const words = [];
  const flags = {};
  const known = { '-n': 'namespace', '--namespace': 'namespace', '-l': 'selector', '--selector': 'selector', '-o': 'output', '--output': 'output' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (known[a]) flags[known[a]] = argv[++i];
    else if (a === '--wait=false' || a === '--overwrite') flags[a.replace(/^--/, '')] = true;
    else if (a.startsWith('-')) die(`error: unknown flag: ${a}`, 1);
    else words.push(a);
  }
  return { words, flags };
}

function kubectl() {
  const { words, flags } = parseKubectl(args);
  if (flags.namespace !== state.namespace) die(`Error from server (NotFound): namespaces "${flags.namespace}" not found`);
  const [verb, kind, name, ...rest] = words;
  if (verb === 'get' && (kind === 'deployment' || kind === 'statefulset')) {
    const spec = state[`${kind}s`][name];
    if (!spec) die(`Error from server (NotFound): ${kind}s.apps "${name}" not found`);
    if (flags.output !== 'json') die('the stand-in answers -o json only');
    console.log(JSON.stringify({ kind, metadata: { name }, spec: { replicas: spec.replicas } }));
    return;
  }
  if (verb === 'get' && kind === 'pods') {
    if (flags.output !== 'json' || !flags.selector) die('the stand-in answers get pods -l ... -o json only');
    console.log(JSON.stringify({ items: livePods().filter((p) => matches(p.labels, flags.selector)).map(podJson) }));
    return;
  }
  if (verb === 'delete' && kind === 'pod') {
    const pod = livePods().find((p) => p.name === name && p.deletedAt === null);
    if (!pod) die(`Error from server (NotFound): pods "${name}" not found`);
    if (!flags['wait=false']) die('expected --wait=false');
    pod.deletedAt = state.clock;
    const replacement = {
      ...pod,
      name: pod.owner.startsWith('statefulset/') ? pod.name : `${pod.name}-r${state.pods.length}`,
      uid: `uid-${state.pods.length + 1}`,
      ip: `10.0.9.${state.pods.length + 1}`,
      deletedAt: null,
      readyAt: state.replacementDelay === null ? null : state.clock + state.replacementDelay,
    };
    state.pods.push(replacement);
    save();
    console.log(`pod "${name}" deleted`);
    return;
  }
  if (verb === 'label' && kind === 'pods') {
    const change = name ?? rest[0];
    const targets = livePods().filter((p) => matches(p.labels, flags.selector));
    if (change.endsWith('-')) {
      const key = change.slice(0, -1);
      for (const p of targets) delete p.labels[key];
      state.healthBackAt = state.clock + state.healthDownAfterHeal;
      state.gate = null;
    } else {
      if (!flags.overwrite) die('expected --overwrite');
      const [key, value] = change.split('=');
      for (const p of targets) p.labels[key] = value;
      state.gate = { key, value, since: state.clock };
    }
    save();
    console.log(targets.map((p) => `pod/${p.name} labeled`).join('\n'));
    return;
  }
  die(`the stand-in does not implement: kubectl ${args.join(' ')}`, 2);
}

function curl() {
  const url = args.find((a) => /^https?:\/\//.test(a));
  const nats = /^http:\/\/([\d.]+):\d+\/(jsz|healthz\?js-enabled-only=true)$/.exec(url);
  if (nats) {
    const pod = livePods().find((p) => p.ip === nats[1] && p.deletedAt === null);
    const ready = pod && pod.readyAt !== null && state.clock >= pod.readyAt;
    if (!ready) die('curl: (7) Failed to connect', 7);
    if (nats[2] === 'jsz') {
      console.log(JSON.stringify({ server_name: pod.name, meta_cluster: { leader: state.jszLeader } }));
    }
    return;
  }
  const partitioned = state.gate && state.partitionEffective;
  const recovering = state.healthBackAt !== undefined && state.clock < state.healthBackAt;
  if (!state.healthy || partitioned || recovering) die('curl: (22) The requested URL returned error: 503', 22);
}

if (tool === 'kubectl') kubectl();
else if (tool === 'curl') curl();
else die(`unknown tool ${tool}`, 2);
