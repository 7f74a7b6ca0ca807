/** The label key that marks chaos objects with their scenario. */
export const CHAOS_SCENARIO_LABEL = 'chaos.cdk8s-hardening.io/scenario';

/** The label key that arms a gated chaos NetworkPolicy on a pod. */
export const CHAOS_PARTITION_LABEL = 'chaos.cdk8s-hardening.io/partition';
