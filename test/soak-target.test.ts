import { Duration } from 'cdk8s';
import { SoakDestination, SoakJob, SoakProfile, SoakTarget } from '../src';
import { cidrContains, parseCidr } from '../src/_validate';
import { newChart } from './support/charts';
import { CLUSTER_DNS_EGRESS } from './support/expected';
import { onlyOfKind, synthValid } from './support/manifests';

// URL soak targets: the soak pod, which holds the bearer token, may reach the target's port on the
// destination's address ranges only, never the link-local range of the cloud metadata endpoint.

const METADATA = ['169.254.169.254', 'fd00:ec2::254', 'fe80::a9fe:a9fe'];

function urlEgress(baseUrl: string, destination: SoakDestination) {
  const chart = newChart();
  new SoakJob(chart, 'soak', { metadata: { name: 'edge-soak' }, target: SoakTarget.url(baseUrl, destination), endpoints: [{ path: '/api/orders' }] });
  const policy = onlyOfKind(synthValid(chart), 'NetworkPolicy');
  return policy.spec.egress as any[];
}

/** Whether an ipBlock peer lets an address through (in cidr, in no except). */
function opens(block: { cidr: string; except?: string[] }, ip: string): boolean {
  const address = parseCidr('ip', `${ip}/${ip.includes(':') ? 128 : 32}`);
  const inside = (cidr: string) => cidrContains(parseCidr('cidr', cidr), address);
  return inside(block.cidr) && !(block.except ?? []).some(inside);
}

