#!/bin/sh
# observability-block: proves graceful degradation when the observability stack fails. For
# HOLD_SECONDS it removes from the target's own NetworkPolicy (TARGET_POLICY) exactly the egress
# rules that lead to the observability stack (OBSERVABILITY_EGRESS: a JSON array of egress rules
# as the chart wrote them into that policy), so the API pods can no longer reach it, while it
# probes the health URL several times a second; then it restores the policy. Nothing else
# changes: the other egress rules (DNS, NATS, ...) and the ingress rules stay as they are.
# PASS when every probe answered 2xx: the service kept serving without its observability stack
# (RecoverySla.OBSERVABILITY_FAILURE: graceful degradation, no time limit); FAIL (exit 1) with
# the failed probes otherwise.
#
# Only that one NetworkPolicy is touched (get and patch on it by name); the switch is recorded on
# the policy and undone on every exit path, once (chaos-lib.sh switch_policy). What the run
# cannot see from here: whether the network plugin enforces NetworkPolicy (network-block, whose
# partition must be visible, reports INCONCLUSIVE when it is not), and another policy that also
# allows the API pods to reach the stack.
set -eu
SCENARIO=observability-block
HOLD_SECONDS=${HOLD_SECONDS:-}
# shellcheck source=chaos-lib.sh
. "$(dirname "$0")/chaos-lib.sh"
require_env NAMESPACE TARGET_DEPLOYMENT TARGET_SELECTOR TARGET_POLICY OBSERVABILITY_EGRESS HOLD_SECONDS HEALTH_URL
[ "$HOLD_SECONDS" -ge 1 ] || report NOT_RUN 3 "HOLD_SECONDS must be at least 1, got '$HOLD_SECONDS'"
rules=$(printf '%s' "$OBSERVABILITY_EGRESS" | jq -c 'select(type == "array" and length > 0 and all(.[]; type == "object"))' 2> /dev/null || true)
[ -n "$rules" ] || report NOT_RUN 3 "OBSERVABILITY_EGRESS must be a JSON array of NetworkPolicy egress rules, got '$OBSERVABILITY_EGRESS'"
result_field blockedEgress "$rules"

deployment=$(kubectl get deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT not found in $NAMESPACE"
desired=$(printf '%s' "$deployment" | jq -r '.spec.replicas')
read_target_policy
if ! printf '%s' "$POLICY" | jq -e '.spec.policyTypes // [] | index("Egress")' > /dev/null; then
  report NOT_RUN 3 "networkpolicy $TARGET_POLICY does not restrict egress (no Egress in policyTypes): removing rules would block nothing; nothing was injected"
fi
# Rules compared as JSON values, keys in any order: the API server keeps them as written.
missing=$(printf '%s' "$POLICY" | jq -c --argjson rules "$rules" '[$rules[] as $r | select(any(.spec.egress[]?; . == $r) | not) | $r]')
if [ "$missing" != "[]" ]; then
  report NOT_RUN 3 "networkpolicy $TARGET_POLICY does not allow the egress $missing: there is nothing to block (apply the chart that adds it); nothing was injected"
fi
ready=$(ready_pods)
if [ "$ready" -lt "$desired" ] || ! health_ok; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is not healthy before injection; nothing was injected"
fi
blocked=$(printf '%s' "$POLICY" | jq -c --argjson rules "$rules" '{egress: [.spec.egress[] | select(. as $e | $rules | any(.[]; . == $e) | not)]}')

start_probing
log "blocking the egress of the pods of $TARGET_DEPLOYMENT to the observability stack for ${HOLD_SECONDS}s through networkpolicy $TARGET_POLICY while probing $HEALTH_URL"
INJECTED_AT=$(now)
switch_policy "$blocked"
while :; do
  left=$((INJECTED_AT + HOLD_SECONDS - $(now)))
  [ "$left" -gt 0 ] || break
  [ "$left" -le "$POLL_SECONDS" ] || left=$POLL_SECONDS
  probe_for "$left"
  check_policy_switched
done
restore_policy || report ERROR 6 "could not remove the block"
HEALED_AT=$(now)
if [ "$PROBES_FAILED" -gt 0 ]; then
  report FAIL 1 "the service did not degrade gracefully while its observability stack was unreachable for ${HOLD_SECONDS}s: $(failed_probes_text)"
fi
report PASS 0 "the service kept answering while its observability stack was unreachable for ${HOLD_SECONDS}s: all $PROBES_SENT probes of the health URL answered"
