import { posix } from 'path';
import { runInNewContext } from 'vm';

/**
 * Runs a generated k6 script in Node with STAND-INS for the k6 runtime modules (k6, k6/http,
 * k6/metrics) and init-context globals, which exist only inside the k6 binary. The script's own
 * code (config, options, secrets, endpoint choice, breaker detection, handleSummary) runs
 * unchanged; only its `import` lines are replaced and `export` keywords dropped.
 *
 * Each stand-in does what grafana/k6 v2.2.0 does, as cited, including the awkward cases:
 * - `res.headers`: lib/netext/httpext/request.go copies Go's `http.Header` into a plain map: names
 *   Go-canonical (net/textproto CanonicalMIMEHeaderKey, Go 1.25 as in k6's go.mod toolchain: first
 *   letter and every letter after '-' upper case, the rest lower case; names with a byte outside
 *   the RFC 7230 token set are left alone), repeated headers joined with ", ", values trimmed;
 * - `http.expectedStatuses`: js/modules/k6/http/response_callback.go, integers or {min,max}, throws
 *   on no arguments;
 * - `check`: internal/js/modules/k6/k6.go Check: throws outside a VU (init context), throws on a
 *   name containing "::" (lib/models.go GroupSeparator), records a `checks` sample per name, returns
 *   false when any fails;
 * - `Counter` / `Rate`: internal/js/modules/k6/metrics/metrics.go: declared only in the init context,
 *   `add` only outside it; booleans count as 1/0; null or NaN is logged as a warning, not thrown
 *   (the `throw` option is off by default);
 * - `open`: internal/js/initcontext.go openImpl: init context only, `file://` stripped, relative
 *   paths resolved against the script's directory, directories refused, a missing file throws;
 * - `__ENV`: `k6 run` passes the system environment (internal/cmd/run.go runtimeOptionFlagSet(true));
 * - `sleep`: recorded, not waited for.
 */
export interface K6Response {
  readonly status: number;
  /** Header lines as a server sends them: repeated names allowed, any case. */
  readonly headers?: Array<[string, string]>;
  readonly body?: string;
}

export interface K6Request {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
  readonly params: any;
}

export interface K6RuntimeOptions {
  /** The process environment the script sees as __ENV. */
  readonly env?: Record<string, string>;
  /** Files open() can read, by absolute path. */
  readonly files?: Record<string, string>;
  /** The server: answers each request. */
  readonly server?: (request: K6Request) => K6Response;
  /** Math.random of the VU (k6 lets a script seed it; the tests seed it to be reproducible). */
  readonly random?: () => number;
  /** Directory of the script, for relative open() paths. */
  readonly scriptDir?: string;
}

export interface LoadedK6Script {
  readonly options: any;
  readonly config: any;
  readonly handleSummary: (data: any) => Record<string, string>;
  /** One iteration of the soak scenario. */
  readonly soak: () => void;
  readonly requests: K6Request[];
  readonly checks: Array<{ name: string; ok: boolean }>;
  /** Samples added to custom metrics, by metric name. */
  readonly samples: Record<string, number[]>;
  readonly sleeps: number[];
  readonly warnings: string[];
  /** The paths open() was called with, in the init context. */
  readonly opened: string[];
}

const KNOWN_IMPORTS = [
  "import http from 'k6/http';",
  "import { check, sleep } from 'k6';",
  "import { Counter, Rate } from 'k6/metrics';",
];

/** RFC 7230 tchar: the bytes Go's textproto accepts in a header name (validHeaderFieldByte). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Go's textproto.CanonicalMIMEHeaderKey (Go 1.25, net/textproto/reader.go). */
export function canonicalHeaderKey(name: string): string {
  if (!TOKEN.test(name)) return name;
  let upper = true;
  let out = '';
  for (const c of name) {
    out += upper ? c.toUpperCase() : c.toLowerCase();
    upper = c === '-';
  }
  return out;
}

/** The `res.headers` map k6 v2.2.0 builds from a response (lib/netext/httpext/request.go). */
export function k6ResponseHeaders(lines: Array<[string, string]>): Record<string, string> {
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of lines) (grouped[canonicalHeaderKey(name)] ??= []).push(value.trim());
  return Object.fromEntries(Object.entries(grouped).map(([name, values]) => [name, values.join(', ')]));
}

