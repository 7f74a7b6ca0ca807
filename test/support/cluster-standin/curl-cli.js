/*
 * STAND-IN part: `curl` 8.9.1 (curl/curl tag curl-8_9_1; Alpine's 8.x in alpine/k8s and nats-box)
 * against the scripted cluster: the API's health URL and the NATS monitoring endpoints of pod IPs.
 * Behaviours followed:
 * - `-f`/`--fail`: an HTTP answer of 400 or more exits 22 with no body and
 *   `curl: (22) The requested URL returned error: <code>` (docs/cmdline-opts/fail.md, lib/http.c);
 *   without `-f` every HTTP answer, 503 included, exits 0 and the body is written;
 * - `-s` silences error messages, `-S` shows them again; `-o FILE` writes the body there;
 *   `-w '%{http_code}'` prints the status after the transfer, `000` when there was none;
 * - `-g`/`--globoff` turns URL globbing off; without it `{a,b}` and `[1-3]` expand to several
 *   transfers and a malformed pattern exits 3 (CURLE_URL_MALFORMAT) with
 *   `curl: (3) <error> in URL position <n>:` (src/tool_urlglob.c glob_parse, glob_url); an IPv6
 *   literal host in brackets and `[]` are not globs (peek_ipv6);
 * - a connection nobody accepts exits 7: `curl: (7) Failed to connect to <host> port <port> after
 *   0 ms: Could not connect to server` (lib/connect.c, lib/strerror.c).
 * NATS answers follow nats-server v2.14.2 server/monitor.go (HandleHealthz, healthz, Jsz), the
 * server the official chart nats-2.14.2 ships: see natsMonitor below.
 */

const { matchesSelector } = require('./selector');

function parseArgs(cluster, argv) {
  const opts = { fail: false, silent: false, showError: false, globoff: false, output: undefined, writeOut: undefined, urls: [] };
  const shortBool = { f: 'fail', s: 'silent', S: 'showError', g: 'globoff' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fail') opts.fail = true;
    else if (a === '--silent') opts.silent = true;
    else if (a === '--show-error') opts.showError = true;
    else if (a === '--globoff') opts.globoff = true;
    else if (a === '--max-time' || a === '-m') i++;
    else if (a === '--output') opts.output = argv[++i];
    else if (a === '--write-out') opts.writeOut = argv[++i];
    else if (/^-[A-Za-z]+$/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (shortBool[c]) opts[shortBool[c]] = true;
        else if (c === 'o' || c === 'w' || c === 'm') {
          const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (c === 'o') opts.output = value;
          if (c === 'w') opts.writeOut = value;
          break;
        } else cluster.die(`curl: option -${c}: is unknown`, 2);
      }
    } else if (a.startsWith('-')) cluster.die(`curl: option ${a}: is unknown`, 2);
    else opts.urls.push(a);
  }
  return opts;
}

class GlobError extends Error {
  constructor(message, position) {
    super(message);
    this.position = position;
  }
}

/** tool_urlglob.c glob_parse: the transfers a URL stands for when globbing is on. */
function expandGlob(url) {
  let parts = [''];
  let i = 0;
  while (i < url.length) {
    const c = url[i];
    if (c === '[') {
      const ipv6 = /^\[[0-9A-Fa-f:.]+(%[^\]]+)?\]/.exec(url.slice(i));
      if (ipv6 && ipv6[0].split(':').length > 2 && !ipv6[0].includes('-')) {
        parts = parts.map((p) => p + ipv6[0]);
        i += ipv6[0].length;
        continue;
      }
      if (url[i + 1] === ']') {
        parts = parts.map((p) => `${p}[]`);
        i += 2;
        continue;
      }
      const close = url.indexOf(']', i);
      const range = close < 0 ? undefined : /^(?:([a-zA-Z])-([a-zA-Z])|(\d+)-(\d+))(?::(\d+))?$/.exec(url.slice(i + 1, close));
      if (!range) throw new GlobError('bad range', i + 2);
      const values = [];
      if (range[1]) {
        for (let ch = range[1].charCodeAt(0); ch <= range[2].charCodeAt(0); ch += Number(range[5] ?? 1)) values.push(String.fromCharCode(ch));
      } else {
        const width = range[3].startsWith('0') ? range[3].length : 0;
        for (let n = Number(range[3]); n <= Number(range[4]); n += Number(range[5] ?? 1)) values.push(String(n).padStart(width, '0'));
      }
      if (values.length === 0) throw new GlobError('bad range', i + 2);
      parts = parts.flatMap((p) => values.map((v) => p + v));
      i = close + 1;
    } else if (c === '{') {
      const close = url.indexOf('}', i);
      if (close < 0) throw new GlobError('unmatched brace', i + 1);
      const inner = url.slice(i + 1, close);
      if (inner.includes('{')) throw new GlobError('nested brace', i + 2 + inner.indexOf('{'));
      const values = inner.split(',');
      if (values.some((v) => v === '')) throw new GlobError('empty string within braces', i + 2);
      parts = parts.flatMap((p) => values.map((v) => p + v));
      i = close + 1;
    } else if (c === '}' || c === ']') {
      throw new GlobError('unmatched close brace/bracket', i + 1);
    } else {
      parts = parts.map((p) => p + c);
      i++;
    }
  }
  return parts;
}

