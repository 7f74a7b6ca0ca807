import { SoakDestination } from '../src';

describe('SoakDestination.cidrs', () => {
  test('ranges that contain no link-local or metadata address are open as given, with no exception', () => {
    expect(SoakDestination.cidrs(['203.0.113.0/28', '2001:db8::/64', '169.255.0.0/16']).ipBlocks).toEqual([
      { cidr: '203.0.113.0/28' },
      { cidr: '2001:db8::/64' },
      { cidr: '169.255.0.0/16' },
    ]);
  });

  test('ranges around the link-local and metadata ranges keep each closed once', () => {
    expect(SoakDestination.cidrs(['128.0.0.0/1', 'fe00::/7', 'fc00::/7', 'fd00:ec2::/64']).ipBlocks).toEqual([
      { cidr: '128.0.0.0/1', exceptCidrs: ['169.254.0.0/16'] },
      { cidr: 'fe00::/7', exceptCidrs: ['fe80::/10'] },
      { cidr: 'fc00::/7', exceptCidrs: ['fd00:ec2::254/128'] },
      { cidr: 'fd00:ec2::/64', exceptCidrs: ['fd00:ec2::254/128'] },
    ]);
  });
});

describe('SoakDestination.internet', () => {
  test('names a range already closed only once', () => {
    expect(SoakDestination.internet({ exceptCidrs: ['10.0.0.0/8', '198.51.100.0/24', '198.51.100.0/24', 'fc00::/7'] }).ipBlocks).toEqual([
      { cidr: '0.0.0.0/0', exceptCidrs: ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '198.51.100.0/24'] },
      { cidr: '::/0', exceptCidrs: ['::1/128', 'fc00::/7', 'fe80::/10'] },
    ]);
  });
});

describe('SoakDestination.allows', () => {
  test('an address in any one of the ranges, outside its exceptions', () => {
    const destination = SoakDestination.cidrs(['203.0.113.0/28', '198.51.100.0/24', '::/0']);
    expect(['203.0.113.5', '198.51.100.7', '2001:db8::1', 'fd00:ec2::253'].filter((ip) => destination.allows(ip)))
      .toEqual(['203.0.113.5', '198.51.100.7', '2001:db8::1', 'fd00:ec2::253']);
    expect(['203.0.113.16', '192.0.2.1', 'fe80::1', 'fd00:ec2::254'].filter((ip) => destination.allows(ip))).toEqual([]);
  });

  test('internet(): public addresses of both families, never private, loopback, link-local or the ranges named', () => {
    const destination = SoakDestination.internet({ exceptCidrs: ['198.51.100.0/24'] });
    expect(['8.8.8.8', '203.0.113.9', '2001:db8::1'].filter((ip) => destination.allows(ip))).toEqual(['8.8.8.8', '203.0.113.9', '2001:db8::1']);
    expect(['10.1.2.3', '127.0.0.1', '169.254.169.254', '198.51.100.7', '::1', 'fd00:ec2::254', 'fe80::1'].filter((ip) => destination.allows(ip))).toEqual([]);
  });

  test('refuses what is not an IP address literal', () => {
    for (const ip of ['api.example.com', '10.0.0.0/8', '10.0.0.256', '']) {
      expect(() => SoakDestination.internet().allows(ip)).toThrow(new Error(`ip must be an IPv4 or IPv6 address literal, got ${JSON.stringify(ip)}`));
    }
    expect(() => SoakDestination.internet().allows(5 as unknown as string)).toThrow(new Error('ip must be an IPv4 or IPv6 address literal, got 5'));
  });
});
