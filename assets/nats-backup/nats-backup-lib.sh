#!/bin/sh
# Functions shared by nats-backup.sh and nats-restore.sh. POSIX sh: nats-box runs busybox ash.
# Sourced, never executed. The callers run with `set -euf` (no globbing: stream and consumer
# names are data, never patterns) and `umask 077` (backups hold every message: owner-only).

# One line per step, on stderr, with a UTC timestamp. stdout carries only the final summary.
log() {
  printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${LOG_TAG:-nats-backup}" "$*" >&2
}

fail() {
  log "ERROR: $*"
  exit 1
}

# A whole number from 1 to $3 written plainly (digits only, no sign, no leading zero), so the
# shell's 64-bit arithmetic stays exact and no value is read as octal or as an option:
# a bad value in the environment stops the run before anything is written or deleted.
check_count() {
  case $2 in
    '' | 0* | *[!0-9]*) fail "$1 must be a whole number from 1 to $3, got '$2'" ;;
  esac
  if [ "${#2}" -gt "${#3}" ] || [ "$2" -gt "$3" ]; then
    fail "$1 must be a whole number from 1 to $3, got '$2'"
  fi
}

# Stream and consumer names as NATS and natscli 0.4.0 take them: 1 to 255 bytes (nats-server
# JSMaxNameLen); no whitespace, '.', '*' or '>' (nats-server isValidName); no '/' or '\' (path
# separators: nats-server refuses them, and so does jsm.go IsValidName in natscli's restore).
# On top of that no control characters (they would corrupt the log) and no leading '-' (fisk,
# natscli's flag parser, would read it as a flag).
# Glob characters such as '?' and '[' are valid names: they are never expanded (set -f).
is_valid_name() {
  case $1 in
    '' | -* | *[.*\>/\\]* | *[[:space:]]* | *[[:cntrl:]]*) return 1 ;;
  esac
  [ "$(printf '%s' "$1" | wc -c)" -le 255 ]
}

# The same rule over a JSON list of names, for jq (names from the server may hold any byte).
JQ_BAD_NAME='def bad: type != "string" or length == 0 or utf8bytelength > 255 or startswith("-")
  or test("[.*>/\\\\]") or (explode | any(. < 33 or . == 127 or (. >= 128 and . < 160) or . == 8232 or . == 8233));'

# Writes the names of the JSON list in file $1 to file $2, one per line. natscli 0.4.0 prints
# `null` for an empty list (a nil Go slice): that is an empty list, not an error. A name that
# NATS or natscli could not take back stops the run, naming it ($3 says what the list is).
names_of() {
  bad=$(jq -r "$JQ_BAD_NAME"' if . == null then empty elif type == "array" then .[] | select(bad) | tojson
    else "(not a JSON list of names)" end' "$1") || fail "$3 in $1 is not JSON"
  [ -z "$bad" ] || fail "$3 holds names that NATS or natscli cannot take back: $(printf '%s' "$bad" | tr '\n' ' ')"
  jq -r '(. // [])[]' "$1" > "$2" || fail "could not read $3 from $1"
}

# Whether line $1 is a line of file $2 (exact, no pattern).
in_list() {
  grep -qxF -e "$1" "$2"
}

# Backup directories are named by their UTC start time; nothing else is ever treated as one.
is_backup_name() {
  case $1 in
    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z) return 0 ;;
    *) return 1 ;;
  esac
}

# A complete backup has our name pattern, its summary and its checksum list; none of them a symlink.
is_complete_backup() {
  [ ! -L "$1" ] && [ -d "$1" ] && is_backup_name "${1##*/}" \
    && [ ! -L "$1/backup.json" ] && [ -f "$1/backup.json" ] \
    && [ ! -L "$1/SHA256SUMS" ] && [ -f "$1/SHA256SUMS" ]
}

# The backup root must be a real directory: a symlink could point the backups anywhere.
check_backup_root() {
  if [ -L "$BACKUP_ROOT" ] || [ ! -d "$BACKUP_ROOT" ]; then
    fail "BACKUP_ROOT $BACKUP_ROOT is not a directory (symlinks are refused)"
  fi
}

# Complete backups under $1, newest first (by modification time), one path per line. Only names
# of our own pattern are looked at (a glob of digits, expanded here and nowhere else).
list_complete_backups() {
  set +f
  set -- "$1"/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z
  set -f
  for dir do
    is_complete_backup "$dir" || continue
    printf '%s %s\n' "$(stat -c %Y "$dir")" "$dir"
  done | sort -k 1,1nr -k 2,2r | cut -d ' ' -f 2-
}

