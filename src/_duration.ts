import { Duration } from 'cdk8s';

/**
 * Milliseconds of a duration, NaN when it has none that cdk8s can express: `Duration.toMilliseconds()`
 * throws `0.5 must be a whole number of millis.` on sub-millisecond amounts, a message that names no
 * prop; callers turn NaN into their own prop's error.
 */
export function millisOf(duration: Duration): number {
  let millis = NaN;
  try {
    millis = duration.toMilliseconds();
  } catch {
    // stays NaN
  }
  return millis;
}

/**
 * Seconds of a duration, fractional when it has to be: `Duration.toSeconds()` throws on
 * 1500 millis, which would hide the prop's own error message behind a conversion error.
 */
export function secondsOf(duration: Duration): number {
  return millisOf(duration) / 1000;
}
