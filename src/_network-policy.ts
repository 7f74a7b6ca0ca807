import * as kplus from 'cdk8s-plus-28';
import { DnsResolver } from './dns-resolver';

/** DNS to the named resolver only, the cluster DNS unless told otherwise (see DnsResolver). */
export function dnsEgress(resolver: DnsResolver = DnsResolver.clusterDns()): kplus.k8s.NetworkPolicyEgressRule {
  return resolver._toEgressRule();
}

/** Connections from any source, to the given TCP port only. */
export function ingressOnPort(port: number): kplus.k8s.NetworkPolicyIngressRule {
  return { ports: [{ port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' }] };
}
