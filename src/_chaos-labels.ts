/** The label key that marks chaos objects with their scenario. */
export const CHAOS_SCENARIO_LABEL = 'chaos.cdk8s-hardening.io/scenario';
