import * as kplus from 'cdk8s-plus-28';
import { assertCidr, assertDnsLabel, assertLabels } from './_validate';

/**
 * Options of {@link DnsResolver.pods}.
 */
export interface DnsResolverPodsOptions {
  /** Labels of the resolver pods. Must not be empty. */
  readonly labels: { [key: string]: string };

  /** Namespace of the resolver pods, matched by its `kubernetes.io/metadata.name` label. */
  readonly namespaceName: string;
}

/**
 * The DNS resolver that pods under a library NetworkPolicy may query, on port 53 (UDP and TCP)
 * and nowhere else.
 *
 * Port 53 to any address is an exfiltration channel (any host can answer on 53), so every
 * policy of this library names its resolver. The default is the cluster DNS as kubeadm, EKS,
 * GKE and AKS deploy it: pods labelled `k8s-app: kube-dns` in `kube-system`. Queries go to the
 * kube-dns Service address; network plugins match a policy after the Service address is
 * translated to a pod, which is why a pod selector is the usual way to allow cluster DNS.
 */
export class DnsResolver {
  /** The cluster DNS: pods labelled `k8s-app: kube-dns` (CoreDNS keeps that label) in `kube-system`. */
  public static clusterDns(): DnsResolver {
    return DnsResolver.pods({ labels: { 'k8s-app': 'kube-dns' }, namespaceName: 'kube-system' });
  }

  /** Resolver pods with other labels or in another namespace (for example a custom CoreDNS deployment). */
  public static pods(options: DnsResolverPodsOptions): DnsResolver {
    assertLabels('dns labels', options.labels);
    assertDnsLabel('dns namespaceName', options.namespaceName);
    return new DnsResolver([{
      podSelector: { matchLabels: { ...options.labels } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.namespaceName } },
    }]);
  }

  /**
   * Resolvers at fixed addresses: a resolver outside the cluster, or a node-local cache whose
   * address is not a pod (see nodeLocalCache).
   */
  public static cidr(cidr: string): DnsResolver {
    assertCidr('dns cidr', cidr);
    return new DnsResolver([{ ipBlock: { cidr } }]);
  }

  /**
   * NodeLocal DNSCache: the cache on each node (a host-network pod listening on a link-local
   * address, `169.254.20.10` by default) and the cluster DNS it falls back to.
   *
   * @param address the cache's listen address
   */
  public static nodeLocalCache(address: string = '169.254.20.10'): DnsResolver {
    const cache = DnsResolver.cidr(address.includes(':') ? `${address}/128` : `${address}/32`);
    return new DnsResolver([...cache.peers, ...DnsResolver.clusterDns().peers]);
  }

  private constructor(private readonly peers: kplus.k8s.NetworkPolicyPeer[]) {}

  /** @internal */
  public _toEgressRule(): kplus.k8s.NetworkPolicyEgressRule {
    return {
      to: this.peers.map((peer) => ({ ...peer })),
      ports: [
        { port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'UDP' },
        { port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'TCP' },
      ],
    };
  }
}
