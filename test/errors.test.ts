import { Duration, Size } from 'cdk8s';
import { invalidProp } from '../src/_errors';

// Every refused prop reads `<prop> must <requirement>, got <value>`; the value is shown as the
// user wrote it, whatever its type (a jsii caller can pass anything).
const got = (value: unknown) => invalidProp('p', 'be x', value).message.replace(/^p must be x, got /, '');

describe('invalidProp shows the refused value', () => {
  test('the message shape', () => {
    expect(invalidProp('spec.port', 'be a port', 0).message).toBe('spec.port must be a port, got 0');
  });

  test.each<[string, unknown, string]>([
    ['nothing for undefined', undefined, 'nothing'],
    ['a string quoted and escaped', 'a "b"\n', '"a \\"b\\"\\n"'],
    ['the empty string quoted', '', '""'],
    ['null', null, 'null'],
    ['a number', 5, '5'],
    ['NaN as such (JSON would say null)', NaN, 'NaN'],
    ['Infinity as such', -Infinity, '-Infinity'],
    ['a boolean', false, 'false'],
    ['an object as JSON', { a: 1 }, '{"a":1}'],
    ['an array as JSON', [1, 'x'], '[1,"x"]'],
    ['a Date in ISO form, unquoted', new Date(Date.UTC(2026, 10, 28, 2)), '2026-11-28T02:00:00.000Z'],
    ['an invalid Date', new Date(NaN), 'an invalid Date'],
    ['a Duration as cdk8s words it', Duration.minutes(90), '1 hour 30 minutes'],
    ['a NaN Duration, which cdk8s prints as nothing', Duration.millis(NaN), 'NaN'],
    ['a Duration that cannot be converted', { toHumanString: () => { throw new Error('no'); } }, 'an unconvertible duration'],
    ['a Size of whole mebibytes', Size.gibibytes(2), '2048Mi'],
    ['a Size of kibibytes', Size.kibibytes(1536), '1536Ki'],
    ['a fractional Size', Size.kibibytes(1.5), '1.5Ki'],
    ['an infinite Size', Size.kibibytes(Infinity), 'Infinity'],
    ['a function, which JSON skips', function named() { return 1; }, 'function named() { return 1; }'],
    ['a symbol, which JSON skips', Symbol('s'), 'Symbol(s)'],
  ])('%s', (_, value, shown) => {
    expect(got(value)).toBe(shown);
  });

  test('an object is a Duration or Size only when that method is a function', () => {
    expect(got({ toHumanString: 'x' })).toBe('{"toHumanString":"x"}');
    expect(got({ toKibibytes: 1 })).toBe('{"toKibibytes":1}');
  });

  test('a function is shown as its text even when it carries such a method', () => {
    const fn = Object.assign(function f() { return 1; }, { toHumanString: () => '5 minutes', toKibibytes: () => 1024 });
    expect(got(fn)).toBe('function f() { return 1; }');
  });
});
