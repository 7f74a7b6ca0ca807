#!/bin/sh
# nats-kill: deletes the JetStream meta leader (found through /jsz on the monitoring port;
# else the first ready pod) of the NATS StatefulSet and measures the time until every NATS
# pod is ready again, the deleted pod has been replaced, and every pod answers
# /healthz?js-enabled-only=true.
set -eu
SCENARIO=nats-kill
NATS_MONITOR_PORT=${NATS_MONITOR_PORT:-8222}
NATS_PREFER_LEADER=${NATS_PREFER_LEADER:-true}
# shellcheck source=chaos-lib.sh
. "$(dirname "$0")/chaos-lib.sh"
require_env NAMESPACE NATS_STATEFULSET NATS_SELECTOR SLA_SECONDS TIMEOUT_SECONDS

statefulset=$(kubectl get statefulset "$NATS_STATEFULSET" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "statefulset $NATS_STATEFULSET not found in $NAMESPACE" ""
replicas=$(printf '%s' "$statefulset" | jq -r '.spec.replicas')

pods_json() {
  kubectl get pods -n "$NAMESPACE" -l "$NATS_SELECTOR" -o json
}

jetstream_healthy() {
  for ip in $(pods_json | jq -r '.items[] | select(.metadata.deletionTimestamp == null) | .status.podIP // empty'); do
    curl -fsS --max-time 5 -o /dev/null "http://$ip:$NATS_MONITOR_PORT/healthz?js-enabled-only=true" 2> /dev/null || return 1
  done
}

if [ "$(ready_pods "$NATS_SELECTOR")" -lt "$replicas" ] || ! jetstream_healthy; then
  report NOT_RUN 3 "statefulset $NATS_STATEFULSET is not healthy before injection; nothing was injected" ""
fi

if [ "$NATS_PREFER_LEADER" = "true" ]; then
  first_ip=$(pods_json | jq -r '[.items[] | .status.podIP // empty][0]')
  leader=$(curl -fsS --max-time 5 "http://$first_ip:$NATS_MONITOR_PORT/jsz" 2> /dev/null | jq -r '.meta_cluster.leader // empty' || true)
  if [ -n "$leader" ] && pods_json | jq -e --arg name "$leader" 'any(.items[]; .metadata.name == $name)' > /dev/null; then
    VICTIM=$leader
    log "JetStream meta leader is $VICTIM"
  else
    log "no meta leader found among the pods (${leader:-none reported}); deleting the first ready pod"
  fi
fi
if [ -z "$VICTIM" ]; then
  VICTIM=$(pods_json | jq -r '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))][0].metadata.name')
fi
victim_uid=$(pods_json | jq -r --arg name "$VICTIM" '.items[] | select(.metadata.name == $name) | .metadata.uid')

log "deleting NATS pod $VICTIM ($replicas replicas)"
injected=$(now)
kubectl delete pod "$VICTIM" -n "$NAMESPACE" --wait=false > /dev/null

# shellcheck disable=SC2317 # called through wait_for_recovery
all_back() {
  replaced=$(pods_json | jq -r --arg name "$VICTIM" --arg uid "$victim_uid" \
    'any(.items[]; .metadata.name == $name and .metadata.uid != $uid and .metadata.deletionTimestamp == null)')
  [ "$replaced" = "true" ] && [ "$(ready_pods "$NATS_SELECTOR")" -ge "$replicas" ] && jetstream_healthy
}
wait_for_recovery "$injected" all_back || true
finish "$injected"
