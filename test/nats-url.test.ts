import { portOf } from '../src/_nats-box';

// The URLs natscli and the monitoring capture are given (natsUrl, monitorUrl): one host, an
// optional port, nothing else; the port goes into the NetworkPolicy.
const NATS = ['nats', 'tls', 'ws', 'wss'];
const REQUIREMENT = 'natsUrl must be a URL with scheme nats://, tls://, ws://, wss:// and a host, such as "nats://nats:4222"';

describe('portOf', () => {
  test.each([
    ['nats://nats:4222', 4222],
    ['nats://nats', 4222],
    ['tls://nats.messaging.svc.cluster.local:4443', 4443],
    ['ws://n', 4222],
    ['wss://n1:1', 1],
    ['nats://nats:65535/', 65535],
    ['nats://10.0.0.1:4222', 4222],
    ['nats://[::1]:4333', 4333],
    ['nats://[fd00::1]', 4222],
    ['nats://NATS.Example.com:7422', 7422],
  ])('%s has port %p', (url, port) => {
    expect(portOf('natsUrl', url, NATS, 4222)).toBe(port);
  });

  test('the default port is the caller\'s', () => {
    expect(portOf('monitorUrl', 'https://nats-mon', ['http', 'https'], 8222)).toBe(8222);
  });

  test.each([
    'nats://nats:0', 'nats://nats:65536', 'nats://nats:123456', 'Xnats://nats:4222', ' nats://nats:4222', 'nats://nats:4222 ', 'http://nats:4222',
    'nats://', 'nats://-nats', 'nats://nats-', 'nats://[]:4222', 'nats://[g::1]:4222', 'nats://nats:4222//', 'nats://nats:4222/x', 'nats://a,b',
    'nats://user@nats', 'nats:nats:4222',
  ])('refuses %p', (url) => {
    expect(() => portOf('natsUrl', url, NATS, 4222)).toThrow(new Error(`${REQUIREMENT}, got ${JSON.stringify(url)}`));
  });

  test('refuses what is no string, even when its text is a URL', () => {
    expect(() => portOf('natsUrl', ['nats://nats:4222'] as any, NATS, 4222)).toThrow(new Error(`${REQUIREMENT}, got ["nats://nats:4222"]`));
    expect(() => portOf('natsUrl', undefined as any, NATS, 4222)).toThrow(new Error(`${REQUIREMENT}, got nothing`));
  });

  test('refuses control characters with their own reason', () => {
    expect(() => portOf('natsUrl', 'nats://nats:4222\r', NATS, 4222)).toThrow('natsUrl must contain no control characters');
  });
});
