import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { testProperty } from './harness';
import {
  cpu, defined, dnsLabel, duration, either, hostileCpu, hostileDuration, hostileNumber, hostileString, image, metadataProp, prop,
  validDuration, validOrHostile,
} from './values';
import { HardenedDeployment, HttpMethod, SoakDestination, SoakEndpoint, SoakJob, SoakJobProps, SoakProfile, SoakTarget } from '../../src';

/** Whether a duration is whole milliseconds (for a known failure's sub-case). */

/** SoakJob props as data: the target and the token Secret are built in the chart. */
interface Case {
  readonly target: { readonly kind: 'deployment'; readonly namespace?: string } | { readonly kind: 'url'; readonly baseUrl: string };
  readonly tokenSecretName?: string;
  readonly profile?: { readonly kind: 'QUICK' | 'STAGING' | 'PRODUCTION' } | { readonly kind: 'custom'; readonly duration: Duration; readonly vus: number };
  readonly soak: Omit<SoakJobProps, 'target' | 'authTokenSecret' | 'profile'>;
}

const SOAK_PROPS = [
  'target', 'endpoints', 'profile', 'healthPath', 'healthWeight', 'thinkTime', 'thresholds', 'circuitBreaker', 'authTokenSecret', 'authTokenKey', 'image',
  'gracefulStop', 'ttlAfterFinished', 'resources', 'networkPolicy', 'testRunParallelism', 'metadata', 'baseUrl', 'duration', 'vus',
  'acknowledgeProductionWrites', 'secretHeaders', 'testRunStarterImage', 'testRunOperatorNamespace', 'metricsOutput', 'dnsResolver', 'destination',
];

function path(): fc.Arbitrary<string> {
  return either(fc.constantFrom('/api/orders', '/api/orders?limit=10', '/healthz', '/a/$&/b', '/{a,b}', '/[1-99999]'), hostileString());
}

function endpoint(): fc.Arbitrary<SoakEndpoint> {
  return fc.record({
    path: path(),
    method: prop(fc.constantFrom(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE), fc.constant('TRACE' as any)),
    body: prop(fc.constantFrom('{"sku":"SOAK-1"}', '$& $` $\' $$', '`${x}`', '</script>'), hostileString()),
    headers: prop(
      fc.dictionary(fc.constantFrom('Content-Type', 'X-Request-Source', 'Accept'), fc.constantFrom('application/json', 'soak', '$&'), { maxKeys: 2, noNullPrototype: true }),
      fc.dictionary(hostileString(), hostileString(), { maxKeys: 2, noNullPrototype: true }),
    ),
    expectedStatus: prop(fc.integer({ min: 100, max: 599 }), hostileNumber()),
    weight: prop(fc.integer({ min: 0, max: 10 }), hostileNumber()),
    name: prop(fc.constantFrom('list-orders', 'create'), hostileString()),
  }, { requiredKeys: ['path'] }).map((e) => defined(e));
}

function soakProps(): fc.Arbitrary<Case['soak']> {
  return fc.record({
    endpoints: either(fc.array(endpoint(), { minLength: 1, maxLength: 3 }), fc.array(endpoint(), { maxLength: 3 })),
    healthPath: prop(fc.constantFrom('/readyz', '/healthz'), path()),
    healthWeight: prop(fc.integer({ min: 0, max: 5 }), hostileNumber()),
    thinkTime: prop(fc.integer({ min: 0, max: 5000 }).map((ms) => duration('millis', ms)), hostileDuration()),
    thresholds: prop(
      fc.record({
        maxErrorRate: prop(fc.double({ min: 0, max: 1, noNaN: true }), hostileNumber()),
        p95: prop(validDuration(1, 2), hostileDuration()),
        p99: prop(validDuration(2, 5), hostileDuration()),
        maxLatencyGrowth: prop(fc.double({ min: 1, max: 10, noNaN: true }), hostileNumber()),
        maxCircuitBreakerOpenRate: prop(fc.double({ min: 0, max: 1, noNaN: true }), hostileNumber()),
        extra: prop<Record<string, string[]>>(
          fc.constant({ 'http_req_duration{window:late}': ['p(95)<800'] }),
          fc.dictionary(hostileString(), fc.array(hostileString(), { maxLength: 2 }), { maxKeys: 2, noNullPrototype: true }),
        ),
      }).map((t) => defined(t)),
      fc.constant({}),
    ),
    circuitBreaker: prop(
      fc.record({
        statuses: prop<number[]>(fc.constantFrom([503], [429, 503]), fc.array(hostileNumber(), { maxLength: 2 })),
        header: prop(fc.constantFrom('x-circuit-breaker'), hostileString()),
        headerValue: prop(fc.constantFrom('open'), hostileString()),
      }).map((c) => defined(c)),
      fc.constant({}),
    ),
    authTokenKey: prop(fc.constantFrom('token', 'bearer'), hostileString()),
    image: prop(image('grafana/k6:2.2.0'), image('grafana/k6:2.2.0')),
    gracefulStop: prop(validDuration(0, 120), hostileDuration()),
    ttlAfterFinished: prop(validDuration(0, 86400 * 7), hostileDuration()),
    resources: prop<kplus.ContainerResources>(fc.record({ cpu: fc.record({ request: fc.integer({ min: 1, max: 1000 }).map((m) => cpu('millis', m)) }) }), fc.record({ cpu: fc.record({ limit: hostileCpu() }) })),
    networkPolicy: prop(fc.boolean(), fc.boolean()),
    testRunParallelism: prop(fc.integer({ min: 1, max: 10 }), hostileNumber()),
    metadata: metadataProp(),
  }, { requiredKeys: ['endpoints'] }).map((p) => defined(p) as Case['soak']);
}

