import { Duration } from 'cdk8s';
import { wholeSeconds } from './_validate';

/**
 * How fast a system must recover from a fault: the chaos baseline's recovery SLAs.
 */
export class RecoverySla {
  /** An API pod is killed: the Deployment is back to full strength in under 30 seconds. */
  public static readonly API_POD_KILL = new RecoverySla('api-pod-kill', Duration.seconds(30));

  /** The NATS JetStream meta leader is killed: a new leader and a healthy cluster in under 60 seconds. */
  public static readonly NATS_LEADER_ELECTION = new RecoverySla('nats-leader-election', Duration.seconds(60));

  /** A network partition ends: the service is healthy again in under 90 seconds. */
  public static readonly NETWORK_PARTITION = new RecoverySla('network-partition', Duration.seconds(90));

  /**
   * Memory pressure ends: the service is healthy again in under 45 seconds. No ChaosExperiment
   * injects memory pressure (no generic injector is safe for an arbitrary image); the README
   * says how to measure it by hand against this SLA.
   */
  public static readonly MEMORY_PRESSURE = new RecoverySla('memory-pressure', Duration.seconds(45));

  /**
   * The observability stack fails: the service degrades gracefully (keeps serving without
   * metrics or traces). No time limit applies. The SLA of ChaosExperiment's observability-block.
   */
  public static readonly OBSERVABILITY_FAILURE = new RecoverySla('observability-failure', undefined);

  /** Every SLA of the baseline, in the order of the table above. */
  public static readonly BASELINE: RecoverySla[] = [
    RecoverySla.API_POD_KILL, RecoverySla.NATS_LEADER_ELECTION, RecoverySla.NETWORK_PARTITION,
    RecoverySla.MEMORY_PRESSURE, RecoverySla.OBSERVABILITY_FAILURE,
  ];

  /**
   * A planned disruption (a rollout, a node drain): the service keeps answering throughout, every
   * probe of its health URL succeeds. No time limit applies: nothing may fail. Not part of the
   * baseline; the SLA of ChaosExperiment's rollout and drain.
   */
  public static readonly ZERO_DOWNTIME = new RecoverySla('zero-downtime', undefined);

  /**
   * An SLA of your own: recovered in less than `maxRecovery`.
   *
   * @param maxRecovery the recovery time that must not be reached: whole seconds from 1 second to 1 day
   * @param name a name for reports
   */
  public static within(maxRecovery: Duration, name: string = 'custom'): RecoverySla {
    wholeSeconds('maxRecovery', maxRecovery, 1, 86400);
    return new RecoverySla(name, maxRecovery);
  }

  private constructor(
    /** Name of the SLA. */
    public readonly name: string,
    /** Recovery must take less than this; undefined when the service must keep answering throughout. */
    public readonly maxRecovery: Duration | undefined,
  ) {}

  /**
   * Whether the SLA has no recovery time: the service must keep answering throughout (graceful
   * degradation, zero downtime).
   */
  public get gracefulDegradation(): boolean {
    return this.maxRecovery === undefined;
  }
}
