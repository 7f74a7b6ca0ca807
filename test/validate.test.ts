import { Duration, Size } from 'cdk8s';
import { PercentOrAbsolute as P } from 'cdk8s-plus-28';
import {
  assertAnnotationKey, assertCidr, assertDns1035Label, assertDnsLabel, assertDnsSubdomain, assertEnvVarName, assertLabelKey, assertLabels,
  assertLabelValue, assertMetadata, assertNoControlCharacters, assertNonEmptyLabelValue, assertNumberInRange, assertPercentOrAbsolute,
  assertRenderableKeys, assertSecretKey, assertWholeNumber, cidrContains, INT32_MAX, parseCidr, wholeMilliseconds, wholeSeconds, wholeSize,
} from '../src/_validate';

describe('whole numbers', () => {
  test('accepts the int32 range', () => {
    expect(() => assertWholeNumber('replicas', INT32_MAX, 1)).not.toThrow();
  });
  test.each([[0], [1.5], [NaN], [Infinity], [2 ** 31]])('fails with %p', (value) => {
    expect(() => assertWholeNumber('replicas', value, 1)).toThrow(/^replicas must be a whole number (of at least 1|from 1 to 2147483647 \(int32\)), got /);
  });
  test('names the int32 ceiling when the value is above it', () => {
    expect(() => assertWholeNumber('replicas', 2 ** 31, 1)).toThrow('replicas must be a whole number from 1 to 2147483647 (int32), got 2147483648');
  });
  test('an explicit ceiling', () => {
    expect(() => assertWholeNumber('keepLast', 1001, 1, '', 1000)).toThrow('keepLast must be a whole number from 1 to 1000, got 1001');
  });
  test('ranges of fractions', () => {
    expect(() => assertNumberInRange('maxErrorRate', 0.5, 0, 1)).not.toThrow();
    expect(() => assertNumberInRange('maxErrorRate', Infinity, 0, 1)).toThrow('maxErrorRate must be a number from 0 to 1, got Infinity');
  });
});

describe('durations', () => {
  test('whole seconds', () => {
    expect(wholeSeconds('minReady', Duration.minutes(2))).toBe(120);
    expect(() => wholeSeconds('terminationGracePeriod', Duration.millis(30500))).toThrow('terminationGracePeriod must be whole seconds from 0 seconds to 2147483647 seconds (int32), got 30 seconds 500 millis');
    expect(() => wholeSeconds('activeDeadline', Duration.seconds(30), 60)).toThrow(/^activeDeadline must be whole seconds from 1 minute to /);
    expect(() => wholeSeconds('ttl', Duration.days(30000))).toThrow(/^ttl must be whole seconds/);
    expect(() => wholeSeconds('x', Duration.millis(NaN))).toThrow(/^x must be whole seconds/);
  });
  test('whole milliseconds', () => {
    expect(wholeMilliseconds('thinkTime', Duration.millis(250))).toBe(250);
    expect(() => wholeMilliseconds('thinkTime', Duration.millis(0.5))).toThrow(/^thinkTime must be whole milliseconds from 0 to 2147483647/);
  });
});

describe('names', () => {
  test('DNS labels', () => {
    expect(() => assertDnsLabel('name', 'orders-api')).not.toThrow();
    for (const bad of ['', '1api-', 'Api', 'a_b', 'a.b', 'x'.repeat(64)]) expect(() => assertDnsLabel('name', bad)).toThrow(/^name must be a DNS-1123 label/);
    expect(() => assertDnsLabel('metadata.name', 'x'.repeat(53), 52)).toThrow(/at most 52/);
  });
  test('DNS subdomains', () => {
    expect(() => assertDnsSubdomain('claimName', 'backup.v1')).not.toThrow();
    for (const bad of ['', '..', 'a..b', '-a', 'A', `${'x'.repeat(64)}.b`]) expect(() => assertDnsSubdomain('claimName', bad)).toThrow(/^claimName must be a DNS-1123 subdomain/);
  });
  test('label keys and values', () => {
    expect(() => assertLabelKey('podLabels key', 'app.kubernetes.io/name')).not.toThrow();
    for (const bad of ['', '/name', 'a/', 'Example.com/x', 'nats,app.kubernetes.io/instance!=x', `${'x'.repeat(64)}`]) {
      expect(() => assertLabelKey('podLabels key', bad)).toThrow(/^podLabels key must be a label key/);
    }
    expect(() => assertLabelValue('partOf', '')).not.toThrow();
    for (const bad of ['-a', 'a b', 'x'.repeat(64), 'a/b']) expect(() => assertLabelValue('partOf', bad)).toThrow(/^partOf must be a label value/);
    expect(() => assertAnnotationKey('rule', 'checks.cdk8s-hardening.io/suppress.x-')).toThrow(/^rule must be an annotation key/);
  });
  test('label sets', () => {
    expect(() => assertLabels('natsPodLabels', {})).toThrow('natsPodLabels must have at least one label: an empty selector selects every pod, got {}');
    expect(() => assertLabels('natsPodLabels', {}, true)).not.toThrow();
    // a valid label key that cdk8s cannot render (found by npm run fuzz through natsPodLabels and podLabels)
    expect(() => assertLabels('natsPodLabels', { constructor: 'nats' }))
      .toThrow('natsPodLabels key must not be "constructor": cdk8s cannot render an object with that key, got "constructor"');
    expect(() => assertLabels('natsPodLabels', { app: 'nats,x!=y' })).toThrow(/^natsPodLabels\["app"\] must be a label value/);
  });
  test('Secret keys', () => {
    expect(() => assertSecretKey('key', 'nats.creds')).not.toThrow();
    for (const bad of ['', '.', '..', 'my token', 'a/b']) expect(() => assertSecretKey('key', bad)).toThrow(/^key must be a Secret key/);
  });
  test('control characters', () => {
    expect(() => assertNoControlCharacters('body', '{"a":"$&"}')).not.toThrow();
    for (const bad of ['a\nb', 'a\u0000', '\u2028', '\u001b[31m']) expect(() => assertNoControlCharacters('body', bad)).toThrow(/^body must contain no control characters/);
  });
});

