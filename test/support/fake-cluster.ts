import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { recordedCalls } from './scripts';

export const CLUSTER_STANDIN = join(__dirname, 'cluster-standin');

export interface FakePod {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly owner: string;
  readonly ready?: boolean;
}

export interface FakeClusterOptions {
  readonly deployments?: Record<string, number>;
  readonly statefulsets?: Record<string, number>;
  readonly pods: FakePod[];
  /** Seconds until a deleted pod's replacement is ready; null: never. */
  readonly replacementDelay: number | null;
  readonly partitionEffective?: boolean;
  readonly healthDownAfterHeal?: number;
  readonly healthy?: boolean;
  readonly jszLeader?: string;
}

/** A scripted cluster for the kubectl/curl/date/sleep stand-ins (see cluster-standin/cluster.js). */
export class FakeCluster {
  /** The fake clock's start: 2027-01-15T08:00:00Z. */
  public static readonly START = 1_800_000_000;

  public readonly dir = mkdtempSync(join(tmpdir(), 'fake-cluster-'));

  constructor(options: FakeClusterOptions) {
    writeFileSync(join(this.dir, 'clock'), String(FakeCluster.START));
    writeFileSync(join(this.dir, 'state.json'), JSON.stringify({
      namespace: 'orders',
      deployments: Object.fromEntries(Object.entries(options.deployments ?? {}).map(([k, v]) => [k, { replicas: v }])),
      statefulsets: Object.fromEntries(Object.entries(options.statefulsets ?? {}).map(([k, v]) => [k, { replicas: v }])),
      pods: options.pods.map((p, i) => ({
        name: p.name,
        uid: `uid-${i + 1}`,
        labels: { ...p.labels },
        ip: `10.0.0.${i + 1}`,
        owner: p.owner,
        readyAt: p.ready === false ? null : 0,
        deletedAt: null,
      })),
      replacementDelay: options.replacementDelay,
      partitionEffective: options.partitionEffective ?? true,
      healthDownAfterHeal: options.healthDownAfterHeal ?? 0,
      healthy: options.healthy ?? true,
      jszLeader: options.jszLeader ?? '',
      gate: null,
    }));
    writeFileSync(join(this.dir, 'calls.log'), '');
  }

  public get env(): Record<string, string> {
    return { CLUSTER_STATE: join(this.dir, 'state.json'), CLUSTER_LOG: join(this.dir, 'calls.log'), FAKE_CLOCK: join(this.dir, 'clock') };
  }

  public get state(): any {
    return JSON.parse(readFileSync(join(this.dir, 'state.json'), 'utf8'));
  }

  /** Calls of one tool, without the tool name. */
  public calls(tool: 'kubectl' | 'curl'): string[][] {
    return recordedCalls(join(this.dir, 'calls.log')).filter((c) => c[0] === tool).map((c) => c.slice(1));
  }

  public dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
