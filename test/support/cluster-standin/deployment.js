/*
 * STAND-IN part: Deployments and their ReplicaSets as the API shows them, what the Deployment
 * controller does after `kubectl rollout restart`, and that command itself (kubectl 1.28.13).
 * Sources followed (kubernetes/kubectl v0.28.13, kubernetes/kubernetes v1.28):
 * - `rollout restart` (kubectl pkg/cmd/rollout/rollout_restart.go RunRestart and
 *   pkg/polymorphichelpers/objectrestarter.go defaultObjectRestarter): reads the Deployment (a GET,
 *   so RBAC `get`), refuses a paused one (`error: deployments.apps "<name>" can't restart paused
 *   deployment (run rollout resume first)`, exit 1), sets the pod template annotation
 *   `kubectl.kubernetes.io/restartedAt` to the time in RFC 3339 (whole seconds), sends it as a
 *   strategic merge PATCH (RBAC `patch`, then admission) and prints `deployment.apps/<name> restarted`. A second
 *   restart within the same second makes an empty patch: `error: failed to create patch for
 *   <name>: if restart has already been triggered within the past second, please wait before
 *   attempting to trigger another`, exit 1 (cmdutil.CheckErr adds the `error: ` prefix);
 * - the PATCH raises metadata.generation; the controller observes it (status.observedGeneration)
 *   `observeAfter` seconds later, creates the new ReplicaSet with revision = highest + 1
 *   (pkg/controller/deployment/sync.go getNewReplicaSet, util.MaxRevision) and copies that revision
 *   into the Deployment's `deployment.kubernetes.io/revision` annotation;
 * - RollingUpdate with maxSurge 1 and maxUnavailable 0 (the only strategy the stand-in plays;
 *   rolling.go reconcileNewReplicaSet/reconcileOldReplicaSets): one new pod, and only once it has
 *   been available for minReadySeconds is one old pod deleted, then the next new pod is created;
 * - status (sync.go calculateStatus): replicas, updatedReplicas, readyReplicas and
 *   availableReplicas count the pods that are not being deleted (the ReplicaSet controller's
 *   FilterActivePods), available = ready for minReadySeconds;
 * - the Progressing condition (progress.go syncRolloutStatus, util/deployment_util.go
 *   DeploymentTimedOut): reason NewReplicaSetAvailable once complete, ReplicaSetUpdated while
 *   pods come and go, ProgressDeadlineExceeded (status False) once progressDeadlineSeconds have
 *   passed since the last progress (a pod created, ready, available or removed).
 * kubectl's own `rollout status` verdict (pkg/polymorphichelpers/rollout_status.go
 * DeploymentStatusViewer.Status) reads exactly these fields; the rollout script ports it rather
 * than calling `kubectl rollout status`, which watches (list and watch RBAC) and blocks the
 * probing; on ProgressDeadlineExceeded that command prints `error: deployment "<name>" exceeded
 * its progress deadline` and exits 1 (pkg/cmd/rollout/rollout_status.go, cmdutil.CheckErr), the
 * case the script reports as FAIL.
 * kubernetes/kubernetes is too large to fetch here: the controller's util/deployment_util.go
 * (DeploymentProgressing: more updated, ready or available replicas or fewer old ones;
 * DeploymentTimedOut: condition lastUpdateTime + progressDeadlineSeconds before now, never after
 * NewReplicaSetAvailable) was read in the revisions of the 1.27-1.29 line the code index holds.
 */

const REVISION = 'deployment.kubernetes.io/revision';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

function replicaSetsOf(cluster, d) {
  return (cluster.state.replicasets ?? []).filter((rs) => rs.namespace === d.metadata.namespace && rs.deployment === d.metadata.name
    && rs.createdAt <= cluster.state.clock);
}

function podsOf(cluster, rs) {
  return cluster.livePods().filter((p) => p.owner.kind === 'ReplicaSet' && p.owner.uid === rs.uid);
}

function rolloutOf(cluster, d) {
  return (cluster.state.rollouts ?? []).filter((r) => r.namespace === d.metadata.namespace && r.deployment === d.metadata.name).pop();
}

/** The Deployment as `kubectl get` shows it: spec as stored, status computed from its pods now. */
function deploymentJson(cluster, d) {
  const clock = cluster.state.clock;
  const rollout = rolloutOf(cluster, d);
  const observed = !rollout || clock >= rollout.observedAt;
  const sets = replicaSetsOf(cluster, d).sort((a, b) => a.revision - b.revision);
  const newest = sets[sets.length - 1];
  const minReady = d.spec.minReadySeconds ?? 0;
  const active = sets.flatMap((rs) => podsOf(cluster, rs)).filter((p) => !cluster.isDeleted(p));
  const updated = newest ? podsOf(cluster, newest).filter((p) => !cluster.isDeleted(p)) : [];
  const ready = active.filter((p) => cluster.isReady(p));
  const available = ready.filter((p) => clock >= p.readyAt + minReady);
  const replicas = d.spec.replicas;
  const complete = updated.length === replicas && active.length === updated.length && available.length >= updated.length;
  const lastProgress = rollout ? Math.max(...rollout.events.filter((t) => t <= clock)) : 0;
  const timedOut = rollout && observed && !complete && clock > lastProgress + (d.spec.progressDeadlineSeconds ?? 600);
  const progressing = timedOut
    ? { status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newest.name}" has timed out progressing.` }
    : complete
      ? { status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newest?.name}" has successfully progressed.` }
      : { status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newest?.name}" is progressing.` };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      ...d.metadata,
      generation: d.metadata.generation,
      annotations: { ...d.metadata.annotations, [REVISION]: String(observed ? newest?.revision ?? 1 : rollout.revisionBefore) },
    },
    spec: d.spec,
    status: {
      observedGeneration: observed ? d.metadata.generation : d.metadata.generation - 1,
      replicas: active.length,
      updatedReplicas: updated.length,
      readyReplicas: ready.length,
      availableReplicas: available.length,
      ...(replicas - available.length > 0 ? { unavailableReplicas: replicas - available.length } : {}),
      conditions: [
        { type: 'Available', status: available.length >= replicas - (d.spec.strategy?.rollingUpdate?.maxUnavailable ?? 0) ? 'True' : 'False' },
        { type: 'Progressing', ...progressing },
      ],
    },
  };
}

