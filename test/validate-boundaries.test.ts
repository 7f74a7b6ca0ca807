import { isIPv4, isIPv6 } from 'net';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  assertCidr, assertDns1035Label, assertDnsLabel, assertDnsSubdomain, assertEnvVarName, assertMetadata, assertNumberInRange,
  assertPercentOrAbsolute, assertPort, assertSecretKey, assertWholeNumber, INT32_MAX, isDnsLabel, isIpv4, isIpv6, isLabelValue, isQualifiedName,
  wholeMilliseconds, wholeSeconds, wholeSize,
} from '../src/_validate';

// Each rule of src/_validate.ts at the values on both sides of its limits: the API server's
// lengths (63, 253), int32, port and prefix ranges, inclusive minimums and maximums.

const a = (n: number) => 'a'.repeat(n);
/** A DNS subdomain of exactly `length` characters made of labels of at most 63. */
const subdomain = (length: number) => {
  const labels: string[] = [];
  let left = length;
  while (left > 0) {
    const size = Math.min(63, left === 64 ? 62 : left);
    labels.push(a(size));
    left -= size + 1;
  }
  return labels.join('.');
};

describe('numbers at their limits', () => {
  test('whole numbers: the minimum and maximum are allowed, one beyond is refused', () => {
    expect(() => assertWholeNumber('n', 1, 1)).not.toThrow();
    expect(() => assertWholeNumber('n', INT32_MAX, 1)).not.toThrow();
    expect(() => assertWholeNumber('n', 0, 1)).toThrow('n must be a whole number of at least 1, got 0');
    expect(() => assertWholeNumber('n', 10, 0, '', 10)).not.toThrow();
    expect(() => assertWholeNumber('n', 11, 0, '', 10)).toThrow('n must be a whole number from 0 to 10, got 11');
    // below the minimum of a range with its own maximum: the range still names that maximum
    expect(() => assertWholeNumber('n', -1, 0, '', 10)).toThrow('n must be a whole number from 0 to 10, got -1');
    expect(() => assertWholeNumber('n', INT32_MAX + 1, 1)).toThrow('n must be a whole number from 1 to 2147483647 (int32), got 2147483648');
  });

  test('numbers in a range: both ends allowed, NaN, infinities and anything beyond refused', () => {
    expect(() => assertNumberInRange('r', 0, 0, 1)).not.toThrow();
    expect(() => assertNumberInRange('r', 1, 0, 1)).not.toThrow();
    for (const value of [-0.001, 1.001, NaN, Infinity, -Infinity]) {
      expect(() => assertNumberInRange('r', value, 0, 1)).toThrow(`r must be a number from 0 to 1, got ${value}`);
    }
  });

  test('ports: 1 to 65535', () => {
    expect(() => assertPort('port', 1)).not.toThrow();
    expect(() => assertPort('port', 65535)).not.toThrow();
    for (const value of [0, 65536, 80.5, NaN]) {
      expect(() => assertPort('port', value)).toThrow(`port must be a port number from 1 to 65535, got ${value}`);
    }
  });

  test('whole seconds: both ends allowed; the range reads in days, hours, minutes or seconds', () => {
    expect(wholeSeconds('d', Duration.seconds(5), 5, 10)).toBe(5);
    expect(wholeSeconds('d', Duration.seconds(10), 5, 10)).toBe(10);
    expect(() => wholeSeconds('d', Duration.seconds(4), 5, 10)).toThrow('d must be whole seconds from 5 seconds to 10 seconds, got');
    expect(() => wholeSeconds('d', Duration.seconds(11), 5, 10)).toThrow('d must be whole seconds from 5 seconds to 10 seconds');
    expect(() => wholeSeconds('d', Duration.days(3), 1, 86400)).toThrow('d must be whole seconds from 1 second to 1 day');
    expect(() => wholeSeconds('d', Duration.days(3), 60, 2 * 86400)).toThrow('from 1 minute to 2 days');
    expect(() => wholeSeconds('d', Duration.days(3), 120, 3600)).toThrow('from 2 minutes to 1 hour');
    expect(() => wholeSeconds('d', Duration.days(3), 90, 7200)).toThrow('from 90 seconds to 2 hours');
    // 25 hours is no whole number of days
    expect(() => wholeSeconds('d', Duration.days(3), 0, 90000)).toThrow('from 0 seconds to 25 hours');
    expect(() => wholeSeconds('d', Duration.days(3), 0, 5400)).toThrow('from 0 seconds to 90 minutes');
    expect(() => wholeSeconds('d', Duration.millis(1500))).toThrow(`d must be whole seconds from 0 seconds to ${INT32_MAX} seconds (int32)`);
  });

  test('whole milliseconds: both ends allowed, one beyond refused', () => {
    expect(wholeMilliseconds('m', Duration.millis(5), 5, 10)).toBe(5);
    expect(wholeMilliseconds('m', Duration.millis(10), 5, 10)).toBe(10);
    expect(() => wholeMilliseconds('m', Duration.millis(4), 5, 10)).toThrow('m must be whole milliseconds from 5 to 10, got');
    expect(() => wholeMilliseconds('m', Duration.millis(11), 5, 10)).toThrow('m must be whole milliseconds from 5 to 10');
    expect(() => wholeMilliseconds('m', Duration.millis(0.5))).toThrow(`m must be whole milliseconds from 0 to ${INT32_MAX}`);
  });

  test('whole sizes: the minimum is allowed, one below is refused; above the safe ceiling the range names it', () => {
    expect(wholeSize('s', Size.gibibytes(5), 'Gi', 5)).toBe(5);
    expect(() => wholeSize('s', Size.gibibytes(4), 'Gi', 5)).toThrow('s must be whole gibibytes, at least 5Gi, got');
    const maxMi = Math.floor(Number.MAX_SAFE_INTEGER / 1024);
    expect(wholeSize('s', Size.mebibytes(maxMi), 'Mi')).toBe(maxMi);
    expect(() => wholeSize('s', Size.mebibytes(maxMi + 1), 'Mi')).toThrow(`s must be whole mebibytes, from 1Mi to ${maxMi}Mi`);
  });

  test('PercentOrAbsolute: 0 to int32 and 0% to the ceiling, whole only', () => {
    const { absolute, percent } = kplus.PercentOrAbsolute;
    for (const ok of [absolute(0), absolute(INT32_MAX), percent(0), percent(100)]) expect(() => assertPercentOrAbsolute('p', ok)).not.toThrow();
    expect(() => assertPercentOrAbsolute('p', percent(50), 50)).not.toThrow();
    expect(() => assertPercentOrAbsolute('p', percent(51), 50)).toThrow('p must be PercentOrAbsolute.percent(n) with n a whole number from 0 to 50, got "51%"');
    expect(() => assertPercentOrAbsolute('p', absolute(INT32_MAX + 1))).toThrow('p must be PercentOrAbsolute.absolute(n)');
    expect(() => assertPercentOrAbsolute('p', { value: '5%x' } as any)).toThrow('p must be PercentOrAbsolute.percent(n) with n a whole number from 0 to 100, got "5%x"');
    expect(() => assertPercentOrAbsolute('p', { value: 'x5%' } as any)).toThrow('got "x5%"');
    expect(() => assertPercentOrAbsolute('p', undefined as any)).toThrow('p must be PercentOrAbsolute.percent(n)');
  });
});

