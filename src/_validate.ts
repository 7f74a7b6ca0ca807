import { invalidProp } from './_errors';

/** Refuses anything but a whole number of at least `min`; `why` ends the requirement. */
export function assertWholeNumber(prop: string, value: number, min: number, why: string = ''): void {
  if (!Number.isInteger(value) || value < min) throw invalidProp(prop, `be a whole number of at least ${min}${why}`, value);
}

/** Refuses anything but a TCP/UDP port number. */
export function assertPort(prop: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw invalidProp(prop, 'be a port number from 1 to 65535', value);
}
