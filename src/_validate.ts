import { ApiObjectMetadata, Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { millisOf } from './_duration';
import { invalidProp } from './_errors';

/**
 * The one place where values that reach a manifest, a script or an environment variable are
 * checked against the rules of whoever reads them next (the API server, k6, our scripts).
 * Every function throws `invalidProp`: `<prop> must <requirement>, got <value>`.
 */

/** The largest value of a Kubernetes int32 field (replicas, deadlines, limits, ...). */
export const INT32_MAX = 2_147_483_647;

/**
 * Refuses anything but a whole number from `min` to `max` (int32 by default: most Kubernetes
 * counts and seconds are int32, and the API server refuses a larger one); `why` ends the requirement.
 */
export function assertWholeNumber(prop: string, value: number, min: number, why: string = '', max: number = INT32_MAX): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    // Stryker disable next-line EqualityOperator: a refused value never equals max (max is whole and at least min)
    const range = max === INT32_MAX && !(value > max) ? `of at least ${min}` : `from ${min} to ${max}${max === INT32_MAX ? ' (int32)' : ''}`;
    throw invalidProp(prop, `be a whole number ${range}${why}`, value);
  }
}

/** Refuses a number that is not finite or lies outside `min`..`max` (fractions allowed: rates, ratios). */
export function assertNumberInRange(prop: string, value: number, min: number, max: number, why: string = ''): void {
  if (!Number.isFinite(value) || value < min || value > max) throw invalidProp(prop, `be a number from ${min} to ${max}${why}`, value);
}

/** Refuses anything but a TCP/UDP port number. */
export function assertPort(prop: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw invalidProp(prop, 'be a port number from 1 to 65535', value);
}

/**
 * The whole seconds of a duration, from `min` to `max` (int32 by default). Refuses NaN, infinite
 * and fractional durations with the prop's name, where `Duration.toSeconds()` would throw a
 * message that names no prop.
 */
export function wholeSeconds(prop: string, duration: Duration, min: number = 0, max: number = INT32_MAX, why: string = ''): number {
  const seconds = millisOf(duration) / 1000;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw invalidProp(prop, `be whole seconds from ${humanSeconds(min)} to ${humanSeconds(max)}${why}`, duration);
  }
  return seconds;
}

/** The whole milliseconds of a duration, from `min` to `max` (int32 by default); see wholeSeconds. */
export function wholeMilliseconds(prop: string, duration: Duration, min: number = 0, max: number = INT32_MAX, why: string = ''): number {
  const millis = millisOf(duration);
  if (!Number.isInteger(millis) || millis < min || millis > max) {
    throw invalidProp(prop, `be whole milliseconds from ${min} to ${max}${why}`, duration);
  }
  return millis;
}

