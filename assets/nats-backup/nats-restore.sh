#!/bin/sh
# Restores a backup written by nats-backup.sh.
# Environment in:
#   BACKUP_ROOT   where the backups are (the claim, mounted read-only)
#   BACKUP_NAME   the backup directory name, or "latest" for the newest complete backup
#   BACKUP_NOT_AFTER, BACKUP_NOT_BEFORE
#                 optional with BACKUP_NAME=latest, in the form of a backup name (UTC,
#                 20261120T023000Z): the newest complete backup whose run started at or before
#                 BACKUP_NOT_AFTER and at or after BACKUP_NOT_BEFORE (a backup is named by the
#                 second its run started, which is rarely the scheduled second)
#   ON_EXISTING   what to do with a stream that already exists: fail (default: nothing is
#                 touched), skip (leave it as it is) or replace (delete it, then restore)
#   STREAMS       optional space-separated subset of streams to restore
#   REPLICAS      optional: restore every stream with this many replicas (1 to 5) instead of its
#                 own, e.g. 1 into a single server, which refuses streams of more than one replica
#   NATS_URL      and natscli's auth variables (see nats-backup-lib.sh, setup_auth_context)
# Out: the log on stderr; one JSON summary line on stdout (backup, streams restored with their
# message counts and consumers, streams skipped); exit status 0 only when every stream asked
# for was restored or skipped by ON_EXISTING=skip.
# Before anything changes on the server: the backup is verified (no symlinks, exactly the files
# SHA256SUMS lists, every checksum right) and every name in it is checked against NATS' rules.
set -euf
umask 077

BACKUP_ROOT=${BACKUP_ROOT:-/backup}
BACKUP_NAME=${BACKUP_NAME:-latest}
ON_EXISTING=${ON_EXISTING:-fail}
STREAMS=${STREAMS:-}
REPLICAS=${REPLICAS:-}
BACKUP_NOT_AFTER=${BACKUP_NOT_AFTER:-}
BACKUP_NOT_BEFORE=${BACKUP_NOT_BEFORE:-}
LOG_TAG=nats-restore

# shellcheck source=nats-backup-lib.sh
. "$(dirname "$0")/nats-backup-lib.sh"

case $ON_EXISTING in fail | skip | replace) ;; *) fail "ON_EXISTING must be fail, skip or replace, got '$ON_EXISTING'" ;; esac
if [ -n "$REPLICAS" ]; then check_count REPLICAS "$REPLICAS" 5; fi
check_backup_root

# The names of the complete backups under $1, newest first by name (the UTC second each run
# started in, so name order is time order), one per line.
complete_backup_names() {
  list_complete_backups "$1" | sed 's|.*/||' | LC_ALL=C sort -r
}

# The complete backups nearest the name $1 in time, newest first, at most 5 (the two just after it
# and the three at or before it, or more on one side at the ends), joined by ", "; "none" when
# there is none. A person who wrote the scheduled time (20261120T023000Z) sees the name the run
# really got (20261120T023002Z).
nearest_backups() {
  complete_backup_names "$BACKUP_ROOT" | LC_ALL=C awk -v t="$1" '
    { name[NR] = $0 }
    END {
      at = NR + 1
      for (k = 1; k <= NR; k++) if (name[k] <= t) { at = k; break }
      from = at - 2; if (from < 1) from = 1
      to = from + 4; if (to > NR) { to = NR; from = to - 4; if (from < 1) from = 1 }
      for (k = from; k <= to; k++) printf "%s%s", (k > from ? ", " : ""), name[k]
      if (NR == 0) printf "none"
    }'
}

check_bound() {
  if [ -n "$2" ] && ! is_backup_name "$2"; then
    fail "$1 must be a UTC time in the form of a backup name such as 20260101T020000Z, got '$2'"
  fi
}
check_bound BACKUP_NOT_AFTER "$BACKUP_NOT_AFTER"
check_bound BACKUP_NOT_BEFORE "$BACKUP_NOT_BEFORE"
if [ "$BACKUP_NAME" = "latest" ] && [ -n "$BACKUP_NOT_AFTER$BACKUP_NOT_BEFORE" ]; then
  # names compare as strings, digits first: string order is time order
  if [ -n "$BACKUP_NOT_AFTER" ] && LC_ALL=C awk -v lo="$BACKUP_NOT_BEFORE" -v hi="$BACKUP_NOT_AFTER" 'BEGIN { exit !(lo > hi) }'; then
    fail "BACKUP_NOT_BEFORE ($BACKUP_NOT_BEFORE) must not be later than BACKUP_NOT_AFTER ($BACKUP_NOT_AFTER)"
  fi
  wanted="the newest complete backup started${BACKUP_NOT_BEFORE:+ at or after $BACKUP_NOT_BEFORE}${BACKUP_NOT_BEFORE:+${BACKUP_NOT_AFTER:+ and}}${BACKUP_NOT_AFTER:+ at or before $BACKUP_NOT_AFTER}"
  name=$(complete_backup_names "$BACKUP_ROOT" | LC_ALL=C awk -v lo="$BACKUP_NOT_BEFORE" -v hi="$BACKUP_NOT_AFTER" \
    '(lo == "" || $0 >= lo) && (hi == "" || $0 <= hi) { print; exit }')
  near=${BACKUP_NOT_AFTER:-$BACKUP_NOT_BEFORE}
  [ -n "$name" ] || fail "no complete backup under $BACKUP_ROOT is $wanted; the complete backups nearest $near, newest first: $(nearest_backups "$near")"
  dir="$BACKUP_ROOT/$name"