export function loadK6Script(script: string, runtime: K6RuntimeOptions = {}): LoadedK6Script {
  const imports = script.match(/^import .*$/gm) ?? [];
  const unknown = imports.filter((line) => !KNOWN_IMPORTS.includes(line));
  if (unknown.length > 0) throw new Error(`the k6 runtime stand-in has no stand-in for: ${unknown.join(' ')}`);
  const body = script
    .replace(/^import .*$/gm, '')
    .replace(/^export (const|function) /gm, '$1 ');

  let initContext = true;
  const state = {
    requests: [] as K6Request[],
    checks: [] as Array<{ name: string; ok: boolean }>,
    samples: {} as Record<string, number[]>,
    sleeps: [] as number[],
    warnings: [] as string[],
    opened: [] as string[],
  };
  const scriptDir = runtime.scriptDir ?? '/scripts';
  const files = runtime.files ?? {};

  const open = (filename: string) => {
    if (!initContext) throw new Error('the "open" function is only available in the init stage (i.e. the global scope)');
    const path = posix.resolve(scriptDir, filename.replace(/^file:\/\//, ''));
    state.opened.push(path);
    if (Object.keys(files).some((f) => f.startsWith(`${path}/`))) throw new Error(`open() can't be used with directories, path: "${path}"`);
    if (!(path in files)) throw new Error(`stat ${path}: no such file or directory`);
    return files[path];
  };

  class Metric {
    constructor(private readonly name: string) {
      if (!initContext) throw new Error('metrics must be declared in the init context');
      state.samples[name] = [];
    }
    add(value: unknown) {
      if (initContext) throw new Error('adding to metrics in the init context is not supported');
      let v = value === null ? NaN : Number(value);
      if (v === 0 && Boolean(value)) v = 1;
      if (Number.isNaN(v)) {
        state.warnings.push(`'${String(value)}' is an invalid value for metric '${this.name}', a number or a boolean value is expected`);
        return false;
      }
      state.samples[this.name].push(v);
      return true;
    }
  }

  const http = {
    request(method: string, url: string, requestBody: unknown, params: any) {
      if (initContext) throw new Error('making requests in the init context is not supported');
      state.requests.push({ method, url, body: requestBody, params });
      if (!runtime.server) throw new Error('no server: pass runtime.server to answer requests');
      const answer = runtime.server({ method, url, body: requestBody, params });
      return { status: answer.status, headers: k6ResponseHeaders(answer.headers ?? []), body: answer.body ?? '' };
    },
    expectedStatuses(...statuses: unknown[]) {
      if (statuses.length === 0) throw new Error('no arguments');
      return { exact: statuses.filter((s) => Number.isInteger(s)), minmax: statuses.filter((s) => !Number.isInteger(s)) };
    },
  };

  const check = (value: unknown, sets: Record<string, unknown>) => {
    if (initContext) throw new Error('using check in the init context is not supported');
    let ok = true;
    for (const name of Object.keys(sets)) {
      if (name.includes('::')) throw new Error("group and check names may not contain '::'");
      const fn = sets[name];
      const passed = Boolean(typeof fn === 'function' ? fn(value) : fn);
      state.checks.push({ name, ok: passed });
      if (!passed) ok = false;
    }
    return ok;
  };

  const sleep = (seconds: number) => {
    state.sleeps.push(seconds);
  };

  const sandboxMath = Object.create(Math);
  if (runtime.random) sandboxMath.random = runtime.random;
  const loaded = runInNewContext(`${body}\n({ options, CONFIG, handleSummary, soak });`, {
    __ENV: { ...(runtime.env ?? {}) },
    http,
    check,
    sleep,
    open,
    Counter: Metric,
    Rate: Metric,
    Math: sandboxMath,
  });
  initContext = false;
  return {
    options: loaded.options,
    config: loaded.CONFIG,
    handleSummary: loaded.handleSummary,
    soak: loaded.soak,
    ...state,
  };
}
