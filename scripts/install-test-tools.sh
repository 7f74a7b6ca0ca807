#!/bin/sh
# Installs the Debian packages the test suite runs for real: nats-server (JetStream backup and
# restore tests), shellcheck (script lint), jq, dash and busybox (the scripts' runtimes; busybox ash
# is the shell of the nats-box, grafana/k6 and alpine/k8s images), prometheus (promtool), openssl
# (the TLS and credentials tests' CA) and curl.
# Works as root or through sudo, on Debian and Ubuntu.
set -eu
PACKAGES="nats-server shellcheck jq dash busybox prometheus openssl curl"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update
# shellcheck disable=SC2086 # the package list is split into words on purpose
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES
for tool in nats-server shellcheck jq dash busybox promtool openssl curl unshare; do
  command -v "$tool" >/dev/null || { echo "install-test-tools: $tool is still missing after apt-get" >&2; exit 1; }
done
echo "install-test-tools: $PACKAGES installed"
