import { invalidProp } from './_errors';
import { namespaceOf } from './_namespace';
import { serviceUrlOf } from './_service-url';
import { assertNoControlCharacters, isIpv4 } from './_validate';
import { HardenedDeployment } from './hardened-deployment';
import { SoakDestination } from './soak-destination';

/**
 * What a soak test sends its requests to.
 */
export class SoakTarget {
  /**
   * The Service of a HardenedDeployment (which needs `service: true`): the in-cluster DNS name
   * and port are resolved here, and the soak pod may reach exactly those pods.
   */
  public static deployment(deployment: HardenedDeployment): SoakTarget {
    const baseUrl = serviceUrlOf(deployment);
    if (!baseUrl) {
      throw invalidProp('target', 'be a HardenedDeployment with a Service (service: true)', deployment.node.path);
    }
    // a Service means a serving port
    const port = deployment.port!;
    return new SoakTarget(baseUrl, deployment.readinessPath, deployment.matchLabels, port, namespaceOf(deployment), undefined, deployment);
  }

  /**
   * A base URL (`http://` or `https://`, host, optional port and path prefix) and where its host
   * lives: the soak pod may open connections to the URL's port on those addresses only.
   *
   * @param baseUrl the URL requests go to, with an optional path prefix
   * @param destination `SoakDestination.cidrs([...])` with the target's address ranges, or
   *   `SoakDestination.internet()` for any public address; link-local addresses (the cloud
   *   metadata endpoint) are never open
   */
  public static url(baseUrl: string, destination: SoakDestination): SoakTarget {
    const match = /^(https?):\/\/([A-Za-z0-9.-]+)(?::(\d{1,5}))?(\/[^\s?#]*)?$/.exec(baseUrl);
    if (!match || (match[3] !== undefined && (Number(match[3]) < 1 || Number(match[3]) > 65535))) {
      throw invalidProp('baseUrl', 'be an http:// or https:// URL with a host, such as "http://orders-api.shop.svc:80"', baseUrl);
    }
    // Go's url.Parse refuses control characters; the path part cannot hold any (\s), the rest is checked here
    assertNoControlCharacters('baseUrl', baseUrl);
    if (!(destination instanceof SoakDestination)) {
      throw invalidProp('destination', 'be SoakDestination.cidrs([...]) or SoakDestination.internet()', destination);
    }
    const host = match[2];
    if (isIpv4(host) && !destination.allows(host)) {
      throw invalidProp('baseUrl', 'have a host inside the destination\'s open address ranges (the NetworkPolicy would block every request)', baseUrl);
    }
    const port = match[3] ? Number(match[3]) : match[1] === 'https' ? 443 : 80;
    return new SoakTarget(baseUrl.replace(/\/$/, ''), undefined, undefined, port, undefined, destination);
  }

  private constructor(
    /** The base URL requests go to. */
    public readonly baseUrl: string,
    /** The health path of the target, when known. */
    public readonly healthPath: string | undefined,
    /** The target's pod labels, when known (for the NetworkPolicy). */
    public readonly podLabels: { [key: string]: string } | undefined,
    /** The port the target's pods listen on (what a NetworkPolicy sees after the Service). */
    public readonly podPort: number,
    /** The target's namespace, when known. */
    public readonly namespaceName: string | undefined,
    /** The address ranges of a URL target. */
    public readonly destination?: SoakDestination,
    /** The HardenedDeployment behind a deployment target, whose NetworkPolicy must admit the soak pods. @internal */
    public readonly _deployment?: HardenedDeployment,
  ) {}
}
