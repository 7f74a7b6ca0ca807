#!/bin/sh
# Backs up NATS JetStream into $BACKUP_ROOT/<UTC timestamp>/:
#   server/            account info (natscli) and, with NATS_MONITOR_URL, /varz and /jsz
#   streams.json       the stream names
#   streams/<s>/       stream-info.json (nats stream info --json), config.json, consumers.json,
#                      consumers/<c>.json (nats consumer info --json),
#                      data/ (nats stream backup --consumers: messages and consumer state)
#   backup.json        summary; SHA256SUMS checksums of every file
# The backup is built in a hidden directory and renamed into place only when complete, so a
# failed run leaves nothing under a final name. Retention deletes complete backups older than
# RETENTION_DAYS but always keeps the newest KEEP_MIN, and touches nothing else.
set -eu

BACKUP_ROOT=${BACKUP_ROOT:-/backup}
RETENTION_DAYS=${RETENTION_DAYS:-7}
KEEP_MIN=${KEEP_MIN:-3}
INCLUDE_MESSAGES=${INCLUDE_MESSAGES:-true}
NATS_MONITOR_URL=${NATS_MONITOR_URL:-}
LOG_TAG=nats-backup

# shellcheck source=nats-backup-lib.sh
. "$(dirname "$0")/nats-backup-lib.sh"

case "$RETENTION_DAYS" in '' | *[!0-9]*) fail "RETENTION_DAYS must be a whole number of days, got '$RETENTION_DAYS'" ;; esac
case "$KEEP_MIN" in '' | *[!0-9]*) fail "KEEP_MIN must be a whole number, got '$KEEP_MIN'" ;; esac
[ "$RETENTION_DAYS" -ge 1 ] || fail "RETENTION_DAYS must be at least 1, got $RETENTION_DAYS"
[ "$KEEP_MIN" -ge 1 ] || fail "KEEP_MIN must be at least 1, got $KEEP_MIN"
if ! { [ -d "$BACKUP_ROOT" ] && [ -w "$BACKUP_ROOT" ]; }; then
  fail "BACKUP_ROOT $BACKUP_ROOT is not a writable directory"
fi

started=$(date -u +%s)
name=$(date -u +%Y%m%dT%H%M%SZ)
final="$BACKUP_ROOT/$name"
work="$BACKUP_ROOT/.incomplete-$name-$$"
[ ! -e "$final" ] || fail "$final already exists; refusing to overwrite a backup"

on_exit() {
  status=$?
  if [ -d "$work" ]; then rm -rf "$work"; fi
  if [ "$status" -ne 0 ]; then
    log "backup FAILED (exit $status): nothing was written under a final name, earlier backups are untouched"
  fi
}
trap on_exit EXIT
# A deadline kill sends TERM: exit through the EXIT trap so the partial directory goes away.
trap 'exit 143' TERM INT HUP

mkdir -p "$work/server" "$work/streams"
log "step 1/6: backup $name of $NATS_URL into $work"

log "step 2/6: server info"
nats account info > "$work/server/account-info.txt" || fail "nats account info failed: is $NATS_URL reachable and are the credentials valid?"
if [ -n "$NATS_MONITOR_URL" ]; then
  for endpoint in varz jsz; do
    curl -fsS --max-time 15 "$NATS_MONITOR_URL/$endpoint" > "$work/server/$endpoint.json" \
      || fail "could not read $NATS_MONITOR_URL/$endpoint"
  done
fi

log "step 3/6: stream list"
nats stream ls --json > "$work/streams.json" || fail "nats stream ls failed"
streams=$(jq -r '.[]' "$work/streams.json") || fail "streams.json is not a JSON list of names"

stream_count=0
consumer_count=0
skipped_data=""
for stream in $streams; do
  stream_count=$((stream_count + 1))
  dir="$work/streams/$stream"
  mkdir -p "$dir/consumers"
  log "step 4/6: stream $stream: configuration"
  nats stream info "$stream" --json > "$dir/stream-info.json" || fail "nats stream info $stream failed"
  jq '.config' "$dir/stream-info.json" > "$dir/config.json" || fail "stream-info.json of $stream has no config"
  nats consumer ls "$stream" --json > "$dir/consumers.json" || fail "nats consumer ls $stream failed"
  consumers=$(jq -r '.[]' "$dir/consumers.json") || fail "consumers.json of $stream is not a JSON list of names"
  for consumer in $consumers; do
    consumer_count=$((consumer_count + 1))
    nats consumer info "$stream" "$consumer" --json > "$dir/consumers/$consumer.json" \
      || fail "nats consumer info $stream $consumer failed"
  done

  if [ "$INCLUDE_MESSAGES" = "true" ]; then
    storage=$(jq -r '.config.storage' "$dir/stream-info.json")
    if [ "$storage" = "memory" ]; then
      log "step 4/6: stream $stream: messages SKIPPED: memory storage cannot be snapshotted (configuration and consumers are captured)"
      skipped_data="$skipped_data $stream"
    else
      log "step 4/6: stream $stream: messages and consumer state"
      nats stream backup "$stream" "$dir/data" --consumers --no-progress > /dev/null || fail "nats stream backup $stream failed"
    fi
  fi
done

log "step 5/6: summary and checksums"
finished=$(date -u +%s)
bytes=$(find "$work" -type f -exec stat -c %s {} + | awk '{ total += $1 } END { print total + 0 }')
jq -n \
  --arg name "$name" \
  --arg url "$NATS_URL" \
  --argjson started "$started" \
  --argjson finished "$finished" \
  --argjson streams "$stream_count" \
  --argjson consumers "$consumer_count" \
  --argjson bytes "$bytes" \
  --arg messages "$INCLUDE_MESSAGES" \
  --arg skipped "$skipped_data" \
  '{name: $name, natsUrl: $url, startedAt: ($started | todate), finishedAt: ($finished | todate),
    durationSeconds: ($finished - $started), streams: $streams, consumers: $consumers, bytes: $bytes,
    messagesIncluded: ($messages == "true"),
    messagesSkipped: ($skipped | split(" ") | map(select(length > 0)))}' > "$work/backup.json"
sums=$(cd "$work" && find . -type f | sort | xargs -r sha256sum) || fail "could not compute checksums"
printf '%s\n' "$sums" > "$work/SHA256SUMS"

mv "$work" "$final"
log "step 6/6: retention: delete complete backups older than $RETENTION_DAYS days, always keep the newest $KEEP_MIN"

now=$(date -u +%s)
cutoff=$((now - RETENTION_DAYS * 86400))
list_complete_backups "$BACKUP_ROOT" | {
  position=0
  while IFS= read -r backup; do
    position=$((position + 1))
    if [ "$position" -gt "$KEEP_MIN" ] && [ "$(stat -c %Y "$backup")" -lt "$cutoff" ]; then
      log "retention: deleting $(basename "$backup")"
      rm -rf "$backup"
    fi
  done
}
# Leftovers of runs killed before their trap ran; a day is longer than any run's deadline.
find "$BACKUP_ROOT" -mindepth 1 -maxdepth 1 -type d -name '.incomplete-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true

log "backup complete: $name streams=$stream_count consumers=$consumer_count bytes=$bytes duration=$((finished - started))s"