elif [ "$BACKUP_NAME" = "latest" ]; then
  wanted="the newest complete backup"
  dir=$(list_complete_backups "$BACKUP_ROOT" | head -n 1)
  [ -n "$dir" ] || fail "no complete backup under $BACKUP_ROOT"
else
  [ -z "$BACKUP_NOT_AFTER$BACKUP_NOT_BEFORE" ] || fail "BACKUP_NOT_AFTER and BACKUP_NOT_BEFORE go with BACKUP_NAME=latest, not with the backup $BACKUP_NAME"
  is_backup_name "$BACKUP_NAME" || fail "BACKUP_NAME must be latest or a backup name such as 20260101T020000Z, got '$BACKUP_NAME'"
  wanted="by name"
  dir="$BACKUP_ROOT/$BACKUP_NAME"
  is_complete_backup "$dir" || fail "$dir is not a complete backup; the complete backups nearest $BACKUP_NAME, newest first: $(nearest_backups "$BACKUP_NAME")"
fi
backup=$(basename "$dir")

scratch=''
on_exit() {
  status=$?
  if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
  remove_auth_context
  if [ "$status" -ne 0 ]; then log "restore FAILED (exit $status)"; fi
}
trap on_exit EXIT
trap 'on_signal 143' TERM
trap 'on_signal 130' INT
trap 'on_signal 129' HUP
scratch=$(mktemp -d) || fail "could not create a scratch directory"

log "step 1/4: restoring $backup ($wanted) to $NATS_URL"
log "step 2/4: verifying the backup"
verify_backup "$dir"
names_of "$dir/streams.json" "$scratch/in-backup" "the stream list of backup $backup"
while IFS= read -r stream <&3; do
  names_of "$dir/streams/$stream/consumers.json" "$scratch/consumers" "the consumer list of $stream"
done 3< "$scratch/in-backup"

if [ -n "$STREAMS" ]; then
  : > "$scratch/wanted"
  # Split on blanks only: set -f keeps '?', '*' and '[...]' literal.
  for wanted in $STREAMS; do
    is_valid_name "$wanted" || fail "STREAMS holds '$wanted', which is not a stream name NATS accepts"
    in_list "$wanted" "$scratch/in-backup" || fail "stream $wanted is not in backup $backup"
    in_list "$wanted" "$scratch/wanted" || printf '%s\n' "$wanted" >> "$scratch/wanted"
  done
else
  cp "$scratch/in-backup" "$scratch/wanted"
fi
setup_auth_context

log "step 3/4: checking for existing streams (ON_EXISTING=$ON_EXISTING)"
# One list of every stream from the JetStream meta layer (natscli 0.4.0 `stream ls --names`:
# KV buckets and object stores too, and streams whose leader does not answer, which the plain
# list leaves out); a server that cannot be asked stops the restore here, before any change.
run_child nats stream ls --names --json > "$scratch/server.out" \
  || fail "nats stream ls --names failed: is $NATS_URL reachable, are the credentials valid, has the JetStream meta group a leader?"
names_of "$scratch/server.out" "$scratch/on-server" "the server's stream list"
existing=''
while IFS= read -r stream <&3; do
  if in_list "$stream" "$scratch/on-server"; then existing="$existing $stream"; fi
done 3< "$scratch/wanted"
if [ -n "$existing" ] && [ "$ON_EXISTING" = "fail" ]; then
  fail "streams already exist:$existing; nothing was changed (set ON_EXISTING=skip or ON_EXISTING=replace)"