describe('names at their limits', () => {
  test('DNS labels: 1 to the maximum length', () => {
    expect(isDnsLabel(a(63))).toBe(true);
    expect(isDnsLabel(a(64))).toBe(false);
    expect(isDnsLabel('')).toBe(false);
    expect(isDnsLabel(a(52), 52)).toBe(true);
    expect(isDnsLabel(a(53), 52)).toBe(false);
    expect(isDnsLabel(5 as any)).toBe(false);
    expect(() => assertDnsLabel('name', a(53), 52, ' (the CronJob suffix)'))
      .toThrow(`name must be a DNS-1123 label: at most 52 lowercase letters, digits and '-', starting and ending with a letter or digit (the CronJob suffix), got "${a(53)}"`);
  });

  test('label values: empty to 63', () => {
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue(a(63))).toBe(true);
    expect(isLabelValue(a(64))).toBe(false);
    expect(isLabelValue(5 as any)).toBe(false);
  });

  test('DNS subdomains: up to the maximum length, each label up to 63', () => {
    expect(subdomain(253)).toHaveLength(253);
    expect(() => assertDnsSubdomain('name', subdomain(253))).not.toThrow();
    expect(() => assertDnsSubdomain('name', subdomain(254))).toThrow('name must be a DNS-1123 subdomain: at most 253');
    expect(() => assertDnsSubdomain('name', `${a(63)}.b`)).not.toThrow();
    expect(() => assertDnsSubdomain('name', `${a(64)}.b`)).toThrow('name must be a DNS-1123 subdomain');
    expect(() => assertDnsSubdomain('name', '')).toThrow(new Error(
      "name must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, got \"\""));
    expect(() => assertDnsSubdomain('name', 5 as any)).toThrow('name must be a DNS-1123 subdomain');
    expect(() => assertDnsSubdomain('name', a(20), 20, ' (why)')).not.toThrow();
    expect(() => assertDnsSubdomain('name', a(21), 20, ' (why)')).toThrow("at most 20 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (why)");
  });

  test('label and annotation keys: a name of 1 to 63, a prefix of 1 to 253 whose labels are at most 63', () => {
    expect(isQualifiedName(a(63))).toBe(true);
    expect(isQualifiedName(a(64))).toBe(false);
    expect(isQualifiedName(`example.com/${a(63)}`)).toBe(true);
    expect(isQualifiedName(`example.com/${a(64)}`)).toBe(false);
    expect(isQualifiedName('example.com/')).toBe(false);
    expect(isQualifiedName('/name')).toBe(false);
    expect(isQualifiedName(`${subdomain(253)}/name`)).toBe(true);
    expect(isQualifiedName(`${subdomain(254)}/name`)).toBe(false);
    expect(isQualifiedName(`${a(63)}.com/name`)).toBe(true);
    expect(isQualifiedName(`${a(64)}.com/name`)).toBe(false);
    expect(isQualifiedName('Example.com/name')).toBe(false);
    expect(isQualifiedName(5 as any)).toBe(false);
  });

  test('Secret keys: 1 to 253, never . or ..', () => {
    expect(() => assertSecretKey('key', a(253))).not.toThrow();
    expect(() => assertSecretKey('key', '.env')).not.toThrow();
    for (const key of [a(254), '', '.', '..', 'a/b', 5 as any]) {
      expect(() => assertSecretKey('key', key)).toThrow("key must be a Secret key: at most 253 letters, digits, '-', '_' and '.', not '.' or '..'");
    }
  });

  test('environment variable names', () => {
    for (const name of ['A', '_a', '-a', '.a', 'a1']) expect(() => assertEnvVarName('env', name)).not.toThrow();
    for (const name of ['1A', '', 'A B', 5 as any]) {
      expect(() => assertEnvVarName('env', name)).toThrow("env must be an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit");
    }
  });

  test('a one-element array is no string, although its text would pass (a jsii caller can pass anything)', () => {
    const text = (s: string) => [s] as any;
    expect(isDnsLabel(text('abc'))).toBe(false);
    expect(isLabelValue(text('abc'))).toBe(false);
    expect(isQualifiedName(text('abc'))).toBe(false);
    expect(() => assertDnsSubdomain('name', text('abc'))).toThrow('name must be a DNS-1123 subdomain');
    expect(() => assertSecretKey('key', text('abc'))).toThrow('key must be a Secret key');
    expect(() => assertEnvVarName('env', text('ABC'))).toThrow('env must be an environment variable name');
    expect(() => assertPercentOrAbsolute('maxSurge', { value: text('50%') } as any))
      .toThrow('maxSurge must be PercentOrAbsolute.percent(n) with n a whole number from 0 to 100, got ["50%"]');
  });

  test('DNS-1035 labels: the requirement ends where the caller says nothing more', () => {
    expect(() => assertDns1035Label('service', '1api'))
      .toThrow(new Error("service must be a DNS-1035 label: at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, got \"1api\""));
    expect(() => assertDns1035Label('service', 'api')).not.toThrow();
  });

  test('metadata: no metadata is fine; each part is named in the error', () => {
    expect(() => assertMetadata('metadata', undefined)).not.toThrow();
    expect(() => assertMetadata('metadata', { labels: { constructor: 'x' } })).toThrow('metadata.labels key must not be "constructor"');
    expect(() => assertMetadata('metadata', { annotations: { constructor: 'x' } })).toThrow('metadata.annotations key must not be "constructor"');
    expect(() => assertMetadata('metadata', { labels: { 'bad key!': 'x' } })).toThrow('metadata.labels key must be a label key');
    expect(() => assertMetadata('metadata', { annotations: { 'bad key!': 'x' } })).toThrow('metadata.annotations key must be an annotation key');
    expect(() => assertMetadata('metadata', { namespace: 'Bad' })).toThrow('metadata.namespace must be a DNS-1123 label');
  });
});

