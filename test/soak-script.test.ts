import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as ts from 'typescript';
import { HardenedDeployment, HttpMethod, SoakJob, SoakJobProps, SoakProfile, SoakTarget } from '../src';
import { fillTemplate } from '../src/_soak-script';
import { newChart } from './support/charts';
import { canonicalHeaderKey, K6Response, k6ResponseHeaders, loadK6Script } from './support/k6-script-runtime';
import { typeCheckK6Script } from './support/k6-typecheck';

// The generated script's soak() run under the k6 runtime stand-in (test/support/k6-script-runtime.ts,
// each behaviour cited from grafana/k6 v2.2.0), against scripted servers.

const ENDPOINTS = [
  { path: '/api/orders', weight: 3 },
  { path: '/api/orders', method: HttpMethod.POST, body: '{"sku":"A-1","qty":1}', headers: { 'Content-Type': 'application/json' }, expectedStatus: 201 },
];

function soakScript(props: Partial<SoakJobProps> = {}): string {
  const chart = newChart();
  const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', service: true, metadata: { name: 'orders-api', namespace: 'shop' } });
  return new SoakJob(chart, 'soak', { metadata: { name: 'orders-soak' }, target: SoakTarget.deployment(api), endpoints: ENDPOINTS, ...props }).script;
}

