#!/bin/sh
# Restore drill: proves that the newest complete backup under $BACKUP_ROOT restores, without
# touching production. It starts a throwaway JetStream server in its own pod (listening on
# 127.0.0.1 only, storage in $DRILL_DIR), restores the backup into it with nats-restore.sh (the
# script a real restore runs), then compares what came back with the backup's own records:
#   1. SHA256SUMS, then the records' consistency (every listed stream and consumer has its files,
#      backup.json counts what the lists hold) and completeness: every stream the JetStream meta
#      layer listed when the backup ran (server/stream-names.json) is in it, unless the run
#      recorded it as deleted meanwhile (backup.json vanished);
#   2. every stream present, its message count and first sequence as the snapshot recorded them
#      (streams/<s>/data/backup.json) and its last sequence at least the recorded one;
#   3. every durable consumer present, its ack floor at least the recorded one (consumers/<c>.json);
#   4. every KV bucket's keys and every object store's subjects as stream-info.json counts them
#      (objects are the store's metadata subjects, counted on the restored server).
# Environment in:
#   BACKUP_ROOT             the backups (the claim, mounted read-only)
#   MAX_BACKUP_AGE_SECONDS  how old the newest backup may be: the backup schedule's longest
#                           interval plus the time a run may start late and take
#   NATS_SERVER_BIN         the nats-server binary of the throwaway server
#   DRILL_DIR               a writable directory for the throwaway server (its own emptyDir)
#   STORE_LIMIT_KIB         the room in DRILL_DIR (the emptyDir's size limit)
#   DRILL_PORT              loopback port of the throwaway server (default 4222)
#   SERVER_START_SECONDS    how long the server may take to be ready (default 60)
#   RESTORE_SHELL           the shell that runs nats-restore.sh (default /bin/sh)
# Out: the log on stderr; one JSON line on stdout, whatever happens: drill (passed, failed),
# backup, backupStartedAt, rpoSeconds (the backup's age), maxRpoSeconds, rtoSeconds (the restore's
# duration), streams, messages, consumers, kvBuckets, kvKeys, objectStores, objects (checked),
# mismatches and failures (one reason each); exit status 0 only when the drill passed (a stale
# newest backup, any mismatch or any failure exits 1).
set -euf
umask 077

BACKUP_ROOT=${BACKUP_ROOT:-/backup}
MAX_BACKUP_AGE_SECONDS=${MAX_BACKUP_AGE_SECONDS:-}
NATS_SERVER_BIN=${NATS_SERVER_BIN:-/opt/nats-server/nats-server}
DRILL_DIR=${DRILL_DIR:-/drill}
STORE_LIMIT_KIB=${STORE_LIMIT_KIB:-}
DRILL_PORT=${DRILL_PORT:-4222}
SERVER_START_SECONDS=${SERVER_START_SECONDS:-60}
RESTORE_SHELL=${RESTORE_SHELL:-/bin/sh}
LOG_TAG=nats-restore-drill
scripts=$(dirname "$0")

# shellcheck source=nats-backup-lib.sh
. "$scripts/nats-backup-lib.sh"

# What the JSON line reports; empty means unknown (null).
backup=''
started_at=''
age=''
rto=''
streams=0
messages=0
consumers=0
kv_buckets=0
kv_keys=0
object_stores=0
objects=0
failures=''
mismatches=''
scratch=''
store=''
server_pid=''

# Every reason the drill fails, one per line: the JSON line lists them all.
add_failure() {
  failures="$failures$*
"
}

mismatch() {
  log "MISMATCH: $*"
  mismatches="$mismatches$*
"
}

# The library's fail, with the reason kept for the JSON line.
fail() {
  log "ERROR: $*"
  add_failure "$*"
  exit 1
}

lines_json() {
  printf '%s' "$1" | jq -R -s 'split("\n") | map(select(length > 0))'
}

