#!/bin/sh
# nats-kill: deletes the JetStream meta leader (found through /jsz on the monitoring port; else
# the first ready pod) of the NATS StatefulSet, in NATS_NAMESPACE (the experiment's namespace by
# default), and measures the time until the deleted pod has been replaced, every pod is ready,
# a meta leader is elected, and every server answers nats-server's full /healthz, HEALTH_SUCCESSES
# times in a row.
#
# Only the StatefulSet's own pods are touched or polled: they are listed with the StatefulSet's
# spec.selector, read at run time, and kept only when the StatefulSet is their controlling owner,
# so a pod that merely carries the same labels (the official chart's nats-box Deployment shares
# app.kubernetes.io/name) is never picked.
#
# Health: nats-server's /healthz without options (v2.14.2 server/monitor.go healthz) checks that
# the server runs, JetStream is enabled, the meta group has a leader and this server is current
# with it, and every stream and consumer replica on this server is current. js-enabled-only (the
# chart's liveness probe) stops after "JetStream is enabled" and js-server-only (its readiness
# probe) after "the server runs": neither says that a leader was elected or streams caught up.
set -eu
SCENARIO=nats-kill
NATS_MONITOR_PORT=${NATS_MONITOR_PORT:-8222}
NATS_PREFER_LEADER=${NATS_PREFER_LEADER:-true}
# shellcheck source=chaos-lib.sh
. "$(dirname "$0")/chaos-lib.sh"
require_env NAMESPACE NATS_STATEFULSET SLA_SECONDS TIMEOUT_SECONDS
NATS_NAMESPACE=${NATS_NAMESPACE:-$NAMESPACE}
case "$NATS_MONITOR_PORT" in
  '' | *[!0-9]* | 0* | ??????*) report NOT_RUN 3 "NATS_MONITOR_PORT must be a port number, got '$NATS_MONITOR_PORT'" ;;
esac

statefulset=$(kubectl get statefulset "$NATS_STATEFULSET" -n "$NATS_NAMESPACE" -o json) \
  || report NOT_RUN 3 "statefulset $NATS_STATEFULSET not found in $NATS_NAMESPACE"
replicas=$(printf '%s' "$statefulset" | jq -r '.spec.replicas')
statefulset_uid=$(printf '%s' "$statefulset" | jq -r '.metadata.uid')
# spec.selector as kubectl -l reads it (apimachinery labels selector syntax)
selector=$(printf '%s' "$statefulset" | jq -r '[
    (.spec.selector.matchLabels // {} | to_entries[] | "\(.key)=\(.value)"),
    (.spec.selector.matchExpressions // [] | .[]
      | if .operator == "In" then "\(.key) in (\(.values | join(",")))"
        elif .operator == "NotIn" then "\(.key) notin (\(.values | join(",")))"
        elif .operator == "Exists" then .key
        elif .operator == "DoesNotExist" then "!\(.key)"
        else error("unknown selector operator \(.operator)") end)
  ] | join(",")')
[ -n "$selector" ] || report NOT_RUN 3 "statefulset $NATS_STATEFULSET has an empty selector"

# The StatefulSet's pods: its selector, and it as their controller.
pods_json() {
  listed=$(kubectl get pods -n "$NATS_NAMESPACE" -l "$selector" -o json) || return 1
  printf '%s' "$listed" | jq -c --arg uid "$statefulset_uid" \
    '{items: [.items[] | select(any(.metadata.ownerReferences[]?; .controller == true and .uid == $uid))]}'
}

monitor_url() {
  case "$1" in
    *:*) printf 'http://[%s]:%s%s' "$1" "$NATS_MONITOR_PORT" "$2" ;;
    *) printf 'http://%s:%s%s' "$1" "$NATS_MONITOR_PORT" "$2" ;;
  esac
}

# IPs of the ready, not terminating pods of a list.
ready_ips() {
  printf '%s' "$1" | jq -r '.items[] | select(.metadata.deletionTimestamp == null)
    | select(any(.status.conditions[]?; .type == "Ready" and .status == "True")) | .status.podIP // empty'
}

# Every listed server answers the full /healthz with 200: meta leader known, streams current.
servers_healthy() {
  for ip in $(ready_ips "$1"); do
    [ "$(http_status "$(monitor_url "$ip" /healthz)")" = 200 ] || return 1
  done
}

# The meta leader's server name (the pod name in the official chart), as the first server that
# knows one reports it in /jsz meta_cluster.leader; empty while there is none.
meta_leader() {
  for ip in $(ready_ips "$1"); do
    leader=$(curl -fsSg --max-time 5 "$(monitor_url "$ip" /jsz)" 2> /dev/null | jq -r '.meta_cluster.leader // empty' 2> /dev/null || true)
    if [ -n "$leader" ]; then
      printf '%s' "$leader"
      return 0
    fi
  done
}

json_string_or_null() {
  jq -cn --arg v "$1" 'if $v == "" then null else $v end'
}

pods=$(pods_json)
ready=$(printf '%s' "$pods" | count_ready)
if [ "$ready" -lt "$replicas" ] || ! servers_healthy "$pods"; then
  report NOT_RUN 3 "statefulset $NATS_STATEFULSET is not healthy before injection; nothing was injected"
fi
LEADER_BEFORE=$(meta_leader "$pods")
result_field metaLeaderBefore "$(json_string_or_null "$LEADER_BEFORE")"

if [ "$NATS_PREFER_LEADER" = "true" ]; then
  if [ -n "$LEADER_BEFORE" ] && printf '%s' "$pods" | jq -e --arg name "$LEADER_BEFORE" 'any(.items[]; .metadata.name == $name)' > /dev/null; then
    VICTIM=$LEADER_BEFORE
    log "JetStream meta leader is $VICTIM"
  else
    log "no meta leader found among the pods (${LEADER_BEFORE:-none reported}); deleting the first ready pod"
  fi
fi
if [ -z "$VICTIM" ]; then
  VICTIM=$(printf '%s' "$pods" | jq -r '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))][0].metadata.name')
fi
victim_uid=$(printf '%s' "$pods" | jq -r --arg name "$VICTIM" '.items[] | select(.metadata.name == $name) | .metadata.uid')

log "deleting NATS pod $VICTIM of statefulset $NATS_STATEFULSET in $NATS_NAMESPACE ($replicas replicas)"
INJECTED_AT=$(now)
kubectl delete pod "$VICTIM" -n "$NATS_NAMESPACE" --wait=false > /dev/null

LEADER_AFTER=""
# shellcheck disable=SC2317 # called through wait_for_recovery
all_back() {
  pods=$(pods_json) || return 1
  replaced=$(printf '%s' "$pods" | jq -r --arg name "$VICTIM" --arg uid "$victim_uid" \
    'any(.items[]; .metadata.name == $name and .metadata.uid != $uid and .metadata.deletionTimestamp == null)')
  [ "$replaced" = "true" ] || return 1
  [ "$(printf '%s' "$pods" | count_ready)" -ge "$replicas" ] || return 1
  servers_healthy "$pods" || return 1
  LEADER_AFTER=$(meta_leader "$pods")
  [ -n "$LEADER_AFTER" ]
}
recovered=true
wait_for_recovery "$INJECTED_AT" all_back "$HEALTH_SUCCESSES" || recovered=false
if [ "$recovered" = true ]; then
  result_field metaLeaderAfter "$(json_string_or_null "$LEADER_AFTER")"
else
  result_field metaLeaderAfter null
fi
finish
