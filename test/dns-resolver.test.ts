import { DnsResolver } from '../src';

const dns53 = [{ port: { value: 53 }, protocol: 'UDP' }, { port: { value: 53 }, protocol: 'TCP' }];

describe('DnsResolver', () => {
  test('clusterDns: the kube-dns pods of kube-system, port 53 over UDP and TCP, nothing else', () => {
    expect(DnsResolver.clusterDns()._toEgressRule()).toMatchObject({
      to: [{
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      }],
      ports: dns53,
    });
    expect(DnsResolver.clusterDns()._toEgressRule().to).toHaveLength(1);
  });

  test('pods: other resolver pods', () => {
    expect(DnsResolver.pods({ labels: { app: 'coredns-custom' }, namespaceName: 'dns' })._toEgressRule().to).toEqual([{
      podSelector: { matchLabels: { app: 'coredns-custom' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } },
    }]);
  });

  test('cidr: a resolver outside the cluster', () => {
    expect(DnsResolver.cidr('10.0.0.2/32')._toEgressRule()).toMatchObject({ to: [{ ipBlock: { cidr: '10.0.0.2/32' } }], ports: dns53 });
  });

  test('nodeLocalCache: the link-local cache address and the cluster DNS behind it', () => {
    const to = DnsResolver.nodeLocalCache()._toEgressRule().to!;
    expect(to[0]).toEqual({ ipBlock: { cidr: '169.254.20.10/32' } });
    expect(to[1]).toMatchObject({ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } });
    expect(DnsResolver.nodeLocalCache('fd00::10')._toEgressRule().to![0]).toEqual({ ipBlock: { cidr: 'fd00::10/128' } });
  });

  test('fails with an empty or invalid selector, an invalid namespace or address', () => {
    expect(() => DnsResolver.pods({ labels: {}, namespaceName: 'dns' }))
      .toThrow('dns labels must have at least one label: an empty selector selects every pod, got {}');
    expect(() => DnsResolver.pods({ labels: { app: 'a b' }, namespaceName: 'dns' })).toThrow(/^dns labels\["app"\] must be a label value/);
    expect(() => DnsResolver.pods({ labels: { app: 'dns' }, namespaceName: '' })).toThrow(/^dns namespaceName must be a DNS-1123 label/);
    expect(() => DnsResolver.cidr('8.8.8.8')).toThrow(/^dns cidr must be an IPv4 or IPv6 address range in CIDR notation/);
    expect(() => DnsResolver.nodeLocalCache('169.254.20.300')).toThrow(/^dns cidr must be an IPv4 or IPv6 address range/);
  });
});