function humanSeconds(seconds: number): string {
  if (seconds === INT32_MAX) return `${INT32_MAX} seconds (int32)`;
  if (seconds >= 86400 && seconds % 86400 === 0) return plural(seconds / 86400, 'day');
  if (seconds >= 3600 && seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds >= 60 && seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Whether a string is a DNS-1123 label: lowercase alphanumerics and '-', at most `maxLength`. */
export function isDnsLabel(value: string, maxLength: number = 63): boolean {
  // the patterns below refuse the empty string themselves
  return typeof value === 'string' && value.length <= maxLength && DNS_LABEL.test(value);
}

/** Whether a string is a valid Kubernetes label value (empty allowed). */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * Refuses anything but a DNS-1123 label of at most `maxLength` characters: names of Services,
 * namespaces, containers, ports, Jobs (63, as their pods carry the name in a label), CronJobs (52,
 * as the controller appends an 11-character suffix for its Jobs).
 */
export function assertDnsLabel(prop: string, value: string, maxLength: number = 63, why: string = ''): void {
  if (!isDnsLabel(value, maxLength)) {
    throw invalidProp(prop, `be a DNS-1123 label: at most ${maxLength} lowercase letters, digits and '-', starting and ending with a letter or digit${why}`, value);
  }
}

/** Refuses anything but a DNS-1123 subdomain (names of most objects: ConfigMaps, Secrets, claims, Deployments). */
export function assertDnsSubdomain(prop: string, value: string, maxLength: number = 253, why: string = ''): void {
  if (typeof value !== 'string' || value.length > maxLength || !DNS_SUBDOMAIN.test(value)
    || value.split('.').some((part) => part.length > 63)) {
    throw invalidProp(prop, `be a DNS-1123 subdomain: at most ${maxLength} lowercase letters, digits, '-' and '.', starting and ending with a letter or digit${why}`, value);
  }
}

/** Whether a string is a label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63. */
export function isQualifiedName(key: string): boolean {
  if (typeof key !== 'string') return false;
  const slash = key.indexOf('/');
  const name = key.slice(slash + 1); // the whole key when it has no '/'
  if (name.length > 63 || !LABEL_NAME.test(name)) return false;
  if (slash === -1) return true;
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && prefix.split('.').every((part) => part.length <= 63);
}

/** Refuses a label key the API server would refuse. */
export function assertLabelKey(prop: string, key: string): void {
  if (!isQualifiedName(key)) {
    throw invalidProp(prop, "be a label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit", key);
  }
}

/** Refuses an annotation key the API server would refuse (the same rule as label keys). */
export function assertAnnotationKey(prop: string, key: string): void {
  if (!isQualifiedName(key)) {
    throw invalidProp(prop, "be an annotation key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit", key);
  }
}

/** Refuses a label value the API server would refuse. */
export function assertLabelValue(prop: string, value: string): void {
  if (!isLabelValue(value)) {
    throw invalidProp(prop, "be a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty", value);
  }
}

/**
 * Refuses labels (or a selector's matchLabels) with an invalid key or value, and an empty set
 * unless `allowEmpty`: an empty selector selects every pod of the namespace.
 */
export function assertLabels(prop: string, labels: Record<string, string>, allowEmpty: boolean = false): void {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0 && !allowEmpty) throw invalidProp(prop, 'have at least one label: an empty selector selects every pod', labels);
  // a valid label key, but cdk8s cannot render a map holding it
  assertRenderableKeys(prop, labels);
  for (const [key, value] of entries) {
    assertLabelKey(`${prop} key`, key);
    assertLabelValue(`${prop}["${key}"]`, value);
  }
}

/** Refuses a Secret or ConfigMap data key the API server would refuse. */
export function assertSecretKey(prop: string, key: string): void {
  if (typeof key !== 'string' || key.length > 253 || !SECRET_KEY.test(key) || key === '.' || key === '..') {
    throw invalidProp(prop, "be a Secret key: at most 253 letters, digits, '-', '_' and '.', not '.' or '..'", key);
  }
}

/**
 * Refuses control characters (C0, DEL, C1, and the Unicode line and paragraph separators): they
 * break log lines, YAML readers, shell scripts and HTTP headers that receive the value.
 */
export function assertNoControlCharacters(prop: string, value: string): void {
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
    throw invalidProp(prop, 'contain no control characters (newlines, tabs, escapes)', value);
  }
}

/** Whether a string is an IPv4 (four decimal octets, no leading zeros) address. */
export function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255);
}

