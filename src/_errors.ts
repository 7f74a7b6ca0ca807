import { SizeRoundingBehavior } from 'cdk8s';

/**
 * Builds the error thrown for a rejected prop.
 *
 * Every message follows one shape so users learn to read it once:
 * `<prop> must <requirement>, got <value>` (lowercase, no full stop).
 */
export function invalidProp(prop: string, requirement: string, value: unknown): Error {
  return new Error(`${prop} must ${requirement}, got ${formatValue(value)}`);
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON would print Infinity and NaN as null
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  if (isDuration(value)) return humanDuration(value);
  if (isSize(value)) return humanSize(value);
  // strings come out quoted and escaped; functions and symbols, which JSON skips, as their text
  return JSON.stringify(value) ?? String(value);
}

function isDuration(value: unknown): value is { toHumanString(): string } {
  return typeof value === 'object' && value !== null && typeof (value as any).toHumanString === 'function';
}

function isSize(value: unknown): value is { toKibibytes(opts?: object): number } {
  return typeof value === 'object' && value !== null && typeof (value as any).toKibibytes === 'function';
}

/** A size in mebibytes when it is whole mebibytes, else in kibibytes (`Size.toMebibytes()` throws on 1.5Ki). */
function humanSize(value: { toKibibytes(opts?: object): number }): string {
  const kib = value.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isFinite(kib)) return String(kib);
  return Number.isInteger(kib / 1024) ? `${kib / 1024}Mi` : `${kib}Ki`;
}

/** A duration as cdk8s prints it; cdk8s prints nothing for NaN and may throw on amounts it cannot convert. */
function humanDuration(value: { toHumanString(): string }): string {
  try {
    return value.toHumanString() || 'NaN';
  } catch {
    return 'an unconvertible duration';
  }
}
