import { invalidProp } from './_errors';
import { cidrContains, isIpv4, isIpv6, parseCidr } from './_validate';

/**
 * An address range a soak pod may open connections to: a NetworkPolicy `ipBlock`.
 */
export interface SoakIpBlock {
  /** The range, in CIDR notation. */
  readonly cidr: string;

  /**
   * Ranges inside `cidr` that stay closed (the NetworkPolicy's `except`).
   *
   * @default - none
   */
  readonly exceptCidrs?: string[];
}

/**
 * Options of {@link SoakDestination.internet}.
 */
export interface SoakInternetOptions {
  /**
   * More ranges to keep closed, typically the cluster's own: its pod and Service CIDRs, its node
   * network, when they are public addresses.
   *
   * @default - only the private, shared, loopback and link-local ranges
   */
  readonly exceptCidrs?: string[];
}

/**
 * Link-local ranges: the cloud metadata endpoints live there (169.254.169.254, and AWS's IPv6
 * `fd00:ec2::254` inside the unique-local fc00::/7) and hand out node credentials. No soak target
 * is ever there.
 */
const LINK_LOCAL = ['169.254.0.0/16', 'fe80::/10'];
const METADATA = ['fd00:ec2::254/128'];

/** What "internet" leaves out: private, shared (CGNAT), loopback, link-local and unique-local ranges. */
const NOT_INTERNET_V4 = ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];
const NOT_INTERNET_V6 = ['::1/128', 'fc00::/7', 'fe80::/10'];

/**
 * Where a URL soak target lives, for the soak pod's NetworkPolicy: a URL alone says nothing
 * about the addresses its name resolves to, and egress to a port on every address would reach
 * the cloud metadata endpoint and the cluster's own services from a pod that holds the bearer token.
 */
export class SoakDestination {
  /**
   * The target's address ranges, for example the load balancer's subnet (`['203.0.113.0/28']`).
   * Link-local addresses inside a range (the cloud metadata endpoint) stay closed; a range that
   * lies inside them is refused.
   */
  public static cidrs(cidrs: string[]): SoakDestination {
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      throw invalidProp('cidrs', 'name at least one address range (SoakDestination.internet() for any public address)', cidrs);
    }
    return new SoakDestination(cidrs.map((cidr, i) => {
      const prop = `cidrs[${i}]`;
      const range = parseCidr(prop, cidr);
      const except: string[] = [];
      for (const closed of [...LINK_LOCAL, ...METADATA]) {
        const closedRange = parseCidr('', closed);
        if (cidrContains(closedRange, range)) {
          throw invalidProp(prop, `not lie inside ${closed}, where the cloud metadata endpoint answers`, cidr);
        }
        // the closed ranges are disjoint: none is already covered by another
        if (cidrContains(range, closedRange)) except.push(closed);
      }
      return except.length > 0 ? { cidr, exceptCidrs: except } : { cidr };
    }));
  }

  /**
   * Any public address: every IPv4 and IPv6 address except the private (10/8, 172.16/12,
   * 192.168/16, fc00::/7), shared (100.64/10), loopback and link-local (169.254/16, fe80::/10:
   * the cloud metadata endpoint) ranges, and the `exceptCidrs` you name.
   */
  public static internet(options: SoakInternetOptions = {}): SoakDestination {
    const v4 = [...NOT_INTERNET_V4];
    const v6 = [...NOT_INTERNET_V6];
    (options.exceptCidrs ?? []).forEach((cidr, i) => {
      const range = parseCidr(`exceptCidrs[${i}]`, cidr);
      if (range.prefix === 0) throw invalidProp(`exceptCidrs[${i}]`, 'leave some addresses open (a /0 closes a whole family)', cidr);
      const list = range.family === 4 ? v4 : v6;
      if (!list.includes(cidr)) list.push(cidr);
    });
    return new SoakDestination([{ cidr: '0.0.0.0/0', exceptCidrs: v4 }, { cidr: '::/0', exceptCidrs: v6 }]);
  }

  private constructor(
    /** The NetworkPolicy ipBlocks the soak pod may reach (on the target's port only). */
    public readonly ipBlocks: SoakIpBlock[],
  ) {}

  /** Whether an IP address literal lies in one of the open ranges. */
  public allows(ip: string): boolean {
    if (typeof ip !== 'string' || !(isIpv4(ip) || isIpv6(ip))) throw invalidProp('ip', 'be an IPv4 or IPv6 address literal', ip);
    const address = parseCidr('ip', `${ip}/${isIpv6(ip) ? 128 : 32}`);
    const inside = (cidr: string) => cidrContains(parseCidr('', cidr), address);
    return this.ipBlocks.some((b) => inside(b.cidr) && !(b.exceptCidrs ?? []).some(inside));
  }
}
