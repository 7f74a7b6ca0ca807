#!/bin/sh
# Functions shared by the chaos scenario scripts. POSIX sh (busybox ash in production); needs
# kubectl, curl and jq. Sourced, never executed.
#
# Exit codes of every scenario:
#   0 PASS: recovered within the SLA; for rollout, drain and observability-block: every probe of
#     the health URL answered 2xx (and the rollout completed, the drain replaced every pod)
#   1 FAIL: recovered, but slower than the SLA; for rollout, drain and observability-block: a
#     probe failed, the rollout passed its progress deadline, or ready pods fell below the budget
#   2 FAIL: not recovered (rollout: not complete, drain: not every pod replaced) before TIMEOUT_SECONDS
#   3 NOT RUN: the target was missing or unhealthy before injection, or a setting is invalid;
#     nothing was injected
#   4 INCONCLUSIVE: the fault had no visible effect (network-block without policy enforcement)
#   5 CLEANUP FAILED: the fault or the Job's access could not be removed (the result's
#     verdict says what was measured; its cleanup field says "failed")
#   6 ERROR: a command failed unexpectedly (verdict ERROR; the log says which)
#   128+n: stopped by signal n (TERM at the Job deadline: 143; verdict ABORTED)
#
# A scenario script sets SCENARIO, sources this file, calls require_env, registers what must be
# undone with on_cleanup, sets INJECTED_AT when it injects, and ends with report (directly or
# through finish). Cleanup runs exactly once, on every exit path (report, an error under set -e,
# TERM, INT, HUP): first the scenario's own steps, last the removal of the Job's RoleBinding
# (ACCESS_BINDING in ACCESS_NAMESPACE), so the ServiceAccount holds no rights once the run is
# over. The JSON result is always the last line of the log.

POLL_SECONDS=${POLL_SECONDS:-2}
PAUSE_PID=""
# Every request to the API server gives up after this long (kubectl's own default is never):
# together with curl's --max-time it bounds how long a TERM waits for the command in progress.
KUBECTL_REQUEST_TIMEOUT=10s
HEALTH_URL=${HEALTH_URL:-}
HEALTH_SUCCESSES=${HEALTH_SUCCESSES:-3}
ACCESS_BINDING=${ACCESS_BINDING:-}
ACCESS_NAMESPACE=${ACCESS_NAMESPACE:-${NAMESPACE:-}}
VICTIM=""
INJECTED_AT=""
HEALED_AT=""
RESULT_EXTRA='{}'
CLEANUP_STEPS=""
CLEANUP_DONE=false
CLEANUP_FAILED=false
REPORTED=false

# The log and the result keep their own copies of stdout and stderr (fds 9 and 8): a trap may run
# while a function call's output is redirected (bash runs a trap inside the redirections of the
# function it interrupts, e.g. `kubectl ... > /dev/null` below), and the result line must still
# reach the Job's log.
exec 9>&1 8>&2

log() {
  printf '%s chaos %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SCENARIO" "$*" >&8
}

# kubectl with a bound on every request (a function named like the command: every call of the
# scenario scripts goes through it).
kubectl() {
  command kubectl --request-timeout="$KUBECTL_REQUEST_TIMEOUT" "$@"
}

# A sleep that a signal interrupts at once. In a pod the script is PID 1: a TERM reaches it only
# through its trap, and bash, dash and busybox sh run a trap only when the foreground command
# ends, so a foreground `sleep 3600` would hold the cleanup past the grace period until the
# kubelet's SIGKILL, leaving the partition and the RoleBinding behind. `wait` is interrupted.
pause() {
  sleep "$1" &
  PAUSE_PID=$!
  wait "$PAUSE_PID" || true
  PAUSE_PID=""
}

now() {
  date -u +%s
}

