#!/usr/bin/env node
/*
 * STAND-IN for a Kubernetes cluster, used only by the chaos script tests: there is no
 * kube-apiserver on the machines that build this library. It plays `kubectl` (kubectl-cli.js) and
 * `curl` (curl-cli.js) against a scripted cluster state in the JSON file $CLUSTER_STATE, on the fake
 * clock that the `date` and `sleep` stand-ins next to it keep. Every call is appended to
 * $CLUSTER_LOG as one JSON array of its arguments. test/support/fake-cluster.ts writes the state.
 *
 * State (all times in fake-clock seconds):
 *   rbac: {account: {namespace, name}, roles, bindings}   the synthesized RBAC every call must pass
 *   admission: [object]                   synthesized ValidatingAdmissionPolicies and bindings every
 *                                         write then passes (admission.js); admitted, refused: [request]
 *                                         every write they let through, and the ones they refused
 *   deployments, statefulsets, networkpolicies, poddisruptionbudgets: [object]
 *                                         what `kubectl get` returns (a Deployment's and a budget's
 *                                         status are computed: deployment.js, disruption.js)
 *   replicasets: [{name, namespace, uid, deployment, hash, revision, createdAt}]
 *   pods: [{name, namespace, uid, labels, ip, owner: {kind, name, uid}, createdAt, readyAt,
 *           deletedAt, goneAt, currentAt, nats}]   (deletedAt may lie ahead: a rollout's schedule)
 *   replacement: {appearsAfter, readyAfter, terminationSeconds}   how a deleted pod comes back
 *   rollout: {podReadyAfter, observeAfter}, rollouts: [schedule]   how `rollout restart` proceeds
 *   health: {up, sequence, partitionPolicy, partitionBreaks, partitionEffective, downAfterHeal, backAt,
 *            outages, backends, dependsOnEgress}
 *   nats: {monitorPort, leader, electionDelay, nextLeader, electedAt, catchUpDelay}
 *   failures: [{args, skip, remaining}]   kubectl calls that fail like an unreachable API server
 *   edits: [{at, resource, namespace, name, patch}]   changes someone else makes (merge patches;
 *                                         for pods: the pod is deleted, as by a node failure)
 *   history: [{clock, resource, name, object}]       every object the scripts patched, as patched
 *   allowed, forbidden: [request]          every request RBAC allowed, and refused
 *
 * The clock may hold fractions of a second (`sleep 0.2`); `date +%s` prints whole seconds.
 */
const fs = require('fs');
const path = require('path');

const { withStateLock } = require('./lock');

// With real NATS servers the state is shared with the test's kubelet (real-nats-pods.ts): every
// call reads and writes it under a lock. The clock is the fake one, or real time without FAKE_CLOCK.
const unlock = require.main === module ? withStateLock(process.env.CLUSTER_STATE) : () => {};
process.on('exit', unlock);
const state = JSON.parse(fs.readFileSync(process.env.CLUSTER_STATE, 'utf8'));
state.clock = process.env.FAKE_CLOCK ? Number(fs.readFileSync(process.env.FAKE_CLOCK, 'utf8')) : Date.now() / 1000;

