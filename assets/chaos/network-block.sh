#!/bin/sh
# network-block: partitions the target pods for HOLD_SECONDS by adding GATE_LABEL to them,
# which their ChaosNetworkPolicy (deny-all, gated on that label) then selects; removes the
# label again and measures the time from the heal until the Deployment is ready and, with
# HEALTH_URL, answers healthily. The label is removed on every exit path, including the
# SIGTERM sent when the Job hits its deadline.
set -eu
SCENARIO=network-block
HOLD_SECONDS=${HOLD_SECONDS:-}
GATE_LABEL=${GATE_LABEL:-}
# shellcheck source=chaos-lib.sh
. "$(dirname "$0")/chaos-lib.sh"
require_env NAMESPACE TARGET_DEPLOYMENT TARGET_SELECTOR GATE_LABEL HOLD_SECONDS SLA_SECONDS TIMEOUT_SECONDS
gate_key=${GATE_LABEL%%=*}

deployment=$(kubectl get deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT not found in $NAMESPACE" ""
desired=$(printf '%s' "$deployment" | jq -r '.spec.replicas')
if [ "$(ready_pods "$TARGET_SELECTOR")" -lt "$desired" ] || ! health_ok; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is not healthy before injection; nothing was injected" ""
fi

heal() {
  if kubectl label pods -n "$NAMESPACE" -l "$TARGET_SELECTOR" "$gate_key-" > /dev/null 2>&1; then
    log "partition removed (label $gate_key taken off the target pods)"
  else
    log "WARNING: could not remove label $gate_key: remove it by hand: kubectl label pods -n $NAMESPACE -l $TARGET_SELECTOR $gate_key-"
  fi
}
trap heal EXIT
trap 'exit 143' TERM INT HUP

log "partitioning the pods of $TARGET_DEPLOYMENT for ${HOLD_SECONDS}s (label $GATE_LABEL)"
injected=$(now)
kubectl label pods -n "$NAMESPACE" -l "$TARGET_SELECTOR" "$GATE_LABEL" --overwrite > /dev/null

effect_seen=false
while [ $(($(now) - injected)) -lt "$HOLD_SECONDS" ]; do
  if [ -n "$HEALTH_URL" ] && ! health_ok; then effect_seen=true; fi
  sleep "$POLL_SECONDS"
done
heal
HEALED_AT=$(now)

if [ -n "$HEALTH_URL" ] && [ "$effect_seen" = "false" ]; then
  report INCONCLUSIVE 4 "the health URL stayed healthy during the partition: the network plugin may not enforce NetworkPolicy" "$injected"
fi

# shellcheck disable=SC2317 # called through wait_for_recovery
back_to_desired() {
  [ "$(ready_pods "$TARGET_SELECTOR")" -ge "$desired" ]
}
wait_for_recovery "$HEALED_AT" back_to_desired || true
finish "$injected"