report() {
  if [ -n "$mismatches" ]; then
    add_failure "$(printf '%s' "$mismatches" | grep -c '') mismatches between the restored server and the backup's records"
  fi
  if [ -n "$failures" ]; then result=failed; else result=passed; fi
  jq -c -n --arg result "$result" --arg backup "$backup" --arg startedAt "$started_at" --arg age "$age" \
    --arg max "$MAX_BACKUP_AGE_SECONDS" --arg rto "$rto" \
    --argjson streams "$streams" --argjson messages "$messages" --argjson consumers "$consumers" \
    --argjson kvBuckets "$kv_buckets" --argjson kvKeys "$kv_keys" --argjson objectStores "$object_stores" --argjson objects "$objects" \
    --argjson mismatches "$(lines_json "$mismatches")" --argjson failures "$(lines_json "$failures")" \
    'def orNull: if . == "" then null else . end; def number: if . == "" then null else tonumber end;
     {drill: $result, backup: ($backup | orNull), backupStartedAt: ($startedAt | orNull),
      rpoSeconds: ($age | number), maxRpoSeconds: ($max | number), rtoSeconds: ($rto | number),
      streams: $streams, messages: $messages, consumers: $consumers, kvBuckets: $kvBuckets, kvKeys: $kvKeys,
      objectStores: $objectStores, objects: $objects, mismatches: $mismatches, failures: $failures}'
}

# run_child of the library with stdout (and stderr unless $2 is empty) in files. The redirections
# belong to the background command, not to a function call: bash runs a trap inside the
# redirections of the function it interrupts, and the JSON line must reach the drill's stdout.
run_to() {
  out=$1
  err=$2
  shift 2
  if [ -n "$err" ]; then "$@" > "$out" 2> "$err" & else "$@" > "$out" & fi
  child=$!
  wait_child
}

# Seconds since the epoch of a backup name (a UTC time such as 20261127T020000Z), with the
# days-from-civil algorithm of H. Hinnant in shell arithmetic: neither date(1) nor jq parses dates
# the same way in busybox, musl and GNU. Leading zeros are dropped (they would read as octal).
epoch_of_name() {
  set -- "$(printf '%s' "$1" | sed 's/^\(....\)\(..\)\(..\)T\(..\)\(..\)\(..\)Z$/\1 \2 \3 \4 \5 \6/')"
  # shellcheck disable=SC2086
  set -- $1
  year=$1 month=${2#0} day=${3#0} hour=${4#0} minute=${5#0} second=${6#0}
  if [ "$month" -le 2 ]; then year=$((year - 1)); shifted=$((month + 9)); else shifted=$((month - 3)); fi
  era=$((year / 400))
  yoe=$((year - era * 400))
  doy=$(((153 * shifted + 2) / 5 + day - 1))
  doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
  echo $(((era * 146097 + doe - 719468) * 86400 + hour * 3600 + minute * 60 + second))
}

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=''
  fi
}

on_exit() {
  status=$?
  trap - EXIT
  stop_server
  if [ -n "$store" ]; then rm -rf "$store"; fi
  if [ -n "$scratch" ]; then rm -rf "$scratch"; fi
  if [ "$status" -ne 0 ] && [ -z "$failures" ]; then add_failure "the drill stopped unexpectedly (exit $status)"; fi
  report || printf '{"drill":"failed","failures":["could not write the report"]}\n'
  if [ -n "$failures" ]; then
    log "drill FAILED: $(printf '%s' "$failures" | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
    exit 1
  fi
  log "drill passed: backup $backup restored in ${rto}s, $streams streams, $messages messages, $consumers consumers as recorded"
  exit 0
}
trap on_exit EXIT
# A deadline kill sends TERM: stop the restore and the server, report what was done.
trap 'add_failure "stopped by a signal before the drill ended (the Job deadline, activeDeadline, may be too short)"; on_signal 143' TERM
trap 'add_failure "stopped by a signal before the drill ended"; on_signal 130' INT
trap 'add_failure "stopped by a signal before the drill ended"; on_signal 129' HUP

# Bounds that keep the shell's arithmetic exact.
check_count MAX_BACKUP_AGE_SECONDS "$MAX_BACKUP_AGE_SECONDS" 3153600000
check_count STORE_LIMIT_KIB "$STORE_LIMIT_KIB" 1099511627776
check_count DRILL_PORT "$DRILL_PORT" 65535
check_count SERVER_START_SECONDS "$SERVER_START_SECONDS" 3600
[ -x "$NATS_SERVER_BIN" ] || fail "NATS_SERVER_BIN $NATS_SERVER_BIN is not an executable file"
if [ -L "$DRILL_DIR" ] || [ ! -d "$DRILL_DIR" ] || [ ! -w "$DRILL_DIR" ]; then
  fail "DRILL_DIR $DRILL_DIR is not a writable directory (symlinks are refused)"
