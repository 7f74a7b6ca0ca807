import { FakeCluster } from './fake-cluster';
import { NatsCluster } from './nats-cluster';

export interface NatsPodKubeletOptions {
  /** Whether the StatefulSet brings a deleted pod back (false: its replacement never starts). */
  readonly replace: boolean;
  /** Milliseconds from the old pod being gone to its replacement's server starting (scheduling, image, volume). */
  readonly startDelayMs?: number;
}

/**
 * The kubelet and the StatefulSet controller of a scripted cluster (FakeCluster with
 * `nats.real`) whose NATS pods are the servers of a real NatsCluster, one pod per server, named
 * after it. When a script deletes a NATS pod, this stops that server with SIGTERM (as the kubelet
 * does at the start of a pod's termination), marks the pod gone once the process has exited, then
 * creates the replacement under the same name (a new uid), starts the server again with its store
 * (the pod's volume) and marks the pod ready when it accepts clients: the official chart's
 * readiness probe, `/healthz?js-server-only=true`, passes once the server runs. Whether the
 * cluster has recovered (a meta leader, every stream current) is for the real servers to say.
 */
export class NatsPodKubelet {
  private readonly handled = new Set<string>();
  private readonly pending: Promise<void>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pods: FakeCluster, private readonly nats: NatsCluster, private readonly options: NatsPodKubeletOptions) {}

  public start(): void {
    this.timer = setInterval(() => this.tick(), 50);
  }

  /** Stops watching and waits for the replacements under way. */
  public async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
  }

  private tick(): void {
    for (const pod of this.pods.state.pods) {
      if (!pod.nats || pod.deletedAt === null || pod.goneAt !== null || this.handled.has(pod.uid)) continue;
      this.handled.add(pod.uid);
      this.pending.push(this.terminate(pod));
    }
  }

  private async terminate(pod: any): Promise<void> {
    await this.nats.stopNode(pod.name);
    const now = () => Date.now() / 1000;
    const goneAt = now();
    this.pods.update((state) => { state.pods.find((p: any) => p.uid === pod.uid).goneAt = goneAt; });
    if (!this.options.replace) return;
    await new Promise((r) => setTimeout(r, this.options.startDelayMs ?? 500));
    const uid = `${pod.uid}-replacement`;
    const createdAt = now();
    this.pods.update((state) => {
      state.pods.push({ ...pod, uid, createdAt, readyAt: null, currentAt: null, deletedAt: null, goneAt: null });
    });
    await this.nats.startNode(pod.name);
    const readyAt = now();
    this.pods.update((state) => {
      const replacement = state.pods.find((p: any) => p.uid === uid);
      replacement.readyAt = readyAt;
      replacement.currentAt = readyAt;
    });
  }
}
