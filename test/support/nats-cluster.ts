import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AckPolicy, connect, JetStreamManager, NatsConnection, StorageType, StringCodec } from 'nats';
import { freePort } from './nats-server';

/**
 * The nats-server binaries the cluster tests run: Debian bookworm's package (2.9.10) and
 * trixie's (2.10.27, installed by scripts/install-test-tools.sh as nats-server-2.10: its static Go
 * binary needs only glibc). Production runs the pinned nats:2.14.0-alpine; where 2.14 differs
 * from these for what the scripts see, the tests say so.
 */
export const NATS_SERVER_VERSIONS = [
  { version: '2.9', binary: 'nats-server' },
  { version: '2.10', binary: 'nats-server-2.10' },
] as const;

export interface NatsClusterOptions {
  /** The nats-server binary (default: nats-server). */
  readonly binary?: string;
  /** Server tags per node, for placement (default: `az:1`, `az:2`, `az:3`). */
  readonly tags?: string[][];
  /** Each node's loopback address (default: three of this worker's own, 127.<worker>.<n>.1-3). */
  readonly hosts?: string[];
  /** The servers' names (default n1, n2, n3); the official chart names each server after its pod (nats-0, ...). */
  readonly names?: string[];
}

let clustersStarted = 0;

/**
 * Three loopback addresses no other cluster of this test worker uses at the same time: every node
 * listens on its own address with the same ports, as the pods of a StatefulSet do (Linux routes
 * all of 127.0.0.0/8 to the loopback interface). Outgoing connections take 127.0.0.1 as their
 * source, so no ephemeral port ever lands on these addresses.
 */
function nextHosts(): string[] {
  const worker = Number(process.env.JEST_WORKER_ID ?? '1') % 250;
  const n = (clustersStarted++ % 250) + 1;
  return [1, 2, 3].map((i) => `127.${worker + 1}.${n}.${i}`);
}

/** One server of the cluster: its name (n1, n2, n3 as pods nats-0.. would be), address and ports. */
/** The names of the throwaway streams of waitForPlacement start with it. */
const PLACEMENT_PROBE = 'PLACEMENT_PROBE_';

export interface ClusterNode {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly monitorPort: number;
  readonly clusterPort: number;
  readonly storeDir: string;
  readonly configFile: string;
  /** Its server tags (placement). */
  readonly tags: string[];
}

/**
 * A real three-node JetStream cluster: three nats-server processes on loopback with routes to
 * each other, JetStream, monitoring ports and server tags. Nodes stop (SIGTERM, as the kubelet
 * stops a pod), die (SIGKILL: node loss) and start again with their store, as a StatefulSet pod
 * comes back with its volume.
 */