/** A seeded PRNG (Park-Miller) standing in for the VU's Math.random, so counts are reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

const ok = (status = 200, headers: Array<[string, string]> = []): K6Response => ({ status, headers });

describe('the k6 runtime stand-in itself', () => {
  test('canonicalises header names as Go does (net/textproto CanonicalMIMEHeaderKey)', () => {
    expect(canonicalHeaderKey('x-circuit-breaker')).toBe('X-Circuit-Breaker');
    expect(canonicalHeaderKey('X-CIRCUIT-BREAKER')).toBe('X-Circuit-Breaker');
    expect(canonicalHeaderKey('content-type')).toBe('Content-Type');
    expect(canonicalHeaderKey('x_circuit_breaker')).toBe('X_circuit_breaker');
    expect(canonicalHeaderKey('x breaker')).toBe('x breaker'); // not a token: left alone
  });

  test('builds res.headers as k6 does: canonical names, repeated values joined with ", ", values trimmed', () => {
    expect(k6ResponseHeaders([['x-circuit-breaker', ' closed '], ['X-Circuit-Breaker', 'open'], ['content-type', 'text/plain']]))
      .toEqual({ 'X-Circuit-Breaker': 'closed, open', 'Content-Type': 'text/plain' });
  });

  test('refuses what k6 refuses: check names with "::", metrics outside the init context, open() after init', () => {
    const script = soakScript({ endpoints: [{ path: '/api/orders', name: 'orders' }] });
    const k6 = loadK6Script(script.replace('answers ${endpoint.expectedStatus}', ':: ${endpoint.expectedStatus}'), { server: () => ok(), random: seeded(1) });
    expect(() => k6.soak()).toThrow("group and check names may not contain '::'");
  });
});

describe('soak(): one iteration of the mixed workload', () => {
  test('picks endpoints by weight, within 4 standard deviations over 20000 iterations', () => {
    const k6 = loadK6Script(soakScript({ healthWeight: 1 }), { server: () => ok(), random: seeded(42) });
    const n = 20000;
    for (let i = 0; i < n; i++) k6.soak();
    const count = (name: string) => k6.requests.filter((r) => r.params.tags.endpoint === name).length;
    const shares: Array<[string, number]> = [['health /readyz', 1 / 5], ['GET /api/orders', 3 / 5], ['POST /api/orders', 1 / 5]];
    for (const [name, p] of shares) {
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(count(name) / n - p)).toBeLessThan(tolerance);
    }
    expect(shares.reduce((sum, [name]) => sum + count(name), 0)).toBe(n);
  });

  test('an endpoint of weight 0 is never picked, even when Math.random returns its edges', () => {
    const edges = [0, 0.5, 0.999999999];
    let i = 0;
    const k6 = loadK6Script(soakScript({ healthWeight: 0 }), { server: () => ok(), random: () => edges[i++ % edges.length] });
    for (let j = 0; j < 30; j++) k6.soak();
    expect(k6.requests.filter((r) => r.params.tags.endpoint === 'health /readyz')).toEqual([]);
  });

  test('sends each request to the base URL + path with its method, body, headers, endpoint tag and expected status', () => {
    const k6 = loadK6Script(soakScript({ thinkTime: Duration.millis(250) }), { server: (r) => ok(r.method === 'POST' ? 201 : 200), random: seeded(7) });
    for (let i = 0; i < 50; i++) k6.soak();
    const post = k6.requests.find((r) => r.method === 'POST')!;
    expect(post.url).toBe('http://orders-api.shop.svc:80/api/orders');
    expect(post.body).toBe('{"sku":"A-1","qty":1}');
    expect(post.params.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(post.params.tags).toEqual({ endpoint: 'POST /api/orders' });
    expect(post.params.responseCallback.exact).toEqual([201]);
    const get = k6.requests.find((r) => r.params.tags.endpoint === 'GET /api/orders')!;
    expect(get.body).toBeNull();
    expect(get.params.headers).toEqual({});
    expect(k6.sleeps).toEqual(Array(50).fill(0.25));
  });

  test('checks the expected status of each endpoint and reports a wrong one', () => {
    const k6 = loadK6Script(soakScript(), { server: (r) => ok(r.method === 'POST' ? 500 : 200), random: seeded(3) });
    for (let i = 0; i < 200; i++) k6.soak();
    const results = (name: string) => [...new Set(k6.checks.filter((c) => c.name === name).map((c) => c.ok))];
    expect(results('POST /api/orders answers 201')).toEqual([false]);
    expect(results('GET /api/orders answers 200')).toEqual([true]);
    expect(results('health /readyz answers 200')).toEqual([true]);
    expect(k6.checks).toHaveLength(200);
  });
});

describe('soak(): circuit breaker tracking', () => {
  /** Runs one GET-only iteration against a response and returns the breaker samples it recorded. */
  function breakerSamples(props: Partial<SoakJobProps>, response: K6Response) {
    const k6 = loadK6Script(soakScript({ ...props, endpoints: [{ path: '/api/orders' }], healthWeight: 0 }), { server: () => response, random: seeded(1) });
    k6.soak();
    expect(k6.warnings).toEqual([]);
    return { counter: k6.samples.circuit_breaker_open, rate: k6.samples.circuit_breaker_open_rate };
  }

  test.each([
    [503, 1],
    [429, 0],
    [200, 0],
  ])('by status: %d counts %d with the default statuses [503]', (status, open) => {
    expect(breakerSamples({}, ok(status))).toEqual({ counter: [open], rate: [open] });
  });

  const byHeader = { circuitBreaker: { statuses: [], header: 'X-Circuit-Breaker', headerValue: 'open' } };
  test.each<[string, Array<[string, string]>, number]>([
    ['lowercase on the wire (k6 hands over X-Circuit-Breaker)', [['x-circuit-breaker', 'open']], 1],
    ['uppercase on the wire', [['X-CIRCUIT-BREAKER', 'OPEN']], 1],
    ['repeated, joined with ", " by k6', [['x-circuit-breaker', 'closed'], ['x-circuit-breaker', 'open']], 1],
    ['another value', [['x-circuit-breaker', 'half-open']], 0],
    ['absent', [['content-type', 'application/json']], 0],
  ])('by header, case-insensitive in name and value: %s', (_case, headers, open) => {
    expect(breakerSamples(byHeader, ok(200, headers))).toEqual({ counter: [open], rate: [open] });
  });

  test('by header configured in any case, any value when headerValue is unset', () => {
    expect(breakerSamples({ circuitBreaker: { statuses: [], header: 'x-CIRCUIT-breaker' } }, ok(200, [['x-circuit-breaker', 'whatever']])))
      .toEqual({ counter: [1], rate: [1] });
  });
});

