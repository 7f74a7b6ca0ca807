#!/bin/sh
# Installs the Debian packages the test suite runs for real: nats-server (JetStream backup and
# restore tests), shellcheck (script lint), jq, dash and busybox (the scripts' runtimes; busybox ash
# is the shell of the nats-box, grafana/k6 and alpine/k8s images), prometheus (promtool), openssl
# (the TLS and credentials tests' CA) and curl.
# Then Debian trixie's nats-server (2.10) as /usr/local/bin/nats-server-2.10, next to bookworm's
# 2.9: the cluster tests run both. Its Go binary needs only glibc, so it is downloaded with a
# private apt configuration (trixie's index in a temporary directory: the system's sources and
# preferences are not touched) and unpacked with dpkg -x, not installed.
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

TRIXIE_NATS_SERVER=2.10.27-1+b2
apt_dir=$(mktemp -d)
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/deb"
echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' > "$apt_dir/sources.list"
private="-o Dir::Etc::SourceList=$apt_dir/sources.list -o Dir::Etc::SourceParts=/dev/null
  -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
  -o Dir::State::Lists=$apt_dir/lists -o Dir::Cache=$apt_dir/cache -o APT::Sandbox::User=root"
# shellcheck disable=SC2086 # the options are split into words on purpose
apt-get $private update > /dev/null
# shellcheck disable=SC2086
(cd "$apt_dir/deb" && apt-get $private download "nats-server=$TRIXIE_NATS_SERVER" > /dev/null)
dpkg -x "$apt_dir"/deb/nats-server_*.deb "$apt_dir/unpacked"
$SUDO install -m 0755 "$apt_dir/unpacked/usr/sbin/nats-server" /usr/local/bin/nats-server-2.10
nats-server-2.10 --version | grep -q '^nats-server: v2\.10\.' || { echo "install-test-tools: nats-server-2.10 does not run" >&2; exit 1; }

echo "install-test-tools: $PACKAGES installed; $(nats-server --version) and $(nats-server-2.10 --version) (nats-server-2.10)"
