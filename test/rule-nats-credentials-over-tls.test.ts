import { NatsCredentialsOverTlsRule } from '../src';
import { checkAlone, podOf } from './support/rule-check';

// The rule alone, on one Pod whose container gets its NATS server and credentials from the
// environment, each variable given in turn.
const rule = new NatsCredentialsOverTlsRule();

function pod(env: any[] | undefined): any {
  return podOf({ containers: [{ name: 'backup', image: 'natsio/nats-box:0.14.5', ...(env === undefined ? {} : { env }) }] });
}

const problems = (env: any[] | undefined): string[] => checkAlone(rule, pod(env));
const password = { name: 'NATS_PASSWORD', valueFrom: { secretKeyRef: { name: 'nats', key: 'password' } } };
const url = (value: string) => ({ name: 'NATS_URL', value });

describe('nats-credentials-over-tls', () => {
  test.each([
    'NATS_PASSWORD', 'NATS_PASSWORD_FILE', 'NATS_TOKEN', 'NATS_TOKEN_FILE', 'NATS_USER', 'NATS_USER_FILE',
  ])('%s to a nats:// server is flagged', (variable) => {
    expect(problems([url('nats://nats:4222'), { name: variable, value: 'x' }])).toEqual(['container backup sends a NATS password or token to nats://nats:4222 without TLS']);
  });

  test.each<[string, string[]]>([
    ['nats://nats:4222', ['container backup sends a NATS password or token to nats://nats:4222 without TLS']],
    ['ws://nats:8080', ['container backup sends a NATS password or token to ws://nats:8080 without TLS']],
    ['nats:4222', ['container backup sends a NATS password or token to nats:4222 without TLS']],
    ['nats+tls://nats:4222', ['container backup sends a NATS password or token to nats+tls://nats:4222 without TLS']],
    ['tls://nats:4222', []],
    ['TLS://nats:4222', []],
    ['wss://nats:8443', []],
    ['tls://a:4222, tls://b:4222', []],
    ['tls://a:4222, nats://b:4222', ['container backup sends a NATS password or token to nats://b:4222 without TLS']],
    ['nats://a:4222,nats://b:4222', ['container backup sends a NATS password or token to nats://a:4222, nats://b:4222 without TLS']],
    [' nats://a:4222 , tls://b:4222', ['container backup sends a NATS password or token to nats://a:4222 without TLS']],
  ])('a password to %p', (server, expected) => {
    expect(problems([url(server), password])).toEqual(expected);
  });

  test('the URL is read from NATS_URL wherever it is in the environment', () => {
    expect(problems([password, url('tls://nats:4222')])).toEqual([]);
    expect(problems([{ name: 'NATS_TOKEN', value: 'secret' }, url('nats://nats:4222')]))
      .toEqual(['container backup sends a NATS password or token to nats://nats:4222 without TLS']);
  });

  test.each<[string, any[] | undefined]>([
    ['a CA to trust (NATS_CA)', [url('nats://nats:4222'), password, { name: 'NATS_CA', value: '/etc/nats/ca.crt' }]],
    ['creds instead of a password', [url('nats://nats:4222'), { name: 'NATS_CREDS', value: '/etc/nats/user.creds' }]],
    ['no NATS_URL', [password]],
    ['a NATS_URL from a secret (no value)', [{ name: 'NATS_URL', valueFrom: { secretKeyRef: { name: 'nats', key: 'url' } } }, password]],
    ['no environment', undefined],
  ])('allows %s', (_name, env) => {
    expect(problems(env)).toEqual([]);
  });

  test('objects without pods are not its concern', () => {
    expect(rule.check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, [])).toEqual([]);
  });
});
