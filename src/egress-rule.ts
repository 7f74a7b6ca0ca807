import * as kplus from 'cdk8s-plus-28';
import { invalidProp } from './_errors';
import { assertCidr, assertDnsLabel, assertLabels, assertPort, assertRenderableKeys } from './_validate';

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
    if (Object.keys(options.labels ?? {}).length === 0) {
      throw invalidProp('labels', 'name at least one label: an empty selector allows every pod', options.labels);
    }
    assertRenderableKeys('labels', options.labels);
    assertLabels('labels', options.labels);
    // an empty name used to be dropped silently, which allowed the pods of the own namespace instead
    if (options.namespaceName !== undefined) assertDnsLabel('namespaceName', options.namespaceName, 63, ' (a namespace name)');
    const peer: kplus.k8s.NetworkPolicyPeer = {
      podSelector: { matchLabels: { ...options.labels } },
      ...(options.namespaceName !== undefined ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.namespaceName } } } : {}),
    };
    return new EgressRule([peer], tcpPorts(options.ports));
  }

  /** TCP ports of the pods of a workload (a HardenedDeployment or any cdk8s-plus workload) in the same namespace. */
  public static toWorkload(workload: kplus.Workload, ports: number[]): EgressRule {
    if (Object.keys(workload.matchLabels).length === 0) {
      throw invalidProp('workload', 'select its pods by label: an empty selector allows every pod', workload.node.path);
    }
    return EgressRule.toPods({ labels: workload.matchLabels, ports });
  }

  /** TCP ports of an IP range outside the cluster, such as a managed database. */
  public static toCidr(cidr: string, ports: number[]): EgressRule {
    assertCidr('cidr', cidr);
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
  if (!Array.isArray(ports) || ports.length === 0) throw invalidProp('ports', 'hold at least one port', ports);
  return ports.map((port) => {
    assertPort('ports', port);
    return { port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' };
  });
}