fi
if [ -n "$existing" ] && [ "$ON_EXISTING" = "replace" ]; then
  # Each stream to replace must answer before any is deleted: one without a leader (its servers
  # down, an election under way) could be neither deleted nor restored, and the restore would
  # stop halfway with the streams before it already replaced.
  silent=''
  for stream in $existing; do
    run_child nats stream info "$stream" --json > /dev/null || silent="$silent $stream"
  done
  if [ -n "$silent" ]; then
    fail "streams to replace do not answer (no leader, or their servers are down):$silent; nothing was changed (wait for their servers, or restore the other streams with STREAMS)"
  fi
fi

restored=0
: > "$scratch/summary"
: > "$scratch/skipped"
while IFS= read -r stream <&3; do
  src="$dir/streams/$stream"
  if in_list "$stream" "$scratch/on-server"; then
    if [ "$ON_EXISTING" = "skip" ]; then
      log "step 4/4: stream $stream: exists, SKIPPED"
      printf '%s\n' "$stream" >> "$scratch/skipped"
      continue
    fi
    log "step 4/4: stream $stream: exists, deleting it before the restore (ON_EXISTING=replace)"
    run_child nats stream rm "$stream" -f > /dev/null || fail "nats stream rm $stream failed"
  fi

  if [ -f "$src/data/backup.json" ] && [ -f "$src/data/stream.tar.s2" ]; then
    if [ -n "$REPLICAS" ]; then
      # natscli 0.4.0 `stream restore --replicas` overrides the configuration's num_replicas
      run_child nats stream restore "$src/data" --no-progress --replicas "$REPLICAS" > /dev/null || fail "nats stream restore $stream failed"
    else
      run_child nats stream restore "$src/data" --no-progress > /dev/null || fail "nats stream restore $stream failed"
    fi
    how=snapshot
  else
    config="$src/config.json"
    if [ -n "$REPLICAS" ]; then
      jq --argjson replicas "$REPLICAS" '.num_replicas = $replicas' "$config" > "$scratch/config.json" || fail "could not read $config"
      config="$scratch/config.json"
    fi
    run_child nats stream add --config "$config" > /dev/null || fail "nats stream add $stream failed"
    how=configuration
  fi

  # Consumers the snapshot did not bring back are created from their saved information
  # (natscli 0.4.0 `consumer add --config` takes `consumer info --json` output as it is).
  names_of "$src/consumers.json" "$scratch/consumers" "the consumer list of $stream"
  while IFS= read -r consumer <&4; do
    if ! run_child nats consumer info "$stream" "$consumer" --json > /dev/null 2>&1; then
      config="$src/consumers/$consumer.json"
      if [ -n "$REPLICAS" ]; then
        # a consumer may not have more replicas than its stream (0: as many as the stream)
        jq --argjson replicas "$REPLICAS" 'if (.config.num_replicas // 0) > $replicas then .config.num_replicas = $replicas else . end' \
          "$config" > "$scratch/consumer.json" || fail "could not read $config"
        config="$scratch/consumer.json"
      fi
      run_child nats consumer add "$stream" "$consumer" --config "$config" > /dev/null \
        || fail "nats consumer add $stream $consumer failed"
    fi
  done 4< "$scratch/consumers"

  run_child nats stream info "$stream" --json > "$scratch/info.json" || fail "stream $stream is missing after its restore"
  expected=$(jq -r '.state.messages' "$src/stream-info.json")
  actual=$(jq -r '.state.messages' "$scratch/info.json")
  consumers=$(jq -r 'join(",")' "$src/consumers.json")
  if [ "$how" = snapshot ]; then
    log "step 4/4: stream $stream restored: messages and consumers from the snapshot; messages=$actual (backup had $expected); consumers=${consumers:-none}"
    if [ "$actual" != "$expected" ]; then
      log "WARNING: stream $stream holds $actual messages, the backup had $expected (limits such as max_age may have removed some)"
    fi
  else
    log "step 4/4: stream $stream restored: configuration only (the backup holds no messages for it); consumers=${consumers:-none}"
  fi
  jq -c -n --arg name "$stream" --arg how "$how" --argjson messages "$actual" --argjson backupMessages "$expected" \
    --slurpfile consumers "$src/consumers.json" \
    '{name: $name, how: $how, messages: $messages, backupMessages: $backupMessages, consumers: $consumers[0]}' >> "$scratch/summary"
  restored=$((restored + 1))
done 3< "$scratch/wanted"

log "restore complete: $backup streams restored=$restored"
jq -c -n --arg backup "$backup" --arg url "$NATS_URL" --slurpfile streams "$scratch/summary" \
  --rawfile skipped "$scratch/skipped" \
  '{backup: $backup, natsUrl: $url, restored: ($streams | length), streams: $streams,
    skipped: ($skipped | split("\n") | map(select(length > 0)))}'
