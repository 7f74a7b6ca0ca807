#!/bin/sh
# api-kill: deletes one ready pod of the target Deployment and measures the time until the
# Deployment has its desired number of ready pods again (the deleted one not counted) and,
# with HEALTH_URL, HEALTH_SUCCESSES consecutive healthy answers.
set -eu
SCENARIO=api-kill
# shellcheck source=chaos-lib.sh
. "$(dirname "$0")/chaos-lib.sh"
require_env NAMESPACE TARGET_DEPLOYMENT TARGET_SELECTOR SLA_SECONDS TIMEOUT_SECONDS

deployment=$(kubectl get deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT not found in $NAMESPACE"
desired=$(printf '%s' "$deployment" | jq -r '.spec.replicas')
ready=$(ready_pods)
if [ "$ready" -lt "$desired" ] || ! health_ok; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is not healthy before injection; nothing was injected"
fi

pods=$(deployment_pods)
VICTIM=$(printf '%s' "$pods" | jq -r '[.items[] | select(.metadata.deletionTimestamp == null)
    | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))][0].metadata.name')
log "deleting pod $VICTIM of deployment $TARGET_DEPLOYMENT ($desired desired)"
INJECTED_AT=$(now)
kubectl delete pod "$VICTIM" -n "$NAMESPACE" --wait=false > /dev/null

# shellcheck disable=SC2317 # called through wait_for_recovery
back_to_desired() {
  pods=$(deployment_pods) || return 1
  ready=$(printf '%s' "$pods" | count_ready "$VICTIM")
  [ "$ready" -ge "$desired" ]
}
wait_for_recovery "$INJECTED_AT" back_to_desired || true
finish
