import { ApiObject, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { addEphemeralStorage, quantity, withDefaults } from '../src/_resources';
import { assertNonRootId } from '../src/_restricted';

// The resource pairs every construct of the library writes (src/_resources.ts), at their edges:
// equal requests and limits, a given half equal to the other half's default, cpu written in units
// and in millicores, and the quantities written for ephemeral-storage.

const DEFAULTS: Required<kplus.ContainerResources> = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
  ephemeralStorage: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

const cpuOf = (resources: kplus.ContainerResources) => {
  const cpu = withDefaults(resources, DEFAULTS).cdk8sPlus.cpu!;
  return { request: cpu.request!.amount, limit: cpu.limit!.amount };
};

describe('requests and limits', () => {
  test('a request equal to its limit is allowed', () => {
    expect(cpuOf({ cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(0.5) } })).toEqual({ request: '500m', limit: '0.5' });
    expect(() => withDefaults({ memory: { request: Size.mebibytes(64), limit: Size.mebibytes(64) } }, DEFAULTS)).not.toThrow();
  });

  test('a request 1m above its limit is refused, with both values', () => {
    expect(() => cpuOf({ cpu: { request: kplus.Cpu.millis(501), limit: kplus.Cpu.millis(500) } }))
      .toThrow('resources.cpu.request must be at most the cpu limit (500m), got "501m"');
    expect(() => withDefaults({ ephemeralStorage: { request: Size.mebibytes(65), limit: Size.mebibytes(64) } }, DEFAULTS))
      .toThrow('resources.ephemeralStorage.request must be at most the ephemeralStorage limit (64Mi), got "65Mi"');
  });

  test('a request alone equal to the default limit keeps the default limit as written', () => {
    expect(cpuOf({ cpu: { request: kplus.Cpu.units(0.5) } })).toEqual({ request: '0.5', limit: '500m' });
  });

  test('a request alone 1m above the default limit raises the limit to it', () => {
    expect(cpuOf({ cpu: { request: kplus.Cpu.millis(501) } })).toEqual({ request: '501m', limit: '501m' });
  });

  test('a limit alone equal to the default request keeps the default request as written', () => {
    expect(cpuOf({ cpu: { limit: kplus.Cpu.units(0.1) } })).toEqual({ request: '100m', limit: '0.1' });
  });

  test('a limit alone 1m below the default request lowers the request to it', () => {
    expect(cpuOf({ cpu: { limit: kplus.Cpu.millis(99) } })).toEqual({ request: '99m', limit: '99m' });
  });

  test('1m is the least cpu', () => {
    expect(cpuOf({ cpu: { request: kplus.Cpu.millis(1), limit: kplus.Cpu.millis(1) } })).toEqual({ request: '1m', limit: '1m' });
  });

  test('nothing given: both defaults', () => {
    expect(cpuOf({})).toEqual({ request: '100m', limit: '500m' });
    expect(withDefaults(undefined, DEFAULTS).ephemeralStorage).toStrictEqual(DEFAULTS.ephemeralStorage);
  });
});

describe('cpu amounts: whole millicores, read from their text', () => {
  test.each([
    // [request, limit that is exactly as large]
    [kplus.Cpu.units(1.5), kplus.Cpu.millis(1500)],
    [kplus.Cpu.units(12.5), kplus.Cpu.millis(12500)],
    [kplus.Cpu.units(1.25), kplus.Cpu.millis(1250)],
    [kplus.Cpu.units(1.001), kplus.Cpu.millis(1001)],
    [kplus.Cpu.units(2), kplus.Cpu.millis(2000)],
  ])('%p is exactly %p', (request, limit) => {
    expect(() => cpuOf({ cpu: { request, limit } })).not.toThrow();
    const oneLess = kplus.Cpu.millis(Number(/^([0-9]+)m$/.exec(limit.amount)![1]) - 1);
    expect(() => cpuOf({ cpu: { request, limit: oneLess } })).toThrow(`resources.cpu.request must be at most the cpu limit (${oneLess.amount})`);
  });

  const MILLICORES = 'be whole millicores, at least 1m, such as Cpu.millis(250) or Cpu.units(1.5)';
  test.each([
    [kplus.Cpu.millis(0), '"0m"'],
    [kplus.Cpu.units(0), '"0"'],
    [kplus.Cpu.units(1.0005), '"1.0005"'],
    [kplus.Cpu.millis(0.5), '"0.5m"'],
    [kplus.Cpu.millis(-1), '"-1m"'],
    [null as unknown as kplus.Cpu, '"undefined"'],
  ])('refuses %p', (cpu, shown) => {
    expect(() => cpuOf({ cpu: { request: cpu } })).toThrow(`resources.cpu.request must ${MILLICORES}, got ${shown}`);
    expect(() => cpuOf({ cpu: { limit: cpu } })).toThrow(`resources.cpu.limit must ${MILLICORES}, got ${shown}`);
  });
});

describe('ephemeral-storage quantities', () => {
  test.each([
    [Size.gibibytes(5), '5Gi'],
    [Size.mebibytes(1024), '1Gi'],
    [Size.mebibytes(64), '64Mi'],
    [Size.kibibytes(1536), '1536Ki'],
    [Size.kibibytes(1024 * 1024 + 1024), '1025Mi'],
    [Size.kibibytes(1), '1Ki'],
  ])('%p is written %s', (size, written) => {
    expect(quantity(size)).toBe(written);
  });

  test('the request and the limit are patched into the container', () => {
    const chart = Testing.chart();
    const pod = new kplus.k8s.KubePod(chart, 'pod', { spec: { containers: [{ name: 'c', resources: { requests: {}, limits: {} } }] } });
    // an L1 object maps a patched Quantity through its serializer again (the reason for quantityOf)
    addEphemeralStorage(ApiObject.of(pod), '/spec/containers/0', { request: Size.kibibytes(1536), limit: Size.gibibytes(1) });
    expect(pod.toJson().spec.containers[0].resources).toEqual({ requests: { 'ephemeral-storage': '1536Ki' }, limits: { 'ephemeral-storage': '1Gi' } });
  });
});

describe('pod user and group ids', () => {
  test.each([1, 10001, 2147483647])('%p is allowed', (id) => {
    expect(() => assertNonRootId('user', id)).not.toThrow();
  });
  test.each([0, -1, 1.5, 2147483648, NaN])('%p is refused', (id) => {
    expect(() => assertNonRootId('user', id)).toThrow(`user must be a non-root id between 1 and 2147483647 (above 10000 recommended), got ${id}`);
  });
});