export class NatsCluster {
  /**
   * Starts a new cluster. A cluster that has never run forms its JetStream meta group as its
   * servers find each other, and nats-server can form it with two of the three: its size check
   * (v2.10.27 server/jetstream_cluster.go checkClusterSize) counts a server whose routes are up
   * but whose JetStream announcement has not arrived yet as one without JetStream, and shrinks the
   * group for good (a loaded machine starts the third server late enough, about one start in ten).
   * That is the server's start-up, not what the tests look at: such a cluster is thrown away, said
   * on stderr, and a new one started, at most three times.
   */
  public static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    for (let attempt = 1; ; attempt++) {
      const cluster = await NatsCluster.startOnce(options);
      const size = await cluster.stopIfThrows(() => cluster.metaGroupSize());
      if (size === cluster.nodes.length) {
        await cluster.stopIfThrows(async () => {
          await cluster.waitForPeers(cluster.nodes.length);
          await cluster.waitForPlacement();
        });
        return cluster;
      }
      await cluster.stop();
      if (attempt === 3) throw new Error(`three new clusters formed a JetStream meta group of ${size} servers, not ${cluster.nodes.length}`);
      process.stderr.write(`nats-cluster: the meta group formed with ${size} of ${cluster.nodes.length} servers (a late server counted out at start-up); starting a new cluster\n`);
    }
  }

  private static async startOnce(options: NatsClusterOptions): Promise<NatsCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'nats-cluster-'));
    const hosts = options.hosts ?? nextHosts();
    const tags = options.tags ?? [['az:1'], ['az:2'], ['az:3']];
    // One port number per role on every node's own address, as a StatefulSet's pods have.
    const port = await freePort(hosts);
    const clusterPort = await freePort(hosts);
    const monitorPort = await freePort(hosts);
    const nodes: ClusterNode[] = hosts.map((host, i) => {
      const name = options.names?.[i] ?? `n${i + 1}`;
      const nodeDir = join(dir, name);
      mkdirSync(nodeDir);
      return { name, host, port, monitorPort, clusterPort, storeDir: join(nodeDir, 'js'), configFile: join(nodeDir, 'server.conf'), tags: tags[i] };
    });
    // Every node lists the routes of all three, itself included, as the official chart's config
    // does: a cluster that has never run sizes its JetStream meta group by the routes it is
    // configured with (nats-server v2.10.27 server/raft.go bootstrapRaftNode: the expected peer set
    // is the number of routes when fewer peers are known). With only the two others listed, two
    // nodes that find each other first bootstrap a meta group of two, which never takes the third.
    const routes = nodes.map((n) => `"nats-route://${n.host}:${n.clusterPort}"`);
    for (const [i, node] of nodes.entries()) {
      writeFileSync(node.configFile, [
        `server_name: "${node.name}"`,
        `listen: "${node.host}:${node.port}"`,
        `http: "${node.host}:${node.monitorPort}"`,
        `server_tags: ${JSON.stringify(tags[i])}`,
        `jetstream { store_dir: "${node.storeDir}" }`,
        `cluster { name: "C1", listen: "${node.host}:${node.clusterPort}", routes: [${routes.join(', ')}] }`,
      ].join('\n'));
    }
    const cluster = new NatsCluster(options.binary ?? 'nats-server', nodes, dir);
    await cluster.stopIfThrows(async () => {
      await Promise.all(nodes.map((n) => cluster.startNode(n.name)));
      await cluster.waitForMetaLeader();
    });
    return cluster;
  }

  private readonly procs = new Map<string, ChildProcess>();
  private readonly logs = new Map<string, string>();

  private constructor(private readonly binary: string, public readonly nodes: ClusterNode[], private readonly dir: string) {}

  /** Client URLs of every node, comma-separated as natscli's NATS_URL takes them. */
  public get url(): string {
    return this.nodes.map((n) => `nats://${n.host}:${n.port}`).join(',');
  }

  /** The client URLs of the nodes that run now. */
  public get liveUrl(): string {
    return this.nodes.filter((n) => this.isRunning(n.name)).map((n) => `nats://${n.host}:${n.port}`).join(',');
  }

  public node(name: string): ClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  public isRunning(name: string): boolean {
    const proc = this.procs.get(name);
    return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  }

  /** A node's own log since it last started. */
  public log(name: string): string {
    return this.logs.get(name) ?? '';
  }

  /** The nats-server version the cluster runs (`nats-server: v2.10.27`). */
  public version(): string {
    return spawnSync(this.binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
  }

  /** Starts (or starts again) one node with its store, and waits until it accepts clients. */
  public async startNode(name: string): Promise<void> {
    const node = this.node(name);
    if (this.isRunning(name)) throw new Error(`${name} runs already`);
    this.logs.set(name, '');
    const proc = spawn(this.binary, ['-c', node.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d) => this.logs.set(name, this.log(name) + d));
    proc.stderr!.on('data', (d) => this.logs.set(name, this.log(name) + d));
    this.procs.set(name, proc);
    const deadline = Date.now() + 20_000;
    while (!this.log(name).includes('Server is ready')) {
      if (proc.exitCode !== null) throw new Error(`nats-server ${name} exited:\n${this.log(name)}`);
      if (Date.now() > deadline) throw new Error(`nats-server ${name} was not ready within 20 s:\n${this.log(name)}`);
      await sleep(50);
    }
  }

  /** Sends a signal to one node's process (SIGSTOP freezes it mid-whatever, SIGCONT thaws it). */
  public signal(name: string, signal: NodeJS.Signals): void {
    if (this.isRunning(name)) this.procs.get(name)!.kill(signal);
  }

  /** Stops one node as the kubelet stops a pod (SIGTERM: the server says goodbye to its peers). */
  public async stopNode(name: string): Promise<void> {
    await this.signalNode(name, 'SIGTERM');
  }

  /** Kills one node without a word to its peers (SIGKILL: a node lost). */
  public async killNode(name: string): Promise<void> {
    await this.signalNode(name, 'SIGKILL');
  }

  private async signalNode(name: string, signal: NodeJS.Signals): Promise<void> {
    const proc = this.procs.get(name);
    if (!proc || !this.isRunning(name)) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    await exited;
  }

  /** The JetStream meta leader's server name, as a running node's /jsz reports it ('' while there is none). */
  public async metaLeader(): Promise<string> {
    for (const node of this.nodes.filter((n) => this.isRunning(n.name))) {
      const jsz = await this.monitor(node.name, '/jsz').catch(() => undefined);
      const leader = jsz?.meta_cluster?.leader;
      if (leader) return leader;
    }
    return '';
  }

  /**
   * Waits until a running node leads the meta group, every running node knows it, and it answers
   * JetStream API requests (after a leader is lost, the others report it for a while).
   */
  public async waitForMetaLeader(timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = this.nodes.filter((n) => this.isRunning(n.name));
      const leaders = await Promise.all(running.map((n) => this.monitor(n.name, '/jsz').then((j) => j?.meta_cluster?.leader ?? '', () => '')));
      const agreed = leaders.length > 0 && leaders.every((l) => l === leaders[0]) && running.some((n) => n.name === leaders[0]);
      if (agreed && await this.withJetStream((jsm) => jsm.streams.names().next()).then(() => true, () => false)) return leaders[0];
      if (Date.now() > deadline) throw new Error(`no meta leader within ${timeoutMs} ms (nodes report ${JSON.stringify(leaders)})`);
      await sleep(200);
    }
  }

  /**
   * Waits until the meta leader counts `size` servers, every one current: before that, a stream
   * placed on a server the leader has not yet seen is refused (`no suitable peers for placement`).
   */
  public async waitForPeers(size: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const leader = await this.metaLeader();
      const meta = leader ? await this.monitor(leader, '/jsz').then((j) => j?.meta_cluster, () => undefined) : undefined;
      const replicas: Array<{ current: boolean }> = meta?.replicas ?? [];
      if (replicas.length === size - 1 && replicas.every((r) => r.current)) return;
      if (Date.now() > deadline) {
        const logs = this.nodes.map((n) => `--- ${n.name} (${n.host}) ---\n${this.log(n.name).split('\n').slice(-25).join('\n')}`).join('\n');
        throw new Error(`the meta group did not count ${size} current servers within ${timeoutMs} ms: ${JSON.stringify(meta)}\n${logs}`);
      }
      await sleep(200);
    }
  }

  /**
   * Waits until a stream can be placed on each server by its tags. The meta leader places a stream
   * only on servers whose statsz (JetStream config and stats) it has received, and counts any
   * other as offline: `no suitable peers for placement, peer offline` (nats-server v2.10.27
   * server/jetstream_cluster.go selectPeerGroup, `ni.offline || ni.cfg == nil || ni.stats == nil`).
   * That comes later than the Raft peer being current, so a placed stream right after start-up
   * was refused now and then under load. One throwaway R1 memory stream per server shows it.
   * A request that times out (a loaded machine answers late) is asked again until the deadline,
   * under a new name: the timed-out request may still be carried out. Under load a just-created
   * probe also answered `stream not found` (10059) now and then, to its create or to the delete
   * right after it (loaded hunt runs, seeds 2026120814 on 2.10 and 2026120822 on 2.9): such an
   * attempt counts as not placed, or as placed once the create answered, and every probe stream
   * left behind is deleted before the cluster is handed to a test, whose backup would find it.
   */
  public async waitForPlacement(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let attempt = 0;
    for (const node of this.nodes) {
      for (;;) {
        const name = `${PLACEMENT_PROBE}${node.name}_${++attempt}`;
        const placed = await this.withJetStream(async (jsm) => {
          await jsm.streams.add({ name, subjects: [`placement-probe.${node.name}.${attempt}`], num_replicas: 1, storage: StorageType.Memory, placement: { tags: node.tags } as any });
          // the sweep below deletes what this leaves
          await jsm.streams.delete(name).catch(() => false);
          return true;
        }).catch((e: Error) => {
          if (!/no suitable peers|TIMEOUT|stream not found/.test(e.message)) throw e;
          return false;
        });
        if (placed) break;
        if (Date.now() > deadline) throw new Error(`no stream could be placed on ${node.name} (tags ${node.tags.join(', ')}) within ${timeoutMs} ms`);
        await sleep(200);
      }
    }
    await this.removeProbeStreams(deadline);
  }

  /** Deletes the probe streams that timed-out requests left, until the stream list shows none. */
  private async removeProbeStreams(deadline: number): Promise<void> {
    for (;;) {
      const left = await this.withJetStream(async (jsm) => {
        const names: string[] = [];
        for await (const name of jsm.streams.names()) if (name.startsWith(PLACEMENT_PROBE)) names.push(name);
        for (const name of names) await jsm.streams.delete(name).catch(() => false);
        return names;
      }).catch((e: Error) => {
        if (!/TIMEOUT/.test(e.message)) throw e;
        return ['(the stream list timed out)'];
      });
      if (left.length === 0) return;
      if (Date.now() > deadline) throw new Error(`placement probe streams left behind: ${left.join(', ')}`);
      await sleep(200);
    }
  }

  /** GET on a node's monitoring port, as JSON. */
  public async monitor(name: string, path: string): Promise<any> {
    const node = this.node(name);
    const response = await fetch(`http://${node.host}:${node.monitorPort}${path}`, { signal: AbortSignal.timeout(3000) });
    return response.json();
  }

  /** Runs a function with a JetStream manager connected to the running nodes. */
  public async withJetStream<T>(fn: (jsm: JetStreamManager, nc: NatsConnection) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: this.liveUrl.split(','), timeout: 5000 });
    try {
      return await fn(await nc.jetstreamManager({ timeout: 10_000 }), nc);
    } finally {
      await nc.close();
    }
  }

  /** The server that leads a stream and the servers of its replicas. */
  public async placement(stream: string): Promise<{ leader: string; servers: string[] }> {
    const info = await this.withJetStream((jsm) => jsm.streams.info(stream));
    const leader = info.cluster?.leader ?? '';
    return { leader, servers: [leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)].filter(Boolean).sort() };
  }

  /** Waits until the stream has a leader and every replica is current. */
  public async waitForStream(stream: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await this.withJetStream(async (jsm) => {
        const info = await jsm.streams.info(stream);
        return Boolean(info.cluster?.leader) && (info.cluster?.replicas ?? []).every((r) => r.current);
      }).catch(() => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`stream ${stream} has no current leader and replicas within ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  /** Waits until a consumer has a leader. */
  public async waitForConsumer(stream: string, consumer: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!await this.withJetStream(async (jsm) => Boolean((await jsm.consumers.info(stream, consumer)).cluster?.leader)).catch(() => false)) {
      if (Date.now() > deadline) throw new Error(`consumer ${stream} > ${consumer} has no leader within ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  /**
   * Runs a step of the start-up; when it throws, the servers are stopped before the error goes on:
   * the test never gets the cluster to stop, and servers left running keep the jest worker from
   * exiting ("A worker process has failed to exit gracefully").
   */
  private async stopIfThrows<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  public async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stopNode(n.name)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * The meta group's size once every server has routes to the others: the leader's
   * `meta_cluster.cluster_size` after all nodes report the same leader and the leader counts
   * every other server as a replica, or after 15 s, the size it settled on.
   */
  private async metaGroupSize(): Promise<number> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const leader = await this.metaLeader();
      const meta = leader ? await this.monitor(leader, '/jsz').then((j) => j?.meta_cluster, () => undefined) : undefined;
      const size = meta?.cluster_size ?? 0;
      if ((size === this.nodes.length && (meta?.replicas ?? []).length === this.nodes.length - 1) || Date.now() > deadline) return size;
      await sleep(200);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const sc = StringCodec();

/**
 * ORDERS (R3, 25 messages, durable consumer billing with 10 acknowledged), AUDIT (R1, placed by
 * tag on the node tagged az:2, i.e. n2, 5 messages) and the KV bucket config (R3, 2 keys).
 */
export async function seedCluster(cluster: NatsCluster): Promise<void> {
  await cluster.withJetStream(async (jsm, nc) => {
    const js = nc.jetstream();
    // each stream's leader is elected before anything is written to it (until then: no responders)
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'], num_replicas: 3 });
    await cluster.waitForStream('ORDERS');
    await jsm.consumers.add('ORDERS', { durable_name: 'billing', ack_policy: AckPolicy.Explicit });
    await cluster.waitForConsumer('ORDERS', 'billing');
    for (let i = 0; i < 25; i++) await js.publish(`orders.${i}`, sc.encode(`order ${i}`));
    const billing = await js.consumers.get('ORDERS', 'billing');
    for (let i = 0; i < 10; i++) await (await billing.next({ expires: 5000 }))!.ackAck();
    await jsm.streams.add({ name: 'AUDIT', subjects: ['audit.>'], num_replicas: 1, placement: { tags: ['az:2'] } as any });
    await cluster.waitForStream('AUDIT');
    for (let i = 0; i < 5; i++) await js.publish(`audit.${i}`, sc.encode(`audit ${i}`));
    const kv = await js.views.kv('config', { replicas: 3 });
    await cluster.waitForStream('KV_config');
    await kv.put('feature.checkout', sc.encode('on'));
    await kv.put('limits.orders', sc.encode('100'));
  });
  for (const s of ['ORDERS', 'AUDIT', 'KV_config']) await cluster.waitForStream(s);
}

/** `size` bytes that do not compress, published to `subject` in 256 KiB messages. */
export async function publishIncompressible(cluster: NatsCluster, subject: string, size: number): Promise<void> {
  await cluster.withJetStream(async (_jsm, nc) => {
    const js = nc.jetstream();
    for (let sent = 0; sent < size; sent += 256 * 1024) await js.publish(subject, randomBytes(256 * 1024));
  });
}

/**
 * Waits until stream `stream`'s snapshot has sent its first bytes into the run's work directory,
 * then calls `freeze` (SIGSTOP of the leader: from that instant nothing more is sent, whatever the
 * machine's speed) and returns the size the snapshot file had reached.
 */
export async function freezeWhenSnapshotFlows(root: string, stream: string, freeze: () => void): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const work = readdirSync(root).find((n) => n.startsWith('.incomplete-'));
    const file = work && join(root, work, 'streams', stream, 'data', 'stream.tar.s2');
    if (file && existsSync(file) && statSync(file).size > 0) {
      freeze();
      return statSync(file).size;
    }
    if (Date.now() > deadline) throw new Error(`the snapshot of ${stream} never started`);
    await new Promise((r) => setTimeout(r, 5));
  }

}
