/**
 * Textual mutations of the shipped shell and k6 assets, which Stryker (src/ only) does not
 * mutate. Each one breaks a promise the README or the specification makes, and the tests named in
 * `killedBy` must fail on it: scripts/asset-mutations.ts applies them one at a time to a copy of
 * the repository and runs those tests (`npm run mutation:assets`); test/asset-mutations.test.ts
 * keeps the list from rotting (every `find` occurs exactly once, every test name exists).
 */

export interface AssetMutationTest {
  /** The test file, relative to the repository root. */
  readonly file: string;
  /** A jest `-t` pattern: a fragment of the test's title (describe and test) as written in the file. */
  readonly name: string;
}

export interface AssetMutation {
  /** kebab-case, unique */
  readonly id: string;
  /** The mutated file, relative to the repository root. */
  readonly file: string;
  /** Exact text that occurs exactly once in the file. */
  readonly find: string;
  readonly replace: string;
  /** The promise the mutation breaks. */
  readonly why: string;
  /** Tests of which at least one must fail on the mutant. */
  readonly killedBy: readonly AssetMutationTest[];
}

const BACKUP_SCRIPTS = 'test/nats-backup-scripts.test.ts';
const BACKUP_SAFETY = 'test/nats-backup-safety.test.ts';
const DRILL = 'test/nats-restore-drill-script.test.ts';
const CLUSTER = 'test/nats-cluster-backup.test.ts';
const CLUSTER_SNAPSHOT = 'test/nats-cluster-snapshot.test.ts';
const CHAOS = 'test/chaos-scripts.test.ts';
const AVAILABILITY = 'test/chaos-availability-scripts.test.ts';
/** The api-kill test whose decoys (a bare pod, a canary Deployment's pod) share the target's labels. */
const LABEL_DECOYS = { file: CHAOS, name: 'pods that only share the target\'s labels, a bare pod or a canary Deployment\'s, listed first and ready, are neither the victim nor counted' };
const SOAK_SCRIPT = 'test/soak-script.test.ts';
const SOAK_SUMMARY = 'test/soak-summary.test.ts';
const SOAK_JOB = 'test/soak-job.test.ts';