fi
check_backup_root

# The drill talks to its own server only: no credentials, no context, no other URL reaches natscli
# or the restore script, whatever the environment holds.
unset NATS_CREDS NATS_NKEY NATS_USER NATS_PASSWORD NATS_TOKEN NATS_CA NATS_CERT NATS_KEY NATS_JWT NATS_SEED \
  NATS_CONTEXT NATS_USER_FILE NATS_PASSWORD_FILE NATS_TOKEN_FILE
NATS_URL=nats://127.0.0.1:$DRILL_PORT
export NATS_URL

log "step 1/6: the newest complete backup under $BACKUP_ROOT"
dir=$(list_complete_backups "$BACKUP_ROOT" | head -n 1)
[ -n "$dir" ] || fail "no complete backup under $BACKUP_ROOT: no backup has succeeded yet, or the claim is not the backup's"
backup=$(basename "$dir")
# The name is the run's UTC start time (is_backup_name checked its shape).
started_at=$(printf '%s' "$backup" | sed 's/^\(....\)\(..\)\(..\)T\(..\)\(..\)\(..\)Z$/\1-\2-\3T\4:\5:\6Z/')
started=$(epoch_of_name "$backup")
age=$(($(date -u +%s) - started))
log "step 1/6: backup $backup started $started_at, ${age}s ago (at most ${MAX_BACKUP_AGE_SECONDS}s allowed)"
if [ "$age" -gt "$MAX_BACKUP_AGE_SECONDS" ]; then
  add_failure "stale: the newest complete backup, $backup, is ${age}s old; the backup schedule allows ${MAX_BACKUP_AGE_SECONDS}s: backups stopped or fail"
  log "ERROR: backup $backup is ${age}s old, more than the ${MAX_BACKUP_AGE_SECONDS}s the backup schedule allows; the drill goes on with it"
fi

log "step 2/6: checksums and records of $backup"
verify_backup "$dir"
scratch=$(mktemp -d) || fail "could not create a scratch directory"
names_of "$dir/streams.json" "$scratch/streams" "the stream list of backup $backup"
total_consumers=0
while IFS= read -r stream <&3; do
  src="$dir/streams/$stream"
  for file in stream-info.json config.json consumers.json; do
    [ -f "$src/$file" ] || fail "backup $backup lists stream $stream but has no streams/$stream/$file"
  done
  names_of "$src/consumers.json" "$scratch/consumers" "the consumer list of $stream"
  while IFS= read -r consumer <&4; do
    [ -f "$src/consumers/$consumer.json" ] || fail "backup $backup lists consumer $consumer of stream $stream but has no streams/$stream/consumers/$consumer.json"
    total_consumers=$((total_consumers + 1))
  done 4< "$scratch/consumers"
done 3< "$scratch/streams"
recorded=$(jq -r '[.name, .streams, .consumers] | map(tostring) | join(" ")' "$dir/backup.json") || fail "backup.json of $backup is not JSON"
expected="$backup $(grep -c '' "$scratch/streams") $total_consumers"
[ "$recorded" = "$expected" ] || fail "backup.json of $backup records name, streams and consumers as '$recorded'; its lists hold '$expected'"
# Completeness against the server's own list at backup time, not only against the backup's record
# of itself: a backup that lacks a stream the meta layer listed restores without it.
if [ -f "$dir/server/stream-names.json" ]; then
  lacking=$(jq -r -n --slurpfile listed "$dir/server/stream-names.json" --slurpfile held "$dir/streams.json" \
    --slurpfile summary "$dir/backup.json" \
    '($listed[0] // []) - ($held[0] // []) - ($summary[0].vanished // []) | join(" ")') \
    || fail "server/stream-names.json of $backup is not a JSON list"
  [ -z "$lacking" ] || fail "backup $backup lacks streams the server listed when it ran: $lacking (a backup made while they could not be captured must not be complete)"