# Checks a backup before anything reads it: no symlink or special file anywhere in it, exactly
# the files SHA256SUMS lists (none missing, none added), every checksum right. After this,
# every file the restore opens is one of the listed, verified files.
verify_backup() {
  odd=$(cd "$1" && find . ! -type d ! -type f | head -n 3 | tr '\n' ' ')
  [ -z "$odd" ] || fail "backup $1 holds symlinks or special files ($odd): refusing to read it"
  [ -s "$1/SHA256SUMS" ] || fail "backup $1 has no SHA256SUMS"
  listed=$(cut -c 67- "$1/SHA256SUMS" | LC_ALL=C sort)
  present=$(cd "$1" && find . -type f ! -path ./SHA256SUMS | LC_ALL=C sort)
  if [ "$listed" != "$present" ]; then
    fail "backup $1 does not hold exactly the files SHA256SUMS lists ($(printf '%s\n' "$present" | wc -l) present, $(printf '%s\n' "$listed" | wc -l) listed): files were added, removed or renamed"
  fi
  # in the background (the redirections its own, not a function call's): a TERM stops it at once
  (cd "$1" && exec sha256sum -c SHA256SUMS >/dev/null 2>&1) &
  child=$!
  if ! wait_child; then
    (cd "$1" && sha256sum -c SHA256SUMS 2>&1 | grep -v ': OK$' | sed 's/^/  /' >&2) || true
    fail "checksum mismatch in $1: the backup is damaged or was modified"
  fi
}

# Runs a command in the background and waits for it: a TERM (the Job's deletion, eviction or
# deadline; in a pod the script is PID 1, which gets it only through its trap) interrupts `wait`
# at once, where a foreground command would delay the trap until it finished, past the grace period.
child=''
run_child() {
  "$@" &
  child=$!
  wait_child
}

# Waits for the background command in $child and returns its status.
wait_child() {
  if wait "$child"; then
    child=''
    return 0
  else
    status=$?
    child=''
    return "$status"
  fi
}

# The signal traps: stop the running command, then exit through the EXIT trap.
on_signal() {
  if [ -n "$child" ]; then kill "$child" 2>/dev/null || true; fi
  log "stopped by a signal (exit $1)"
  exit "$1"
}

# Password and token credentials arrive as files (NATS_USER_FILE, NATS_PASSWORD_FILE,
# NATS_TOKEN_FILE), never as environment variables. natscli 0.4.0 reads a user, password or
# token from a flag, an environment variable or a context; a context given as a path ending in
# `.json` is read from that file (cli/util.go loadContext). So the values go into an owner-only
# context file in NATS_CONTEXT_DIR (a memory-backed volume), which the EXIT trap removes.
auth_context=''
setup_auth_context() {
  [ -n "${NATS_USER_FILE:-}${NATS_PASSWORD_FILE:-}${NATS_TOKEN_FILE:-}" ] || return 0
  [ -n "${NATS_CONTEXT_DIR:-}" ] || fail "NATS_CONTEXT_DIR must name a private directory for the credentials context"
  auth_context=$(mktemp -d "$NATS_CONTEXT_DIR/nats-context.XXXXXX") || fail "could not create a private directory in $NATS_CONTEXT_DIR"
  if [ -n "${NATS_TOKEN_FILE:-}" ]; then
    jq -n --rawfile token "$NATS_TOKEN_FILE" '{token: $token}' > "$auth_context/auth.json" \
      || fail "could not read the token file $NATS_TOKEN_FILE"
  else
    jq -n --rawfile user "${NATS_USER_FILE:?NATS_USER_FILE is required with NATS_PASSWORD_FILE}" \
      --rawfile password "${NATS_PASSWORD_FILE:?NATS_PASSWORD_FILE is required with NATS_USER_FILE}" \
      '{user: $user, password: $password}' > "$auth_context/auth.json" \
      || fail "could not read the user and password files $NATS_USER_FILE, $NATS_PASSWORD_FILE"
  fi
  NATS_CONTEXT=$auth_context/auth.json
  export NATS_CONTEXT
}

remove_auth_context() {
  if [ -n "$auth_context" ]; then rm -rf "$auth_context"; fi
}

# Free KiB on the filesystem of $1, and the KiB a directory takes.
free_kib() {
  df -Pk "$1" | awk 'NR == 2 { print $4 }'
}

size_kib() {
  du -sk "$1" | cut -f 1
}
