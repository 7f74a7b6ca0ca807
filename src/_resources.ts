import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * Splits container resources: cpu and memory go through cdk8s-plus; ephemeral-storage is
 * written by {@link addEphemeralStorage}, because cdk8s-plus-28 renders it in whole gibibytes
 * only and throws on anything smaller (64Mi, 512Mi).
 */
export function withDefaults(
  resources: kplus.ContainerResources | undefined,
  defaults: Required<kplus.ContainerResources>,
): { cdk8sPlus: kplus.ContainerResources; ephemeralStorage: kplus.EphemeralStorageResources } {
  return {
    cdk8sPlus: { cpu: resources?.cpu ?? defaults.cpu, memory: resources?.memory ?? defaults.memory },
    ephemeralStorage: resources?.ephemeralStorage ?? defaults.ephemeralStorage,
  };
}

/**
 * Adds ephemeral-storage requests and limits to a container of a synthesized object.
 *
 * @param containerPath JSON pointer to the container, e.g. `/spec/template/spec/containers/0`
 */
export function addEphemeralStorage(apiObject: ApiObject, containerPath: string, storage: kplus.EphemeralStorageResources): void {
  if (storage.request) {
    apiObject.addJsonPatch(JsonPatch.add(`${containerPath}/resources/requests/ephemeral-storage`, quantityOf(storage.request)));
  }
  if (storage.limit) {
    apiObject.addJsonPatch(JsonPatch.add(`${containerPath}/resources/limits/ephemeral-storage`, quantityOf(storage.limit)));
  }
}

/**
 * A patch value for a Quantity field: the generated L1 classes map patched resources
 * through their Quantity serializer again, which reads `.value`; a bare string would vanish.
 */
function quantityOf(size: Size): kplus.k8s.Quantity {
  return kplus.k8s.Quantity.fromString(quantity(size));
}

/** The shortest exact Kubernetes quantity for a size (5Gi, 64Mi, 512Ki). */
export function quantity(size: Size): string {
  const kib = size.toKibibytes();
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}Gi`;
  if (kib % 1024 === 0) return `${kib / 1024}Mi`;
  return `${kib}Ki`;
}