const cluster = {
  state,
  /** Writes the state atomically (a test may read it while a script runs). */
  save() {
    fs.writeFileSync(`${process.env.CLUSTER_STATE}.tmp`, JSON.stringify(state, null, 2));
    fs.renameSync(`${process.env.CLUSTER_STATE}.tmp`, process.env.CLUSTER_STATE);
  },
  iso(t) {
    return new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  },
  /** Lets others change the state (the kubelet of real-nats-pods.ts); nothing is saved after this. */
  release() {
    unlock();
  },

  /** Exits like the real tool: message on stderr, exit code. */
  die(message, code) {
    if (message) process.stderr.write(`${message}\n`);
    cluster.save();
    process.exit(code);
  },

  /** Pods as the API shows them now: created, not yet gone (a deleted pod stays, terminating, until goneAt). */
  livePods() {
    return state.pods.filter((p) => p.createdAt <= state.clock && (p.goneAt === null || state.clock < p.goneAt));
  },

  /** Whether the pod's deletion has begun (a rollout schedules the deletions of old pods ahead). */
  isDeleted(pod) {
    return pod.deletedAt !== null && state.clock >= pod.deletedAt;
  },

  isReady(pod) {
    return !cluster.isDeleted(pod) && pod.readyAt !== null && state.clock >= pod.readyAt;
  },

  podJson(pod) {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: pod.name,
        namespace: pod.namespace,
        uid: pod.uid,
        labels: pod.labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: pod.owner.kind, name: pod.owner.name, uid: pod.owner.uid, controller: true, blockOwnerDeletion: true }],
        ...(cluster.isDeleted(pod) ? { deletionTimestamp: cluster.iso(pod.deletedAt) } : {}),
      },
      status: {
        phase: pod.readyAt !== null && state.clock >= pod.readyAt ? 'Running' : 'Pending',
        podIP: pod.ip,
        conditions: [{ type: 'Ready', status: cluster.isReady(pod) ? 'True' : 'False' }],
      },
    };
  },

  /**
   * Deletes a pod: it shows a deletionTimestamp until it is gone (terminationSeconds later). Its
   * owner replaces it: a ReplicaSet at once under a new name, a StatefulSet under the same name
   * once the old pod is gone; the replacement is ready readyAfter seconds after the deletion.
   */
  deletePod(pod) {
    if (pod.nats && state.nats?.real) {
      // a real server: the test's kubelet stops its process, marks the pod gone and starts the
      // replacement (real-nats-pods.ts)
      pod.deletedAt = state.clock;
      return;
    }
    const r = state.replacement;
    pod.deletedAt = state.clock;
    pod.goneAt = state.clock + r.terminationSeconds;
    const n = state.pods.length + 1;
    const statefulSet = pod.owner.kind === 'StatefulSet';
    const createdAt = statefulSet ? pod.goneAt : state.clock + r.appearsAfter;
    const readyAt = r.readyAfter === null ? null : Math.max(createdAt, state.clock + r.readyAfter);
    state.pods.push({
      ...pod,
      labels: { ...pod.labels },
      name: statefulSet ? pod.name : `${pod.owner.name}-r${n}`,
      uid: `uid-${n}`,
      ip: `10.0.9.${n}`,
      createdAt,
      readyAt,
      deletedAt: null,
      goneAt: null,
      currentAt: readyAt === null ? null : readyAt + (state.nats?.catchUpDelay ?? 0),
    });
    if (pod.nats && state.nats && state.nats.leader === pod.name) {
      state.nats.leader = '';
      state.nats.electedAt = state.clock + state.nats.electionDelay;
    }
  },
};

module.exports = cluster;

/** Edits by someone else (a person, a GitOps controller) that are due by now. */
function applyEdits() {
  const { mergePatch } = require('./kubectl-cli');
  for (const edit of state.edits.filter((e) => !e.done && state.clock >= e.at)) {
    if (edit.resource === 'pods') {
      // a pod lost to something else than the scripts (a node failure, a person)
      const pod = cluster.livePods().find((p) => p.namespace === edit.namespace && p.name === edit.name && !cluster.isDeleted(p));
      if (pod) cluster.deletePod(pod);
      edit.done = true;
      continue;
    }
    const store = state[edit.resource];
    const i = store.findIndex((o) => o.metadata.namespace === edit.namespace && o.metadata.name === edit.name);
    if (i >= 0) store[i] = mergePatch(store[i], edit.patch);
    edit.done = true;
  }
}

if (require.main === module) {
  applyEdits();
  const tool = path.basename(process.argv[2]);
  let args = process.argv.slice(3);
  if (tool === 'kubectl') {
    // The global --request-timeout (cli-runtime v0.28.13 genericclioptions/config_flags.go: a
    // duration with its unit, or a whole number of seconds; 0 never times out) that the chaos
    // scripts give every call is checked, kept in state.requestTimeouts (one per call, '' for
    // none) and left out of the recorded arguments.
    const flag = args.find((a) => a.startsWith('--request-timeout='));
    if (flag && !/^(\d+|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/.test(flag.slice('--request-timeout='.length))) {
      cluster.die(`error: invalid argument "${flag.slice('--request-timeout='.length)}" for "--request-timeout" flag: time: invalid duration`, 1);
    }
    state.requestTimeouts = [...(state.requestTimeouts ?? []), flag ? flag.slice('--request-timeout='.length) : ''];
    args = args.filter((a) => a !== flag);
  }
  fs.appendFileSync(process.env.CLUSTER_LOG, `${JSON.stringify([tool, ...args])}\n`);
  if (tool === 'kubectl') require('./kubectl-cli').run(cluster, args);
  else if (tool === 'curl') require('./curl-cli').run(cluster, args);
  else cluster.die(`unknown tool ${tool}`, 2);
  cluster.save();
}
