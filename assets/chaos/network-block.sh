#!/bin/sh
# network-block: partitions the target pods for HOLD_SECONDS by switching their own NetworkPolicy
# (TARGET_POLICY, the workload's default-deny policy) to deny the chosen DIRECTION (Ingress,
# Egress or Both), then restores it and measures the time from the heal until the Deployment is
# ready and, with HEALTH_URL, answers healthily HEALTH_SUCCESSES times in a row.
#
# Only that one NetworkPolicy is touched (get and patch on it by name): no pod is patched or
# labelled. The direction not partitioned keeps exactly the rules it had. The switch is recorded
# on the policy and undone on every exit path, once (chaos-lib.sh switch_policy).
set -eu
SCENARIO=network-block
HOLD_SECONDS=${HOLD_SECONDS:-}
DIRECTION=${DIRECTION:-Both}
# shellcheck source=chaos-lib.sh
. "$(dirname "$0")/chaos-lib.sh"
require_env NAMESPACE TARGET_DEPLOYMENT TARGET_SELECTOR TARGET_POLICY HOLD_SECONDS SLA_SECONDS TIMEOUT_SECONDS
case "$DIRECTION" in
  Ingress | Egress | Both) ;;
  *) report NOT_RUN 3 "DIRECTION must be Ingress, Egress or Both, got '$DIRECTION'" ;;
esac
result_field direction "\"$DIRECTION\""

deployment=$(kubectl get deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT not found in $NAMESPACE"
desired=$(printf '%s' "$deployment" | jq -r '.spec.replicas')
read_target_policy
ready=$(ready_pods)
if [ "$ready" -lt "$desired" ] || ! health_ok; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is not healthy before injection; nothing was injected"
fi

# The partitioned direction(s) get no rules (added to policyTypes if missing), the other
# direction is left as it is.
deny=$(printf '%s' "$POLICY" | jq -c --arg direction "$DIRECTION" '
  (if $direction == "Both" then ["Ingress", "Egress"] else [$direction] end) as $cut
  | (.spec.policyTypes // ["Ingress"]) as $types
  | {policyTypes: ($types + ($cut - $types))}
    + (if $cut | index("Ingress") then {ingress: []} else {} end)
    + (if $cut | index("Egress") then {egress: []} else {} end)')

log "partitioning the pods of $TARGET_DEPLOYMENT ($DIRECTION) for ${HOLD_SECONDS}s through networkpolicy $TARGET_POLICY"
INJECTED_AT=$(now)
switch_policy "$deny"

effect_seen=false
while [ $(($(now) - INJECTED_AT)) -lt "$HOLD_SECONDS" ]; do
  if [ -n "$HEALTH_URL" ] && ! health_ok; then effect_seen=true; fi
  check_policy_switched
  pause "$POLL_SECONDS"
done
restore_policy || report ERROR 6 "could not remove the partition"
HEALED_AT=$(now)

if [ -n "$HEALTH_URL" ] && [ "$effect_seen" = "false" ]; then
  report INCONCLUSIVE 4 "the health URL stayed healthy during the partition: the network plugin may not enforce NetworkPolicy, or another policy allows the traffic"
fi

# shellcheck disable=SC2317 # called through wait_for_recovery
back_to_desired() {
  ready=$(ready_pods) || return 1
  [ "$ready" -ge "$desired" ]
}
wait_for_recovery "$HEALED_AT" back_to_desired || true
finish
