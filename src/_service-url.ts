import { namespaceOf } from './_namespace';
import type { HardenedDeployment } from './hardened-deployment';

/**
 * The in-cluster base URL of a HardenedDeployment's Service (`http://<service>.<namespace>.svc:<port>`,
 * or the short name when the namespace is left to the one the manifests are applied in).
 */
export function serviceUrlOf(deployment: HardenedDeployment): string | undefined {
  const service = deployment.service;
  if (!service) return undefined;
  const namespace = namespaceOf(deployment);
  const host = namespace ? `${service.name}.${namespace}.svc` : service.name;
  return `http://${host}:${service.port}`;
}