iso() {
  date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

# Refuses a missing setting and any count that is not a plain decimal the shell's arithmetic
# keeps exact: at most 9 digits (below 10^9, far inside 64 bits even after additions), no sign,
# no leading zero (which $(( )) would read as octal). Reports NOT_RUN (exit 3): nothing injected.
require_env() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    # shellcheck disable=SC2154 # assigned by the eval above
    [ -n "$value" ] || report NOT_RUN 3 "$name is not set"
  done
  for name in ${SLA_SECONDS+SLA_SECONDS} ${TIMEOUT_SECONDS+TIMEOUT_SECONDS} POLL_SECONDS HEALTH_SUCCESSES ${HOLD_SECONDS+HOLD_SECONDS}; do
    eval "value=\${$name:-}"
    case "$value" in
      '' | *[!0-9]* | 0?* | ??????????*)
        report NOT_RUN 3 "$name must be a whole number from 0 to 999999999 without leading zeros, got '$value'" ;;
    esac
  done
  [ "$POLL_SECONDS" -ge 1 ] || report NOT_RUN 3 "POLL_SECONDS must be at least 1, got '$POLL_SECONDS'"
  [ "$HEALTH_SUCCESSES" -ge 1 ] || report NOT_RUN 3 "HEALTH_SUCCESSES must be at least 1, got '$HEALTH_SUCCESSES'"
  case "$PROBE_PAUSE" in
    [0-9] | [0-9].[0-9] | [0-9].[0-9][0-9]) ;;
    *) report NOT_RUN 3 "PROBE_PAUSE must be seconds from 0 to 9.99 with at most two decimals, got '$PROBE_PAUSE'" ;;
  esac
  case "$PROBE_TIMEOUT" in
    [1-9] | [1-5][0-9]) ;;
    *) report NOT_RUN 3 "PROBE_TIMEOUT must be whole seconds from 1 to 59, got '$PROBE_TIMEOUT'" ;;
  esac
}

# Registers a function to run at cleanup; the last registered runs first.
on_cleanup() {
  CLEANUP_STEPS="$1 $CLEANUP_STEPS"
}

# Removes the Job's own RoleBinding: from here on its ServiceAccount can do nothing.
revoke_access() {
  [ -n "$ACCESS_BINDING" ] || return 0
  if [ -z "$ACCESS_NAMESPACE" ]; then
    log "WARNING: no namespace to delete rolebinding $ACCESS_BINDING in (NAMESPACE is not set): delete it by hand"
    CLEANUP_FAILED=true
    return 0
  fi
  if kubectl delete rolebinding "$ACCESS_BINDING" -n "$ACCESS_NAMESPACE" --wait=false --ignore-not-found > /dev/null 2>&1; then
    log "access revoked (rolebinding $ACCESS_BINDING deleted in $ACCESS_NAMESPACE)"
  else
    log "WARNING: could not delete rolebinding $ACCESS_BINDING: delete it by hand: kubectl -n $ACCESS_NAMESPACE delete rolebinding $ACCESS_BINDING"
    CLEANUP_FAILED=true
  fi
}

# Runs every cleanup step once, then revokes access. A step that fails sets CLEANUP_FAILED.
cleanup() {
  [ "$CLEANUP_DONE" = false ] || return 0
  CLEANUP_DONE=true
  for step in $CLEANUP_STEPS; do
    "$step" || CLEANUP_FAILED=true
  done
  revoke_access
}

# Every exit that did not come through report: cleanup, then a result that says why it stopped.
on_exit() {
  status=$?
  if [ -n "$PAUSE_PID" ]; then kill "$PAUSE_PID" 2> /dev/null || true; fi
  [ "$REPORTED" = false ] || return 0
  if [ "$status" -ge 128 ]; then
    report ABORTED "$status" "stopped by signal $((status - 128)) (the Job deadline sends TERM); cleanup ran"
  fi
  report ERROR 6 "stopped by a failed command (exit $status); see the log above"
}

trap on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# HTTP status of a GET (000 when no answer came back within "$2" seconds, default 5). No -f: the
# caller decides what counts, and -g keeps curl from globbing {} and [] in the URL.
http_status() {
  curl -sSg --max-time "${2:-5}" -o /dev/null -w '%{http_code}' "$1" 2> /dev/null || true
}

# The health URL answers 2xx (always true without a health URL).
health_ok() {
  [ -z "$HEALTH_URL" ] && return 0
  case "$(http_status "$HEALTH_URL")" in
    2??) return 0 ;;
    *) return 1 ;;
  esac
}

