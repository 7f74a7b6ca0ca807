#!/bin/sh
# rollout: proves the zero-downtime rollout. While it probes the health URL several times a
# second, it restarts the target Deployment (`kubectl rollout restart`: a new ReplicaSet replaces
# every pod under the Deployment's own strategy) and waits until the rollout is complete.
# PASS when it completed and every probe answered 2xx; FAIL (exit 1) when a probe failed or the
# Deployment passed its progress deadline; FAIL (exit 2) when it was not complete within
# TIMEOUT_SECONDS.
#
# Complete is what `kubectl rollout status` says (kubectl v0.28.13
# pkg/polymorphichelpers/rollout_status.go DeploymentStatusViewer.Status, ported in
# rollout_state): the controller observed the new generation (metadata.generation <=
# status.observedGeneration), its Progressing condition is not ProgressDeadlineExceeded (that
# one is the failure), updatedReplicas reached spec.replicas, no old replica is left
# (status.replicas = updatedReplicas) and every updated replica is available. A stuck rollout is
# not rolled back: with maxUnavailable 0 the old pods keep serving, and `kubectl rollout undo`
# brings the previous pod template back.
#
# Access: get and patch on the one Deployment (rollout restart reads it, then patches its pod
# template annotation kubectl.kubernetes.io/restartedAt), list on ReplicaSets and pods (RBAC
# cannot narrow a list to names: the script lists with the Deployment's selector).
set -eu
SCENARIO=rollout
# shellcheck source=chaos-lib.sh
. "$(dirname "$0")/chaos-lib.sh"
require_env NAMESPACE TARGET_DEPLOYMENT TARGET_SELECTOR HEALTH_URL TIMEOUT_SECONDS

# "done", "deadline" or "waiting: <what>", from a Deployment (kubectl get -o json) on stdin.
# Status counts are omitempty in the API: absent means 0.
rollout_state() {
  jq -r 'if (.metadata.generation // 0) <= (.status.observedGeneration // 0) then
      if any(.status.conditions[]?; .type == "Progressing" and .reason == "ProgressDeadlineExceeded") then "deadline"
      elif .spec.replicas != null and (.status.updatedReplicas // 0) < .spec.replicas then
        "waiting: \(.status.updatedReplicas // 0) out of \(.spec.replicas) new replicas have been updated"
      elif (.status.replicas // 0) > (.status.updatedReplicas // 0) then
        "waiting: \((.status.replicas // 0) - (.status.updatedReplicas // 0)) old replicas are pending termination"
      elif (.status.availableReplicas // 0) < (.status.updatedReplicas // 0) then
        "waiting: \(.status.availableReplicas // 0) of \(.status.updatedReplicas // 0) updated replicas are available"
      else "done" end
    else "waiting: the spec update to be observed" end'
}

# The ReplicaSet of the Deployment's current revision (JSON string, null when none): owned by the
# Deployment and carrying its deployment.kubernetes.io/revision, which the controller copies from
# the newest ReplicaSet (kubernetes v1.28 pkg/controller/deployment/sync.go).
current_replicaset() {
  sets=$(kubectl get replicasets -n "$NAMESPACE" -l "$TARGET_SELECTOR" -o json) || return 1
  printf '%s' "$sets" | jq -c --argjson deployment "$1" '
    ($deployment.metadata.annotations["deployment.kubernetes.io/revision"] // "") as $revision
    | [.items[] | select(any(.metadata.ownerReferences[]?; .controller == true and .uid == $deployment.metadata.uid))
        | select(.metadata.annotations["deployment.kubernetes.io/revision"] == $revision)][0].metadata.name // null'
}

deployment=$(kubectl get deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT not found in $NAMESPACE"
desired=$(printf '%s' "$deployment" | jq -r '.spec.replicas')
deadline=$(printf '%s' "$deployment" | jq -r '.spec.progressDeadlineSeconds // 600')
result_field progressDeadlineSeconds "$deadline"
if [ "$(printf '%s' "$deployment" | jq -r '.spec.paused // false')" = true ]; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is paused (kubectl rollout resume first); nothing was injected"
fi
state=$(printf '%s' "$deployment" | rollout_state)
if [ "$state" != "done" ]; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is not rolled out before the restart (${state#waiting: }); nothing was injected"
fi
ready=$(ready_pods)
if [ "$ready" -lt "$desired" ] || ! health_ok; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is not healthy before injection; nothing was injected"
fi
result_field replicaSetBefore "$(current_replicaset "$deployment")"

result_field minReadyReplicas "$desired"
start_probing
log "restarting deployment $TARGET_DEPLOYMENT ($desired replicas, progress deadline ${deadline}s) while probing $HEALTH_URL"
INJECTED_AT=$(now)
kubectl rollout restart deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" > /dev/null

min_ready=$desired
while :; do
  probe_for "$POLL_SECONDS"
  deployment=$(kubectl get deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" -o json)
  ready_now=$(printf '%s' "$deployment" | jq -r '.status.readyReplicas // 0')
  if [ "$ready_now" -lt "$min_ready" ]; then
    min_ready=$ready_now
    result_field minReadyReplicas "$min_ready"
  fi
  state=$(printf '%s' "$deployment" | rollout_state)
  elapsed=$(($(now) - INJECTED_AT))
  case "$state" in
    done) break ;;
    deadline)
      report FAIL 1 "deployment $TARGET_DEPLOYMENT exceeded its progress deadline (${deadline}s) ${elapsed}s after the restart: the rollout is stuck, the old pods keep serving (kubectl rollout undo restores the previous template)" ;;
  esac
  if [ "$elapsed" -gt "$TIMEOUT_SECONDS" ]; then
    report FAIL 2 "the rollout was not complete within ${TIMEOUT_SECONDS}s (${state#waiting: })"
  fi
done
rolled=$(($(now) - INJECTED_AT))
result_field rolloutSeconds "$rolled"
result_field replicaSetAfter "$(current_replicaset "$deployment")"
if [ "$PROBES_FAILED" -gt 0 ]; then
  report FAIL 1 "rolled out in ${rolled}s, but $(failed_probes_text)"
fi
report PASS 0 "rolled out in ${rolled}s (progress deadline ${deadline}s); all $PROBES_SENT probes of the health URL answered"
