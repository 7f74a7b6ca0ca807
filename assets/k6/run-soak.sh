#!/bin/sh
# Runs the soak script and exits non-zero when the soak failed in either way:
#   k6's own exit code (99 when a threshold failed, see k6 errext/exitcodes), or
#   90 when every threshold passed but the stability verdict of handleSummary is not PASS
#   (latency growth between the early and the late window: a leak k6 thresholds cannot see).
set -u

SCRIPT=${SCRIPT:-/scripts/soak.js}
OUTPUT_DIR=${OUTPUT_DIR:-/output}

k6 run --no-color "$SCRIPT"
status=$?

verdict=MISSING
if [ -f "$OUTPUT_DIR/verdict" ]; then
  verdict=$(cat "$OUTPUT_DIR/verdict")
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
