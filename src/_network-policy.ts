import * as kplus from 'cdk8s-plus-28';

/**
 * DNS to any destination: cluster DNS runs in kube-system, node-local caches listen on
 * link-local addresses and some clusters resolve outside; port 53 is what they share.
 */
export function dnsEgress(): kplus.k8s.NetworkPolicyEgressRule {
  return {
    ports: [
      { port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'UDP' },
      { port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'TCP' },
    ],
  };
}

/** Connections from any source, to the given TCP port only. */
export function ingressOnPort(port: number): kplus.k8s.NetworkPolicyIngressRule {
  return { ports: [{ port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' }] };
}