# Ready, not terminating pods in a list (kubectl get pods -o json on stdin), except one name.
count_ready() {
  jq --arg except "${1:-}" '[.items[] | select(.metadata.deletionTimestamp == null) | select(.metadata.name != $except)
      | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length'
}

# The target Deployment's pods (a pod list): its selector, and one of its ReplicaSets as their
# controller, named <deployment>-<pod-template-hash> as the Deployment controller names them
# (without list on ReplicaSets). A pod that merely carries the selector's labels is not one of
# them: it is neither a victim nor counted. Fails when kubectl does.
deployment_pods() {
  listed=$(kubectl get pods -n "$NAMESPACE" -l "$TARGET_SELECTOR" -o json) || return 1
  printf '%s' "$listed" | jq -c --arg deployment "$TARGET_DEPLOYMENT" '{items: [.items[]
    | (.metadata.labels["pod-template-hash"] // "") as $hash
    | select($hash != "" and any(.metadata.ownerReferences[]?;
        .controller == true and .apiVersion == "apps/v1" and .kind == "ReplicaSet" and .name == "\($deployment)-\($hash)"))]}'
}

# Ready, not terminating pods of the target Deployment. Fails when kubectl does (never reads an
# empty answer as zero pods).
ready_pods() {
  pods=$(deployment_pods) || return 1
  # no pod excepted
  printf '%s' "$pods" | count_ready ''
}

# Waits until "$2" (a function) holds together with consecutive healthy answers of the health
# URL: "$3" of them (default HEALTH_SUCCESSES with a health URL, else 1); any failed check in
# between starts the count again. Sets RECOVERED_AT to the first moment of that final streak.
# Fails after TIMEOUT_SECONDS from "$1".
wait_for_recovery() {
  since=$1
  check=$2
  needed=${3:-$HEALTH_SUCCESSES}
  [ -n "$HEALTH_URL" ] || [ -n "${3:-}" ] || needed=1
  streak=0
  streak_start=""
  while :; do
    t=$(now)
    if [ $((t - since)) -gt "$TIMEOUT_SECONDS" ]; then
      return 1
    fi
    if "$check" && health_ok; then
      [ "$streak" -gt 0 ] || streak_start=$t
      streak=$((streak + 1))
      if [ "$streak" -ge "$needed" ]; then
        RECOVERED_AT=$streak_start
        return 0
      fi
    else
      streak=0
    fi
    pause "$POLL_SECONDS"
  done
}

# Continuous probing (rollout, drain, observability-block): the health URL is asked every
# PROBE_PAUSE seconds (0.2 by default: several requests a second; busybox and GNU sleep take
# fractions), each answer within PROBE_TIMEOUT seconds (2) or it counts as failed. The result gets
# probesSent, probesFailed, firstFailedProbe ({at, status}, status 000: no answer) and
# longestGapSeconds: the longest time without a healthy answer, from the start of probing (or the
# last healthy answer) to the next healthy answer or the end, in whole seconds (the shell's clock):
# at most 1 means the service was seen healthy at least once a second.
PROBE_PAUSE=${PROBE_PAUSE:-0.2}
PROBE_TIMEOUT=${PROBE_TIMEOUT:-2}
PROBING=false

start_probing() {
  PROBES_SENT=0
  PROBES_FAILED=0
  FIRST_FAILURE=""
  LONGEST_GAP=0
  LAST_HEALTHY_AT=$(now)
  LAST_PROBE_AT=$LAST_HEALTHY_AT
  PROBING=true
}

probe_once() {
  LAST_PROBE_AT=$(now)
  probe_status=$(http_status "$HEALTH_URL" "$PROBE_TIMEOUT")
  PROBES_SENT=$((PROBES_SENT + 1))
  case "$probe_status" in
    2??)
      [ $((LAST_PROBE_AT - LAST_HEALTHY_AT)) -le "$LONGEST_GAP" ] || LONGEST_GAP=$((LAST_PROBE_AT - LAST_HEALTHY_AT))
      LAST_HEALTHY_AT=$LAST_PROBE_AT
      ;;
    *)
      PROBES_FAILED=$((PROBES_FAILED + 1))
      [ -n "$FIRST_FAILURE" ] || FIRST_FAILURE="$LAST_PROBE_AT $probe_status"
      ;;
  esac
}