else
  log "WARNING: backup $backup has no server/stream-names.json (made before backups recorded the server's stream list): compared with its own records only"
fi

# Room: each stream's data as the server holds it, plus the largest snapshot, which the server
# stages in its store while it unpacks it. An estimate: the emptyDir's limit is enforced by the
# kubelet, which evicts the pod rather than refusing a write, so a restore that might not fit is
# refused here, before it starts. The streams' max_bytes are reserved when they are created.
stream_bytes=0
largest_kib=0
reserved=0
reserved_memory=0
while IFS= read -r stream <&3; do
  src="$dir/streams/$stream"
  sizes=$(jq -r '[.state.bytes // 0, (if .config.storage == "memory" then 0 else [.config.max_bytes // 0, 0] | max end),
    (if .config.storage == "memory" then [.config.max_bytes // 0, 0] | max else 0 end)] | map(tostring) | join(" ")' "$src/stream-info.json") \
    || fail "stream-info.json of $stream in $backup is not JSON"
  # three numbers, split on blanks (set -f: never globbed)
  # shellcheck disable=SC2086
  set -- $sizes
  stream_bytes=$((stream_bytes + $1))
  reserved=$((reserved + $2))
  reserved_memory=$((reserved_memory + $3))
  if [ -f "$src/data/stream.tar.s2" ]; then
    kib=$(size_kib "$src/data/stream.tar.s2")
    if [ "$kib" -gt "$largest_kib" ]; then largest_kib=$kib; fi
  fi
done 3< "$scratch/streams"
streams_kib=$(((stream_bytes + 1023) / 1024))
needed_kib=$((streams_kib + streams_kib / 10 + largest_kib + 4096))
free=$(free_kib "$DRILL_DIR")
room=$STORE_LIMIT_KIB
if [ "$free" -lt "$room" ]; then room=$free; fi
log "step 3/6: room: the streams hold ${streams_kib} KiB, the largest snapshot takes ${largest_kib} KiB; about ${needed_kib} KiB needed, ${room} KiB available in $DRILL_DIR"
if [ "$needed_kib" -gt "$room" ]; then
  fail "not enough room to restore $backup: about ${needed_kib} KiB needed (streams ${streams_kib} KiB, largest snapshot ${largest_kib} KiB, 10 % and 4 MiB to spare), ${room} KiB available in $DRILL_DIR (storeSize ${STORE_LIMIT_KIB} KiB): raise storeSize"
fi

log "step 4/6: throwaway JetStream server on 127.0.0.1:$DRILL_PORT, storage in $DRILL_DIR"
store=$(mktemp -d "$DRILL_DIR/drill.XXXXXX") || fail "could not create a directory in $DRILL_DIR"
# max_file_store and max_memory_store cover the streams' max_bytes reservations on top of the
# room (a stream whose reservation does not fit is refused); the check above keeps the real use
# within the room.
cat > "$store/server.conf" <<EOF
# Throwaway server of the restore drill: loopback only, no cluster, no leaf nodes, no gateways,
# no monitoring port: nothing outside this pod can connect, and it connects to nothing.
server_name: "restore-drill"
listen: "127.0.0.1:$DRILL_PORT"
log_file: "$store/server.log"
jetstream {
  store_dir: "$store/jetstream"
  max_file_store: $((STORE_LIMIT_KIB * 1024 + reserved))
  max_memory_store: $((67108864 + reserved_memory))
}
EOF
"$NATS_SERVER_BIN" -c "$store/server.conf" > /dev/null 2>&1 &
server_pid=$!
waited=0
until grep -q 'Server is ready' "$store/server.log" 2>/dev/null; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    server_pid=''
    sed 's/^/  nats-server: /' "$store/server.log" >&2 2>/dev/null || true
    fail "the throwaway nats-server ($NATS_SERVER_BIN) stopped before it was ready"
  fi
  [ "$waited" -lt "$SERVER_START_SECONDS" ] || fail "the throwaway nats-server was not ready within ${SERVER_START_SECONDS}s"
  run_to /dev/null '' sleep 1
  waited=$((waited + 1))
done

log "step 5/6: restoring $backup with nats-restore.sh"
# This backup by name (a backup completing meanwhile changes nothing), every stream, nothing to
# overwrite, one replica each: the throwaway server is a single server.
BACKUP_NAME=$backup
ON_EXISTING=fail
STREAMS=''
REPLICAS=1
export BACKUP_ROOT BACKUP_NAME ON_EXISTING STREAMS REPLICAS
restore_started=$(date -u +%s)
# RESTORE_SHELL may name a shell with its arguments (busybox sh): split on blanks, never globbed.
# shellcheck disable=SC2086
if run_to "$scratch/restore.json" "$scratch/restore.log" $RESTORE_SHELL "$scripts/nats-restore.sh"; then
  rto=$(($(date -u +%s) - restore_started))
  cat "$scratch/restore.log" >&2
else
  status=$?
  cat "$scratch/restore.log" >&2
  reason=$(sed -n 's/^[^ ]* nats-restore: ERROR: //p' "$scratch/restore.log" | tail -n 1)
  used=$(size_kib "$store")
  if [ "$(free_kib "$store")" -lt 1024 ] || [ "$((used * 100))" -ge "$((STORE_LIMIT_KIB * 95))" ]; then
    fail "the restore ran out of room: ${used} KiB written to $DRILL_DIR, storeSize is ${STORE_LIMIT_KIB} KiB: raise storeSize (the restore said: ${reason:-exit $status})"
  fi
  fail "the restore failed (exit $status): ${reason:-see its log above}"
fi
restored=$(jq -r '.restored' "$scratch/restore.json") || fail "the restore printed no summary"
[ "$restored" = "$(grep -c '' "$scratch/streams")" ] || fail "the restore restored $restored streams; backup $backup holds $(grep -c '' "$scratch/streams")"

log "step 6/6: comparing the restored server with the records of $backup"
now=$(date -u +%s)
while IFS= read -r stream <&3; do
  src="$dir/streams/$stream"
  if ! run_to "$scratch/info.json" "$scratch/error" nats stream info "$stream" --json; then
    mismatch "stream $stream: missing after the restore"
    continue
  fi
  streams=$((streams + 1))
  if [ -f "$src/data/backup.json" ]; then snapshot=$src/data/backup.json; else snapshot=''; fi
  # Compares one stream with its records; prints one mismatch per line, then its counts.
  jq -r -n --slurpfile info "$src/stream-info.json" --slurpfile restored "$scratch/info.json" \
    --slurpfile snapshot "${snapshot:-/dev/null}" --arg name "$stream" --argjson now "$now" '
    $info[0] as $recorded | $restored[0].state as $r | ($snapshot[0].state // null) as $s
    | ($recorded.config.max_age // 0) as $maxAge
    # messages older than max_age at the time of the check are gone, and rightly so (timestamps
    # compared as UTC text to the second: todate formats, nothing parses)
    | ($s != null and $maxAge > 0 and ($s.messages // 0) > 0
       and (($s.first_ts // "") | sub("\\.[0-9]+Z$"; "Z")) < (($now - ($maxAge / 1000000000 | floor)) | todate)) as $expiring
    | ($r.messages // 0) as $messages
    | [
        if $s == null then empty else
          # a snapshot may hold messages written while it was taken, never fewer than it recorded
          (($r.last_seq // 0) - ($s.last_seq // 0)) as $appended
          | if $appended < 0 then "stream \($name): last sequence \($r.last_seq // 0), the snapshot recorded \($s.last_seq // 0)" else empty end,
            if $expiring then
              (if $messages > ($s.messages // 0) + ([$appended, 0] | max) then "stream \($name): \($messages) messages, more than the snapshot recorded (\($s.messages // 0))" else empty end)
            else
              (if $messages < ($s.messages // 0) then "stream \($name): \($messages) messages, the snapshot recorded \($s.messages // 0)"
               elif $messages > ($s.messages // 0) + ([$appended, 0] | max) then "stream \($name): \($messages) messages, more than the snapshot recorded (\($s.messages // 0)) and written while it was taken"
               else empty end),
              (if ($r.first_seq // 0) != ($s.first_seq // 0) then "stream \($name): first sequence \($r.first_seq // 0), the snapshot recorded \($s.first_seq // 0)" else empty end)
            end,
            if ($r.last_seq // 0) < ($recorded.state.last_seq // 0) then "stream \($name): last sequence \($r.last_seq // 0), stream-info.json recorded \($recorded.state.last_seq // 0)" else empty end,
            # keys and objects: compared when nothing was written between the record and the snapshot
            if ($name | test("^(KV|OBJ)_")) and ($r.last_seq // 0) == ($recorded.state.last_seq // 0) and ($expiring | not)
               and ($r.num_subjects // 0) != ($recorded.state.num_subjects // 0) then
              if ($name | startswith("KV_")) then "KV bucket \($name | ltrimstr("KV_")): \($r.num_subjects // 0) keys, the backup recorded \($recorded.state.num_subjects // 0)"
              else "object store \($name | ltrimstr("OBJ_")): \($r.num_subjects // 0) subjects, the backup recorded \($recorded.state.num_subjects // 0)" end
            else empty end
        end
      ] as $problems
    | ($problems[] | "MISMATCH \(.)"),
      "COUNTS \($messages) \($r.num_subjects // 0) \(if $s == null then "configuration" elif $expiring then "expiring" else "snapshot" end)"
    ' > "$scratch/compared" || fail "could not compare stream $stream with its records"
  while IFS= read -r line <&4; do
    case $line in
      'MISMATCH '*) mismatch "${line#MISMATCH }" ;;
      'COUNTS '*)
        # shellcheck disable=SC2086
        set -- ${line#COUNTS }
        messages=$((messages + $1))
        how=$3
        case $stream in
          KV_*) kv_buckets=$((kv_buckets + 1)); kv_keys=$((kv_keys + $2)) ;;
          OBJ_*)
            object_stores=$((object_stores + 1))
            # the store's objects are its metadata subjects, $O.<store>.M.<encoded name>
            run_to "$scratch/subjects.json" '' nats stream subjects "$stream" "\$O.${stream#OBJ_}.M.>" --json \
              || fail "nats stream subjects $stream failed"
            objects=$((objects + $(jq 'length' "$scratch/subjects.json"))) ;;
        esac ;;
    esac
  done 4< "$scratch/compared"
  case $how in
    configuration) log "step 6/6: stream $stream: present; the backup holds its configuration only (memory storage, or messages left out)" ;;
    expiring) log "step 6/6: stream $stream: messages older than its max_age were removed by the server after the restore, as they would be in production" ;;
  esac

  run_to "$scratch/restored-consumers.out" '' nats consumer ls "$stream" --json || fail "nats consumer ls $stream failed"
  names_of "$scratch/restored-consumers.out" "$scratch/restored-consumers" "the restored consumers of $stream"
  names_of "$src/consumers.json" "$scratch/consumers" "the consumer list of $stream"
  while IFS= read -r consumer <&4; do
    if ! in_list "$consumer" "$scratch/restored-consumers"; then
      mismatch "stream $stream: consumer $consumer missing after the restore"
      continue
    fi
    consumers=$((consumers + 1))
    # Only a snapshot carries a consumer's state; a consumer of a configuration-only stream starts over.
    [ "$how" != configuration ] || continue
    run_to "$scratch/consumer.json" '' nats consumer info "$stream" "$consumer" --json || fail "nats consumer info $stream $consumer failed"
    floor=$(jq -n -r --slurpfile r "$scratch/consumer.json" --slurpfile b "$src/consumers/$consumer.json" \
      'if ($r[0].ack_floor.stream_seq // 0) < ($b[0].ack_floor.stream_seq // 0) then "\($r[0].ack_floor.stream_seq // 0) \($b[0].ack_floor.stream_seq // 0)" else "" end') \
      || fail "could not compare consumer $consumer of $stream with its record"
    if [ -n "$floor" ]; then
      # shellcheck disable=SC2086
      set -- $floor
      mismatch "stream $stream: consumer $consumer acknowledged up to sequence $1, the backup recorded $2: its state was not restored"
    fi
  done 4< "$scratch/consumers"
done 3< "$scratch/streams"
stop_server
