#!/bin/sh
# network-block: partitions the target pods for HOLD_SECONDS by switching their own NetworkPolicy
# (TARGET_POLICY, the workload's default-deny policy) to deny the chosen DIRECTION (Ingress,
# Egress or Both), then restores it and measures the time from the heal until the Deployment is
# ready and, with HEALTH_URL, answers healthily HEALTH_SUCCESSES times in a row.
#
# Only that one NetworkPolicy is touched (get and patch on it by name): no pod is patched or
# labelled. The direction not partitioned keeps exactly the rules it had. The policy's spec
# before the partition is kept in the annotation chaos.cdk8s-hardening.io/spec-before, with
# chaos.cdk8s-hardening.io/partitioned-by naming this run, so a partition left behind by a
# killed run can be restored by hand and stops the next run. The policy is restored on every
# exit path, including the TERM of the Job deadline, exactly once.
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
RUN_ID=${POD_NAME:-network-block}
PARTITIONED_BY=chaos.cdk8s-hardening.io/partitioned-by
SPEC_BEFORE=chaos.cdk8s-hardening.io/spec-before
result_field direction "\"$DIRECTION\""

deployment=$(kubectl get deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT not found in $NAMESPACE"
desired=$(printf '%s' "$deployment" | jq -r '.spec.replicas')
policy=$(kubectl get networkpolicy "$TARGET_POLICY" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "networkpolicy $TARGET_POLICY not found in $NAMESPACE"
earlier=$(printf '%s' "$policy" | jq -r --arg k "$PARTITIONED_BY" '.metadata.annotations[$k] // empty')
if [ -n "$earlier" ]; then
  report NOT_RUN 3 "networkpolicy $TARGET_POLICY is still partitioned by $earlier; restore its spec from the annotation $SPEC_BEFORE (or apply the chart again) first"
fi
ready=$(ready_pods "$TARGET_SELECTOR")
if [ "$ready" -lt "$desired" ] || ! health_ok; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is not healthy before injection; nothing was injected"
fi

# The deny patch: the partitioned direction(s) get no rules (added to policyTypes if missing),
# the other direction is left as it is. The restore patch puts the spec back as it was.
deny=$(printf '%s' "$policy" | jq -c --arg direction "$DIRECTION" --arg by "$RUN_ID" --arg pk "$PARTITIONED_BY" --arg sk "$SPEC_BEFORE" '
  (if $direction == "Both" then ["Ingress", "Egress"] else [$direction] end) as $cut
  | (.spec.policyTypes // ["Ingress"]) as $types
  | {metadata: {annotations: {($pk): $by, ($sk): (.spec | tojson)}},
     spec: ({policyTypes: ($types + ($cut - $types))}
       + (if $cut | index("Ingress") then {ingress: []} else {} end)
       + (if $cut | index("Egress") then {egress: []} else {} end))}')
restore=$(printf '%s' "$policy" | jq -c --arg pk "$PARTITIONED_BY" --arg sk "$SPEC_BEFORE" '
  {metadata: {annotations: {($pk): null, ($sk): null}}, spec: ({ingress: null, egress: null} + .spec)}')

ARMED=false
heal() {
  [ "$ARMED" = true ] || return 0
  if kubectl patch networkpolicy "$TARGET_POLICY" -n "$NAMESPACE" --type=merge -p "$restore" > /dev/null; then
    ARMED=false
    log "partition removed (networkpolicy $TARGET_POLICY restored)"
  else
    log "WARNING: could not restore networkpolicy $TARGET_POLICY: apply the chart again, or patch its spec back from the annotation $SPEC_BEFORE"
    return 1
  fi
}
on_cleanup heal

log "partitioning the pods of $TARGET_DEPLOYMENT ($DIRECTION) for ${HOLD_SECONDS}s through networkpolicy $TARGET_POLICY"
INJECTED_AT=$(now)
# armed before the patch: a signal between the patch and the next line must still restore
ARMED=true
kubectl patch networkpolicy "$TARGET_POLICY" -n "$NAMESPACE" --type=merge -p "$deny" > /dev/null

effect_seen=false
while [ $(($(now) - INJECTED_AT)) -lt "$HOLD_SECONDS" ]; do
  if [ -n "$HEALTH_URL" ] && ! health_ok; then effect_seen=true; fi
  current=$(kubectl get networkpolicy "$TARGET_POLICY" -n "$NAMESPACE" -o json)
  by=$(printf '%s' "$current" | jq -r --arg k "$PARTITIONED_BY" '.metadata.annotations[$k] // empty')
  if [ "$by" != "$RUN_ID" ]; then
    report INCONCLUSIVE 4 "networkpolicy $TARGET_POLICY was changed by someone else during the partition (a GitOps controller reverting it?): the partition ended early"
  fi
  sleep "$POLL_SECONDS"
done
heal || report ERROR 6 "could not remove the partition"
HEALED_AT=$(now)

if [ -n "$HEALTH_URL" ] && [ "$effect_seen" = "false" ]; then
  report INCONCLUSIVE 4 "the health URL stayed healthy during the partition: the network plugin may not enforce NetworkPolicy, or another policy allows the traffic"
fi

# shellcheck disable=SC2317 # called through wait_for_recovery
back_to_desired() {
  ready=$(ready_pods "$TARGET_SELECTOR") || return 1
  [ "$ready" -ge "$desired" ]
}
wait_for_recovery "$HEALED_AT" back_to_desired || true
finish
