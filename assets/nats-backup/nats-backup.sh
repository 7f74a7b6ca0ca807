#!/bin/sh
# Backs up NATS JetStream into $BACKUP_ROOT/<UTC timestamp>/:
#   server/            account info (natscli), stream-names.json (every stream the JetStream meta
#                      layer listed when the run began) and, unless MONITOR_CAPTURE=off, /varz and /jsz
#   streams.json       the streams this backup holds, KV buckets (KV_*), object stores (OBJ_*) and
#                      MQTT state included: every listed stream but those deleted while it ran
#   streams/<s>/       stream-info.json (nats stream info --json), config.json, consumers.json,
#                      consumers/<c>.json (nats consumer info --json),
#                      data/ (nats stream backup --consumers: backup.json and stream.tar.s2,
#                      messages and consumer state as the server snapshots them)
#   backup.json        summary; SHA256SUMS checksums of every file
# The backup is built in a private directory (mktemp) on the same filesystem and renamed into
# place only when complete, so a failed or killed run leaves nothing under a final name.
# In a cluster: the stream list comes from the meta layer (`stream ls --names`), which lists every
# stream whether or not its servers answer; a listed stream that cannot be captured (no leader, its
# servers down, a snapshot that stalls twice) fails the run, which names every such stream and
# writes nothing under a final name: no backup is recorded complete without a stream.
# A snapshot that fails is tried again once, SNAPSHOT_RETRY_SECONDS later (a stream whose leader
# moved answers from its new one).
# Retention deletes complete backups older than RETENTION_DAYS but always keeps the newest
# KEEP_MIN, and touches nothing else; it runs only after a complete run. Files are owner-only (umask 077).
# Environment in: NATS_URL (and natscli's auth variables), BACKUP_ROOT, RETENTION_DAYS, KEEP_MIN,
# INCLUDE_MESSAGES, NATS_MONITOR_URL, MONITOR_CAPTURE (off, best-effort, required),
# SNAPSHOT_RETRY_SECONDS (default 5).
# Out: the log on stderr, backup.json as one line on stdout, exit status 0 only for a complete backup.
set -euf
umask 077

BACKUP_ROOT=${BACKUP_ROOT:-/backup}
RETENTION_DAYS=${RETENTION_DAYS:-7}
KEEP_MIN=${KEEP_MIN:-3}
INCLUDE_MESSAGES=${INCLUDE_MESSAGES:-true}
NATS_MONITOR_URL=${NATS_MONITOR_URL:-}
SNAPSHOT_RETRY_SECONDS=${SNAPSHOT_RETRY_SECONDS:-5}
# Without a word about it: best-effort when there is a monitoring URL, off when there is none.
if [ -n "$NATS_MONITOR_URL" ]; then MONITOR_CAPTURE=${MONITOR_CAPTURE:-best-effort}; else MONITOR_CAPTURE=${MONITOR_CAPTURE:-off}; fi
LOG_TAG=nats-backup

# shellcheck source=nats-backup-lib.sh
. "$(dirname "$0")/nats-backup-lib.sh"

# Bounds that keep `RETENTION_DAYS * 86400` and the positions exact (36500 days is 100 years).
check_count RETENTION_DAYS "$RETENTION_DAYS" 36500
check_count KEEP_MIN "$KEEP_MIN" 10000
check_count SNAPSHOT_RETRY_SECONDS "$SNAPSHOT_RETRY_SECONDS" 3600
case $INCLUDE_MESSAGES in true | false) ;; *) fail "INCLUDE_MESSAGES must be true or false, got '$INCLUDE_MESSAGES'" ;; esac
case $MONITOR_CAPTURE in
  off) ;;
  best-effort | required) [ -n "$NATS_MONITOR_URL" ] || fail "NATS_MONITOR_URL is required with MONITOR_CAPTURE=$MONITOR_CAPTURE" ;;
  *) fail "MONITOR_CAPTURE must be off, best-effort or required, got '$MONITOR_CAPTURE'" ;;
esac
check_backup_root
[ -w "$BACKUP_ROOT" ] || fail "BACKUP_ROOT $BACKUP_ROOT is not writable"

started=$(date -u +%s)
name=$(date -u +%Y%m%dT%H%M%SZ)
final="$BACKUP_ROOT/$name"
if [ -e "$final" ] || [ -L "$final" ]; then fail "$final already exists; refusing to overwrite a backup"; fi
last=$(list_complete_backups "$BACKUP_ROOT" | head -n 1)

