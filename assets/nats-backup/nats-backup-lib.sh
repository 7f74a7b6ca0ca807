#!/bin/sh
# Functions shared by nats-backup.sh and nats-restore.sh. POSIX sh: nats-box runs busybox ash.
# Sourced, never executed.

# One line per step, on stderr, with a UTC timestamp.
log() {
  printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${LOG_TAG:-nats-backup}" "$*" >&2
}

fail() {
  log "ERROR: $*"
  exit 1
}

# Backup directories are named by their UTC start time; nothing else is ever treated as one.
is_backup_name() {
  case "$1" in
    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z) return 0 ;;
    *) return 1 ;;
  esac
}

# A complete backup has our name pattern, its summary and its checksum list.
is_complete_backup() {
  [ -d "$1" ] && is_backup_name "$(basename "$1")" && [ -f "$1/backup.json" ] && [ -f "$1/SHA256SUMS" ]
}

# Complete backups under $1, newest first (by modification time), one path per line.
list_complete_backups() {
  for dir in "$1"/*; do
    is_complete_backup "$dir" || continue
    printf '%s %s\n' "$(stat -c %Y "$dir")" "$dir"
  done | sort -rn | cut -d ' ' -f 2-
}

# Checks every file of a backup against SHA256SUMS and that no file is missing from the list.
verify_backup() {
  dir=$1
  [ -s "$dir/SHA256SUMS" ] || fail "backup $dir has no SHA256SUMS"
  if ! (cd "$dir" && sha256sum -c SHA256SUMS >/dev/null 2>&1); then
    (cd "$dir" && sha256sum -c SHA256SUMS 2>&1 | grep -v ': OK$' | sed 's/^/  /' >&2) || true
    fail "checksum mismatch in $dir: the backup is damaged or was modified"
  fi
  listed=$(wc -l < "$dir/SHA256SUMS")
  present=$(cd "$dir" && find . -type f ! -name SHA256SUMS | wc -l)
  [ "$listed" -eq "$present" ] || fail "backup $dir holds $present files but SHA256SUMS lists $listed"
}
