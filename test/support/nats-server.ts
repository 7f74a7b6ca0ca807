import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { AckPolicy, connect, ConnectionOptions, ConsumerConfig, JetStreamManager, NatsConnection, StorageType, StreamConfig, StringCodec } from 'nats';

/** How to start a server: extra configuration (auth, TLS) and the options its clients need. */
export interface NatsServerOptions {
  /** Lines of nats-server configuration added to the listen, monitoring and JetStream settings. */
  readonly config?: string;
  /** Connection options of the test's own clients (credentials, TLS). */
  readonly client?: Partial<ConnectionOptions>;
  /** The client URL scheme (`tls` when the server requires TLS). */
  readonly scheme?: string;
}

/** A real nats-server with JetStream on free ports and its own store directory. */
export class NatsServer {
  public static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const port = await freePort();
    const monitorPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'nats-store-'));
    const configFile = join(dir, 'server.conf');
    writeFileSync(configFile, [
      'listen: "127.0.0.1:' + port + '"',
      'http: "127.0.0.1:' + monitorPort + '"',
      `jetstream { store_dir: "${join(dir, 'js')}" }`,
      options.config ?? '',
    ].join('\n'));
    const proc = spawn('nats-server', ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new NatsServer(proc, port, monitorPort, dir, options);
    try {
      await server.waitReady();
    } catch (e) {
      // the test never gets the server to stop: a server left running keeps the jest worker from exiting
      await server.stop();
      throw e;
    }
    return server;
  }

  private log = '';

  private constructor(
    private readonly proc: ChildProcess,
    public readonly port: number,
    public readonly monitorPort: number,
    private readonly dir: string,
    private readonly options: NatsServerOptions,
  ) {
    proc.stdout?.on('data', (d) => (this.log += d));
    proc.stderr?.on('data', (d) => (this.log += d));
  }

  public get url(): string {
    return `${this.options.scheme ?? 'nats'}://127.0.0.1:${this.port}`;
  }

  public get monitorUrl(): string {
    return `http://127.0.0.1:${this.monitorPort}`;
  }

  /** The server's own log so far. */
  public get output(): string {
    return this.log;
  }

  /** Runs a function with a JetStream manager connected to this server. */
  public async withJetStream<T>(fn: (jsm: JetStreamManager, nc: NatsConnection) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: this.url, ...this.options.client });
    try {
      return await fn(await nc.jetstreamManager(), nc);
    } finally {
      await nc.close();
    }
  }

  /**
   * Creates a stream with consumers and publishes `messages` messages to `<stream>.<n>`
   * (subjects in lowercase); `acked` messages are then fetched and acknowledged through each
   * explicit-ack consumer, so their ack floors move.
   */
  public async seedStream(
    config: Partial<StreamConfig> & { name: string },
    messages: number,
    consumers: Partial<ConsumerConfig>[] = [],
    acked: number = 0,
  ): Promise<void> {
    await this.withJetStream(async (jsm, nc) => {
      const prefix = config.name.toLowerCase().replace(/[^a-z0-9]/g, '_');
      await jsm.streams.add({ subjects: [`${prefix}.>`], ...config });
      for (const consumer of consumers) await jsm.consumers.add(config.name, consumer);
      const js = nc.jetstream();
      const sc = StringCodec();
      for (let i = 0; i < messages; i++) await js.publish(`${prefix}.${i}`, sc.encode(`message ${i}`));
      for (const consumer of consumers.filter((c) => c.ack_policy === AckPolicy.Explicit)) {
        const c = await js.consumers.get(config.name, consumer.durable_name);
        for (let i = 0; i < acked; i++) {
          const m = await c.next({ expires: 2000 });
          if (!m) throw new Error(`no message ${i} for ${consumer.durable_name}`);
          await m.ackAck();
        }
      }
    });
  }

  public async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.log.includes('Server is ready')) return;
      if (this.proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nats-server did not start:\n${this.log}`);
  }
}

/**
 * The ports this test worker hands out: 2,000 of its own below the kernel's ephemeral range
 * (32768-60999 on Linux), so that no outgoing connection of any process takes one between the
 * moment it is found free and the moment a server binds it (an ephemeral port found free is
 * handed to the next client socket as readily as to our server), and no other jest worker hands
 * out the same one. Tests within a worker run one after another.
 */
const PORTS_PER_WORKER = 2000;
const FIRST_PORT = 12000 + ((Number(process.env.JEST_WORKER_ID ?? '1') - 1) % 10) * PORTS_PER_WORKER;
// A random start: two suites run at once on one machine (a flake hunt beside a test run) rarely
// walk the same ports at the same moment.
let nextPort = Math.floor(Math.random() * PORTS_PER_WORKER);

/** A TCP port of this worker's range that nothing listens on, on every address given (default 127.0.0.1). */
export async function freePort(hosts: string[] = ['127.0.0.1']): Promise<number> {
  for (let tried = 0; tried < PORTS_PER_WORKER; tried++) {
    const port = FIRST_PORT + (nextPort++ % PORTS_PER_WORKER);
    const free = await Promise.all(hosts.map((host) => canListen(host, port)));
    if (free.every(Boolean)) return port;
  }
  throw new Error(`no free port among ${FIRST_PORT}-${FIRST_PORT + PORTS_PER_WORKER - 1}`);
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/**
 * One of every kind of JetStream data a backup must keep: ORDERS (25 messages, consumers billing,
 * with 9 acked so its ack floor is 10, and shipping), AUDIT (5 messages, no consumer), the KV
 * bucket config (3 keys written, history 3), the object store files (a 300 KiB object, and an
 * empty one on request) and the memory stream CACHE (3 messages, consumer reader).
 */
export async function seedEveryKind(server: NatsServer, options: { emptyObject?: boolean } = {}): Promise<void> {
  const codec = StringCodec();
  await server.seedStream({ name: 'ORDERS' }, 25, [
    { durable_name: 'billing', ack_policy: AckPolicy.Explicit },
    { durable_name: 'shipping', ack_policy: AckPolicy.Explicit, filter_subject: 'orders.1' },
  ], 1);
  await server.withJetStream(async (jsm, nc) => {
    const js = nc.jetstream();
    const billing = await js.consumers.get('ORDERS', 'billing');
    for (let i = 1; i < 10; i++) await (await billing.next({ expires: 2000 }))!.ackAck();
    await jsm.streams.add({ name: 'AUDIT', subjects: ['audit.>'] });
    for (let i = 0; i < 5; i++) await js.publish(`audit.${i}`, codec.encode(`audit ${i}`));
    const kv = await js.views.kv('config', { history: 3 });
    await kv.put('feature.checkout', codec.encode('on'));
    await kv.put('feature.checkout', codec.encode('off'));
    await kv.put('limits.orders', codec.encode('100'));
    const files = await js.views.os('files');
    await files.putBlob({ name: 'reports/2026-11.csv' }, Buffer.alloc(300 * 1024, 'r'));
    if (options.emptyObject) await files.putBlob({ name: 'empty.txt' }, Buffer.alloc(0));
    await jsm.streams.add({ name: 'CACHE', subjects: ['cache.>'], storage: StorageType.Memory });
    await jsm.consumers.add('CACHE', { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
    for (let i = 0; i < 3; i++) await js.publish(`cache.${i}`, codec.encode(`cache ${i}`));
  });
}