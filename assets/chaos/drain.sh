#!/bin/sh
# drain: proves that the disruption budget keeps the API up while a node drains. While it probes
# the health URL several times a second, it evicts every ready pod of the target Deployment, one
# after the other, through the Eviction API, as `kubectl drain` evicts each pod of a node
# (kubectl v0.28.13 pkg/drain/drain.go evictPods): an eviction the budget refuses (429
# TooManyRequests) is tried again after 5 seconds, a pod already gone counts as evicted. It needs
# no node permission and cordons nothing: it evicts the target's pods only, as if they all ran on
# the node being drained, the worst case for the budget.
# PASS when every evicted pod is gone and the Deployment has its desired ready pods again, every
# probe answered 2xx, and ready pods never fell below the budget's desiredHealthy at any check.
# FAIL (exit 1) when a probe failed or ready pods fell below the budget; FAIL (exit 2) when the
# pods were not all replaced within TIMEOUT_SECONDS (the budget refusing evictions until then is
# a drain that would stall).
#
# The Eviction: `kubectl create --raw /api/v1/namespaces/<ns>/pods/<pod>/eviction -f -` POSTs a
# policy/v1 Eviction (pkg/cmd/create/create.go, pkg/rawhttp/raw.go); RBAC `create` on
# pods/eviction. A refusal reads `Error from server (TooManyRequests): Cannot evict pod as it
# would violate the pod's disruption budget.` (kubernetes v1.28 pkg/registry/core/pod/storage/
# eviction.go checkAndDecrement; kubectl pkg/cmd/util/helpers.go StandardErrorMessage), exit 1.
# The API server also answers an eviction with transient refusals that say nothing about the
# budget: 429 from API Priority and Fairness (`the server has received too many requests and has
# asked us to try again later`: apiserver filters/priority-and-fairness.go, client-go's generic
# message), 409 Conflict and 504 Timeout when the budget's update keeps conflicting (eviction.go).
# kubectl's own retries do not cover them: client-go never retries a request with a body it
# cannot rewind (rest/with_retry.go IsNextRetry), which `-f -` is. They are retried like a budget
# refusal, after 5 seconds, and counted apart (transientRefusals).
set -eu
SCENARIO=drain
EVICTION_RETRY_SECONDS=5
# shellcheck source=chaos-lib.sh
. "$(dirname "$0")/chaos-lib.sh"
require_env NAMESPACE TARGET_DEPLOYMENT TARGET_SELECTOR TARGET_BUDGET HEALTH_URL TIMEOUT_SECONDS

# Evicts pod "$1": 0 when evicted (or already gone), 1 when the budget refused, 2 when the API
# server refused for a moment (see above); anything else ends the run with ERROR.
evict() {
  eviction=$(jq -cn --arg name "$1" --arg namespace "$NAMESPACE" '{apiVersion: "policy/v1", kind: "Eviction", metadata: {name: $name, namespace: $namespace}}')
  if answer=$(printf '%s' "$eviction" | kubectl create --raw "/api/v1/namespaces/$NAMESPACE/pods/$1/eviction" -f - 2>&1); then
    log "evicted pod $1"
    return 0
  fi
  case "$answer" in
    *"Error from server (TooManyRequests): Cannot evict pod as it would violate the pod's disruption budget."*)
      log "the budget refused evicting pod $1 (will retry after ${EVICTION_RETRY_SECONDS}s): $answer"
      return 1 ;;
    *"Error from server (TooManyRequests)"* | *"Error from server (Conflict)"* | *"Error from server (Timeout)"*)
      log "the API server could not take the eviction of pod $1 now (will retry after ${EVICTION_RETRY_SECONDS}s): $answer"
      return 2 ;;
    *"Error from server (NotFound)"*)
      log "pod $1 is already gone"
      return 0 ;;
  esac
  log "$answer"
  report ERROR 6 "could not evict pod $1: $answer"
}