work=''
scratch=''
last_kib=''
complete=false
on_exit() {
  status=$?
  if [ -n "$work" ] && [ -d "$work" ]; then rm -rf "$work"; fi
  if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
  remove_auth_context
  if [ "$status" -ne 0 ] && [ "$complete" = true ]; then
    log "stopped during retention (exit $status): backup $name is complete; an expired backup may be left as .deleting-*, which the next run removes"
  elif [ "$status" -ne 0 ]; then
    explain_full_claim
    log "backup FAILED (exit $status): nothing was written under a final name, nothing was deleted, earlier backups are untouched"
  fi
}

# When a run fails on a claim with less room than the last backup took, say so: that is the
# likely cause, and only a bigger claim (or a shorter retention) fixes it.
explain_full_claim() {
  free=$(free_kib "$BACKUP_ROOT" 2>/dev/null) || return 0
  if [ -n "$last_kib" ]; then
    needed=$last_kib
    what="the last complete backup ($(basename "$last")) takes $needed KiB"
  elif [ -n "$last" ]; then
    return 0
  else
    needed=1024
    what="no complete backup exists yet"
  fi
  if [ "$free" -lt "$needed" ]; then
    log "ERROR: the backup claim is full: $free KiB free on $BACKUP_ROOT and $what; grow the claim or shorten the retention (README: Backup and restore, When the claim is full)"
  fi
}
trap on_exit EXIT
# A deadline kill sends TERM: stop the running natscli and exit through the EXIT trap, so the
# partial directory goes away.
trap 'on_signal 143' TERM
trap 'on_signal 130' INT
trap 'on_signal 129' HUP

# A private work directory inside the backup root: same filesystem, so the final rename is
# atomic; created by mktemp (mode 0700, a name nobody can plant in advance).
work=$(mktemp -d "$BACKUP_ROOT/.incomplete-$name.XXXXXX") || fail "could not create a work directory in $BACKUP_ROOT"
scratch=$(mktemp -d) || fail "could not create a scratch directory"
mkdir "$work/server" "$work/streams"
free=$(free_kib "$BACKUP_ROOT")
if [ -n "$last" ]; then
  # du walks the whole last backup: in the background, so a TERM does not wait for it
  run_child du -sk "$last" > "$scratch/last-size" || fail "could not measure $last"
  last_kib=$(cut -f 1 "$scratch/last-size")
  log "step 1/6: backup $name of $NATS_URL into $work ($free KiB free; the last backup, $(basename "$last"), takes $last_kib KiB)"
  [ "$free" -ge "$last_kib" ] || log "WARNING: less free space than the last backup took: this run may fail for lack of space"
else
  log "step 1/6: backup $name of $NATS_URL into $work ($free KiB free)"
fi
setup_auth_context

log "step 2/6: server info"
run_child nats account info > "$work/server/account-info.txt" \
  || fail "nats account info failed: is $NATS_URL reachable and are the credentials valid?"
monitoring_missing=''
if [ "$MONITOR_CAPTURE" != off ]; then
  for endpoint in varz jsz; do
    if ! run_child curl -fsS -g --proto '=http,https' --max-time 15 -o "$work/server/$endpoint.json" "$NATS_MONITOR_URL/$endpoint"; then
      rm -f "$work/server/$endpoint.json"
      [ "$MONITOR_CAPTURE" = best-effort ] || fail "could not read $NATS_MONITOR_URL/$endpoint (MONITOR_CAPTURE=required)"
      log "WARNING: could not read $NATS_MONITOR_URL/$endpoint: this backup has no $endpoint.json; the data backup goes on (MONITOR_CAPTURE=best-effort)"
      monitoring_missing="$monitoring_missing $endpoint"
    fi
  done
fi

log "step 3/6: stream list from the JetStream meta layer (KV buckets, object stores and MQTT state included)"
# --names: natscli 0.4.0 lsNames asks $JS.API.STREAM.NAMES, which the meta leader answers from its
# assignments: every stream, internal ones included, whether or not its servers answer. The plain
# list ($JS.API.STREAM.LIST) leaves out, without a word, each stream whose leader did not answer
# within the server's 4 s gather: a node down would drop its streams from the backup.
run_child nats stream ls --names --json > "$scratch/streams.out" \
  || fail "nats stream ls --names failed: the JetStream meta group may have no leader (a cluster electing or without quorum)"
names_of "$scratch/streams.out" "$scratch/streams" "the stream list"
jq -R -s 'split("\n") | map(select(length > 0))' "$scratch/streams" > "$work/server/stream-names.json" \
  || fail "could not write server/stream-names.json"
listed_count=$(grep -c '' "$scratch/streams" || true)
: > "$scratch/kept-streams"

