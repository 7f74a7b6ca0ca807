#!/bin/sh
# Runs the soak script and exits non-zero when the soak failed in either way:
#   k6's own exit code (99 when a threshold failed, see k6 errext/exitcodes), or
#   90 when every threshold passed but the stability verdict of handleSummary is not PASS
#   (latency growth between the early and the late window: a leak k6 thresholds cannot see).
# Stopped by a signal (the Job deleted, the pod evicted, activeDeadlineSeconds reached: the kubelet
# sends TERM, then KILL after terminationGracePeriodSeconds), it passes the signal on to k6, which
# stops its iterations, runs teardown and handleSummary (k6 v2.2.0 internal/cmd/run.go: the first
# signal aborts the test, exit 105, summary included), waits for it, and reports the run as
# INTERRUPTED with the verdict of the part that ran; exit 128 + the signal's number.
# In the pod this shell is PID 1: the kernel drops signals to PID 1 that it has no handler for, and
# a shell runs a trap only once its foreground command ends, so k6 runs in the background and the
# shell waits for it.
set -u

SCRIPT=${SCRIPT:-/scripts/soak.js}
OUTPUT_DIR=${OUTPUT_DIR:-/output}

# The traps come before k6: a TERM to PID 1 without a handler is dropped by the kernel, and the
# soak would run on until the KILL. A signal before k6's pid is known is passed on once it is.
k6_pid=''
signal=''
forward() {
  signal=$1
  [ -z "$k6_pid" ] || kill -s "$1" "$k6_pid" 2> /dev/null || true
}
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward HUP' HUP
k6 run --no-color "$SCRIPT" &
k6_pid=$!
[ -z "$signal" ] || kill -s "$signal" "$k6_pid" 2> /dev/null || true

# `wait` returns early (above 128) when a trapped signal arrives: wait again until k6 has exited.
status=0
while :; do
  wait "$k6_pid"
  status=$?
  kill -0 "$k6_pid" 2> /dev/null || break
done

verdict=MISSING
if [ -f "$OUTPUT_DIR/verdict" ]; then
  verdict=$(cat "$OUTPUT_DIR/verdict")
fi

if [ -n "$signal" ]; then
  case $signal in TERM) code=143 ;; INT) code=130 ;; *) code=129 ;; esac
  echo "soak: INTERRUPTED: stopped by SIG$signal (the Job was deleted, its pod evicted or its deadline reached) before the profile's end; k6 exited $status (105: aborted by a signal); stability verdict of the part that ran: $verdict" >&2
  exit "$code"
fi
if [ "$status" -ne 0 ]; then
  echo "soak: FAIL: k6 exited $status (99: a threshold failed); stability verdict $verdict" >&2
  exit "$status"
fi
if [ "$verdict" != "PASS" ]; then
  echo "soak: FAIL: thresholds passed but the stability verdict is $verdict (see the summary above)" >&2
  exit 90
fi
echo "soak: PASS" >&2