/** Which directions a NetworkPolicy denies entirely (policyTypes lists it, its rules are empty). */
function deniedDirections(policy) {
  const types = policy?.spec?.policyTypes ?? [];
  return ['Ingress', 'Egress'].filter((d) => types.includes(d) && (policy.spec[d.toLowerCase()] ?? []).length === 0);
}

function partitioned(health, policy) {
  return health.partitionEffective && deniedDirections(policy).some((d) => health.partitionBreaks.includes(d));
}

/** kubectl patch of a NetworkPolicy: when the partition of the API's policy ends, health comes back after downAfterHeal. */
function policyPatched(cluster, before, after) {
  const health = cluster.state.health;
  if (!health || `${after.metadata.namespace}/${after.metadata.name}` !== health.partitionPolicy) return;
  if (partitioned(health, before) && !partitioned(health, after)) health.backAt = cluster.state.clock + health.downAfterHeal;
}

/** Deep equality of JSON values, keys in any order (as jq's == compares them). */
function sameJson(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    return Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => sameJson(a[k], b[k]));
  }
  return a === b;
}

/** Whether the API's egress to a dependency is cut: its rule is gone from the API's policy (and policies are enforced). */
function egressCut(health, policy) {
  if (!health.dependsOnEgress || !health.partitionEffective || !policy) return false;
  return !(policy.spec.egress ?? []).some((rule) => sameJson(rule, health.dependsOnEgress));
}

/**
 * The API's health URL: scripted answers first; no ready pod behind the Service: nobody accepts
 * the connection (kube-proxy rejects it, curl exit 7); then down (`up: false`, an outage window
 * of the clock, a partition, the time it takes to come back, or a dependency whose egress is
 * cut: 503) or up.
 */
function apiHealth(cluster, host, port) {
  const health = cluster.state.health;
  if (health.sequence.length > 0) return { status: health.sequence.shift(), body: '' };
  if (health.backends) {
    const slash = health.backends.indexOf('/');
    const [namespace, selector] = [health.backends.slice(0, slash), health.backends.slice(slash + 1)];
    const served = cluster.livePods().some((p) => p.namespace === namespace && cluster.isReady(p) && matchesSelector(selector, p.labels));
    if (!served) return { code: 7, message: `Failed to connect to ${host} port ${port} after 0 ms: Could not connect to server` };
  }
  const [ns, name] = (health.partitionPolicy ?? '/').split('/');
  const policy = (cluster.state.networkpolicies ?? []).find((p) => p.metadata.namespace === ns && p.metadata.name === name);
  const clock = cluster.state.clock;
  const recovering = health.backAt !== null && clock < health.backAt;
  const outage = (health.outages ?? []).some(([from, to]) => clock >= from && clock < to);
  const ok = health.up && !outage && !partitioned(health, policy) && !recovering && !egressCut(health, policy);
  return ok ? { status: 200, body: 'ok' } : { status: 503, body: 'unavailable' };
}

/** Go strconv.ParseBool, as nats-server's decodeBool uses it. */
function parseBool(value) {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** The meta leader now: after the old leader's pod is deleted, nextLeader takes over electionDelay later, once its server is up. */
function metaLeader(cluster) {
  const nats = cluster.state.nats;
  if (nats.leader === '' && nats.electedAt !== null && cluster.state.clock >= nats.electedAt) {
    const candidate = cluster.livePods().find((p) => p.nats && p.name === nats.nextLeader && cluster.isReady(p));
    if (candidate) {
      nats.leader = candidate.name;
      nats.electedAt = null;
    }
  }
  return nats.leader;
}

/**
 * nats-server v2.14.2 server/monitor.go:
 * - /jsz: `meta_cluster` with `leader` (omitempty: absent while there is none), the server name,
 *   which the official chart sets to the pod name (SERVER_NAME=$(POD_NAME), stateful-set/nats-container.yaml);
 * - /healthz (HandleHealthz, healthz): a boolean option that strconv.ParseBool refuses gives 400
 *   `Error decoding boolean for '<name>': ...`; js-server-only stops after the server check and
 *   js-enabled-only after "JetStream is enabled" (200); otherwise the meta group must have a leader
 *   (503 `JetStream has not established contact with a meta leader`), js-meta-only stops there,
 *   and every stream replica on this server must be current (503
 *   `JetStream stream '<account> > <stream>' is not current: stream catching up`); then 200 {"status":"ok"}.
 */
function natsMonitor(cluster, pod, url) {
  if (url.pathname === '/jsz') {
    const leader = metaLeader(cluster);
    return { status: 200, body: JSON.stringify({ server_name: pod.name, meta_cluster: { ...(leader ? { leader } : {}), cluster_size: 3, pending: 0 } }) };
  }
  if (url.pathname !== '/healthz') return { status: 404, body: '404 page not found' };
  const options = {};
  for (const name of ['js-enabled', 'js-enabled-only', 'js-server-only', 'js-meta-only', 'details']) {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === '') continue;
    options[name] = parseBool(raw);
    if (options[name] === undefined) return { status: 400, body: `Error decoding boolean for '${name}': strconv.ParseBool: parsing "${raw}": invalid syntax` };
  }
  const ok = { status: 200, body: '{"status":"ok"}' };
  if (options['js-server-only'] || options['js-enabled-only'] || options['js-enabled']) return ok;
  if (!metaLeader(cluster)) return { status: 503, body: '{"status":"unavailable","error":"JetStream has not established contact with a meta leader"}' };
  if (options['js-meta-only']) return ok;
  if (pod.currentAt === null || cluster.state.clock < pod.currentAt) {
    return { status: 503, body: '{"status":"unavailable","error":"JetStream stream \'ORDERS_ACCOUNT > ORDERS\' is not current: stream catching up"}' };
  }
  return ok;
}

