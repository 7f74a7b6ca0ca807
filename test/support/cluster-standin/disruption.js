/*
 * STAND-IN part: PodDisruptionBudgets and the Eviction API, for the drain scenario.
 *
 * Budget status: the disruption controller (kubernetes v1.28 pkg/controller/disruption/disruption.go)
 * computes it from the pods its selector matches (an empty selector matches nothing):
 * - getExpectedPodCount: with an integer minAvailable, desiredHealthy = minAvailable and
 *   expectedPods = the matching pods (terminating ones included, as the pod lister has them);
 *   with a percentage minAvailable or with maxUnavailable, expectedPods = the scale of the pods'
 *   controller (the Deployment's spec.replicas) and the percentage is rounded up
 *   (intstr.GetScaledValueFromIntOrPercent(..., true)), desiredHealthy = expected - maxUnavailable;
 * - countHealthyPods: ready pods that are not being deleted;
 * - updatePdbStatus: disruptionsAllowed = currentHealthy - desiredHealthy, 0 when negative or when
 *   expectedPods is 0; observedGeneration = generation.
 * The stand-in computes the status on every read, as a controller that is never behind would;
 * the eviction handler's own bookkeeping (status.disruptedPods) has the same effect here, since an
 * evicted pod is terminating, hence not healthy, from the eviction on.
 *
 * Eviction (kubernetes v1.28 pkg/registry/core/pod/storage/eviction.go EvictionREST.Create), a POST
 * of a policy/v1 Eviction to /api/v1/namespaces/<ns>/pods/<name>/eviction:
 * - the name in the body must be the name in the URL: 400 BadRequest `name in URL does not match
 *   name in Eviction object`; a missing pod: 404 NotFound `pods "<name>" not found`;
 * - a pod that is Pending, Succeeded, Failed or already being deleted is deleted without looking
 *   at budgets (canIgnorePDB); the stand-in's pods are Pending until they are ready, so an unready
 *   pod goes this way too;
 * - no budget selects the pod: deleted; more than one: refused (not played: ChaosExperiment
 *   refuses a target with two budgets at synth time);
 * - a pod that is not ready is deleted when the budget's unhealthyPodEvictionPolicy is
 *   AlwaysAllow, or (IfHealthyBudget, the default) when currentHealthy >= desiredHealthy > 0;
 * - otherwise checkAndDecrement: disruptionsAllowed 0 refuses with 429 TooManyRequests, message
 *   `Cannot evict pod as it would violate the pod's disruption budget.` and the cause
 *   `The disruption budget <name> needs <desired> healthy pods and has <current> currently`,
 *   with no Retry-After (NewTooManyRequests(..., 0)), so client-go does not retry it
 *   (client-go v0.28.13 rest/with_retry.go checkWait); else the pod is deleted;
 * - success answers 201 with the Status `{"kind":"Status","apiVersion":"v1","metadata":{},
 *   "status":"Success","code":201}` (apiserver v0.28.13 pkg/endpoints/handlers/create.go sets the
 *   code; the JSON serializer's encoder ends it with a newline).
 * A budget whose status lags behind its spec (observedGeneration < generation) answers 429 with a
 * Retry-After of 10 s, which client-go retries by itself; the stand-in's status never lags.
 * kubernetes/kubernetes is too large to fetch here: disruption.go was read in a revision of the
 * 1.27-1.29 line the code index holds; eviction.go in an earlier revision (canIgnorePDB,
 * checkAndDecrement and the messages are the same), with the unhealthyPodEvictionPolicy branch
 * (AlwaysAllow lets an unready pod go) as 1.26 added it (KEP-3017, the Kubernetes 1.26 blog post).
 * The drain script never evicts an unready pod, so that branch only matters to the stand-in's tests.
 * The deleted pod is replaced by its ReplicaSet as any deleted pod (cluster.js deletePod).
 */
const { matchesLabelSelector } = require('./selector');

const hasSelector = (selector) => Object.keys(selector?.matchLabels ?? {}).length > 0 || (selector?.matchExpressions ?? []).length > 0;

function scaled(value, total) {
  return typeof value === 'number' ? value : Math.ceil((parseFloat(value) * total) / 100);
}

function budgetPods(cluster, pdb) {
  if (!hasSelector(pdb.spec.selector)) return [];
  return cluster.livePods().filter((p) => p.namespace === pdb.metadata.namespace && matchesLabelSelector(pdb.spec.selector, p.labels));
}

/** The scale of the pods' controllers: the Deployments whose ReplicaSets own them. */
function controllerScale(cluster, pods) {
  const deployments = new Set(pods.map((p) => (cluster.state.replicasets ?? []).find((rs) => rs.uid === p.owner.uid)?.deployment).filter(Boolean));
  return [...deployments].reduce((sum, name) => sum + ((cluster.state.deployments ?? []).find((d) => d.metadata.name === name)?.spec.replicas ?? 0), 0);
}