# Probes every PROBE_PAUSE seconds until "$1" seconds have passed (at least once).
probe_for() {
  probe_until=$(($(now) + $1))
  while :; do
    pause "$PROBE_PAUSE"
    probe_once
    [ "$LAST_PROBE_AT" -lt "$probe_until" ] || return 0
  done
}

# The probe fields of the result.
probe_summary() {
  gap=$LONGEST_GAP
  [ $((LAST_PROBE_AT - LAST_HEALTHY_AT)) -le "$gap" ] || gap=$((LAST_PROBE_AT - LAST_HEALTHY_AT))
  first_at=""
  first_status=""
  if [ -n "$FIRST_FAILURE" ]; then
    first_at=$(iso "${FIRST_FAILURE% *}")
    first_status=${FIRST_FAILURE#* }
  fi
  jq -cn --argjson sent "$PROBES_SENT" --argjson failed "$PROBES_FAILED" --argjson gap "$gap" --arg at "$first_at" --arg status "$first_status" \
    '{probesSent: $sent, probesFailed: $failed, longestGapSeconds: $gap,
      firstFailedProbe: (if $at == "" then null else {at: $at, status: $status} end)}'
}

# "N of M probes failed (the first at T: S)", for reasons.
failed_probes_text() {
  printf '%s of %s probes of the health URL failed (the first at %s: HTTP %s)' "$PROBES_FAILED" "$PROBES_SENT" "$(iso "${FIRST_FAILURE% *}")" "${FIRST_FAILURE#* }"
}

# Switching the target's own NetworkPolicy (network-block, observability-block). Only that one
# policy is touched (get and patch on it by name). Its spec before the switch is kept in the
# annotation chaos.cdk8s-hardening.io/spec-before, with chaos.cdk8s-hardening.io/partitioned-by
# naming this run, so a switch left behind by a killed run can be undone by hand and stops the
# next run. The spec is restored on every exit path, including the TERM of the Job deadline,
# exactly once.
PARTITIONED_BY=chaos.cdk8s-hardening.io/partitioned-by
SPEC_BEFORE=chaos.cdk8s-hardening.io/spec-before
POLICY_ARMED=false

# Reads TARGET_POLICY into POLICY; NOT_RUN when it is missing or still switched by an earlier run.
read_target_policy() {
  POLICY=$(kubectl get networkpolicy "$TARGET_POLICY" -n "$NAMESPACE" -o json) \
    || report NOT_RUN 3 "networkpolicy $TARGET_POLICY not found in $NAMESPACE"
  earlier=$(printf '%s' "$POLICY" | jq -r --arg k "$PARTITIONED_BY" '.metadata.annotations[$k] // empty')
  if [ -n "$earlier" ]; then
    report NOT_RUN 3 "networkpolicy $TARGET_POLICY is still partitioned by $earlier; restore its spec from the annotation $SPEC_BEFORE (or apply the chart again) first"
  fi
}

