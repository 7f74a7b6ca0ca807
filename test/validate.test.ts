import { Duration } from 'cdk8s';
import {
  assertAnnotationKey, assertCidr, cidrContains, parseCidr, assertDnsLabel, assertDnsSubdomain, assertLabelKey, assertLabels, assertLabelValue,
  assertNoControlCharacters, assertNumberInRange, assertSecretKey, assertWholeNumber, INT32_MAX, wholeMilliseconds, wholeSeconds,
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
    expect(parseCidr('cidr', '::ffff:10.0.0.0/104').address).toBe(BigInt('0xffff0a000000'));
  });
  test('fails with host bits set', () => {
    expect(() => parseCidr('cidrs[0]', '10.1.2.3/24')).toThrow('cidrs[0] must be a network address with no host bits set (10.1.2.0/24, not 10.1.2.3/24), got "10.1.2.3/24"');
  });
  test('containment within a family only', () => {
    const c = (v: string) => parseCidr('cidr', v);
    expect(cidrContains(c('0.0.0.0/0'), c('169.254.169.254/32'))).toBe(true);
    expect(cidrContains(c('169.254.0.0/16'), c('169.254.169.0/24'))).toBe(true);
    expect(cidrContains(c('169.254.169.0/24'), c('169.254.0.0/16'))).toBe(false);
    expect(cidrContains(c('10.0.0.0/8'), c('11.0.0.0/8'))).toBe(false);
    expect(cidrContains(c('fc00::/7'), c('fd00:ec2::254/128'))).toBe(true);
    expect(cidrContains(c('::/0'), c('10.0.0.0/8'))).toBe(false);
  });
});
