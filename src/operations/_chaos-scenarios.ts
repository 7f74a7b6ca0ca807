import { RecoverySla } from '../recovery-sla';

/**
 * What the documents say about each chaos scenario the library injects, keyed by the value of the
 * Job's `chaos.cdk8s-hardening.io/scenario` label. A scenario missing here still gets a section,
 * built from its Job's labels and environment: adding one is adding an entry.
 */
export interface ScenarioGuide {
  /** The fault, in a few words. */
  readonly fault: string;
  /** What the system should do while and after it happens. */
  readonly expected: string;
  /** When the Job counts the system as recovered. */
  readonly recoveredWhen: string;
  /** The baseline SLA the scenario measures. */
  readonly baseline: RecoverySla;
}

export const SCENARIO_GUIDES: Record<string, ScenarioGuide> = {
  'api-kill': {
    fault: 'deletes one ready pod of the API Deployment',
    expected: 'the other pods keep serving; the Deployment replaces the pod; no request fails beyond those in flight on the deleted pod',
    recoveredWhen: 'the Deployment has its desired ready pods again (the deleted one not counted) and the health URL answered 2xx the required number of times in a row',
    baseline: RecoverySla.API_POD_KILL,
  },
  'nats-kill': {
    fault: 'deletes the JetStream meta leader pod of the NATS StatefulSet (else its first ready pod)',
    expected: 'the other servers elect a new meta leader; clients reconnect; streams catch up; the API keeps or regains its connection',
    recoveredWhen: 'the pod is replaced, every pod is ready, a meta leader is elected and every server answers the full /healthz (streams current) the required number of times in a row',
    baseline: RecoverySla.NATS_LEADER_ELECTION,
  },
  'network-block': {
    fault: 'switches the API\'s own NetworkPolicy to deny for the hold time, then restores it',
    expected: 'requests to the API fail while it is partitioned; after the partition the service is healthy again without a restart',
    recoveredWhen: 'the Deployment has its desired ready pods and the health URL answered 2xx the required number of times in a row, measured from the end of the partition',
    baseline: RecoverySla.NETWORK_PARTITION,
  },
};

/** The baseline scenarios that no experiment of the library injects, with how to test them by hand. */
export interface ManualGuide {
  readonly title: string;
  readonly expected: string;
  /** How to inject the fault, in words (the commands to watch come from the Deployment). */
  readonly inject: string;
  readonly recoveredWhen: string;
}

export const BASELINE_TITLES: Record<string, string> = {
  [RecoverySla.API_POD_KILL.name]: 'API pod kill',
  [RecoverySla.NATS_LEADER_ELECTION.name]: 'NATS leader election',
  [RecoverySla.NETWORK_PARTITION.name]: 'Network partition',
  [RecoverySla.MEMORY_PRESSURE.name]: 'Memory pressure',
  [RecoverySla.OBSERVABILITY_FAILURE.name]: 'Observability failure',
};

export const MANUAL_GUIDES: Record<string, ManualGuide> = {
  [RecoverySla.API_POD_KILL.name]: {
    title: 'API pod kill',
    expected: SCENARIO_GUIDES['api-kill'].expected,
    inject: 'delete one ready pod of the Deployment',
    recoveredWhen: 'the Deployment has its desired ready pods again',
  },
  [RecoverySla.NATS_LEADER_ELECTION.name]: {
    title: 'NATS leader election',
    expected: SCENARIO_GUIDES['nats-kill'].expected,
    inject: 'find the meta leader (`meta_cluster.leader` of the monitoring endpoint\'s `/jsz`) and delete its pod',
    recoveredWhen: 'a new meta leader is elected and every NATS pod is ready and answers `/healthz`',
  },
  [RecoverySla.NETWORK_PARTITION.name]: {
    title: 'Network partition',
    expected: SCENARIO_GUIDES['network-block'].expected,
    inject: 'apply a ChaosNetworkPolicy to pods that no other policy covers, wait, then delete it',
    recoveredWhen: 'the Deployment is ready and the service answers again after the policy is deleted',
  },
  [RecoverySla.MEMORY_PRESSURE.name]: {
    title: 'Memory pressure',
    expected: 'a pod that exceeds its memory limit is OOMKilled and restarted; the others keep serving; nothing else restarts',
    inject: 'drive one pod\'s memory up with the means the application offers (a request mix that allocates, a debug endpoint)',
    recoveredWhen: 'from the OOMKill (the container\'s `lastState.terminated.finishedAt`) until every pod is ready again and restarts stop',
  },
  [RecoverySla.OBSERVABILITY_FAILURE.name]: {
    title: 'Observability failure',
    expected: 'the service keeps serving while metrics, logs or traces cannot be delivered: no failed requests, no restarts, readiness unchanged',
    inject: 'stop the monitoring stack the service reports to (scale the metrics or tracing backend to zero) for a few minutes: it is not part of the app',
    recoveredWhen: 'there is nothing to recover: the criterion is graceful degradation, with no time limit',
  },
};