/** Every string of the props that the generated k6 script embeds. */
function embeddedStrings(c: Case): string[] {
  return [
    ...(c.soak.endpoints ?? []).flatMap((e) => [e.path, e.body, e.name, ...Object.values(e.headers ?? {})]),
    // the breaker header and value are compared case-insensitively: the script holds them lowercased
    c.soak.healthPath, c.soak.circuitBreaker?.header?.toLowerCase(), c.soak.circuitBreaker?.headerValue?.toLowerCase(),
  ].filter((s): s is string => typeof s === 'string');
}

describe('SoakJob property', () => {
  testProperty<Case>({
    name: 'SoakJob',
    runs: 100,
    props: validOrHostile(() => fc.record({
      target: fc.oneof(
        fc.record({ kind: fc.constant('deployment' as const), namespace: prop(dnsLabel(), hostileString()) }),
        fc.record({ kind: fc.constant('url' as const), baseUrl: either(fc.constantFrom('https://orders.example.com', 'http://orders-api.shop.svc:8080'), hostileString()) }),
      ),
      tokenSecretName: fc.option(either(dnsLabel(), hostileString()), { nil: undefined }),
      profile: fc.option(fc.oneof(
        fc.record({ kind: fc.constantFrom('QUICK' as const, 'STAGING' as const, 'PRODUCTION' as const) }),
        fc.record({
          kind: fc.constant('custom' as const),
          duration: either(fc.integer({ min: 60, max: 86400 }).map((s) => duration('seconds', s)), hostileDuration()),
          vus: either(fc.integer({ min: 1, max: 50 }), hostileNumber()),
        }),
      ), { nil: undefined }),
      soak: soakProps(),
    }, { requiredKeys: ['target', 'soak'] })),
    propNames: SOAK_PROPS,
    build: (chart, c) => {
      const target = c.target.kind === 'url' ? SoakTarget.url(c.target.baseUrl, SoakDestination.cidrs(['203.0.113.0/24']))
        : SoakTarget.deployment(new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: defined({ name: 'orders-api', namespace: c.target.namespace }) }));
      const profile = c.profile === undefined ? undefined : c.profile.kind === 'custom' ? SoakProfile.custom(c.profile.duration, c.profile.vus) : SoakProfile[c.profile.kind];
      const authTokenSecret = c.tokenSecretName !== undefined ? kplus.Secret.fromSecretName(chart, 'token', c.tokenSecretName) : undefined;
      new SoakJob(chart, 'soak', defined({ ...c.soak, target, profile, authTokenSecret }));
    },
    // the HardenedDeployment target is judged by its own property
    judged: (obj) => obj.metadata?.name !== 'orders-api',
    // every embedded value appears in the script as the JSON string literal of itself
    check: (objects, c) => {
      const script: string | undefined = objects.find((o) => o.kind === 'ConfigMap')?.data?.['soak.js'];
      if (script === undefined) return ['no soak.js in the ConfigMap'];
      return embeddedStrings(c).filter((s) => !script.includes(JSON.stringify(s))).map((s) => `soak.js does not hold ${JSON.stringify(s)} literally`);
    },
  });
});