describe('CIDRs', () => {
  test.each(['10.0.0.0/8', '0.0.0.0/0', '192.168.1.1/32', 'fd00::/8', '::/0', '2001:db8::1/128', '::ffff:10.0.0.0/104'])('accepts %s', (cidr) => {
    expect(() => assertCidr('cidr', cidr)).not.toThrow();
  });
  test.each(['10.0.0.0/33', '999.999.999.999/99', '1.2.3/8', '10.0.0.0', '010.0.0.0/8', '10.0.0.0/08', 'fd00::/129', '1:2:3:4:5:6:7:8:9/64', ':::/0', 'g::/8', ''])('fails with %p', (cidr) => {
    expect(() => assertCidr('cidr', cidr)).toThrow(/^cidr must be an IPv4 or IPv6 address range in CIDR notation/);
  });
});


describe('CIDR arithmetic', () => {
  test('parses both families to their network number and prefix', () => {
    expect(parseCidr('cidr', '10.1.0.0/16')).toEqual({ family: 4, address: BigInt(0x0a010000), prefix: 16 });
    expect(parseCidr('cidr', 'fd00:ec2::254/128')).toEqual({ family: 6, address: BigInt('0xfd000ec2000000000000000000000254'), prefix: 128 });
    expect(parseCidr('cidr', '::ffff:10.0.0.0/104')).toEqual({ family: 6, address: BigInt('0xffff0a000000'), prefix: 104 });
    expect(parseCidr('cidr', '1::/16')).toEqual({ family: 6, address: BigInt(2) ** BigInt(112), prefix: 16 });
    // all eight groups, no '::'; an IPv4 tail after six groups
    expect(parseCidr('cidr', '2001:db8:0:0:0:0:0:0/32')).toEqual({ family: 6, address: BigInt('0x20010db8000000000000000000000000'), prefix: 32 });
    expect(parseCidr('cidr', '0:0:0:0:0:ffff:10.1.0.0/112')).toEqual({ family: 6, address: BigInt('0xffff0a010000'), prefix: 112 });
  });
  test('fails with host bits set', () => {
    expect(() => parseCidr('cidrs[0]', '10.1.2.3/24')).toThrow('cidrs[0] must be a network address with no host bits set (10.1.2.0/24, not 10.1.2.3/24), got "10.1.2.3/24"');
  });
  test('containment within a family only', () => {
    const c = (v: string) => parseCidr('cidr', v);
    expect(cidrContains(c('0.0.0.0/0'), c('169.254.169.254/32'))).toBe(true);
    expect(cidrContains(c('169.254.0.0/16'), c('169.254.169.0/24'))).toBe(true);
    // a range contains itself: equal prefixes
    expect(cidrContains(c('10.0.0.0/8'), c('10.0.0.0/8'))).toBe(true);
    expect(cidrContains(c('fd00::/8'), c('fd12::/16'))).toBe(true);
    expect(cidrContains(c('169.254.169.0/24'), c('169.254.0.0/16'))).toBe(false);
    // the same network address: the longer prefix is the smaller range
    expect(cidrContains(c('10.0.0.0/16'), c('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(c('fd00::/16'), c('fd00::/8'))).toBe(false);
    expect(cidrContains(c('10.0.0.0/8'), c('11.0.0.0/8'))).toBe(false);
    expect(cidrContains(c('fc00::/7'), c('fd00:ec2::254/128'))).toBe(true);
    expect(cidrContains(c('::/0'), c('10.0.0.0/8'))).toBe(false);
  });
});

describe('sizes', () => {
  test('whole units of a size', () => {
    expect(wholeSize('sizeLimit', Size.mebibytes(64), 'Mi')).toBe(64);
    expect(wholeSize('request', Size.kibibytes(1536), 'Ki')).toBe(1536);
    expect(wholeSize('claimSize', Size.gibibytes(5), 'Gi')).toBe(5);
    expect(() => wholeSize('sizeLimit', Size.kibibytes(1.5), 'Mi')).toThrow('sizeLimit must be whole mebibytes, at least 1Mi, got 1.5Ki');
    expect(() => wholeSize('sizeLimit', Size.mebibytes(0), 'Mi')).toThrow('sizeLimit must be whole mebibytes, at least 1Mi, got 0Mi');
    expect(() => wholeSize('sizeLimit', Size.mebibytes(NaN), 'Mi')).toThrow('sizeLimit must be whole mebibytes, from 1Mi to 8796093022207Mi, got NaN');
    expect(() => wholeSize('sizeLimit', Size.pebibyte(1e9), 'Gi')).toThrow(/^sizeLimit must be whole gibibytes, from 1Gi to 8589934591Gi, got /);
  });
});

describe('more names', () => {
  test('non-empty label values', () => {
    expect(() => assertNonEmptyLabelValue('partOf', 'shop')).not.toThrow();
    for (const bad of ['', ' ', 'a b', 'x'.repeat(64)]) expect(() => assertNonEmptyLabelValue('partOf', bad)).toThrow(/^partOf must be a label value: 1 to 63/);
  });
  test('DNS-1035 labels', () => {
    expect(() => assertDns1035Label('name', 'api-1')).not.toThrow();
    for (const bad of ['1api', 'a.b', 'A', '', 'a-', 'x'.repeat(64)]) expect(() => assertDns1035Label('name', bad)).toThrow(/^name must be a DNS-1035 label/);
  });
  test('environment variable names', () => {
    for (const ok of ['NATS_URL', 'a.b-c', '_x', '-x']) expect(() => assertEnvVarName('env', ok)).not.toThrow();
    for (const bad of ['', '1A', 'A B', 'A=B', 'Ä']) expect(() => assertEnvVarName('env', bad)).toThrow(/^env must be an environment variable name/);
  });
  test('metadata', () => {
    expect(() => assertMetadata('metadata', { name: 'x', namespace: 'orders', labels: { 'a/b': '' }, annotations: { 'x.io/y': 'any\ntext' } })).not.toThrow();
    expect(() => assertMetadata('metadata', { namespace: '' })).toThrow(/^metadata\.namespace must be a DNS-1123 label/);
    expect(() => assertMetadata('metadata', { labels: { a: '-' } })).toThrow(/^metadata\.labels\["a"\] must be a label value/);
    expect(() => assertMetadata('metadata', { annotations: { 'a b': 'x' } })).toThrow(/^metadata\.annotations key must be an annotation key/);
  });
});

describe('PercentOrAbsolute', () => {
  test('whole int32 numbers and whole percentages', () => {
    const accepted = [P.absolute(0), P.absolute(INT32_MAX), P.percent(0), P.percent(100)];
    for (const ok of accepted) {
      expect(() => assertPercentOrAbsolute('maxUnavailable', ok)).not.toThrow();
    }
    expect(() => assertPercentOrAbsolute('maxSurge', P.percent(250), INT32_MAX)).not.toThrow();
    const absolute = /^minAvailable must be PercentOrAbsolute\.absolute\(n\) with n a whole number from 0 to 2147483647 \(int32\), got /;
    for (const bad of [P.absolute(-1), P.absolute(NaN), P.absolute(2 ** 31), P.absolute(0.5)]) {
      expect(() => assertPercentOrAbsolute('minAvailable', bad)).toThrow(absolute);
    }
    for (const bad of [P.percent(101), P.percent(-1), P.percent(1.5), P.percent(NaN)]) {
      expect(() => assertPercentOrAbsolute('minAvailable', bad)).toThrow(/^minAvailable must be PercentOrAbsolute\.percent\(n\) with n a whole number from 0 to 100, got "/);
    }
  });
});

describe('keys cdk8s can render', () => {
  test('refuses a key named constructor, which cdk8s cannot serialize', () => {
    expect(() => assertRenderableKeys('labels', { app: 'x', toString: 'y' })).not.toThrow();
    expect(() => assertRenderableKeys('labels', { constructor: 'x' }))
      .toThrow('labels key must not be "constructor": cdk8s cannot render an object with that key, got "constructor"');
  });
});