describe('SoakTarget.url egress', () => {
  test('cidrs: the target\'s port on those ranges only, after DNS', () => {
    expect(urlEgress('https://api.example.com', SoakDestination.cidrs(['203.0.113.0/28', '2001:db8::/64']))).toEqual([
      CLUSTER_DNS_EGRESS,
      { to: [{ ipBlock: { cidr: '203.0.113.0/28' } }, { ipBlock: { cidr: '2001:db8::/64' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
  });

  test('cidrs that contain the link-local ranges keep them closed', () => {
    expect(SoakDestination.cidrs(['0.0.0.0/0', '::/0', '169.0.0.0/8', 'fd00::/8']).ipBlocks).toEqual([
      { cidr: '0.0.0.0/0', exceptCidrs: ['169.254.0.0/16'] },
      { cidr: '::/0', exceptCidrs: ['fe80::/10', 'fd00:ec2::254/128'] },
      { cidr: '169.0.0.0/8', exceptCidrs: ['169.254.0.0/16'] },
      { cidr: 'fd00::/8', exceptCidrs: ['fd00:ec2::254/128'] },
    ]);
  });

  test('internet: every public address, without private, shared, loopback, link-local and the ranges named', () => {
    const destination = SoakDestination.internet({ exceptCidrs: ['198.51.100.0/24', '2001:db8:1::/48'] });
    expect(destination.ipBlocks).toEqual([
      { cidr: '0.0.0.0/0', exceptCidrs: ['10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '198.51.100.0/24'] },
      { cidr: '::/0', exceptCidrs: ['::1/128', 'fc00::/7', 'fe80::/10', '2001:db8:1::/48'] },
    ]);
    const egress = urlEgress('http://api.example.com:8080', destination);
    expect(egress[1].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const blocks = egress[1].to.map((p: any) => p.ipBlock);
    const reachable = (ip: string) => blocks.some((b: any) => opens(b, ip));
    expect(['10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.10', '127.0.0.1', '198.51.100.7', 'fd12::1', '2001:db8:1::5'].filter(reachable)).toEqual([]);
    expect(['203.0.113.9', '8.8.8.8', '2001:db8:2::1'].every(reachable)).toBe(true);
  });

  test.each<[string, SoakDestination]>([
    ['cidrs 0.0.0.0/0 and ::/0', SoakDestination.cidrs(['0.0.0.0/0', '::/0'])],
    ['internet()', SoakDestination.internet()],
    ['a /8 around the IPv4 metadata range', SoakDestination.cidrs(['169.0.0.0/8'])],
  ])('soak egress never reaches the metadata endpoints: %s', (_name, destination) => {
    const egress = urlEgress('https://api.example.com', destination);
    const blocks = egress.flatMap((rule: any) => (rule.to ?? []).map((p: any) => p.ipBlock)).filter(Boolean);
    expect(blocks.length).toBeGreaterThan(0);
    for (const ip of METADATA) expect(blocks.filter((b: any) => opens(b, ip))).toEqual([]);
    // every egress rule names its peers: none is open to all addresses
    for (const rule of egress.slice(1)) expect(rule.to?.length).toBeGreaterThan(0);
  });

  test('an IP literal host must lie in the open ranges', () => {
    expect(() => SoakTarget.url('http://203.0.113.5:8080', SoakDestination.cidrs(['203.0.113.0/28']))).not.toThrow();
    expect(() => SoakTarget.url('http://10.0.0.5', SoakDestination.internet())).toThrow(
      'baseUrl must have a host inside the destination\'s open address ranges (the NetworkPolicy would block every request), got "http://10.0.0.5"');
    expect(() => SoakTarget.url('http://169.254.169.254', SoakDestination.cidrs(['0.0.0.0/0']))).toThrow(/^baseUrl must have a host inside the destination's open address ranges/);
  });
});

describe('SoakDestination refuses', () => {
  test.each<[string, () => unknown, string]>([
    ['no ranges', () => SoakDestination.cidrs([]), 'cidrs must name at least one address range (SoakDestination.internet() for any public address), got []'],
    ['a range inside the IPv4 link-local range', () => SoakDestination.cidrs(['169.254.169.254/32']),
      'cidrs[0] must not lie inside 169.254.0.0/16, where the cloud metadata endpoint answers, got "169.254.169.254/32"'],
    ['the IPv6 metadata address', () => SoakDestination.cidrs(['203.0.113.0/24', 'fd00:ec2::254/128']),
      'cidrs[1] must not lie inside fd00:ec2::254/128, where the cloud metadata endpoint answers, got "fd00:ec2::254/128"'],
    ['an IPv6 link-local range', () => SoakDestination.cidrs(['fe80::/64']), 'cidrs[0] must not lie inside fe80::/10, where the cloud metadata endpoint answers, got "fe80::/64"'],
    ['a malformed range', () => SoakDestination.cidrs(['10.0.0.0/33']), 'cidrs[0] must be an IPv4 or IPv6 address range in CIDR notation (10.0.0.0/8, fd00::/8), got "10.0.0.0/33"'],
    ['host bits set', () => SoakDestination.cidrs(['203.0.113.5/24']), 'cidrs[0] must be a network address with no host bits set (10.1.2.0/24, not 10.1.2.3/24), got "203.0.113.5/24"'],
    ['an internet exception of a whole family', () => SoakDestination.internet({ exceptCidrs: ['::/0'] }),
      'exceptCidrs[0] must leave some addresses open (a /0 closes a whole family), got "::/0"'],
    ['a malformed internet exception', () => SoakDestination.internet({ exceptCidrs: ['10.0.0/8'] }),
      'exceptCidrs[0] must be an IPv4 or IPv6 address range in CIDR notation (10.0.0.0/8, fd00::/8), got "10.0.0/8"'],
    ['a URL without destination (from JavaScript)', () => (SoakTarget.url as any)('https://api.example.com'),
      'destination must be SoakDestination.cidrs([...]) or SoakDestination.internet(), got nothing'],
    ['a URL with a control character', () => SoakTarget.url('https://api.example.com/v1\u0000', SoakDestination.internet()),
      'baseUrl must contain no control characters (newlines, tabs, escapes), got "https://api.example.com/v1\\u0000"'],
  ])('fails with %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});

describe('SoakTarget.url base URLs', () => {
  test.each<[string, number, string]>([
    ['http://api.example.com', 80, 'http://api.example.com'],
    ['https://api.example.com', 443, 'https://api.example.com'],
    ['http://api.example.com:1', 1, 'http://api.example.com:1'],
    ['https://api.example.com:65535/v1/', 65535, 'https://api.example.com:65535/v1'],
  ])('%s goes to port %d', (baseUrl, port, stored) => {
    const target = SoakTarget.url(baseUrl, SoakDestination.internet());
    expect([target.podPort, target.baseUrl]).toEqual([port, stored]);
  });

  test.each([
    ['http://api.example.com:0'],
    ['http://api.example.com:65536'],
    ['http://api.example.com:123456'],
    ['xhttp://api.example.com'],
    [' https://api.example.com'],
    ['https://api.example.com/orders?page=1'],
    ['https://api.example.com#top'],
  ])('refuses %s', (baseUrl) => {
    expect(() => SoakTarget.url(baseUrl, SoakDestination.internet())).toThrow(
      `baseUrl must be an http:// or https:// URL with a host, such as "http://orders-api.shop.svc:80", got ${JSON.stringify(baseUrl)}`);
  });
});

describe('SoakProfile', () => {
  test('custom keeps its duration and virtual users under the name custom', () => {
    const profile = SoakProfile.custom(Duration.minutes(90), 3);
    expect([profile.name, profile.duration.toSeconds(), profile.vus]).toEqual(['custom', 5400, 3]);
  });
});
