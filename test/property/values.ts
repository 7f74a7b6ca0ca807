import { ApiObjectMetadata, Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';

/**
 * Value generators for the property suite: valid, boundary and hostile values of every type a
 * construct takes. cdk8s objects carry a readable form (fast-check prints it in counterexamples),
 * so a failure shows `Duration.millis(30500)` rather than the object's internals.
 */

/**
 * Cases come in two modes: `valid` draws only valid and boundary values (most reach synthesis
 * and exercise the manifests), `mixed` also draws hostile ones (most end in an error, whose
 * clarity is what is checked). Generators read the mode when they are built.
 */
type Mode = 'valid' | 'mixed';
let MODE: Mode = 'mixed';

function inMode<T>(mode: Mode, make: () => fc.Arbitrary<T>): fc.Arbitrary<T> {
  const previous = MODE;
  MODE = mode;
  try {
    return make();
  } finally {
    MODE = previous;
  }
}

/** Half the cases valid (boundaries included), half mixed with hostile values. */
export function validOrHostile<T>(make: () => fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof(inMode('valid', make), inMode('mixed', make));
}

/** `valid` in valid mode; valid or hostile in mixed mode. */
export function either<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>, hostileWeight = 1, validWeight = 3): fc.Arbitrary<T> {
  return MODE === 'valid' ? valid : fc.oneof({ weight: validWeight, arbitrary: valid }, { weight: hostileWeight, arbitrary: hostile });
}

/** Gives a value the text fast-check prints for it. */
export function described<T extends object>(value: T, text: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => text, enumerable: false });
  return value;
}

/** Strings that break naive code: empty, blank, long, non-ASCII, control characters, shell and regex specials. */
export const HOSTILE_STRINGS = [
  '', ' ', '  x  ', 'a'.repeat(64), 'a'.repeat(254), 'x'.repeat(2000),
  'ñ', '日本', '🙂', 'e\u0301', 'Ⅻ', '\u00a0',
  '\n', 'a\nb', '\t', '\u0000', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\r\n',
  '$&', "$'", '$`', '$$', '$1', '${x}', '$(id)', '`id`', ';rm -rf /', '&&', '|', '>', '<',
  '*', '?', '[a-z]', '{a,b}', '[1-99999]', '**/*', '~', '~root',
  "'", '"', '\\', '\\n', '%s', '%n', '{{x}}', '<script>',
  '..', '.', '/', '//', '/..', '-', '--', '-a', 'a-', '_a', 'A', 'UPPER', '0', '1a',
  'a,b', 'a=b', 'a!=b', 'a b', 'null', 'undefined', 'NaN', 'true', '__proto__', 'constructor',
];

/** Any string: hostile constants, arbitrary unicode, long ones. */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  );
}

/** Numbers at and beyond every bound a prop may have. */
export const HOSTILE_NUMBERS = [
  0, -0, 1, -1, 2, 0.5, 1.5, -1.5, 1e-9, NaN, Infinity, -Infinity,
  15, 59, 60, 61, 63, 64, 100, 101, 253, 254, 1023, 1024, 65535, 65536, 86400,
  2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 - 1, 2 ** 53, 1e21, Number.MAX_VALUE,
];

export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
  );
}

/** Numbers a duration or size may be built from without cdk8s itself throwing (it refuses negatives). */
function nonNegativeAmount(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS.filter((n) => !(n < 0))) },
    { weight: 1, arbitrary: fc.nat() },
    { weight: 1, arbitrary: fc.double({ min: 0, noNaN: false }) },
  );
}

const DURATION_UNITS = ['millis', 'seconds', 'minutes', 'hours', 'days'] as const;

/** A duration built from a unit and an amount, printed as the call that built it. */
export function duration(unit: typeof DURATION_UNITS[number], amount: number): Duration {
  return described(Duration[unit](amount), `Duration.${unit}(${amount})`);
}

/** Valid durations in the given range of whole seconds. */
export function validDuration(minSeconds: number, maxSeconds: number): fc.Arbitrary<Duration> {
  return fc.integer({ min: minSeconds, max: maxSeconds }).map((s) => duration('seconds', s));
}

/** Any duration cdk8s can build: fractional, sub-millisecond, NaN, infinite, huge. */
export function hostileDuration(): fc.Arbitrary<Duration> {
  return fc.tuple(fc.constantFrom(...DURATION_UNITS), nonNegativeAmount()).map(([unit, amount]) => duration(unit, amount));
}

const SIZE_UNITS = ['kibibytes', 'mebibytes', 'gibibytes', 'tebibytes'] as const;

export function size(unit: typeof SIZE_UNITS[number], amount: number): Size {
  return described(Size[unit](amount), `Size.${unit}(${amount})`);
}

export function hostileSize(): fc.Arbitrary<Size> {
  return fc.tuple(fc.constantFrom(...SIZE_UNITS), nonNegativeAmount()).map(([unit, amount]) => size(unit, amount));
}

export function cpu(kind: 'millis' | 'units', amount: number): kplus.Cpu {
  return described(kplus.Cpu[kind](amount), `Cpu.${kind}(${amount})`);
}

export function hostileCpu(): fc.Arbitrary<kplus.Cpu> {
  return fc.tuple(fc.constantFrom('millis' as const, 'units' as const), hostileNumber()).map(([kind, amount]) => cpu(kind, amount));
}

