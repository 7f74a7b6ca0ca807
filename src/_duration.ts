import { Duration } from 'cdk8s';

/**
 * Seconds of a duration, fractional when it has to be: `Duration.toSeconds()` throws on
 * 1500 millis, which would hide the prop's own error message behind a conversion error.
 */
export function secondsOf(duration: Duration): number {
  return duration.toMilliseconds() / 1000;
}