# Whether name $1 is still among the names `nats <$2> ls ... --names --json` lists: a name that
# went away while the backup ran (an ephemeral consumer, a deleted stream) is left out rather than
# failing the run; one that is still there failed for real.
still_listed() {
  wanted=$1
  what=$2
  shift 2
  run_child nats "$what" ls "$@" --names --json > "$scratch/relist.out" || return 0
  names_of "$scratch/relist.out" "$scratch/relist" "the $what list"
  in_list "$wanted" "$scratch/relist"
}

# A listed stream that this run could not capture: the run goes on, to name every such stream,
# and fails at the end.
uncaptured=''
uncaptured_count=0
not_captured() {
  log "step 4/6: stream $1: NOT CAPTURED: $2"
  uncaptured="$uncaptured${uncaptured:+; }$1 ($2)"
  uncaptured_count=$((uncaptured_count + 1))
  rm -rf "$work/streams/$1"
}

# A sleep that a TERM interrupts at once (a foreground sleep would hold the trap until it ends).
pause() {
  run_child sleep "$1"
}

# The snapshot of stream $1 into $2, tried again once after SNAPSHOT_RETRY_SECONDS. natscli 0.4.0
# leaves a complete-looking backup.json next to a truncated stream.tar.s2 when a snapshot stalls
# (jsm.go snapshots.go createSnapshot writes it on any end of the transfer): a failed attempt's
# files are removed, never kept.
snapshot_stream() {
  for attempt in 1 2; do
    if run_child nats stream backup "$1" "$2" --consumers --no-progress > /dev/null \
      && jq -e --arg name "$1" '.config.name == $name' "$2/backup.json" > /dev/null 2>&1; then
      return 0
    fi
    rm -rf "$2"
    [ "$attempt" -eq 1 ] || return 1
    log "step 4/6: stream $1: the snapshot failed; trying once more in ${SNAPSHOT_RETRY_SECONDS}s (a stream whose leader moved answers from its new one)"
    pause "$SNAPSHOT_RETRY_SECONDS"
  done
}

# Captures stream $1 into $work/streams/$1: information, consumers and (INCLUDE_MESSAGES) its
# snapshot. Returns 1 when the stream cannot be captured (recorded with not_captured) or went away.
capture_stream() {
  stream=$1
  dir="$work/streams/$stream"
  log "step 4/6: stream $stream: configuration"
  mkdir -p "$dir/consumers" || fail "could not create $dir"
  if ! run_child nats stream info "$stream" --json > "$dir/stream-info.json"; then
    if still_listed "$stream" stream; then
      not_captured "$stream" "its information could not be read: no leader, or its servers are down"
      return 1
    fi
    log "step 4/6: stream $stream: deleted while the backup ran, left out"
    rm -rf "$dir"
    vanished="$vanished $stream"
    return 1
  fi
  jq '.config' "$dir/stream-info.json" > "$dir/config.json" || fail "stream-info.json of $stream has no config"
  if ! run_child nats consumer ls "$stream" --json > "$scratch/consumers.out"; then
    not_captured "$stream" "its consumers could not be listed"
    return 1
  fi
  names_of "$scratch/consumers.out" "$scratch/consumers" "the consumer list of $stream"
  : > "$scratch/kept"
  while IFS= read -r consumer <&4; do
    file="$dir/consumers/$consumer.json"
    if ! run_child nats consumer info "$stream" "$consumer" --json > "$file"; then
      if still_listed "$consumer" consumer "$stream"; then
        not_captured "$stream" "consumer $consumer could not be read"
        return 1
      fi
      log "step 4/6: stream $stream: consumer $consumer went away while the backup ran, left out"
      rm -f "$file"
      continue
    fi
    if [ "$(jq -r '.config.durable_name // ""' "$file")" = "" ]; then
      # An ephemeral consumer belongs to a live connection and dies with it: nothing to restore.
      log "step 4/6: stream $stream: ephemeral consumer $consumer left out"
      rm -f "$file"
      continue
    fi
    printf '%s\n' "$consumer" >> "$scratch/kept"
  done 4< "$scratch/consumers"
  jq -R -s 'split("\n") | map(select(length > 0))' "$scratch/kept" > "$dir/consumers.json" || fail "could not write consumers.json of $stream"

  if [ "$INCLUDE_MESSAGES" = "true" ]; then
    storage=$(jq -r '.config.storage' "$dir/stream-info.json")
    if [ "$storage" = "memory" ]; then
      log "step 4/6: stream $stream: messages SKIPPED: memory storage cannot be snapshotted (configuration and consumers are captured)"
      skipped_data="$skipped_data $stream"
    else
      log "step 4/6: stream $stream: messages and consumer state"
      if ! snapshot_stream "$stream" "$dir/data"; then
        not_captured "$stream" "its snapshot failed twice"
        return 1
      fi
    fi
  fi
}