/** Whether a string is an IPv6 address (RFC 4291 text forms, an embedded IPv4 tail allowed). */
export function isIpv6(value: string): boolean {
  let head = value;
  let v4Groups = 0;
  const lastColon = value.lastIndexOf(':');
  // a '.' anywhere but in an IPv4 tail after the last ':' fails the tail's own check
  if (value.includes('.')) {
    if (!isIpv4(value.slice(lastColon + 1))) return false;
    head = value.slice(0, lastColon + 1) + '0';
    v4Groups = 1;
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | undefined => {
    if (half === '') return [];
    const parts = half.split(':');
    return parts.every((p) => /^[0-9A-Fa-f]{1,4}$/.test(p)) ? parts : undefined;
  };
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (left === undefined || right === undefined) return false;
  const count = left.length + right.length + v4Groups;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** Refuses anything but an IPv4 or IPv6 CIDR with a prefix length in range (`10.0.0.0/8`, `fd00::/8`). */
export function assertCidr(prop: string, value: string): void {
  const match = /^([^/]+)\/(0|[1-9][0-9]{0,2})$/.exec(value);
  const ok = match !== null && (
    (isIpv4(match[1]) && Number(match[2]) <= 32)
    || (isIpv6(match[1]) && Number(match[2]) <= 128));
  if (!ok) throw invalidProp(prop, 'be an IPv4 or IPv6 address range in CIDR notation (10.0.0.0/8, fd00::/8)', value);
}

/** An address range as numbers: the family, its network address and its prefix length. */
export interface ParsedCidr {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

/** Parses a CIDR that {@link assertCidr} accepts; refuses host bits set (10.1.2.3/24), which no reader means. */
export function parseCidr(prop: string, value: string): ParsedCidr {
  assertCidr(prop, value);
  const [ip, prefixText] = value.split('/');
  const prefix = Number(prefixText);
  const family: 4 | 6 = isIpv4(ip) ? 4 : 6;
  const address = family === 4 ? ipv4Number(ip) : ipv6Number(ip);
  if (address % pow2((family === 4 ? 32 : 128) - prefix) !== BigInt(0)) {
    throw invalidProp(prop, 'be a network address with no host bits set (10.1.2.0/24, not 10.1.2.3/24)', value);
  }
  return { family, address, prefix };
}

/** Whether range `outer` contains range `inner` (same family, shorter or equal prefix, same network). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const size = pow2((outer.family === 4 ? 32 : 128) - outer.prefix);
  return outer.address / size === inner.address / size;
}

/** 2^n as a bigint (exact: powers of two up to 2^1023 are exact doubles). */
function pow2(n: number): bigint {
  return BigInt(2 ** n);
}

function ipv4Number(ip: string): bigint {
  return ip.split('.').reduce((n, octet) => n * BigInt(256) + BigInt(Number(octet)), BigInt(0));
}

function ipv6Number(ip: string): bigint {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) { // isIpv6 accepted it: the '.' is in an IPv4 tail
    const v4 = ipv4Number(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${(v4 / pow2(16)).toString(16)}:${(v4 % pow2(16)).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((n, group) => n * pow2(16) + BigInt(parseInt(group, 16)), BigInt(0));
}

/** Units of a `Size` as Kubernetes quantities write them, with their size in kibibytes. */
const SIZE_UNITS = { Ki: ['kibibytes', 1], Mi: ['mebibytes', 1024], Gi: ['gibibytes', 1024 * 1024] } as const;

/**
 * The whole number of `unit`s in a size, at least `min`. Refuses NaN, infinite, fractional and
 * oversized amounts with the prop's name, where `Size.toMebibytes()` would throw
 * `'1.5 kibibytes' cannot be converted into a whole number of mebibytes.`. The ceiling keeps the
 * kibibytes a safe integer (8 EiB), which also fits the int64 bytes of a Kubernetes quantity.
 */
export function wholeSize(prop: string, size: Size, unit: 'Ki' | 'Mi' | 'Gi', min: number = 1, why: string = ''): number {
  const [name, kibPerUnit] = SIZE_UNITS[unit];
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  const max = Math.floor(Number.MAX_SAFE_INTEGER / kibPerUnit);
  const amount = kib / kibPerUnit;
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    // Stryker disable next-line EqualityOperator: a refused amount never equals max (max is whole and at least min)
    const range = Number.isFinite(amount) && amount <= max ? `at least ${min}${unit}` : `from ${min}${unit} to ${max}${unit}`;
    throw invalidProp(prop, `be whole ${name}, ${range}${why}`, size);
  }
  return amount;
}

/** Refuses the empty string as well as anything {@link assertLabelValue} refuses: for labels that must name something. */
export function assertNonEmptyLabelValue(prop: string, value: string): void {
  if (value === '' || !isLabelValue(value)) {
    throw invalidProp(prop, "be a label value: 1 to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit", value);
  }
}

/** Whether a string is a DNS-1035 label (Service names): a DNS-1123 label that starts with a letter. */
export function isDns1035Label(value: string): boolean {
  return isDnsLabel(value) && /^[a-z]/.test(value);
}

/** Refuses anything but a DNS-1035 label: what the API server requires of Service names. */
export function assertDns1035Label(prop: string, value: string, why: string = ''): void {
  if (!isDns1035Label(value)) {
    throw invalidProp(prop, `be a DNS-1035 label: at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit${why}`, value);
  }
}

/**
 * Refuses an environment variable name that a Kubernetes 1.28 API server refuses
 * (k8s.io/apimachinery pkg/util/validation IsEnvVarName: `[-._a-zA-Z][-._a-zA-Z0-9]*`).
 */
export function assertEnvVarName(prop: string, name: string): void {
  if (typeof name !== 'string' || !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) {
    throw invalidProp(prop, "be an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit", name);
  }
}

/**
 * Refuses object metadata the API server would refuse: a namespace that is not a DNS-1123 label
 * (an empty one included: it would be silently dropped), invalid label keys or values, invalid
 * annotation keys. The name is left to the caller: its rule depends on the kind and on the
 * labels and objects derived from it.
 */
export function assertMetadata(prop: string, metadata: ApiObjectMetadata | undefined): void {
  if (metadata === undefined) return;
  if (metadata.namespace !== undefined) assertDnsLabel(`${prop}.namespace`, metadata.namespace);
  assertRenderableKeys(`${prop}.labels`, metadata.labels);
  assertRenderableKeys(`${prop}.annotations`, metadata.annotations);
  assertLabels(`${prop}.labels`, metadata.labels ?? {}, true);
  for (const key of Object.keys(metadata.annotations ?? {})) assertAnnotationKey(`${prop}.annotations key`, key);
}

/**
 * Refuses a PercentOrAbsolute that Kubernetes refuses in rolling update and disruption budget
 * fields (k8s.io/kubernetes pkg/apis/apps/validation ValidatePositiveIntOrPercent and
 * IsNotMoreThan100Percent): an absolute value that is not a whole int32 of at least 0, a
 * percentage that is not whole (`IsValidPercent`: `^[0-9]+%$`), or above `maxPercent`.
 */
export function assertPercentOrAbsolute(prop: string, value: kplus.PercentOrAbsolute, maxPercent: number = 100): void {
  const raw: unknown = value?.value;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0 || raw > INT32_MAX) {
      throw invalidProp(prop, `be PercentOrAbsolute.absolute(n) with n a whole number from 0 to ${INT32_MAX} (int32)`, raw);
    }
    return;
  }
  const match = typeof raw === 'string' ? /^([0-9]+)%$/.exec(raw) : null;
  if (match === null || Number(match[1]) > maxPercent) {
    throw invalidProp(prop, `be PercentOrAbsolute.percent(n) with n a whole number from 0 to ${maxPercent}`, raw);
  }
}

/**
 * Refuses a map key cdk8s cannot render: cdk8s 2.68 sanitizeValue reads `obj.constructor.name`
 * of every object it serializes, so a label, annotation or selector key named `constructor`
 * (a valid Kubernetes key) fails synth with "can't render non-simple object of type 'undefined'".
 */
export function assertRenderableKeys(prop: string, map: Record<string, unknown> | undefined): void {
  for (const key of Object.keys(map ?? {})) {
    if (key === 'constructor') throw invalidProp(`${prop} key`, 'not be "constructor": cdk8s cannot render an object with that key', key);
  }
}