describe('soak(): secrets from mounted files', () => {
  const TOKEN_FILE = '/var/run/secrets/soak/auth-token/value';
  const KEY_FILE = '/var/run/secrets/soak/secret-header-0/value';
  function withSecrets() {
    const chart = newChart();
    const secret = kplus.Secret.fromSecretName(chart, 'token', 'soak-token');
    const keys = kplus.Secret.fromSecretName(chart, 'keys', 'soak-keys');
    return soakScript({ authTokenSecret: secret, secretHeaders: [{ name: 'X-Api-Key', secret: keys, key: 'api-key' }], healthWeight: 0 });
  }

  test('sends the bearer token and the secret header on every request, trailing newlines dropped', () => {
    const k6 = loadK6Script(withSecrets(), { files: { [TOKEN_FILE]: 'tok-3f9a1c77e2\n', [KEY_FILE]: 'key-81bd0c55aa\n' }, server: () => ok(201), random: seeded(5) });
    expect(k6.opened).toEqual([TOKEN_FILE, KEY_FILE]);
    for (let i = 0; i < 20; i++) k6.soak();
    expect(k6.requests).toHaveLength(20);
    for (const request of k6.requests) {
      expect(request.params.headers).toMatchObject({ 'Authorization': 'Bearer tok-3f9a1c77e2', 'X-Api-Key': 'key-81bd0c55aa' });
    }
  });

  test('fails at init when a secret file is missing or empty (k6 exits before any request)', () => {
    expect(() => loadK6Script(withSecrets(), { files: { [KEY_FILE]: 'k' } })).toThrow(`stat ${TOKEN_FILE}: no such file or directory`);
    expect(() => loadK6Script(withSecrets(), { files: { [TOKEN_FILE]: '\n', [KEY_FILE]: 'k' } })).toThrow(`secret file ${TOKEN_FILE} is empty`);
  });

  test('opens nothing where the secrets are not mounted (the k6-operator initializer)', () => {
    const k6 = loadK6Script(withSecrets(), { env: { SOAK_SECRETS: 'unmounted' }, server: () => ok(201), random: seeded(5) });
    expect(k6.opened).toEqual([]);
    k6.soak();
    expect(k6.requests[0].params.headers).not.toHaveProperty('Authorization');
  });

  test('with secrets k6 follows no redirect (a redirect would carry the secret header to the host it names); without, k6\'s default', () => {
    expect(loadK6Script(withSecrets(), { files: { [TOKEN_FILE]: 't', [KEY_FILE]: 'k' } }).options.maxRedirects).toBe(0);
    const chart = newChart();
    const keys = kplus.Secret.fromSecretName(chart, 'keys', 'soak-keys');
    const headerOnly = soakScript({ secretHeaders: [{ name: 'X-Api-Key', secret: keys, key: 'api-key' }], healthWeight: 0 });
    expect(loadK6Script(headerOnly, { files: { [KEY_FILE]: 'k' } }).options.maxRedirects).toBe(0);
    expect(loadK6Script(soakScript()).options).not.toHaveProperty('maxRedirects');
  });

  test('sends no Authorization header without authTokenSecret, whatever the environment holds', () => {
    const k6 = loadK6Script(soakScript(), { env: { AUTH_TOKEN: 'from-env' }, server: () => ok(), random: seeded(5) });
    k6.soak();
    expect(k6.opened).toEqual([]);
    expect(k6.requests[0].params.headers).not.toHaveProperty('Authorization');
  });
});

describe('the run\'s windows: early 20 %, steady 60 %, late 20 %', () => {
  test.each([
    ['QUICK', SoakProfile.QUICK, [[0, 720], [720, 2160], [2880, 720]]],
    ['STAGING', SoakProfile.STAGING, [[0, 2880], [2880, 8640], [11520, 2880]]],
    ['PRODUCTION', SoakProfile.PRODUCTION, [[0, 17280], [17280, 51840], [69120, 17280]]],
    // 61 s: 12.2 rounds to 12, 36.6 to 37, and the late window takes the remaining 12
    ['custom(61 s)', SoakProfile.custom(Duration.seconds(61), 2), [[0, 12], [12, 37], [49, 12]]],
    // 62 s: 12.4 rounds to 12 and 37.2 to 37; the late window takes 13, not the 12 that 12.4 rounds to
    ['custom(62 s)', SoakProfile.custom(Duration.seconds(62), 2), [[0, 12], [12, 37], [49, 13]]],
  ])('%s: start and length of each window', (_name, profile, expected) => {
    const { options } = loadK6Script(soakScript({ profile, acknowledgeProductionWrites: true }));
    const windows = ['early', 'steady', 'late'].map((w) => [parseInt(options.scenarios[w].startTime, 10), parseInt(options.scenarios[w].duration, 10)]);
    expect(windows).toEqual(expected);
    const total = profile.duration.toSeconds();
    [0.2, 0.6, 0.2].forEach((share, i) => expect(Math.abs(windows[i][1] - share * total)).toBeLessThanOrEqual(1));
    expect(Object.keys(options.scenarios)).toEqual(['early', 'steady', 'late']);
    for (const w of ['early', 'steady', 'late']) expect(options.scenarios[w].tags).toEqual({ window: w });
  });
});