export function percentOrAbsolute(kind: 'percent' | 'absolute', amount: number): kplus.PercentOrAbsolute {
  return described(kplus.PercentOrAbsolute[kind](amount), `PercentOrAbsolute.${kind}(${amount})`);
}

export function hostilePercentOrAbsolute(): fc.Arbitrary<kplus.PercentOrAbsolute> {
  return fc.tuple(fc.constantFrom('percent' as const, 'absolute' as const), hostileNumber()).map(([kind, amount]) => percentOrAbsolute(kind, amount));
}

/** A DNS-1123 label of 1 to `max` characters. */
export function dnsLabel(max = 63): fc.Arbitrary<string> {
  return fc.stringMatching(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/).filter((s) => s.length <= max);
}

/** Names valid for most objects, at the boundaries (63, starting with a digit, dots) and hostile. */
export function objectName(): fc.Arbitrary<string> {
  return either(
    fc.oneof({ weight: 4, arbitrary: dnsLabel() }, { weight: 1, arbitrary: fc.constantFrom('a', 'a'.repeat(52), 'a'.repeat(63), 'a1-b2') }),
    fc.oneof(fc.constantFrom('1api', 'a.b', 'a'.repeat(53), 'a'.repeat(64), `${'a'.repeat(60)}.b`), hostileString()),
  );
}

/** Label keys: valid (prefixed or not) and hostile. */
export function labelKey(): fc.Arbitrary<string> {
  return either(
    fc.constantFrom('app', 'app.kubernetes.io/name', 'tier', 'example.com/team', 'a_b.c-d', `${'k'.repeat(63)}`),
    fc.oneof(fc.constantFrom('a/', '/a', 'Example.com/x', 'a,b', 'nats,app.kubernetes.io/instance!=x', `${'k'.repeat(64)}`, 'a/b/c', 'constructor'), hostileString()),
  );
}

/** Label values: valid (empty included) and hostile. */
export function labelValue(): fc.Arbitrary<string> {
  return either(
    fc.constantFrom('nats', 'orders-api', 'v1.2_3', '', 'A', `${'v'.repeat(63)}`),
    fc.oneof(fc.constantFrom('a b', '-a', 'a-', `${'v'.repeat(64)}`, 'a,b', 'a!=b'), hostileString()),
  );
}

export function labels(maxKeys = 3): fc.Arbitrary<Record<string, string>> {
  return fc.dictionary(labelKey(), labelValue(), { maxKeys, noNullPrototype: true });
}

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** Image references: pinned ones, tag+digest, and the ones runtimes or pinning refuse. */
export function image(validDefault: string): fc.Arbitrary<string> {
  return either(
    fc.constantFrom(validDefault, 'ghcr.io/acme/orders-api:1.4.2', `nginx:1.27@${DIGEST}`, `nginx@${DIGEST}`, 'localhost:5000/a/b:v1'),
    fc.oneof(
      fc.constantFrom('nginx', 'nginx:latest', 'Nginx:1.27', 'a:b:c', 'nginx@sha256:', 'nginx:', `nginx@sha256:${'A'.repeat(64)}`, `nginx:latest@${DIGEST}`),
      hostileString(),
    ),
    1, 6,
  );
}

/**
 * A prop that is mostly left out or valid, sometimes at a (valid) boundary, and in mixed mode
 * sometimes hostile.
 */
export function prop<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>, boundary?: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: boundary ?? valid },
    { weight: MODE === 'valid' ? 0 : 1, arbitrary: hostile },
  );
}

/** Props without the keys left undefined, so counterexamples print only what was set. */
export function defined<T extends object>(props: T): T {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as T;
}

/** Whether a duration is whole seconds from `min` to `max` (for the sub-cases of known failures). */
export function wholeSecondsIn(d: Duration | undefined, min: number, max: number): boolean {
  if (d === undefined) return true;
  let millis: number;
  try {
    millis = d.toMilliseconds();
  } catch {
    return false;
  }
  return Number.isInteger(millis / 1000) && millis / 1000 >= min && millis / 1000 <= max;
}

/** Whether a size is whole `kibPerUnit` units from `min` to `max` (for the sub-cases of known failures). */
export function wholeSizeIn(s: Size | undefined, kibPerUnit: number, min: number, max: number): boolean {
  if (s === undefined) return true;
  const units = s.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) / kibPerUnit;
  return Number.isInteger(units) && units >= min && units <= max;
}

/** metadata: a name, or hostile names and namespaces. */
export function metadataProp(): fc.Arbitrary<ApiObjectMetadata | undefined> {
  const hostile = fc.record({ name: hostileString(), namespace: hostileString() }, { requiredKeys: [] });
  return prop<ApiObjectMetadata>(fc.record({ name: objectName() }), hostile);
}

/** Whether a problem line mentions a value (as is or JSON-escaped): a name's problems carry the name. */
export function mentions(problem: string, value: string): boolean {
  return problem.includes(value) || problem.includes(JSON.stringify(value).slice(1, -1));
}

/** Whether a map has a key cdk8s 2.68 cannot render (`constructor`: its sanitizeValue reads obj.constructor.name). */
export function hasUnrenderableKey(map: Record<string, unknown> | undefined): boolean {
  return Object.keys(map ?? {}).includes('constructor');
}
