import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { connect, JetStreamManager, NatsConnection, StreamConfig, ConsumerConfig, StringCodec } from 'nats';

/** A real nats-server with JetStream on free ports and its own store directory. */
export class NatsServer {
  public static async start(): Promise<NatsServer> {
    const port = await freePort();
    const monitorPort = await freePort();
    const storeDir = mkdtempSync(join(tmpdir(), 'nats-store-'));
    const proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-sd', storeDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new NatsServer(proc, port, monitorPort, storeDir);
    await server.waitReady();
    return server;
  }

  private log = '';

  private constructor(
    private readonly proc: ChildProcess,
    public readonly port: number,
    public readonly monitorPort: number,
    private readonly storeDir: string,
  ) {
    proc.stdout?.on('data', (d) => (this.log += d));
    proc.stderr?.on('data', (d) => (this.log += d));
  }

  public get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  public get monitorUrl(): string {
    return `http://127.0.0.1:${this.monitorPort}`;
  }

  /** Runs a function with a JetStream manager connected to this server. */
  public async withJetStream<T>(fn: (jsm: JetStreamManager, nc: NatsConnection) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: this.url });
    try {
      return await fn(await nc.jetstreamManager(), nc);
    } finally {
      await nc.close();
    }
  }

  /** Creates a stream with consumers and publishes `messages` messages to `<subject prefix>.<n>`. */
  public async seedStream(
    config: Partial<StreamConfig> & { name: string },
    messages: number,
    consumers: Partial<ConsumerConfig>[] = [],
  ): Promise<void> {
    await this.withJetStream(async (jsm, nc) => {
      const subject = `${config.name.toLowerCase()}.>`;
      await jsm.streams.add({ subjects: [subject], ...config });
      for (const consumer of consumers) await jsm.consumers.add(config.name, consumer);
      const js = nc.jetstream();
      const sc = StringCodec();
      for (let i = 0; i < messages; i++) await js.publish(`${config.name.toLowerCase()}.${i}`, sc.encode(`message ${i}`));
    });
  }

  public async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      await exited;
    }
    rmSync(this.storeDir, { recursive: true, force: true });
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

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