describe('fillTemplate', () => {
  test('each placeholder must occur exactly once', () => {
    expect(() => fillTemplate('a', { __X__: '1' })).toThrow('template placeholder __X__ occurs 0 times, expected once');
    expect(() => fillTemplate('__X__ __X__', { __X__: '1' })).toThrow('template placeholder __X__ occurs 2 times, expected once');
    expect(fillTemplate('[__X__]', { __X__: '1' })).toBe('[1]');
  });

  test('a placeholder holding pattern characters matches only itself', () => {
    expect(fillTemplate('A.B AxB (C+) CC', { 'A.B': '1', '(C+)': '2' })).toBe('1 AxB 2 CC');
  });
});

describe('template filling never interprets prop values', () => {
  // Every replacement pattern of String.prototype.replace, both placeholders, quotes, backslashes,
  // template-literal syntax, a closing script tag, comment ends, and the line separators U+2028
  // and U+2029, which end a string literal in JavaScript before ES2019.
  const HOSTILE = '$& $` $\' $$ $1 __SOAK_CONFIG__ __K6_OPTIONS__ __SOAK_SUMMARY_LOGIC__ " \' \\ \\" ` ${x} </script> */ //';
  const BODY = `{"price":"$&","note":"${HOSTILE.replace(/["\\]/g, '\\$&')}"}\u2028\u2029\n\t\u0000\ud800`;
  const PATH = '/api/$&/$`/$\'/$$/__K6_OPTIONS__/"\'/\\/</script>/${x}/*/?q=$&';
  const NAME = 'orders $& $` $\' $$ __SOAK_CONFIG__ "x" \\ </script> ${x} */';
  const HEADER = 'X-Dollar-$&\'*`|~';
  const VALUE = '$& $` $\' $$ __K6_OPTIONS__ "q" \\ </script> ${x}';

  function hostileScript(): string {
    return soakScript({
      healthPath: '/health/$&',
      endpoints: [{ path: PATH, method: HttpMethod.POST, name: NAME, body: BODY, headers: { [HEADER]: VALUE }, expectedStatus: 201 }],
      circuitBreaker: { statuses: [503], header: 'X-Breaker-$&', headerValue: VALUE },
      thresholds: { extra: { [`http_req_duration{endpoint:${NAME}}`]: ['p(90)<400'] } },
    });
  }

  test.each(['{"price":"$&"}', '$`', '$\'', 'a$$b', '__K6_OPTIONS__', '\u2028'])('a body %p round-trips through the script', (body) => {
    const { config } = loadK6Script(soakScript({ endpoints: [{ path: '/api/orders', method: HttpMethod.POST, body }] }));
    expect(config.endpoints[1].body).toBe(body);
  });

  test('the script parses, in V8 and in TypeScript\'s module parser', () => {
    const script = hostileScript();
    const source = ts.createSourceFile('soak.js', script, ts.ScriptTarget.ES2020, false, ts.ScriptKind.JS);
    expect((source as any).parseDiagnostics.map((d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, ' '))).toEqual([]);
    expect(() => loadK6Script(script)).not.toThrow();
  });

  test('every value round-trips exactly', () => {
    const { config, options } = loadK6Script(hostileScript());
    expect(config.endpoints[0].path).toBe('/health/$&');
    expect(config.endpoints[1]).toEqual({ name: NAME, method: 'POST', path: PATH, body: BODY, headers: { [HEADER]: VALUE }, expectedStatus: 201, weight: 1 });
    expect(config.breaker).toEqual({ statuses: [503], header: 'x-breaker-$&', headerValue: VALUE.toLowerCase() });
    expect(options.thresholds[`http_req_duration{endpoint:${NAME}}`]).toEqual(['p(90)<400']);
  });

  test('the hostile requests go out exactly as configured', () => {
    const k6 = loadK6Script(hostileScript(), { server: () => ok(201), random: () => 0.99 });
    k6.soak();
    expect(k6.requests[0]).toMatchObject({ method: 'POST', url: `http://orders-api.shop.svc:80${PATH}`, body: BODY });
    expect(k6.requests[0].params.headers).toEqual({ [HEADER]: VALUE });
    expect(k6.checks).toEqual([{ name: `${NAME} answers 201`, ok: true }]);
  });

  test('the hostile script still type-checks against @types/k6', () => {
    expect(typeCheckK6Script(hostileScript())).toEqual([]);
  });
});
