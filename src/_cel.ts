/**
 * Common Expression Language text for Kubernetes admission policies. The API server evaluates
 * `object` and `oldObject` untyped, as maps built from the object's JSON (apiserver v0.30.14
 * plugin/cel/compile.go declares them dyn; the check against the OpenAPI schema only warns): a
 * field that is not set cannot be read, only tested with `has()`, and whole maps compare by value.
 */

/** A CEL string literal: CEL accepts JSON's escapes (`\"`, `\\`, `\n`, `\u00XX`). */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/** A CEL list of string literals. */
export function celStrings(values: string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/** A CEL map literal of string keys and values: how a label selector's matchLabels compares. */
export function celStringMap(map: Record<string, string>): string {
  return `{${Object.entries(map).map(([k, v]) => `${celString(k)}: ${celString(v)}`).join(', ')}}`;
}

/** The map at `expr`, or an empty one when the field is not set (labels and annotations are omitted when empty). */
export function mapOrEmpty(expr: string): string {
  return `(has(${expr}) ? ${expr} : {})`;
}

/** Whether the optional field `field` is set alike, and to the same value, on `a` and `b`. */
export function sameField(a: string, b: string, field: string): string {
  return `(has(${a}.${field}) ? (has(${b}.${field}) && ${a}.${field} == ${b}.${field}) : !has(${b}.${field}))`;
}

/** Whether the map at `expr` holds every key and value of `labels` (a matchLabels selector). */
export function hasLabels(expr: string, labels: Record<string, string>): string {
  if (Object.keys(labels).length === 0) return 'true';
  const map = mapOrEmpty(expr);
  return Object.entries(labels).map(([k, v]) => `(${celString(k)} in ${map} && ${map}[${celString(k)}] == ${celString(v)})`).join(' && ');
}

/**
 * Whether two maps (`a`, `b`, either possibly unset) hold the same entries, except keys in `except`,
 * which may differ, appear or disappear.
 */
export function sameMapExcept(a: string, b: string, except: string[]): string {
  const [ma, mb] = [mapOrEmpty(a), mapOrEmpty(b)];
  const skip = celStrings(except);
  return `(${ma}.all(k, k in ${skip} || (k in ${mb} && ${mb}[k] == ${ma}[k])) && ${mb}.all(k, k in ${skip} || k in ${ma}))`;
}

/**
 * The shape of a Kubernetes type, as far as comparing a value with it needs: a scalar (with the
 * value the API server fills in when it is left out), a map of strings, a list, or an object with
 * named fields.
 */
export type CelShape =
  | { readonly scalar: true; readonly apiDefault?: string | number }
  | { readonly stringMap: true }
  | { readonly list: CelShape }
  | { readonly fields: Record<string, CelShape> };

const SCALAR: CelShape = { scalar: true };
const STRINGS: CelShape = { list: SCALAR };
const LABEL_SELECTOR: CelShape = {
  fields: { matchLabels: { stringMap: true }, matchExpressions: { list: { fields: { key: SCALAR, operator: SCALAR, values: STRINGS } } } },
};
const PEER: CelShape = {
  fields: { podSelector: LABEL_SELECTOR, namespaceSelector: LABEL_SELECTOR, ipBlock: { fields: { cidr: SCALAR, except: STRINGS } } },
};
// the API server sets a port's protocol to TCP when it is left out (networking/v1 defaults.go)
const PORT: CelShape = { fields: { protocol: { scalar: true, apiDefault: 'TCP' }, port: SCALAR, endPort: SCALAR } };

/** networking.k8s.io/v1 NetworkPolicyIngressRule. */
export const INGRESS_RULE: CelShape = { fields: { from: { list: PEER }, ports: { list: PORT } } };
/** networking.k8s.io/v1 NetworkPolicyEgressRule. */
export const EGRESS_RULE: CelShape = { fields: { to: { list: PEER }, ports: { list: PORT } } };
/** meta/v1 LabelSelector. */
export const SELECTOR: CelShape = LABEL_SELECTOR;

/**
 * A CEL condition that holds when the value at `expr` equals `value`, field by field: every field
 * the value sets has that value, every other field of the shape is unset (or empty, for lists and
 * maps, which the API omits when empty). A field the shape does not know is an error here, so
 * nothing of the value is silently left unchecked.
 */
export function celEquals(expr: string, value: unknown, shape: CelShape): string {
  if ('scalar' in shape) {
    if (typeof value === 'string') return `${expr} == ${celString(value)}`;
    if (typeof value === 'number' && Number.isInteger(value)) return `${expr} == ${value}`;
    if (typeof value === 'boolean') return `${expr} == ${value}`;
    throw new Error(`celEquals: ${expr} holds ${JSON.stringify(value)}, not a string, whole number or boolean`);
  }
  if ('stringMap' in shape) return `${expr} == ${celStringMap(value as Record<string, string>)}`;
  if ('list' in shape) {
    const items = value as unknown[];
    return [`size(${expr}) == ${items.length}`, ...items.map((item, i) => celEquals(`${expr}[${i}]`, item, shape.list))].join(' && ');
  }
  const object = value as Record<string, unknown>;
  const unknown = Object.keys(object).filter((k) => !(k in shape.fields));
  if (unknown.length > 0) throw new Error(`celEquals: ${expr} has fields the shape does not know: ${unknown.join(', ')}`);
  const parts = Object.entries(shape.fields).map(([field, fieldShape]) => {
    const at = `${expr}.${field}`;
    const v = object[field];
    const empty = v === undefined || v === null || (Array.isArray(v) && v.length === 0)
      || ('stringMap' in fieldShape && Object.keys(v as object).length === 0);
    if (!empty) return `has(${at}) && ${celEquals(at, v, fieldShape)}`;
    if ('scalar' in fieldShape && fieldShape.apiDefault !== undefined) return `(!has(${at}) || ${celEquals(at, fieldShape.apiDefault, SCALAR)})`;
    if ('list' in fieldShape || 'stringMap' in fieldShape) return `(!has(${at}) || size(${at}) == 0)`;
    return `!has(${at})`;
  });
  return parts.length === 0 ? 'true' : parts.map((p) => `(${p})`).join(' && ');
}

/** Whether the list at `expr` (possibly unset) holds only items equal to one of `allowed`. */
export function onlyItemsOf(expr: string, allowed: unknown[], shape: CelShape): string {
  if (allowed.length === 0) return `(!has(${expr}) || size(${expr}) == 0)`;
  const one = allowed.map((item) => `(${celEquals('r', item, shape)})`).join(' || ');
  return `(!has(${expr}) || ${expr}.all(r, ${one}))`;
}
