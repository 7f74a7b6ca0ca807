#!/bin/sh
# Restores a backup written by nats-backup.sh.
#   BACKUP_NAME   the backup directory name, or "latest" for the newest complete backup
#   ON_EXISTING   what to do with a stream that already exists: fail (default: nothing is
#                 touched), skip (leave it as it is) or replace (delete it, then restore)
#   STREAMS       optional space-separated subset of streams to restore
# Checksums are verified before anything is changed on the server.
set -eu

BACKUP_ROOT=${BACKUP_ROOT:-/backup}
BACKUP_NAME=${BACKUP_NAME:-latest}
ON_EXISTING=${ON_EXISTING:-fail}
STREAMS=${STREAMS:-}
LOG_TAG=nats-restore

# shellcheck source=nats-backup-lib.sh
. "$(dirname "$0")/nats-backup-lib.sh"

case "$ON_EXISTING" in fail | skip | replace) ;; *) fail "ON_EXISTING must be fail, skip or replace, got '$ON_EXISTING'" ;; esac

if [ "$BACKUP_NAME" = "latest" ]; then
  dir=$(list_complete_backups "$BACKUP_ROOT" | head -n 1)
  [ -n "$dir" ] || fail "no complete backup under $BACKUP_ROOT"
else
  is_backup_name "$BACKUP_NAME" || fail "BACKUP_NAME must be latest or a backup name such as 20260101T020000Z, got '$BACKUP_NAME'"
  dir="$BACKUP_ROOT/$BACKUP_NAME"
  is_complete_backup "$dir" || fail "$dir is not a complete backup"
fi
log "step 1/4: restoring $(basename "$dir") to $NATS_URL"

log "step 2/4: verifying checksums"
verify_backup "$dir"

streams=$(jq -r '.[]' "$dir/streams.json") || fail "streams.json is not a JSON list of names"
if [ -n "$STREAMS" ]; then
  for wanted in $STREAMS; do
    [ -d "$dir/streams/$wanted" ] || fail "stream $wanted is not in backup $(basename "$dir")"
  done
  streams=$STREAMS
fi

log "step 3/4: checking for existing streams (ON_EXISTING=$ON_EXISTING)"
existing=""
for stream in $streams; do
  if nats stream info "$stream" --json > /dev/null 2>&1; then existing="$existing $stream"; fi
done
if [ -n "$existing" ] && [ "$ON_EXISTING" = "fail" ]; then
  fail "streams already exist:$existing; nothing was changed (set ON_EXISTING=skip or ON_EXISTING=replace)"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
restored=0
for stream in $streams; do
  src="$dir/streams/$stream"
  case " $existing " in
    *" $stream "*)
      if [ "$ON_EXISTING" = "skip" ]; then
        log "step 4/4: stream $stream: exists, SKIPPED"
        continue
      fi
      log "step 4/4: stream $stream: exists, deleting it before the restore (ON_EXISTING=replace)"
      nats stream rm "$stream" -f > /dev/null || fail "nats stream rm $stream failed"
      ;;
  esac

  if [ -d "$src/data" ]; then
    nats stream restore "$src/data" --no-progress > /dev/null || fail "nats stream restore $stream failed"
    how="messages and consumers from the snapshot"
  else
    nats stream add --config "$src/config.json" > /dev/null || fail "nats stream add $stream failed"
    how="configuration only (the backup holds no messages for it)"
  fi

  # Consumers the snapshot did not bring back are created from their saved configuration.
  for consumer in $(jq -r '.[]' "$src/consumers.json"); do
    if ! nats consumer info "$stream" "$consumer" --json > /dev/null 2>&1; then
      jq '.config' "$src/consumers/$consumer.json" > "$tmp/consumer.json"
      nats consumer add "$stream" --config "$tmp/consumer.json" > /dev/null || fail "nats consumer add $stream $consumer failed"
    fi
  done

  expected=$(jq -r '.state.messages' "$src/stream-info.json")
  actual=$(nats stream info "$stream" --json | jq -r '.state.messages') || fail "stream $stream is missing after its restore"
  consumers=$(jq -r 'join(",")' "$src/consumers.json")
  log "step 4/4: stream $stream restored: $how; messages=$actual (backup had $expected); consumers=${consumers:-none}"
  if [ -d "$src/data" ] && [ "$actual" != "$expected" ]; then
    log "WARNING: stream $stream holds $actual messages, the backup had $expected (limits such as max_age may have removed some)"
  fi
  restored=$((restored + 1))
done

log "restore complete: $(basename "$dir") streams restored=$restored"