/** One transfer: the answer, or a transport failure with its exit code and message. */
function transfer(cluster, raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return { code: 3, message: 'URL rejected: Malformed input to a URL function' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const refused = { code: 7, message: `Failed to connect to ${host} port ${port} after 0 ms: Could not connect to server` };
  const pods = cluster.state.pods.filter((p) => p.ip === host);
  if (pods.length > 0) {
    const pod = cluster.livePods().find((p) => p.ip === host && !cluster.isDeleted(p));
    // a server listens once its pod is ready (the chart's readiness probe is js-server-only)
    if (!pod || !cluster.isReady(pod) || !pod.nats || port !== cluster.state.nats.monitorPort) return refused;
    return natsMonitor(cluster, pod, url);
  }
  if (!cluster.state.health) return { code: 6, message: `Could not resolve host: ${host}` };
  return apiHealth(cluster, host, port);
}

/**
 * Real NATS servers behind the pods (state.nats.real: test/support/real-nats-pods.ts runs a
 * three-node nats-server cluster on the pods' addresses): a request to a NATS pod's address goes
 * to the real curl, whose answer, output and exit code are the real server's.
 */
function toRealNats(cluster, args, urls) {
  if (!cluster.state.nats?.real) return false;
  const natsIps = new Set(cluster.state.pods.filter((p) => p.nats).map((p) => p.ip));
  return urls.length > 0 && urls.every((u) => {
    try {
      return natsIps.has(new URL(u).hostname.replace(/^\[|\]$/g, ''));
    } catch {
      return false;
    }
  });
}

function run(cluster, args) {
  const opts = parseArgs(cluster, args);
  if (toRealNats(cluster, args, opts.urls)) {
    cluster.release(); // the request may take seconds: the state is not held meanwhile, nor saved after
    const real = require('child_process').spawnSync('/usr/bin/curl', args, { stdio: 'inherit' });
    process.exit(real.status ?? 1);
  }
  const say = (message) => {
    if (!opts.silent || opts.showError) process.stderr.write(`${message}\n`);
  };
  let urls = opts.urls;
  if (!opts.globoff) {
    try {
      urls = opts.urls.flatMap(expandGlob);
    } catch (e) {
      if (!(e instanceof GlobError)) throw e;
      const url = opts.urls[0];
      say(`curl: (3) ${e.message} in URL position ${e.position}:\n${url}\n${' '.repeat(e.position - 1)}^`);
      cluster.die('', 3);
    }
  }
  cluster.state.curlTransfers = (cluster.state.curlTransfers ?? 0) + urls.length;
  let exit = 0;
  for (const url of urls) {
    const answer = transfer(cluster, url);
    let status = 0;
    if (answer.code) {
      say(`curl: (${answer.code}) ${answer.message}`);
      exit = answer.code;
    } else {
      status = answer.status;
      if (opts.fail && status >= 400) {
        say(`curl: (22) The requested URL returned error: ${status}`);
        exit = 22;
      } else if (opts.output === undefined || opts.output === '-') {
        process.stdout.write(answer.body);
      } else if (opts.output !== '/dev/null') {
        require('fs').writeFileSync(opts.output, answer.body);
      }
    }
    if (opts.writeOut !== undefined) process.stdout.write(opts.writeOut.replace('%{http_code}', String(status).padStart(3, '0')));
  }
  cluster.save();
  process.exit(exit);
}

module.exports = { run, policyPatched, expandGlob, deniedDirections };