# Merges "$1" (JSON) into the spec of TARGET_POLICY as read by read_target_policy; restore_policy
# puts the spec back, and runs at cleanup.
switch_policy() {
  switch=$(printf '%s' "$POLICY" | jq -c --argjson spec "$1" --arg by "${POD_NAME:-$SCENARIO}" --arg pk "$PARTITIONED_BY" --arg sk "$SPEC_BEFORE" \
    '{metadata: {annotations: {($pk): $by, ($sk): (.spec | tojson)}}, spec: $spec}')
  POLICY_RESTORE=$(printf '%s' "$POLICY" | jq -c --arg pk "$PARTITIONED_BY" --arg sk "$SPEC_BEFORE" '
    {metadata: {annotations: {($pk): null, ($sk): null}}, spec: ({ingress: null, egress: null} + .spec)}')
  on_cleanup restore_policy
  # armed before the patch: a signal between the patch and the next line must still restore
  POLICY_ARMED=true
  kubectl patch networkpolicy "$TARGET_POLICY" -n "$NAMESPACE" --type=merge -p "$switch" > /dev/null
}

restore_policy() {
  [ "$POLICY_ARMED" = true ] || return 0
  if kubectl patch networkpolicy "$TARGET_POLICY" -n "$NAMESPACE" --type=merge -p "$POLICY_RESTORE" > /dev/null; then
    POLICY_ARMED=false
    log "partition removed (networkpolicy $TARGET_POLICY restored)"
  else
    log "WARNING: could not restore networkpolicy $TARGET_POLICY: apply the chart again, or patch its spec back from the annotation $SPEC_BEFORE"
    return 1
  fi
}

# INCONCLUSIVE (exit 4) when TARGET_POLICY no longer carries this run's switch.
check_policy_switched() {
  current=$(kubectl get networkpolicy "$TARGET_POLICY" -n "$NAMESPACE" -o json)
  by=$(printf '%s' "$current" | jq -r --arg k "$PARTITIONED_BY" '.metadata.annotations[$k] // empty')
  if [ "$by" != "${POD_NAME:-$SCENARIO}" ]; then
    report INCONCLUSIVE 4 "networkpolicy $TARGET_POLICY was changed by someone else during the partition (a GitOps controller reverting it?): the partition ended early"
  fi
}

# Adds fields to the result JSON: result_field <name> <JSON value>.
result_field() {
  RESULT_EXTRA=$(printf '%s' "$RESULT_EXTRA" | jq -c --arg k "$1" --argjson v "$2" '. + {($k): $v}')
}

# Cleans up, prints the JSON result (the last line of the log) and exits with the scenario's
# exit code (5 when the cleanup failed).
#   report <verdict> <exit code> <reason> [<recovered at>]
report() {
  verdict=$1
  code=$2
  reason=$3
  recovered=${4:-}
  injected=$INJECTED_AT
  REPORTED=true
  cleanup
  cleanup_state="done"
  if [ "$CLEANUP_FAILED" = true ]; then
    cleanup_state=failed
    code=5
  fi
  measured_from=${HEALED_AT:-$injected}
  recovery="null"
  [ -z "$recovered" ] || recovery=$((recovered - measured_from))
  log "$verdict: $reason"
  [ "$PROBING" = false ] || RESULT_EXTRA=$(printf '%s' "$RESULT_EXTRA" | jq -c --argjson probes "$(probe_summary)" '. + $probes')
  jq -cn \
    --arg scenario "$SCENARIO" \
    --arg target "${TARGET_DEPLOYMENT:-${NATS_STATEFULSET:-}}" \
    --arg victim "$VICTIM" \
    --arg injectedAt "$( [ -n "$injected" ] && iso "$injected")" \
    --arg healedAt "$( [ -n "$HEALED_AT" ] && iso "$HEALED_AT")" \
    --arg recoveredAt "$( [ -n "$recovered" ] && iso "$recovered")" \
    --argjson recoverySeconds "$recovery" \
    --arg sla "${SLA_SECONDS:-}" \
    --arg verdict "$verdict" \
    --arg reason "$reason" \
    --arg cleanup "$cleanup_state" \
    --argjson extra "$RESULT_EXTRA" \
    '{scenario: $scenario, target: $target, victim: $victim,
      injectedAt: ($injectedAt | select(. != "") // null), healedAt: ($healedAt | select(. != "") // null),
      recoveredAt: ($recoveredAt | select(. != "") // null), recoverySeconds: $recoverySeconds,
      slaSeconds: (if $sla | test("^[0-9]{1,9}$") then $sla | tonumber else null end), verdict: $verdict, reason: $reason} + $extra + {cleanup: $cleanup}' >&9
  exit "$code"
}

# Verdict of a measured recovery against the SLA.
finish() {
  if [ -z "${RECOVERED_AT:-}" ]; then
    report FAIL 2 "not recovered within ${TIMEOUT_SECONDS}s"
  fi
  measured=$((RECOVERED_AT - ${HEALED_AT:-$INJECTED_AT}))
  if [ "$measured" -lt "$SLA_SECONDS" ]; then
    report PASS 0 "recovered in ${measured}s, SLA < ${SLA_SECONDS}s" "$RECOVERED_AT"
  fi
  report FAIL 1 "recovered in ${measured}s, SLA < ${SLA_SECONDS}s" "$RECOVERED_AT"
}