stream_count=0
consumer_count=0
skipped_data=''
vanished=''
while IFS= read -r listed <&3; do
  if capture_stream "$listed"; then
    stream_count=$((stream_count + 1))
    consumer_count=$((consumer_count + $(grep -c '' "$scratch/kept" || true)))
    printf '%s\n' "$listed" >> "$scratch/kept-streams"
  fi
done 3< "$scratch/streams"
if [ "$uncaptured_count" -gt 0 ]; then
  fail "$uncaptured_count of the $listed_count streams the meta layer listed could not be captured: $uncaptured. A backup without them would restore without them, so none was written; earlier backups are kept. Is a NATS server down or a stream without a leader? (nats stream info <stream>, nats server report jetstream)"
fi

log "step 5/6: summary and checksums"
# The streams this backup holds (a stream deleted while the run went on is not among them).
jq -R -s 'split("\n") | map(select(length > 0))' "$scratch/kept-streams" > "$work/streams.json" || fail "could not write streams.json"
finished=$(date -u +%s)
# Reading every file of a large backup takes time: checksums and sizes run in the background, so
# a TERM stops them at once (a command in the foreground holds the trap until it ends).
run_child find "$work" -type f -exec stat -c %s {} + > "$scratch/sizes" || fail "could not measure the backup"
bytes=$(awk '{ total += $1 } END { print total + 0 }' "$scratch/sizes")
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
  --arg vanished "$vanished" \
  --arg capture "$MONITOR_CAPTURE" \
  --arg missing "$monitoring_missing" \
  --slurpfile names "$work/streams.json" \
  'def words: split(" ") | map(select(length > 0));
   {name: $name, natsUrl: $url, startedAt: ($started | todate), finishedAt: ($finished | todate),
    durationSeconds: ($finished - $started), streams: $streams, consumers: $consumers, bytes: $bytes,
    kvBuckets: [$names[0][] | select(startswith("KV_")) | ltrimstr("KV_")],
    objectStores: [$names[0][] | select(startswith("OBJ_")) | ltrimstr("OBJ_")],
    messagesIncluded: ($messages == "true"), messagesSkipped: ($skipped | words), vanished: ($vanished | words),
    monitoring: {capture: $capture, missing: ($missing | words)}}' > "$work/backup.json" \
  || fail "could not write backup.json"
(cd "$work" && exec find . -type f -exec sha256sum {} +) > "$scratch/sums" &
child=$!
wait_child || fail "could not compute checksums"
LC_ALL=C sort -k 2 "$scratch/sums" > "$work/SHA256SUMS" || fail "could not write SHA256SUMS"

# The final name may not exist (checked again: a run of its own could not have made it); mv -T
# renames the directory itself and never moves it into a directory planted under that name.
if [ -e "$final" ] || [ -L "$final" ]; then fail "$final appeared during the run; refusing to overwrite it"; fi
mv -T "$work" "$final" || fail "could not rename $work to $final"
work=''
complete=true
log "step 6/6: retention: delete complete backups older than $RETENTION_DAYS days, always keep the newest $KEEP_MIN"

now=$(date -u +%s)
cutoff=$((now - RETENTION_DAYS * 86400))
list_complete_backups "$BACKUP_ROOT" > "$scratch/backups"
position=0
while IFS= read -r backup <&3; do
  position=$((position + 1))
  if [ "$position" -gt "$KEEP_MIN" ] && [ "$(stat -c %Y "$backup")" -lt "$cutoff" ]; then
    log "retention: deleting $(basename "$backup")"
    # Renamed first (atomic), then deleted: a deletion cut short (TERM, SIGKILL) never leaves a
    # half-deleted directory under a backup's name, which would still look complete.
    gone="$BACKUP_ROOT/.deleting-$(basename "$backup")"
    mv -T "$backup" "$gone" || fail "could not rename $backup to $gone for its deletion"
    run_child rm -rf "$gone"
  fi
done 3< "$scratch/backups"
# Leftovers: deletions cut short (any age), and runs killed before their trap ran (SIGKILL, node
# loss; a day is longer than any run's deadline). Directories only: find follows no symlinks.
run_child find "$BACKUP_ROOT" -mindepth 1 -maxdepth 1 -type d -name '.deleting-*' -exec rm -rf {} + 2>/dev/null || true
run_child find "$BACKUP_ROOT" -mindepth 1 -maxdepth 1 -type d -name '.incomplete-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true

log "backup complete: $name streams=$stream_count consumers=$consumer_count bytes=$bytes duration=$((finished - started))s"
jq -c . "$final/backup.json"
