import { Duration } from 'cdk8s';

/**
 * What each Job's pod gets between the kubelet's SIGTERM and its SIGKILL
 * (terminationGracePeriodSeconds), whenever the Job is deleted, its pod evicted or its
 * activeDeadlineSeconds reached. Each script is PID 1 of its container and handles TERM itself:
 * long commands and sleeps run in the background so the trap runs at once; what follows the
 * signal is what these are sized for.
 */
export const TERMINATION_GRACE = {
  /** Stop natscli, then delete the partial backup directory: up to a whole backup's files on the claim. */
  backup: Duration.seconds(60),
  /** Stop natscli and delete the scratch directory; the streams restored so far stay (the log names them). */
  restore: Duration.seconds(30),
  /** Stop the throwaway nats-server (it flushes its store), delete the store (up to storeSize), report. */
  drill: Duration.seconds(60),
  /** k6 aborts its iterations at once, runs teardown and handleSummary and flushes its outputs (remote write). */
  soak: Duration.seconds(60),
  /**
   * The API request in progress (at most 10 s: every kubectl call carries --request-timeout=10s),
   * then the cleanup: the target's NetworkPolicy read and restored (two requests) and the Job's
   * RoleBinding deleted (one): 40 s at worst, with room to spare.
   */
  chaos: Duration.seconds(60),
};
