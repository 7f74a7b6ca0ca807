import { invalidProp } from './_errors';
import { namespaceOf, serviceUrlOf } from './_service-url';
import { HardenedDeployment } from './hardened-deployment';

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
    return new SoakTarget(baseUrl, deployment.readinessPath, deployment.matchLabels, deployment.port, namespaceOf(deployment));
  }

  /**
   * A base URL (`http://` or `https://`, host, optional port and path prefix).
   */
  public static url(baseUrl: string): SoakTarget {
    const match = /^(https?):\/\/[A-Za-z0-9.-]+(?::(\d{1,5}))?(\/[^\s?#]*)?$/.exec(baseUrl);
    if (!match || (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535))) {
      throw invalidProp('baseUrl', 'be an http:// or https:// URL with a host, such as "http://orders-api.shop.svc:80"', baseUrl);
    }
    const port = match[2] ? Number(match[2]) : match[1] === 'https' ? 443 : 80;
    return new SoakTarget(baseUrl.replace(/\/$/, ''), undefined, undefined, port, undefined);
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
  ) {}
}