describe('addresses as Node reads them', () => {
  const ipv4 = ['0.0.0.0', '255.255.255.255', '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '1.2.3.-1', 'a.b.c.d', '1.2.3.4 ', ''];
  const ipv6 = [
    '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2:3:4:5:6:7', '1::2:3:4:5:6:7:8', '1:2:3:4:5:6:7::',
    '::ffff:1.2.3.4', '::ffff:1.2.3.256', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '1::1.2.3.4', '1.2.3.4::',
    ':::', '1::2::3', 'g::1', '12345::', '0000:0000:0000:0000:0000:0000:0000:0001', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', 'fe80::1:', '::1.2.3',
    `${'0:'.repeat(7)}0000000`, 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
    // eight groups before a second '::'; a '.' before the last ':'; an IPv4 tail without '::'
    '1:2:3:4:5:6:7:8::9::1', '1.2.3.4:1', '1.2::3:4', '0:0:0:0:0:ffff:1.2.3.4',
  ];

  test.each(ipv4)('IPv4 %p as net.isIPv4', (value) => {
    expect(isIpv4(value)).toBe(isIPv4(value));
  });

  test.each(ipv6)('IPv6 %p as net.isIPv6', (value) => {
    expect(isIpv6(value)).toBe(isIPv6(value));
  });

  test('CIDR prefix lengths: up to 32 for IPv4 and 128 for IPv6', () => {
    expect(() => assertCidr('cidr', '10.0.0.1/32')).not.toThrow();
    expect(() => assertCidr('cidr', '::1/128')).not.toThrow();
    expect(() => assertCidr('cidr', 'x10.0.0.0/8')).toThrow('cidr must be an IPv4 or IPv6 address range in CIDR notation');
    expect(() => assertCidr('cidr', '10.0.0.0/8/8')).toThrow('cidr must be an IPv4 or IPv6 address range in CIDR notation');
    expect(() => assertCidr('cidr', 'x/10.0.0.0/8')).toThrow('cidr must be an IPv4 or IPv6 address range in CIDR notation');
    expect(() => assertCidr('cidr', undefined as any)).toThrow('cidr must be an IPv4 or IPv6 address range in CIDR notation (10.0.0.0/8, fd00::/8), got nothing');
  });
});
