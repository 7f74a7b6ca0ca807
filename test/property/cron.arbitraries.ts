import { Cron } from 'cdk8s';
import * as fc from 'fast-check';
import { described, either, hostileString } from './values';

function cronField(valid: string[]): fc.Arbitrary<string> {
  return either(fc.constantFrom(...valid), fc.oneof(fc.constantFrom('7', '60', '24', '0-7', '*/0', '1,,2', '*-5', '?', 'L', '@daily', '1 2'), hostileString()));
}

/** A CronJob schedule: valid fields, or (mixed mode) fields the CronJob controller refuses. */
export function schedule(): fc.Arbitrary<Cron> {
  return fc.record({
    minute: cronField(['0', '30', '*/15', '0-59/10']),
    hour: cronField(['2', '*', '*/6', '1-5']),
    day: cronField(['*', '1', '15', '31']),
    month: cronField(['*', '1', 'JAN-MAR', '12']),
    weekDay: cronField(['*', '0', '6', 'MON-FRI', 'sun']),
  }).map((o) => described(Cron.schedule(o), `Cron.schedule(${JSON.stringify(o)})`));
}