/** ReplicaSets as `kubectl get replicasets` shows them (template labels plus pod-template-hash, owned by the Deployment). */
function replicaSetJsons(cluster, namespace) {
  return (cluster.state.deployments ?? []).filter((d) => d.metadata.namespace === namespace).flatMap((d) => replicaSetsOf(cluster, d).map((rs) => {
    const pods = podsOf(cluster, rs).filter((p) => !cluster.isDeleted(p));
    const ready = pods.filter((p) => cluster.isReady(p));
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rs.name,
        namespace,
        uid: rs.uid,
        labels: { ...d.spec.template.metadata.labels, 'pod-template-hash': rs.hash },
        annotations: { [REVISION]: String(rs.revision), 'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: pods.length },
      status: { replicas: pods.length, readyReplicas: ready.length, availableReplicas: ready.filter((p) => cluster.state.clock >= p.readyAt + (d.spec.minReadySeconds ?? 0)).length },
    };
  }));
}

/**
 * `kubectl rollout restart deployment <name>`: the annotation, then the controller's schedule:
 * new pods created, ready `rollout.podReadyAfter` seconds later (never: null), old pods deleted
 * once a new one has been available for minReadySeconds.
 */
function restart(cluster, d, authorizePatch) {
  const state = cluster.state;
  const clock = state.clock;
  const strategy = d.spec.strategy?.rollingUpdate ?? {};
  if (strategy.maxSurge !== 1 || (strategy.maxUnavailable ?? 0) !== 0) cluster.die('the stand-in plays RollingUpdate with maxSurge 1 and maxUnavailable 0 only', 2);
  if (d.spec.paused) cluster.die(`error: deployments.apps "${d.metadata.name}" can't restart paused deployment (run rollout resume first)`, 1);
  const now = cluster.iso(Math.floor(clock));
  const template = d.spec.template.metadata;
  if (template.annotations?.[RESTARTED_AT] === now) {
    cluster.die(`error: failed to create patch for ${d.metadata.name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`, 1);
  }
  const after = JSON.parse(JSON.stringify(d));
  after.spec.template.metadata.annotations = { ...template.annotations, [RESTARTED_AT]: now };
  authorizePatch(after);
  template.annotations = after.spec.template.metadata.annotations;
  d.metadata.generation += 1;

  const options = state.rollout ?? { podReadyAfter: 5, observeAfter: 1 };
  const sets = replicaSetsOf(cluster, d);
  const revisionBefore = Math.max(...sets.map((rs) => rs.revision));
  const revision = revisionBefore + 1;
  const observedAt = clock + (options.observeAfter ?? 1);
  const hash = `6c4f${revision}`;
  const rs = { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, uid: `replicaset-uid-${d.metadata.namespace}-${d.metadata.name}-${revision}`, deployment: d.metadata.name, hash, revision, createdAt: observedAt };
  state.replicasets.push(rs);
  const old = sets.flatMap((s) => podsOf(cluster, s)).filter((p) => !cluster.isDeleted(p)).sort((a, b) => a.name.localeCompare(b.name));
  const minReady = d.spec.minReadySeconds ?? 0;
  const events = [clock, observedAt];
  let t = observedAt;
  for (let i = 0; i < d.spec.replicas; i++) {
    const n = state.pods.length + 1;
    const readyAt = options.podReadyAfter === null ? null : t + options.podReadyAfter;
    state.pods.push({
      name: `${rs.name}-n${i + 1}`,
      namespace: rs.namespace,
      uid: `uid-${n}`,
      labels: { ...template.labels, 'pod-template-hash': hash },
      ip: `10.0.8.${n}`,
      owner: { kind: 'ReplicaSet', name: rs.name, uid: rs.uid },
      nats: false,
      createdAt: t,
      readyAt,
      currentAt: readyAt,
      deletedAt: null,
      goneAt: null,
    });
    events.push(t);
    if (readyAt === null) break;
    const availableAt = readyAt + minReady;
    events.push(readyAt, availableAt);
    if (old[i]) {
      old[i].deletedAt = availableAt;
      old[i].goneAt = availableAt + state.replacement.terminationSeconds;
    }
    t = availableAt;
  }
  state.rollouts = [...(state.rollouts ?? []), { namespace: d.metadata.namespace, deployment: d.metadata.name, observedAt, revisionBefore, events }];
  console.log(`deployment.apps/${d.metadata.name} restarted`);
}

module.exports = { deploymentJson, replicaSetJsons, restart };
