import { Duration } from 'cdk8s';

/**
 * Milliseconds of a duration, NaN when it has none that cdk8s can express: `Duration.toMilliseconds()`
 * throws `0.5 must be a whole number of millis.` on sub-millisecond amounts, a message that names no
 * prop; callers turn NaN into their own prop's error.
 */
export function millisOf(duration: Duration): number {
  try {
    return duration.toMilliseconds();
    // Stryker disable next-line BlockStatement: undefined fails the callers' Number.isInteger as NaN does
  } catch {
    return NaN;
  }
}

/**
 * Seconds of a duration, fractional when it has to be: `Duration.toSeconds()` throws on
 * 1500 millis, which would hide the prop's own error message behind a conversion error.
 */
export function secondsOf(duration: Duration): number {
  return millisOf(duration) / 1000;
}