function budgetStatus(cluster, pdb) {
  const pods = budgetPods(cluster, pdb);
  const spec = pdb.spec;
  let expectedPods;
  let desiredHealthy;
  if (spec.maxUnavailable !== undefined) {
    expectedPods = controllerScale(cluster, pods);
    desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods));
  } else if (typeof spec.minAvailable === 'number') {
    expectedPods = pods.length;
    desiredHealthy = spec.minAvailable;
  } else {
    expectedPods = controllerScale(cluster, pods);
    desiredHealthy = scaled(spec.minAvailable, expectedPods);
  }
  const currentHealthy = pods.filter((p) => cluster.isReady(p)).length;
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  return {
    observedGeneration: pdb.metadata.generation ?? 1,
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    conditions: [{ type: 'DisruptionAllowed', status: disruptionsAllowed > 0 ? 'True' : 'False', reason: disruptionsAllowed > 0 ? 'SufficientPods' : 'InsufficientPods' }],
  };
}

function budgetJson(cluster, pdb) {
  return { ...pdb, metadata: { generation: 1, ...pdb.metadata }, status: budgetStatus(cluster, pdb) };
}

/** POST .../pods/<name>/eviction: { status, body } as the API server answers. */
/*
 * Transient refusals, scripted in state.evictionAnswers and answered first, one per request:
 * - 'too-many-requests': API Priority and Fairness rejects the request before it reaches the
 *   handler: 429 with `Retry-After` and a plain-text body (apiserver v0.28.13
 *   pkg/server/filters/priority-and-fairness.go), which client-go turns into a generic status
 *   error (apimachinery pkg/api/errors NewGenericServerResponse): reason TooManyRequests,
 *   `the server has received too many requests and has asked us to try again later`, no cause;
 * - 'conflict': the budget's update conflicted on every retry (eviction.go retries 20 times,
 *   client-go util/retry OnError returns the last error): 409 Conflict;
 * - 'timeout': the same as eviction.go's NewTimeoutError branch words it: 504 Timeout.
 * client-go does not retry either (rest/with_retry.go: a request whose body is an io.Reader, as
 * `create --raw -f -` sends it, is never retried), so kubectl prints it and exits 1.
 */
const TRANSIENT = {
  'too-many-requests': () => ({ status: 429, reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' }),
  'conflict': (budget) => ({ status: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on poddisruptionbudgets.policy "${budget}": the object has been modified; please apply your changes to the latest version and try again` }),
  'timeout': (budget) => ({ status: 504, reason: 'Timeout', message: `Timeout: couldn't update PodDisruptionBudget "${budget}" due to conflicts` }),
};

function evict(cluster, namespace, name, eviction) {
  const scripted = (cluster.state.evictionAnswers ?? []).shift();
  if (scripted) {
    const budget = (cluster.state.poddisruptionbudgets ?? []).find((b) => b.metadata.namespace === namespace)?.metadata.name ?? '';
    return TRANSIENT[scripted](budget);
  }
  if (eviction?.metadata?.name !== name) return { status: 400, reason: 'BadRequest', message: 'name in URL does not match name in Eviction object' };
  const pod = cluster.livePods().find((p) => p.namespace === namespace && p.name === name);
  if (!pod) return { status: 404, reason: 'NotFound', message: `pods "${name}" not found` };
  const success = { status: 201, body: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}\n' };
  const pending = pod.readyAt === null || cluster.state.clock < pod.readyAt;
  if (pending || cluster.isDeleted(pod)) {
    if (!cluster.isDeleted(pod)) cluster.deletePod(pod);
    return success;
  }
  const budgets = (cluster.state.poddisruptionbudgets ?? []).filter((b) => b.metadata.namespace === namespace && budgetPods(cluster, b).includes(pod));
  if (budgets.length > 1) cluster.die('the stand-in does not play a pod with two disruption budgets', 2);
  if (budgets.length === 1) {
    const budget = budgets[0];
    const status = budgetStatus(cluster, budget);
    const unhealthyMayGo = !cluster.isReady(pod) && (budget.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow'
      || (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0));
    if (!unhealthyMayGo && status.disruptionsAllowed === 0) {
      return {
        status: 429,
        reason: 'TooManyRequests',
        message: 'Cannot evict pod as it would violate the pod\'s disruption budget.',
        cause: `The disruption budget ${budget.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
      };
    }
  }
  cluster.deletePod(pod);
  return success;
}

module.exports = { budgetJson, evict };
