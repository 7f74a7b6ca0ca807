import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { imagePath } from './images';
import { recordedCalls } from './scripts';

const STANDIN_DIR = join(__dirname, 'cluster-standin');

/**
 * The PATH of the alpine/k8s image the chaos scripts run in (busybox, bash, curl, jq), with the
 * cluster stand-in as kubectl and curl, and the fake clock's date and sleep.
 */
export const CLUSTER_STANDIN = imagePath('alpine-k8s', {
  kubectl: [join(STANDIN_DIR, 'cluster.js'), 'kubectl'],
  curl: [join(STANDIN_DIR, 'cluster.js'), 'curl'],
  date: join(STANDIN_DIR, 'date'),
  sleep: join(STANDIN_DIR, 'sleep'),
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { withStateLock } = require('./cluster-standin/lock') as { withStateLock: (file: string) => () => void };

/** A Deployment or StatefulSet of the scripted cluster. */
export interface FakeWorkload {
  readonly name: string;
  readonly namespace?: string;
  readonly replicas: number;
  /** spec.selector (a LabelSelector); defaults to matchLabels of app.kubernetes.io/name = name. */
  readonly selector?: any;
  /** A Deployment's spec as synthesized (strategy, minReadySeconds, progressDeadlineSeconds, template labels, paused), merged in. */
  readonly spec?: any;
}

export interface FakePod {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** `deployment/<name>` (pods owned by its ReplicaSet) or `statefulset/<name>`. */
  readonly owner: string;
  readonly namespace?: string;
  readonly ready?: boolean;
  /** A nats-server: answers /jsz and /healthz on the NATS monitoring port. */
  readonly nats?: boolean;
  /** The pod's IP (default 10.0.0.<n>); a real server's loopback address with real NATS. */
  readonly ip?: string;
}

/** RBAC the stand-in enforces on every kubectl call: what the construct synthesized. */
export interface FakeRbac {
  readonly account: { readonly namespace: string; readonly name: string };
  readonly roles: any[];
  readonly bindings: any[];
}

export interface FakeHealth {
  /** The health URL answers 2xx when nothing else is wrong. */
  readonly up?: boolean;
  /** HTTP statuses answered first, one per request, before the model below. */
  readonly sequence?: number[];
  /** `<namespace>/<name>` of the NetworkPolicy whose deny partitions the API. */
  readonly partitionPolicy?: string;
  /** Directions whose denial makes the health URL fail. */
  readonly partitionBreaks?: string[];
  /** Whether the network plugin enforces NetworkPolicy. */
  readonly partitionEffective?: boolean;
  /** Seconds the health URL stays down after the partition ends. */
  readonly downAfterHeal?: number;
  /** Windows [from, to) of seconds since the start during which the health URL answers 503. */
  readonly outages?: Array<[number, number]>;
  /** `<namespace>/<selector>` of the pods behind the health URL: with none of them ready, no connection. */
  readonly backends?: string;
  /** An egress rule of `partitionPolicy` the API needs to answer: without it in the policy, 503. */
  readonly dependsOnEgress?: any;
}

/** How `kubectl rollout restart` proceeds: new pods ready `podReadyAfter` seconds after they are created (null: never). */
export interface FakeRollout {
  readonly podReadyAfter: number | null;
  /** Seconds until the Deployment controller observes the new generation. */
  readonly observeAfter?: number;
}

export interface FakeNats {
  /**
   * Real nats-servers listen on the NATS pods' IPs (real-nats-pods.ts): curl reaches them, and a
   * deleted NATS pod is stopped and replaced by the test's kubelet, not by the script above.
   */
  readonly real?: boolean;
  readonly monitorPort?: number;
  /** The JetStream meta leader (a pod name); '' for none. */
  readonly leader?: string;
  /** Seconds from the leader's deletion to the next election. */
  readonly electionDelay?: number;
  /** The pod elected then (once its server is up). */
  readonly nextLeader?: string;
  /** Seconds a replacement server needs after it is ready until its streams are current. */
  readonly catchUpDelay?: number;
}

export interface FakeClusterOptions {
  readonly rbac: FakeRbac;
  /** ValidatingAdmissionPolicies and their bindings, as synthesized: every write passes them (cluster-standin/admission.js). */
  readonly admission?: any[];
  /** Real time instead of the fake clock (date and sleep are then the real ones). */
  readonly realClock?: boolean;
  readonly deployments?: FakeWorkload[];
  readonly statefulsets?: FakeWorkload[];
  readonly networkPolicies?: any[];
  /** PodDisruptionBudgets as synthesized; their status is computed. */
  readonly budgets?: any[];
  readonly pods: FakePod[];
  readonly rollout?: FakeRollout;
  /** Seconds from a deletion until the replacement is ready; null: never. */
  readonly replacementDelay: number | null;
  /** Seconds from a deletion until a ReplicaSet's replacement pod exists (a StatefulSet's comes when the old one is gone). */
  readonly replacementAppearsAfter?: number;
  /** Seconds a deleted pod stays, terminating. */
  readonly terminationSeconds?: number;
  /** The API's health URL; null: no such host. */
  readonly health?: FakeHealth | null;
  readonly nats?: FakeNats;
  /** Transient refusals of the next evictions, one per request, before the budget is asked (disruption.js). */
  readonly evictionAnswers?: Array<'too-many-requests' | 'conflict' | 'timeout'>;
  /** kubectl calls (by leading arguments) that fail like an unreachable API server, `times` times after `skip` successes. */
  readonly failures?: Array<{ readonly args: string[]; readonly skip?: number; readonly times?: number }>;
  /** Merge patches someone else applies to an object once the clock reaches `at`. */
  readonly edits?: Array<{ readonly at: number; readonly resource: string; readonly name: string; readonly namespace?: string; readonly patch: any }>;
}

const DEFAULT_NAMESPACE = 'orders';

/** The ServiceAccount, Roles and RoleBindings of synthesized objects, namespaces filled in as `kubectl apply -n` would. */
export function rbacOf(objects: any[], namespace: string = DEFAULT_NAMESPACE): FakeRbac {
  const inNamespace = (o: any) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? namespace } });
  const accounts = objects.filter((o) => o.kind === 'ServiceAccount').map(inNamespace);
  if (accounts.length !== 1) throw new Error(`expected one ServiceAccount, found ${accounts.length}`);
  return {
    account: { namespace: accounts[0].metadata.namespace, name: accounts[0].metadata.name },
    roles: objects.filter((o) => o.kind === 'Role').map(inNamespace),
    bindings: objects.filter((o) => o.kind === 'RoleBinding').map(inNamespace),
  };
}

