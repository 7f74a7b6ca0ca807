import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { StringCodec } from 'nats';
import { describeWith } from './support/binaries';
import { freezeWhenSnapshotFlows, NatsCluster, publishIncompressible, seedCluster } from './support/nats-cluster';
import { BACKUP_SCRIPT, RESTORE_SCRIPT, runNatsScript, startNatsScript } from './support/nats-scripts';

// A real three-node JetStream cluster of Debian trixie's nats-server 2.10 (the newest Debian
// offers; production runs 2.14, whose snapshot flow control also times out on the server side,
// after 5 s without acknowledgements: the client's own 5 s idle timer is what the scripts see in
// both) behind the natscli stand-in: a stream leader that dies in the middle of its snapshot, and
// restores into a cluster where a stream has no leader.

const NAME = /^\d{8}T\d{6}Z$/;
const sc = StringCodec();

describeWith(['nats-server-2.10', 'jq'], 'snapshots and restores in a degraded three-node JetStream cluster (nats-server 2.10)', () => {
  let cluster: NatsCluster;
  let work: string;
  let root: string;

  beforeEach(async () => {
    cluster = await NatsCluster.start({ binary: 'nats-server-2.10' });
    work = mkdtempSync(join(tmpdir(), 'nats-cluster-snapshot-'));
    root = join(work, 'backup');
    mkdirSync(root);
    await seedCluster(cluster);
  });

  afterEach(async () => {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const backup = (env: Record<string, string> = {}) => runNatsScript(BACKUP_SCRIPT, { NATS_URL: cluster.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off', ...env });
  const completeBackups = () => readdirSync(root).filter((n) => NAME.test(n));

  test('a stream leader dies in the middle of its snapshot: the snapshot is taken again from the new leader, and the backup holds every message', async () => {
    // 24 MiB that do not compress: more than the server sends before it waits for acknowledgements
    await publishIncompressible(cluster, 'orders.bulk', 24 * 1024 * 1024);
    await cluster.waitForStream('ORDERS');
    const { leader } = await cluster.placement('ORDERS');
    const run = startNatsScript(BACKUP_SCRIPT, { NATS_URL: cluster.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off', SNAPSHOT_RETRY_SECONDS: '3' });
    const sizeAtFreeze = await freezeWhenSnapshotFlows(root, 'ORDERS', () => cluster.signal(leader, 'SIGSTOP'));
    await cluster.killNode(leader);
    const result = await run.done;
    expect(result.stderr).toContain('step 4/6: stream ORDERS: the snapshot failed; trying once more in 3s');
    expect(result.stderr).toContain('backup complete');
    expect(result.status).toBe(0);
    const [name] = completeBackups();
    const data = join(root, name, 'streams', 'ORDERS', 'data');
    const snapshot = JSON.parse(readFileSync(join(data, 'backup.json'), 'utf8'));
    expect(snapshot.state.messages).toBe(25 + 96);
    // the first attempt had sent part of the stream only; the kept snapshot is the whole of it
    expect(sizeAtFreeze).toBeLessThan(statSync(join(data, 'stream.tar.s2')).size);
    expect(statSync(join(data, 'stream.tar.s2')).size).toBeGreaterThan(24 * 1024 * 1024);
  }, 180_000);

  test('the only server of an R1 stream dies in the middle of its snapshot: both attempts fail and the run fails naming the stream', async () => {
    // 24 MiB that do not compress: more than the server sends before it waits for acknowledgements
    await publishIncompressible(cluster, 'audit.bulk', 24 * 1024 * 1024);
    const run = startNatsScript(BACKUP_SCRIPT, { NATS_URL: cluster.url, BACKUP_ROOT: root, MONITOR_CAPTURE: 'off', SNAPSHOT_RETRY_SECONDS: '1' });
    await freezeWhenSnapshotFlows(root, 'AUDIT', () => cluster.signal('n2', 'SIGSTOP'));
    await cluster.killNode('n2');
    const result = await run.done;
    expect(result.stderr).toContain('step 4/6: stream AUDIT: the snapshot failed; trying once more in 1s');
    expect(result.stderr).toContain('step 4/6: stream AUDIT: NOT CAPTURED: its snapshot failed twice');
    expect(result.stderr).toContain('ERROR: 1 of the 3 streams the meta layer listed could not be captured: AUDIT (its snapshot failed twice)');
    expect(result.status).toBe(1);
    expect(completeBackups()).toEqual([]);
    expect(readdirSync(root)).toEqual([]);
  }, 180_000);

  describe('restore into a cluster whose stream has no leader', () => {
    test('ON_EXISTING=fail: the names list shows the leaderless stream, and nothing is restored', async () => {
      expect(backup().status).toBe(0);
      await cluster.withJetStream(async (jsm) => { await jsm.streams.delete('ORDERS'); });
      await cluster.killNode('n2');
      await cluster.waitForMetaLeader();
      const result = runNatsScript(RESTORE_SCRIPT, { NATS_URL: cluster.url, BACKUP_ROOT: root });
      expect(result.stderr).toContain('ERROR: streams already exist: AUDIT KV_config; nothing was changed');
      expect(result.status).toBe(1);
      // ORDERS, which a plain list would have let through first, was not restored
      await cluster.withJetStream(async (jsm) => {
        const names: string[] = [];
        for await (const n of jsm.streams.names()) names.push(n);
        expect(names.sort()).toEqual(['AUDIT', 'KV_config']);
      });
    });

    test('ON_EXISTING=replace: a stream to replace that does not answer stops the restore before any stream is deleted', async () => {
      expect(backup().status).toBe(0);
      await cluster.withJetStream(async (_jsm, nc) => { await nc.jetstream().publish('orders.after', sc.encode('after the backup')); });
      await cluster.killNode('n2');
      await cluster.waitForMetaLeader();
      const result = runNatsScript(RESTORE_SCRIPT, { NATS_URL: cluster.url, BACKUP_ROOT: root, ON_EXISTING: 'replace' });
      expect(result.stderr).toContain('ERROR: streams to replace do not answer (no leader, or their servers are down): AUDIT; nothing was changed');
      expect(result.status).toBe(1);
      await cluster.withJetStream(async (jsm) => {
        expect((await jsm.streams.info('ORDERS')).state.messages).toBe(26);
      });
    });
  });
});
