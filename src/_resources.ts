import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { invalidProp } from './_errors';
import { wholeSize } from './_validate';

/**
 * Splits container resources: cpu and memory go through cdk8s-plus; ephemeral-storage is
 * written by {@link addEphemeralStorage}, because cdk8s-plus-28 renders it in whole gibibytes
 * only and throws on anything smaller (64Mi, 512Mi).
 *
 * Each container always gets both a request and a limit of each resource (the resource-limits and
 * ephemeral-storage rules want them, and the ephemeral-storage patch needs them: cdk8s-plus omits
 * `requests` or `limits` when empty, and a patch into a missing parent fails). A half left out
 * keeps its default, clamped so the pair stays valid: a request alone raises the default limit
 * to it, a limit alone lowers the default request to it (as Kubernetes defaults a missing request
 * to the limit). Every value is checked under the prop `resources`, the name every construct of
 * this library gives it, before cdk8s-plus can throw a message that names no prop.
 */
export function withDefaults(
  resources: kplus.ContainerResources | undefined,
  defaults: Required<kplus.ContainerResources>,
): { cdk8sPlus: kplus.ContainerResources; ephemeralStorage: StorageRequestAndLimit } {
  const cpu = pair('cpu', resources?.cpu, defaults.cpu, (prop, value: kplus.Cpu) => millicores(prop, value), (c) => c.amount);
  // cdk8s-plus writes memory as whole mebibytes (Size.toMebibytes)
  const memory = pair('memory', resources?.memory, defaults.memory, (prop, value: Size) => wholeSize(prop, value, 'Mi'), quantity);
  const ephemeralStorage = pair('ephemeralStorage', resources?.ephemeralStorage, defaults.ephemeralStorage,
    (prop, value: Size) => wholeSize(prop, value, 'Ki'), quantity);
  return { cdk8sPlus: { cpu, memory }, ephemeralStorage };
}

/**
 * One resource's request and limit, defaults filled in and clamped, both checked. The API server
 * refuses a request above its limit (k8s.io/kubernetes pkg/apis/core/validation
 * ValidateResourceRequirements: "must be less than or equal to <resource> limit").
 */
function pair<T>(
  resource: string,
  given: { request?: T; limit?: T } | undefined,
  defaults: { request?: T; limit?: T },
  amountOf: (prop: string, value: T) => number,
  show: (value: T) => string,
): { request: T; limit: T } {
  const prop = `resources.${resource}`;
  const request = given?.request;
  const limit = given?.limit;
  const requestAmount = request === undefined ? undefined : amountOf(`${prop}.request`, request);
  const limitAmount = limit === undefined ? undefined : amountOf(`${prop}.limit`, limit);
  if (request !== undefined && limit !== undefined) {
    if (requestAmount! > limitAmount!) throw invalidProp(`${prop}.request`, `be at most the ${resource} limit (${show(limit)})`, show(request));
    return { request, limit };
  }
  // the defaults are the library's own valid amounts: the prop named here is never shown
  if (request !== undefined) {
    const defaultLimit = defaults.limit!;
    return { request, limit: amountOf(prop, defaultLimit) < requestAmount! ? request : defaultLimit };
  }
  if (limit !== undefined) {
    const defaultRequest = defaults.request!;
    return { request: amountOf(prop, defaultRequest) > limitAmount! ? limit : defaultRequest, limit };
  }
  return { request: defaults.request!, limit: defaults.limit! };
}

/**
 * Whole millicores of a cpu amount (`Cpu.millis(250)` is "250m", `Cpu.units(1.5)` is "1.5"), read
 * from its decimal text so that no float rounding can accept what the API server would round.
 */
function millicores(prop: string, cpu: kplus.Cpu): number {
  const amount = String(cpu?.amount);
  const match = /^(?:([0-9]+)m|([0-9]+)(?:\.([0-9]{1,3}))?)$/.exec(amount);
  const value = match === null ? NaN
    : match[1] !== undefined ? Number(match[1])
      : Number(match[2]) * 1000 + Number((match[3] ?? '').padEnd(3, '0'));
  if (!Number.isSafeInteger(value) || value < 1) {
    throw invalidProp(prop, 'be whole millicores, at least 1m, such as Cpu.millis(250) or Cpu.units(1.5)', amount);
  }
  return value;
}

/** An ephemeral-storage request and limit, both set (as {@link withDefaults} returns them). */
export interface StorageRequestAndLimit {
  readonly request: Size;
  readonly limit: Size;
}

/**
 * Adds ephemeral-storage requests and limits to a container of a synthesized object.
 *
 * @param containerPath JSON pointer to the container, e.g. `/spec/template/spec/containers/0`
 */
export function addEphemeralStorage(apiObject: ApiObject, containerPath: string, storage: StorageRequestAndLimit): void {
  apiObject.addJsonPatch(JsonPatch.add(`${containerPath}/resources/requests/ephemeral-storage`, quantityOf(storage.request)));
  apiObject.addJsonPatch(JsonPatch.add(`${containerPath}/resources/limits/ephemeral-storage`, quantityOf(storage.limit)));
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
