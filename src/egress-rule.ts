import * as kplus from 'cdk8s-plus-28';
import { invalidProp } from './_errors';

/**
 * Options of {@link EgressRule.toPods}.
 */
export interface EgressToPodsOptions {
  /** Labels of the destination pods. Must not be empty. */
  readonly labels: { [key: string]: string };

  /** TCP ports allowed on those pods. */
  readonly ports: number[];

  /**
   * Namespace of the destination pods, matched by its `kubernetes.io/metadata.name` label.
   *
   * @default - the namespace of the source pods
   */
  readonly namespaceName?: string;
}

/**
 * A destination that pods under a default-deny NetworkPolicy may open connections to.
 * DNS is always allowed; everything else must be named with one of these.
 */
export class EgressRule {
  /** TCP ports of pods with the given labels. */
  public static toPods(options: EgressToPodsOptions): EgressRule {
    if (Object.keys(options.labels).length === 0) {
      throw invalidProp('labels', 'name at least one label: an empty selector allows every pod', options.labels);
    }
    const peer: kplus.k8s.NetworkPolicyPeer = {
      podSelector: { matchLabels: options.labels },
      ...(options.namespaceName ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.namespaceName } } } : {}),
    };
    return new EgressRule([peer], tcpPorts(options.ports));
  }

  /** TCP ports of the pods of a workload (a HardenedDeployment or any cdk8s-plus workload) in the same namespace. */
  public static toWorkload(workload: kplus.Workload, ports: number[]): EgressRule {
    return EgressRule.toPods({ labels: workload.matchLabels, ports });
  }

  /** TCP ports of an IP range outside the cluster, such as a managed database. */
  public static toCidr(cidr: string, ports: number[]): EgressRule {
    if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(cidr)) {
      throw invalidProp('cidr', 'be an IPv4 or IPv6 range such as "10.0.0.0/16"', cidr);
    }
    return new EgressRule([{ ipBlock: { cidr } }], tcpPorts(ports));
  }

  private constructor(
    private readonly peers: kplus.k8s.NetworkPolicyPeer[],
    private readonly ports: kplus.k8s.NetworkPolicyPort[],
  ) {}

  /** @internal */
  public _toKube(): kplus.k8s.NetworkPolicyEgressRule {
    return { to: this.peers, ports: this.ports };
  }
}

function tcpPorts(ports: number[]): kplus.k8s.NetworkPolicyPort[] {
  if (ports.length === 0) throw invalidProp('ports', 'hold at least one port', ports);
  return ports.map((port) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalidProp('ports', 'hold port numbers from 1 to 65535', port);
    return { port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
  });
}
