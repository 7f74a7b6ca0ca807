#!/bin/sh
# Functions shared by the chaos scenario scripts. POSIX sh; needs kubectl, curl and jq.
# Sourced, never executed.
#
# Exit codes of every scenario:
#   0 PASS: recovered within the SLA
#   1 FAIL: recovered, but slower than the SLA
#   2 FAIL: not recovered before TIMEOUT_SECONDS
#   3 NOT RUN: the target was missing or unhealthy before injection; nothing was injected
#   4 INCONCLUSIVE: the fault had no visible effect (network-block without policy enforcement)

POLL_SECONDS=${POLL_SECONDS:-2}
HEALTH_URL=${HEALTH_URL:-}
HEALTH_SUCCESSES=${HEALTH_SUCCESSES:-3}
VICTIM=""
HEALED_AT=""

log() {
  printf '%s chaos %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SCENARIO" "$*" >&2
}

now() {
  date -u +%s
}

iso() {
  date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

require_env() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    # shellcheck disable=SC2154 # assigned by the eval above
    if [ -z "$value" ]; then
      log "ERROR: $name is not set"
      exit 3
    fi
  done
  for name in SLA_SECONDS TIMEOUT_SECONDS POLL_SECONDS HEALTH_SUCCESSES; do
    eval "value=\${$name:-}"
    case "$value" in '' | *[!0-9]*) log "ERROR: $name must be a whole number, got '$value'"; exit 3 ;; esac
  done
}

# The health URL answers 2xx (always true without a health URL).
health_ok() {
  [ -z "$HEALTH_URL" ] || curl -fsS --max-time 5 -o /dev/null "$HEALTH_URL" 2> /dev/null
}

# Ready, not terminating pods of a selector, except one name.
ready_pods() {
  kubectl get pods -n "$NAMESPACE" -l "$1" -o json \
    | jq --arg except "${2:-}" '[.items[] | select(.metadata.deletionTimestamp == null) | select(.metadata.name != $except)
        | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length'
}

# Waits until "$2" (a function) holds together with HEALTH_SUCCESSES consecutive healthy answers.
# Sets RECOVERED_AT to the first moment of that final healthy streak. Fails after TIMEOUT_SECONDS from "$1".
wait_for_recovery() {
  since=$1
  check=$2
  needed=$HEALTH_SUCCESSES
  [ -n "$HEALTH_URL" ] || needed=1
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
    sleep "$POLL_SECONDS"
  done
}

# Prints the JSON result and exits with the scenario's exit code.
#   report <verdict> <exit code> <reason> <injected at> [<recovered at>]
report() {
  verdict=$1
  code=$2
  reason=$3
  injected=$4
  recovered=${5:-}
  measured_from=${HEALED_AT:-$injected}
  recovery="null"
  [ -z "$recovered" ] || recovery=$((recovered - measured_from))
  jq -cn \
    --arg scenario "$SCENARIO" \
    --arg target "${TARGET_DEPLOYMENT:-${NATS_STATEFULSET:-}}" \
    --arg victim "$VICTIM" \
    --arg injectedAt "$( [ -n "$injected" ] && iso "$injected")" \
    --arg healedAt "$( [ -n "$HEALED_AT" ] && iso "$HEALED_AT")" \
    --arg recoveredAt "$( [ -n "$recovered" ] && iso "$recovered")" \
    --argjson recoverySeconds "$recovery" \
    --argjson slaSeconds "$SLA_SECONDS" \
    --arg verdict "$verdict" \
    --arg reason "$reason" \
    '{scenario: $scenario, target: $target, victim: $victim,
      injectedAt: ($injectedAt | select(. != "") // null), healedAt: ($healedAt | select(. != "") // null),
      recoveredAt: ($recoveredAt | select(. != "") // null), recoverySeconds: $recoverySeconds,
      slaSeconds: $slaSeconds, verdict: $verdict, reason: $reason}'
  log "$verdict: $reason"
  exit "$code"
}

# Verdict of a measured recovery against the SLA.
finish() {
  injected=$1
  if [ -z "${RECOVERED_AT:-}" ]; then
    report FAIL 2 "not recovered within ${TIMEOUT_SECONDS}s" "$injected"
  fi
  measured=$((RECOVERED_AT - ${HEALED_AT:-$injected}))
  if [ "$measured" -lt "$SLA_SECONDS" ]; then
    report PASS 0 "recovered in ${measured}s, SLA < ${SLA_SECONDS}s" "$injected" "$RECOVERED_AT"
  fi
  report FAIL 1 "recovered in ${measured}s, SLA < ${SLA_SECONDS}s" "$injected" "$RECOVERED_AT"
}