deployment=$(kubectl get deployment "$TARGET_DEPLOYMENT" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT not found in $NAMESPACE"
desired=$(printf '%s' "$deployment" | jq -r '.spec.replicas')
budget=$(kubectl get poddisruptionbudget "$TARGET_BUDGET" -n "$NAMESPACE" -o json) \
  || report NOT_RUN 3 "poddisruptionbudget $TARGET_BUDGET not found in $NAMESPACE"
pods=$(deployment_pods)
ready=$(printf '%s' "$pods" | count_ready)
if [ "$ready" -lt "$desired" ] || ! health_ok; then
  report NOT_RUN 3 "deployment $TARGET_DEPLOYMENT is not healthy before injection; nothing was injected"
fi
# The pods the budget does not select (LabelSelectorAsSelector semantics; an empty selector
# selects nothing, as the eviction API reads it): their evictions would not be guarded.
unguarded=$(printf '%s' "$pods" | jq -r --argjson selector "$(printf '%s' "$budget" | jq -c '.spec.selector // {}')" '
  def matches($labels): ($selector.matchLabels // {} | to_entries) as $equal | ($selector.matchExpressions // []) as $expressions
    | ($equal | length) + ($expressions | length) > 0
      and all($equal[]; $labels[.key] == .value)
      and all($expressions[]; .key as $k | .values as $v
        | if .operator == "In" then ($labels | has($k)) and ($v | index([$labels[$k]]) != null)
          elif .operator == "NotIn" then ($labels | has($k) | not) or ($v | index([$labels[$k]]) == null)
          elif .operator == "Exists" then $labels | has($k)
          else $labels | has($k) | not end);
  [.items[] | select(.metadata.labels // {} | matches(.) | not) | .metadata.name] | join(" ")')
if [ -n "$unguarded" ]; then
  report NOT_RUN 3 "poddisruptionbudget $TARGET_BUDGET does not select pod(s) $unguarded of deployment $TARGET_DEPLOYMENT: their evictions would not be guarded; nothing was injected"
fi
min_healthy=$(printf '%s' "$budget" | jq -r '.status.desiredHealthy // 0')
allowed=$(printf '%s' "$budget" | jq -r '.status.disruptionsAllowed // 0')
if [ "$allowed" -lt 1 ]; then
  report NOT_RUN 3 "poddisruptionbudget $TARGET_BUDGET allows no disruption now (it needs $min_healthy healthy pods and has $(printf '%s' "$budget" | jq -r '.status.currentHealthy // 0')): a drain would stall; nothing was injected"
fi
victims=$(printf '%s' "$pods" | jq -r '[.items[] | select(.metadata.deletionTimestamp == null)
    | select(any(.status.conditions[]?; .type == "Ready" and .status == "True")) | .metadata.name] | join(" ")')
result_field budget "$(jq -cn --arg b "$TARGET_BUDGET" '$b')"
result_field budgetMinHealthy "$min_healthy"

start_probing
log "evicting the pods of deployment $TARGET_DEPLOYMENT one after the other ($victims) under poddisruptionbudget $TARGET_BUDGET (at least $min_healthy ready) while probing $HEALTH_URL"
INJECTED_AT=$(now)
pending=$victims
evicted=""
refusals=0
transient=0
min_ready=$ready
below_at=""
next_attempt=$INJECTED_AT
result_field evicted '[]'
result_field budgetRefusals 0
result_field transientRefusals 0
result_field minReadyPods "$min_ready"
while :; do
  pods=$(deployment_pods)
  ready_now=$(printf '%s' "$pods" | count_ready)
  if [ "$ready_now" -lt "$min_ready" ]; then
    min_ready=$ready_now
    result_field minReadyPods "$min_ready"
  fi
  if [ "$ready_now" -lt "$min_healthy" ] && [ -z "$below_at" ]; then below_at=$(now); fi
  if [ -n "$pending" ]; then
    if [ "$(now)" -ge "$next_attempt" ]; then
      victim=${pending%% *}
      outcome=0
      evict "$victim" || outcome=$?
      case $outcome in
        0)
          evicted="${evicted:+$evicted }$victim"
          result_field evicted "$(jq -cn --arg e "$evicted" '$e | split(" ")')"
          pending=${pending#"$victim"}
          pending=${pending# }
          next_attempt=$(now) ;;
        1)
          refusals=$((refusals + 1))
          result_field budgetRefusals "$refusals"
          next_attempt=$(($(now) + EVICTION_RETRY_SECONDS)) ;;
        *)
          transient=$((transient + 1))
          result_field transientRefusals "$transient"
          next_attempt=$(($(now) + EVICTION_RETRY_SECONDS)) ;;
      esac
    fi
  else
    left=$(printf '%s' "$pods" | jq -r --arg victims "$victims" '($victims | split(" ")) as $v | [.items[] | select(.metadata.name as $n | $v | index([$n]))] | length')
    if [ "$left" -eq 0 ] && [ "$ready_now" -ge "$desired" ]; then break; fi
  fi
  if [ $(($(now) - INJECTED_AT)) -gt "$TIMEOUT_SECONDS" ]; then
    if [ -n "$pending" ]; then
      if [ "$transient" -gt 0 ] && [ "$refusals" -eq 0 ]; then
        report FAIL 2 "not drained within ${TIMEOUT_SECONDS}s: the API server kept refusing to evict pod ${pending%% *} ($transient transient refusals: too many requests, or conflicts updating the budget)"
      fi
      report FAIL 2 "not drained within ${TIMEOUT_SECONDS}s: the budget refused evicting pod ${pending%% *} ($refusals refusals in all, and $transient transient refusals of the API server): too few pods were ready to allow another disruption"
    fi
    report FAIL 2 "not drained within ${TIMEOUT_SECONDS}s: the evicted pods were not all replaced by ready ones"
  fi
  probe_for "$POLL_SECONDS"
done
drained=$(($(now) - INJECTED_AT))
result_field drainSeconds "$drained"
problems=""
if [ -n "$below_at" ]; then
  problems="ready pods fell to $min_ready (at $(iso "$below_at")), below the $min_healthy poddisruptionbudget $TARGET_BUDGET keeps"
fi
if [ "$PROBES_FAILED" -gt 0 ]; then
  problems="${problems:+$problems; }$(failed_probes_text)"
fi
if [ -n "$problems" ]; then
  report FAIL 1 "drained in ${drained}s, but $problems"
fi
report PASS 0 "drained in ${drained}s: every pod replaced, never fewer than $min_ready ready (the budget keeps $min_healthy), all $PROBES_SENT probes of the health URL answered"