/** A scripted cluster for the kubectl/curl/date/sleep stand-ins (see cluster-standin/cluster.js). */
export class FakeCluster {
  /** The fake clock's start: 2027-01-15T08:00:00Z. */
  public static readonly START = 1_800_000_000;

  public readonly dir = mkdtempSync(join(tmpdir(), 'fake-cluster-'));

  private readonly realClock: boolean;

  constructor(options: FakeClusterOptions) {
    this.realClock = options.realClock ?? false;
    const start = this.realClock ? Math.floor(Date.now() / 1000) : FakeCluster.START;
    const workload = (kind: string) => (w: FakeWorkload) => {
      const selector = w.selector ?? { matchLabels: { 'app.kubernetes.io/name': w.name } };
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata: { name: w.name, namespace: w.namespace ?? DEFAULT_NAMESPACE, uid: `${kind.toLowerCase()}-uid-${w.name}`, generation: 1 },
        spec: {
          replicas: w.replicas,
          selector,
          template: { metadata: { labels: { ...selector.matchLabels } } },
          ...w.spec,
        },
      };
    };
    // each Deployment's pods belong to its ReplicaSet <name>-7d9 (revision 1), as the Deployment controller names them
    const replicaSets = (options.deployments ?? []).map((w) => {
      const namespace = w.namespace ?? DEFAULT_NAMESPACE;
      return { name: `${w.name}-7d9`, namespace, uid: `replicaset-uid-${namespace}-${w.name}`, deployment: w.name, hash: '7d9', revision: 1, createdAt: 0 };
    });
    const ownerOf = (owner: string, namespace: string) => {
      const [kind, name] = owner.split('/');
      return kind === 'statefulset'
        ? { kind: 'StatefulSet', name, uid: `statefulset-uid-${name}` }
        : { kind: 'ReplicaSet', name: `${name}-7d9`, uid: `replicaset-uid-${namespace}-${name}` };
    };
    if (!this.realClock) writeFileSync(join(this.dir, 'clock'), String(FakeCluster.START));
    writeFileSync(join(this.dir, 'state.json'), JSON.stringify({
      rbac: options.rbac,
      admission: options.admission ?? [],
      deployments: (options.deployments ?? []).map(workload('Deployment')),
      statefulsets: (options.statefulsets ?? []).map(workload('StatefulSet')),
      networkpolicies: (options.networkPolicies ?? [])
        .map((p) => ({ ...p, metadata: { ...p.metadata, namespace: p.metadata.namespace ?? DEFAULT_NAMESPACE } })),
      poddisruptionbudgets: (options.budgets ?? [])
        .map((b) => ({ ...b, metadata: { ...b.metadata, namespace: b.metadata.namespace ?? DEFAULT_NAMESPACE, generation: 1 } })),
      replicasets: replicaSets,
      pods: options.pods.map((p, i) => {
        const namespace = p.namespace ?? DEFAULT_NAMESPACE;
        const ownedByReplicaSet = !p.owner.startsWith('statefulset/');
        return {
          name: p.name,
          namespace,
          uid: `uid-${i + 1}`,
          labels: { ...p.labels, ...(ownedByReplicaSet ? { 'pod-template-hash': '7d9' } : {}) },
          ip: p.ip ?? `10.0.0.${i + 1}`,
          owner: ownerOf(p.owner, namespace),
          nats: p.nats ?? false,
          createdAt: 0,
          readyAt: p.ready === false ? null : 0,
          currentAt: p.ready === false ? null : 0,
          deletedAt: null,
          goneAt: null,
        };
      }),
      replacement: {
        readyAfter: options.replacementDelay,
        appearsAfter: options.replacementAppearsAfter ?? 0,
        terminationSeconds: options.terminationSeconds ?? 2,
      },
      rollout: { observeAfter: 1, ...(options.rollout ?? { podReadyAfter: 5 }) },
      rollouts: [],
      health: options.health === null ? null : {
        up: true,
        sequence: [],
        partitionPolicy: null,
        partitionBreaks: ['Ingress', 'Egress'],
        partitionEffective: true,
        downAfterHeal: 0,
        backAt: null,
        ...options.health,
        outages: (options.health?.outages ?? []).map(([from, to]) => [start + from, start + to]),
      },
      nats: { monitorPort: 8222, leader: '', electionDelay: 0, nextLeader: '', catchUpDelay: 0, electedAt: null, ...options.nats },
      evictionAnswers: options.evictionAnswers ?? [],
      failures: (options.failures ?? []).map((f) => ({ args: f.args, skip: f.skip ?? 0, remaining: f.times ?? 1 })),
      edits: (options.edits ?? []).map((e) => ({ ...e, at: start + e.at, namespace: e.namespace ?? DEFAULT_NAMESPACE, done: false })),
      history: [],
      allowed: [],
      forbidden: [],
    }));
    writeFileSync(join(this.dir, 'calls.log'), '');
  }

  public get env(): Record<string, string> {
    const files = { CLUSTER_STATE: join(this.dir, 'state.json'), CLUSTER_LOG: join(this.dir, 'calls.log') };
    return this.realClock ? files : { ...files, FAKE_CLOCK: join(this.dir, 'clock') };
  }

  public get state(): any {
    return JSON.parse(readFileSync(join(this.dir, 'state.json'), 'utf8'));
  }

  /** Changes the state under the lock the stand-in's calls take (a script may be running). */
  public update(change: (state: any) => void): void {
    const file = join(this.dir, 'state.json');
    const unlock = withStateLock(file);
    try {
      const state = JSON.parse(readFileSync(file, 'utf8'));
      change(state);
      writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
      renameSync(`${file}.tmp`, file);
    } finally {
      unlock();
    }
  }

  /** The NetworkPolicy as the cluster holds it now. */
  public policy(name: string, namespace: string = DEFAULT_NAMESPACE): any {
    return this.state.networkpolicies.find((p: any) => p.metadata.name === name && p.metadata.namespace === namespace);
  }

  /** Whether a RoleBinding still exists. */
  public bindingExists(name: string, namespace: string = DEFAULT_NAMESPACE): boolean {
    return this.state.rbac.bindings.some((b: any) => b.metadata.name === name && b.metadata.namespace === namespace && !b.deleted);
  }

  /** Calls of one tool, without the tool name. */
  public calls(tool: 'kubectl' | 'curl'): string[][] {
    return recordedCalls(join(this.dir, 'calls.log')).filter((c) => c[0] === tool).map((c) => c.slice(1));
  }

  public dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
