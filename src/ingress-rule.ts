import * as kplus from 'cdk8s-plus-28';
import { invalidProp } from './_errors';
import { assertCidr, assertDnsLabel, assertLabels, assertPort, assertRenderableKeys } from './_validate';

/**
 * Options of {@link IngressRule.fromPods}.
 */
export interface IngressFromPodsOptions {
  /** Labels of the pods allowed in. Must not be empty. */
  readonly labels: { [key: string]: string };

  /**
   * Namespace of those pods, matched by its `kubernetes.io/metadata.name` label.
   *
   * @default - the namespace of the Deployment
   */
  readonly namespaceName?: string;

  /**
   * TCP ports of the Deployment's pods they may connect to.
   *
   * @default - the Deployment's container port (`port`)
   */
  readonly ports?: number[];
}

/**
 * Options of {@link IngressRule.fromIngressController}.
 */
export interface IngressControllerOptions {
  /**
   * Namespace of the ingress controller, matched by its `kubernetes.io/metadata.name` label.
   *
   * @default 'ingress-nginx' (where the ingress-nginx installation guide puts it)
   */
  readonly namespaceName?: string;

  /**
   * Labels of the controller pods.
   *
   * @default { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } (the ingress-nginx Helm chart's controller pods, any release)
   */
  readonly labels?: { [key: string]: string };

  /**
   * TCP ports of the Deployment's pods the controller may connect to.
   *
   * @default - the Deployment's container port (`port`)
   */
  readonly ports?: number[];
}

/**
 * Who may open connections to the pods of a {@link HardenedDeployment} under its NetworkPolicy.
 *
 * Without any rule the container port is open to every source (every pod of every namespace,
 * and any address the network plugin lets reach pods) and every other port is closed. Once a
 * rule is given, only the peers of the rules get in, each on its ports (the container port
 * unless the rule names others). Traffic from the node (kubelet probes) is always allowed.
 */
export class IngressRule {
  /** Pods with the given labels, in the Deployment's namespace or another one. */
  public static fromPods(options: IngressFromPodsOptions): IngressRule {
    if (Object.keys(options.labels ?? {}).length === 0) {
      throw invalidProp('labels', 'name at least one label: an empty selector admits every pod (use fromNamespace for a whole namespace)', options.labels);
    }
    assertRenderableKeys('labels', options.labels);
    assertLabels('labels', options.labels);
    if (options.namespaceName !== undefined) assertDnsLabel('namespaceName', options.namespaceName, 63, ' (a namespace name)');
    return new IngressRule([{
      podSelector: { matchLabels: { ...options.labels } },
      ...(options.namespaceName !== undefined ? { namespaceSelector: namespaceSelector(options.namespaceName) } : {}),
    }], tcpPorts(options.ports), `pods ${JSON.stringify(options.labels)}${options.namespaceName !== undefined ? ` in ${options.namespaceName}` : ''}`);
  }

  /** The pods of a workload (a HardenedDeployment or any cdk8s-plus workload) in the Deployment's namespace. */
  public static fromWorkload(workload: kplus.Workload, ports?: number[]): IngressRule {
    if (Object.keys(workload.matchLabels).length === 0) {
      throw invalidProp('workload', 'select its pods by label: an empty selector admits every pod', workload.node.path);
    }
    return IngressRule.fromPods({ labels: workload.matchLabels, ports });
  }

  /** Every pod of one namespace, matched by its `kubernetes.io/metadata.name` label. */
  public static fromNamespace(namespaceName: string, ports?: number[]): IngressRule {
    assertDnsLabel('namespaceName', namespaceName, 63, ' (a namespace name)');
    return new IngressRule([{ namespaceSelector: namespaceSelector(namespaceName) }], tcpPorts(ports), `every pod of namespace ${namespaceName}`);
  }

  /**
   * The ingress controller's pods: by default those of ingress-nginx as its Helm chart deploys
   * them (labels `app.kubernetes.io/name: ingress-nginx` and `app.kubernetes.io/component:
   * controller`, namespace `ingress-nginx`). A controller on the host network (`hostNetwork:
   * true`) connects from its node's address, which no pod selector matches: use `fromCidr` with
   * the nodes' range instead.
   */
  public static fromIngressController(options: IngressControllerOptions = {}): IngressRule {
    // kubernetes/ingress-nginx charts/ingress-nginx: selectorLabels (_helpers.tpl) are name and
    // instance (the release); the controller Deployment's pods add component: controller.
    const labels = options.labels ?? { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };
    return IngressRule.fromPods({ labels, namespaceName: options.namespaceName ?? 'ingress-nginx', ports: options.ports });
  }

  /**
   * An address range, such as a load balancer's or the nodes' (for a controller on the host
   * network). Network plugins differ in whether they see a client's own address after a
   * Service or load balancer; check what yours does before relying on it.
   */
  public static fromCidr(cidr: string, ports?: number[]): IngressRule {
    assertCidr('cidr', cidr);
    return new IngressRule([{ ipBlock: { cidr } }], tcpPorts(ports), `addresses ${cidr}`);
  }

  private constructor(
    private readonly peers: kplus.k8s.NetworkPolicyPeer[],
    private readonly ports: number[] | undefined,
    /** The peers in words, for error messages. */
    private readonly description: string,
  ) {}

  /** The ports it admits, given the Deployment's port; undefined when it names none and there is none. @internal */
  public _portsWith(defaultPort: number | undefined): number[] | undefined {
    return this.ports ?? (defaultPort !== undefined ? [defaultPort] : undefined);
  }

  /** The peers in words. @internal */
  public _describe(): string {
    return this.description;
  }

  /** @internal */
  public _toKube(defaultPort: number | undefined): kplus.k8s.NetworkPolicyIngressRule {
    const ports = this._portsWith(defaultPort);
    if (ports === undefined) {
      throw invalidProp('ingress', 'name its ports: the Deployment serves no port of its own (a worker)', this.description);
    }
    return {
      from: this.peers.map((peer) => ({ ...peer })),
      ports: ports.map((port) => ({ port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
    };
  }

  /**
   * Whether this rule admits pods with these labels in `namespace` on `port`: true, false, or
   * undefined when it cannot be told at synth time (an address range may hold pod addresses).
   * A peer without a namespace selector means the Deployment's namespace. @internal
   */
  public _admits(
    labels: Record<string, string>, namespace: string | undefined, ownNamespace: string | undefined, port: number, defaultPort: number | undefined,
  ): boolean | undefined {
    if (!(this._portsWith(defaultPort) ?? []).includes(port)) return false;
    let unknown = false;
    for (const peer of this.peers) {
      if (peer.ipBlock) {
        unknown = true;
        continue;
      }
      const selected = Object.entries(peer.podSelector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
      if (!selected) continue;
      const peerNamespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? ownNamespace;
      if (peerNamespace === namespace) return true;
      // a namespace left to `kubectl apply -n` on either side: it may be the same one
      if (peerNamespace === undefined || namespace === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  }
}

function namespaceSelector(namespaceName: string): kplus.k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespaceName } };
}

/** The rule's ports, each checked; undefined: the Deployment's port. */
function tcpPorts(ports: number[] | undefined): number[] | undefined {
  if (ports === undefined) return undefined;
  if (!Array.isArray(ports) || ports.length === 0) throw invalidProp('ports', 'hold at least one port, or be left out for the Deployment\'s port', ports);
  for (const port of ports) assertPort('ports', port);
  return [...new Set(ports)];
}