export const ASSET_MUTATIONS: readonly AssetMutation[] = [
  // nats-backup.sh
  {
    id: 'retention-boundary',
    file: 'assets/nats-backup/nats-backup.sh',
    find: '[ "$(stat -c %Y "$backup")" -lt "$cutoff" ]',
    replace: '[ "$(stat -c %Y "$backup")" -le "$cutoff" ]',
    why: 'a backup exactly RETENTION_DAYS old is kept',
    killedBy: [{ file: BACKUP_SAFETY, name: 'a backup exactly RETENTION_DAYS old is kept' }],
  },
  {
    id: 'retention-keep-min',
    file: 'assets/nats-backup/nats-backup.sh',
    find: '[ "$position" -gt "$KEEP_MIN" ]',
    replace: '[ "$position" -ge "$KEEP_MIN" ]',
    why: 'the newest KEEP_MIN backups survive retention',
    killedBy: [{ file: BACKUP_SAFETY, name: 'the newest KEEP_MIN survive even when every backup is past retention' }],
  },
  {
    id: 'backup-term-trap',
    file: 'assets/nats-backup/nats-backup.sh',
    find: "trap 'on_signal 143' TERM",
    replace: 'trap - TERM',
    why: 'a deadline kill (TERM) stops natscli and leaves no partial directory',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'TERM mid-snapshot stops natscli at once and removes the partial directory' }],
  },
  {
    id: 'backup-partial-directory-kept',
    file: 'assets/nats-backup/nats-backup.sh',
    find: 'if [ -n "$work" ] && [ -d "$work" ]; then rm -rf "$work"; fi',
    replace: ':',
    why: 'a failed run leaves nothing under the backup root',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'a snapshot that stalls twice' }],
  },
  {
    id: 'stream-ls-without-names',
    file: 'assets/nats-backup/nats-backup.sh',
    find: 'run_child nats stream ls --names --json > "$scratch/streams.out"',
    replace: 'run_child nats stream ls --json > "$scratch/streams.out"',
    why: 'the stream list comes from the meta layer: KV buckets and object stores, and streams whose leader does not answer',
    killedBy: [
      { file: BACKUP_SCRIPTS, name: 'KV buckets and object stores are backed up' },
      { file: CLUSTER, name: 'the node holding the R1 stream is' },
    ],
  },
  {
    id: 'uncaptured-streams-ignored',
    file: 'assets/nats-backup/nats-backup.sh',
    find: 'if [ "$uncaptured_count" -gt 0 ]; then',
    replace: 'if false; then',
    why: 'a listed stream that cannot be captured fails the run: no complete backup lacks it',
    killedBy: [
      { file: BACKUP_SCRIPTS, name: 'a stream info that fails for a stream still listed' },
      { file: CLUSTER, name: 'the node holding the R1 stream is' },
    ],
  },
  {
    id: 'snapshot-not-retried',
    file: 'assets/nats-backup/nats-backup.sh',
    find: '[ "$attempt" -eq 1 ] || return 1',
    replace: 'return 1',
    why: 'a snapshot that fails is taken again once (a stream whose leader moved answers from its new one)',
    killedBy: [
      { file: BACKUP_SCRIPTS, name: 'a snapshot that stalls once is taken again' },
      { file: CLUSTER_SNAPSHOT, name: 'a stream leader dies in the middle of its snapshot' },
    ],
  },
  // Not listed: leaving a stalled attempt's files before the retry (`rm -rf "$2"`). natscli 0.4.0
  // snapshots with jsm.go v0.4.1 SnapshotToDirectory (snapshots.go: MkdirAll, then os.Create of
  // backup.json and stream.tar.s2), so the second attempt truncates both files and no test can
  // tell the two apart; the removal stays for a natscli that would write into the directory otherwise.
  {
    id: 'ephemeral-consumer-kept',
    file: 'assets/nats-backup/nats-backup.sh',
    find: 'if [ "$(jq -r \'.config.durable_name // ""\' "$file")" = "" ]; then',
    replace: 'if false; then',
    why: 'an ephemeral consumer is left out of the backup (it dies with its connection)',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'an ephemeral consumer is left out of the configurations' }],
  },
  // nats-backup-lib.sh
  {
    id: 'checksums-in-foreground',
    file: 'assets/nats-backup/nats-backup-lib.sh',
    find: '(cd "$1" && exec sha256sum -c SHA256SUMS >/dev/null 2>&1) &\n  child=$!\n  if ! wait_child; then',
    replace: 'if ! (cd "$1" && exec sha256sum -c SHA256SUMS >/dev/null 2>&1); then',
    why: 'a TERM during the checksum verification of a restore ends it at once (in the foreground, PID 1 would hold it until the kubelet\'s SIGKILL)',
    killedBy: [{ file: 'test/pid1-nats-jobs.test.ts', name: 'restore stopped while it verifies the checksums' }],
  },
  {
    id: 'retention-deletes-in-place',
    file: 'assets/nats-backup/nats-backup.sh',
    find: '    mv -T "$backup" "$gone" || fail "could not rename $backup to $gone for its deletion"\n    run_child rm -rf "$gone"',
    replace: '    run_child rm -rf "$backup"',
    why: 'a deletion cut short never leaves a half-deleted directory under a backup name',
    killedBy: [{ file: 'test/pid1-nats-jobs.test.ts', name: 'backup stopped while retention deletes an expired backup' }],
  },
  {
    id: 'null-list-iterated',
    file: 'assets/nats-backup/nats-backup-lib.sh',
    find: "jq -r '(. // [])[]' \"$1\"",
    replace: "jq -r '.[]' \"$1\"",
    why: 'natscli prints null for an empty list: an empty list, not an error',
    killedBy: [
      { file: BACKUP_SCRIPTS, name: 'a server without streams: a complete, empty backup' },
      { file: BACKUP_SCRIPTS, name: 'a stream without consumers' },
    ],
  },
  {
    id: 'null-list-refused',
    file: 'assets/nats-backup/nats-backup-lib.sh',
    find: 'if . == null then empty elif',
    replace: 'if false then empty elif',
    why: 'natscli prints null for an empty list: an empty list, not a malformed one',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'a server without streams: a complete, empty backup' }],
  },
  {
    id: 'checksums-not-verified',
    file: 'assets/nats-backup/nats-backup-lib.sh',
    find: '  if ! wait_child; then',
    replace: '  if ! wait_child && false; then',
    why: 'a backup whose checksums do not match is refused before anything reads it',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'refuses a backup whose checksums do not match, before any natscli call' }],
  },
  {
    id: 'file-list-not-compared',
    file: 'assets/nats-backup/nats-backup-lib.sh',
    find: 'if [ "$listed" != "$present" ]; then',
    replace: 'if false; then',
    why: 'a backup with a file added or missing is refused before anything reads it',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'refuses a backup with a file added, or one missing, before any natscli call' }],
  },
  // nats-restore.sh
  {
    id: 'restore-not-verified',
    file: 'assets/nats-backup/nats-restore.sh',
    find: 'verify_backup "$dir"\n',
    replace: '',
    why: 'the restore verifies the checksums before any natscli call',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'refuses a backup whose checksums do not match, before any natscli call' }],
  },
  {
    id: 'restore-existing-only-last',
    file: 'assets/nats-backup/nats-restore.sh',
    find: 'if in_list "$stream" "$scratch/on-server"; then existing="$existing $stream"; fi',
    replace: 'if in_list "$stream" "$scratch/on-server"; then existing="$existing $stream"; else existing=\'\'; fi',
    why: 'the restore refuses when any one of several streams already exists, not only the last',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'refuses when one of several streams exists, before changing anything' }],
  },
  {
    id: 'restore-existing-not-refused',
    file: 'assets/nats-backup/nats-restore.sh',
    find: 'if [ -n "$existing" ] && [ "$ON_EXISTING" = "fail" ]; then',
    replace: 'if false; then',
    why: 'ON_EXISTING=fail (the default) changes nothing when a stream exists',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'refuses when one of several streams exists, before changing anything' }],
  },
  {
    id: 'restore-names-from-plain-list',
    file: 'assets/nats-backup/nats-restore.sh',
    find: 'run_child nats stream ls --names --json > "$scratch/server.out"',
    replace: 'run_child nats stream ls --all --json > "$scratch/server.out"',
    why: 'the existence check sees a stream whose leader does not answer (the plain list drops it)',
    killedBy: [{ file: CLUSTER_SNAPSHOT, name: 'ON_EXISTING=fail: the names list shows the leaderless stream' }],
  },
  {
    id: 'restore-replaces-silent-streams',
    file: 'assets/nats-backup/nats-restore.sh',
    find: '  if [ -n "$silent" ]; then',
    replace: '  if false; then',
    why: 'a stream to replace that does not answer stops the restore before any stream is deleted',
    killedBy: [{ file: CLUSTER_SNAPSHOT, name: 'ON_EXISTING=replace: a stream to replace that does not answer' }],
  },
  {
    id: 'not-after-exclusive',
    file: 'assets/nats-backup/nats-restore.sh',
    find: '(hi == "" || $0 <= hi)',
    replace: '(hi == "" || $0 < hi)',
    why: 'BACKUP_NOT_AFTER selects the newest backup started at or before the bound, the bound included',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'the newest backup at or before a time, or on a day' }],
  },
  {
    id: 'not-before-exclusive',
    file: 'assets/nats-backup/nats-restore.sh',
    find: '(lo == "" || $0 >= lo)',
    replace: '(lo == "" || $0 > lo)',
    why: 'BACKUP_NOT_BEFORE selects a backup started at or after the bound, the bound included',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'the newest backup at or before a time, or on a day' }],
  },
  {
    id: 'not-after-oldest',
    file: 'assets/nats-backup/nats-restore.sh',
    find: "list_complete_backups \"$1\" | sed 's|.*/||' | LC_ALL=C sort -r",
    replace: "list_complete_backups \"$1\" | sed 's|.*/||' | LC_ALL=C sort",
    why: 'the newest backup at or before a time is restored, not the oldest',
    killedBy: [{ file: BACKUP_SCRIPTS, name: 'the newest backup at or before a time, or on a day' }],
  },
  // nats-restore-drill.sh
  {
    id: 'drill-ignores-listed-streams',
    file: 'assets/nats-backup/nats-restore-drill.sh',
    find: '[ -z "$lacking" ] || fail',
    replace: 'true || fail',
    why: 'a backup that lacks a stream the server listed when it ran fails the drill',
    killedBy: [{ file: DRILL, name: 'a backup that lacks a stream the server listed when it ran fails the drill' }],
  },
  {
    id: 'drill-verdict-always-passed',
    file: 'assets/nats-backup/nats-restore-drill.sh',
    find: 'if [ -n "$failures" ]; then result=failed; else result=passed; fi',
    replace: 'result=passed',
    why: 'the drill reports failed in its JSON line when anything failed',
    killedBy: [{ file: DRILL, name: 'a tampered checksum fails before any server starts, the reason in the JSON line' }],
  },
  {
    id: 'drill-exit-0-on-failure',
    file: 'assets/nats-backup/nats-restore-drill.sh',
    find: '    exit 1\n  fi\n  log "drill passed',
    replace: '    exit 0\n  fi\n  log "drill passed',
    why: 'a failed drill exits 1 (the Job fails)',
    killedBy: [{ file: DRILL, name: 'a tampered checksum fails before any server starts, the reason in the JSON line' }],
  },
  {
    id: 'drill-stale-ignored',
    file: 'assets/nats-backup/nats-restore-drill.sh',
    find: 'if [ "$age" -gt "$MAX_BACKUP_AGE_SECONDS" ]; then',
    replace: 'if false; then',
    why: 'a newest backup older than the schedule allows fails the drill',
    killedBy: [{ file: DRILL, name: 'a stale newest backup fails with its age and the allowed age' }],
  },
  // chaos-lib.sh
  {
    id: 'chaos-pods-by-label-only',
    file: 'assets/chaos/chaos-lib.sh',
    find: '| select($hash != "" and any(.metadata.ownerReferences[]?;',
    replace: '| select(true or any(.metadata.ownerReferences[]?;',
    why: 'a bare pod that copies the target\'s labels is neither the api-kill victim nor counted, nor evicted by drain',
    killedBy: [
      LABEL_DECOYS,
      { file: AVAILABILITY, name: 'a bare pod that copies the target\'s labels, listed first, is never evicted nor counted' },
    ],
  },
  {
    id: 'chaos-pods-of-any-replicaset',
    file: 'assets/chaos/chaos-lib.sh',
    find: 'and .name == "\\($deployment)-\\($hash)"))]}',
    replace: '))]}',
    why: 'only pods of the target Deployment\'s own ReplicaSets count, not a canary Deployment\'s that shares its labels',
    killedBy: [LABEL_DECOYS],
  },
  {
    id: 'chaos-sleep-in-foreground',
    file: 'assets/chaos/chaos-lib.sh',
    find: '  sleep "$1" &\n  PAUSE_PID=$!\n  wait "$PAUSE_PID" || true',
    replace: '  sleep "$1"',
    why: 'a TERM during a poll interval ends the run at once, its partition undone and its access removed',
    killedBy: [{ file: 'test/pid1-chaos-soak-jobs.test.ts', name: 'ends at once, cleanup done, ABORTED' }],
  },
  {
    id: 'chaos-result-in-redirection',
    file: 'assets/chaos/chaos-lib.sh',
    find: "{cleanup: $cleanup}' >&9",
    replace: "{cleanup: $cleanup}'",
    why: 'the result line reaches the log even when the TERM lands inside a redirected function call (bash)',
    killedBy: [{ file: 'test/pid1-chaos-soak-jobs.test.ts', name: 'ends at once, cleanup done, ABORTED' }],
  },
  {
    id: 'health-any-status',
    file: 'assets/chaos/chaos-lib.sh',
    find: '  case "$(http_status "$HEALTH_URL")" in\n    2??) return 0 ;;',
    replace: '  case "$(http_status "$HEALTH_URL")" in\n    [1-9]??) return 0 ;;',
    why: 'only a 2xx answer is healthy (a 503 is not)',
    killedBy: [{ file: CHAOS, name: 'is not healthy: NOT_RUN, exit 3, nothing deleted' }],
  },
  {
    id: 'streak-not-reset',
    file: 'assets/chaos/chaos-lib.sh',
    find: '      streak=0\n    fi',
    replace: '      :\n    fi',
    why: 'recovery needs N healthy answers in a row: a failed one starts the count again',
    killedBy: [{ file: CHAOS, name: 'a failed answer starts the streak again' }],
  },
  {
    id: 'streak-start-moves',
    file: 'assets/chaos/chaos-lib.sh',
    find: '[ "$streak" -gt 0 ] || streak_start=$t',
    replace: 'streak_start=$t',
    why: 'recovery is counted from the first of the N healthy answers',
    killedBy: [{ file: CHAOS, name: 'the health URL must answer N times in a row, counted from the first of them' }],
  },
  {
    id: 'int-trap-dropped',
    file: 'assets/chaos/chaos-lib.sh',
    find: "trap 'exit 130' INT",
    replace: 'trap - INT',
    why: 'an INT removes the partition and the access, then reports ABORTED',
    killedBy: [{ file: CHAOS, name: 'during the hold: exit' }],
  },
  {
    id: 'hup-trap-dropped',
    file: 'assets/chaos/chaos-lib.sh',
    find: "trap 'exit 129' HUP",
    replace: 'trap - HUP',
    why: 'a HUP removes the partition and the access, then reports ABORTED',
    killedBy: [{ file: CHAOS, name: 'during the hold: exit' }],
  },
  {
    id: 'policy-not-restored',
    file: 'assets/chaos/chaos-lib.sh',
    find: '  on_cleanup restore_policy\n',
    replace: '',
    why: 'the switched NetworkPolicy is restored on every exit path',
    killedBy: [{ file: CHAOS, name: 'an error during the hold: ERROR, exit 6, the policy restored and the access removed' }],
  },
  {
    id: 'access-not-revoked',
    file: 'assets/chaos/chaos-lib.sh',
    find: '  done\n  revoke_access\n}',
    replace: '  done\n}',
    why: 'the Job\'s RoleBinding is deleted when the run is over',
    killedBy: [{ file: CHAOS, name: 'recovery within the SLA: PASS, exit 0, access revoked' }],
  },
  // nats-kill.sh, network-block.sh, rollout.sh
  {
    id: 'nats-kill-unhealthy-exit',
    file: 'assets/chaos/nats-kill.sh',
    find: 'report NOT_RUN 3 "statefulset $NATS_STATEFULSET is not healthy before injection',
    replace: 'report NOT_RUN 0 "statefulset $NATS_STATEFULSET is not healthy before injection',
    why: 'an unhealthy target is NOT_RUN: exit 3, nothing injected',
    killedBy: [{ file: CHAOS, name: 'an unready server before the injection: NOT_RUN, exit 3, nothing deleted' }],
  },
  {
    id: 'nats-kill-health-unchecked',
    file: 'assets/chaos/nats-kill.sh',
    find: 'if [ "$ready" -lt "$replicas" ] || ! servers_healthy "$pods"; then',
    replace: 'if [ "$ready" -lt "$replicas" ]; then',
    why: 'a NATS cluster without a meta leader is not killed',
    killedBy: [{ file: CHAOS, name: 'a cluster without a meta leader before the injection: NOT_RUN, exit 3, nothing deleted' }],
  },
  {
    id: 'network-block-effect-assumed',
    file: 'assets/chaos/network-block.sh',
    find: 'if [ -n "$HEALTH_URL" ] && ! health_ok; then effect_seen=true; fi',
    replace: 'effect_seen=true',
    why: 'a partition with no visible effect is INCONCLUSIVE (exit 4), not a recovery',
    killedBy: [{ file: CHAOS, name: 'INCONCLUSIVE, exit 4, the policy restored' }],
  },
  {
    id: 'rollout-failed-probes-ignored',
    file: 'assets/chaos/rollout.sh',
    find: 'if [ "$PROBES_FAILED" -gt 0 ]; then\n  report FAIL 1 "rolled out',
    replace: 'if false; then\n  report FAIL 1 "rolled out',
    why: 'a rollout with a failed probe is FAIL (exit 1): zero downtime means every probe answered',
    killedBy: [{ file: AVAILABILITY, name: 'a probe that fails during the rollout: FAIL, exit 1, with the first failure' }],
  },
  // k6: soak.js, soak-summary.js, run-soak.sh, and the thresholds the script gets
  {
    id: 'soak-signal-not-forwarded',
    file: 'assets/k6/run-soak.sh',
    find: "trap 'forward TERM' TERM",
    replace: "trap '' TERM",
    why: 'the soak runner passes the kubelet\'s TERM on to k6, whose summary and verdict still come out',
    killedBy: [{ file: 'test/pid1-chaos-soak-jobs.test.ts', name: 'the TERM goes on to k6' }],
  },
  {
    id: 'breaker-header-name-case',
    file: 'assets/k6/soak.js',
    find: 'if (name.toLowerCase() !== breaker.header) continue;',
    replace: 'if (name !== breaker.header) continue;',
    why: 'the breaker header matches whatever its case on the wire (k6 canonicalises names)',
    killedBy: [{ file: SOAK_SCRIPT, name: 'by header, case-insensitive in name and value' }],
  },
  {
    id: 'breaker-header-value-case',
    file: 'assets/k6/soak.js',
    find: 'const value = String(res.headers[name]).toLowerCase();',
    replace: 'const value = String(res.headers[name]);',
    why: 'the breaker header value matches whatever its case',
    killedBy: [{ file: SOAK_SCRIPT, name: 'by header, case-insensitive in name and value' }],
  },
  {
    id: 'breaker-joined-values',
    file: 'assets/k6/soak.js',
    find: " || value.split(',').some((v) => v.trim() === breaker.headerValue)",
    replace: '',
    why: 'a repeated breaker header (joined with ", " by k6) matches on any of its values',
    killedBy: [{ file: SOAK_SCRIPT, name: 'by header, case-insensitive in name and value' }],
  },
  {
    id: 'weight-zero-picked',
    file: 'assets/k6/soak.js',
    find: 'if (ticket < 0) return endpoint;',
    replace: 'if (ticket <= 0) return endpoint;',
    why: 'an endpoint of weight 0 is never requested',
    killedBy: [{ file: SOAK_SCRIPT, name: 'an endpoint of weight 0 is never picked' }],
  },
  {
    id: 'bearer-prefix-dropped',
    file: 'assets/k6/soak.js',
    find: 'secretHeaders.Authorization = `Bearer ${',
    replace: 'secretHeaders.Authorization = `${',
    why: 'the token goes out as Authorization: Bearer <token>',
    killedBy: [{ file: SOAK_SCRIPT, name: 'sends the bearer token and the secret header on every request' }],
  },
  {
    id: 'leak-verdict-ignored',
    file: 'assets/k6/soak-summary.js',
    find: "verdict: reasons.length === 0 ? 'PASS' : 'FAIL',",
    replace: "verdict: 'PASS',",
    why: 'latency growth past the limit (a leak) makes the verdict FAIL',
    killedBy: [{ file: SOAK_SUMMARY, name: 'a leak fails on latency growth even though every k6 threshold passed' }],
  },
  {
    id: 'leak-exit-code',
    file: 'assets/k6/run-soak.sh',
    find: '  exit 90\n',
    replace: '  exit 0\n',
    why: 'thresholds passed but a stability verdict other than PASS exits 90',
    killedBy: [{ file: SOAK_JOB, name: 'k6 passed but the verdict is FAIL' }],
  },
  {
    id: 'k6-exit-code-lost',
    file: 'assets/k6/run-soak.sh',
    find: '  exit "$status"\n',
    replace: '  exit 1\n',
    why: 'k6\'s own exit code (99: a threshold failed) is the runner\'s',
    killedBy: [{ file: SOAK_JOB, name: 'a threshold failed' }],
  },
  {
    id: 'zero-threshold-strict',
    file: 'src/_soak-settings.ts',
    find: "'http_req_failed': [`rate<=${maxErrorRate}`],",
    replace: "'http_req_failed': [`rate<${maxErrorRate}`],",
    why: 'maxErrorRate 0 means none allowed (rate<=0), which a clean run passes; rate<0 fails every run',
    killedBy: [{ file: SOAK_JOB, name: '0 means none allowed' }],
  },
];

/** How often `find` occurs in `text` (non-overlapping). */
export function occurrences(text: string, find: string): number {
  return find === '' ? 0 : text.split(find).length - 1;
}

/** The mutated text; refuses a `find` that does not occur exactly once (the list must not rot). */
export function applyMutation(text: string, mutation: AssetMutation): string {
  const count = occurrences(text, mutation.find);
  if (count !== 1) {
    throw new Error(`mutation ${mutation.id}: its find text occurs ${count} times in ${mutation.file}, expected exactly once`);
  }
  const at = text.indexOf(mutation.find);
  return text.slice(0, at) + mutation.replace + text.slice(at + mutation.find.length);
}
