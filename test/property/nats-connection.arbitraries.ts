import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { cpu, defined, dnsLabel, either, hostileCpu, hostileNumber, hostileSize, hostileString, image, labels, prop, size } from './values';
import { NatsAuth, NatsConnectionOptions } from '../../src';

/**
 * NatsConnectionOptions as data (Secrets and NatsAuth are built inside the property, where their
 * errors count): shared by the NatsBackupCronJob and NatsRestoreJob properties.
 */
export interface NatsConnectionSpec extends Omit<NatsConnectionOptions, 'auth' | 'tlsCaSecret'> {
  readonly auth?: { readonly kind: 'credsFile' | 'nkeySeedFile' | 'userPassword' | 'token'; readonly secretName: string; readonly keys: string[] };
  readonly tlsCaSecretName?: string;
}

/** Props of NatsConnectionOptions and of the NatsAuth factories. */
export const NATS_CONNECTION_PROPS = [
  'natsUrl', 'auth', 'tlsCaSecret', 'tlsCaKey', 'natsPodLabels', 'natsNamespace', 'image', 'user', 'group', 'resources', 'networkPolicy',
  'secret', 'key', 'userKey', 'passwordKey', 'NatsAuth', 'monitoring', 'dnsResolver',
];

function secretName(): fc.Arbitrary<string> {
  return either(fc.oneof(dnsLabel(), fc.constant('nats.creds-v1')), fc.oneof(fc.constantFrom('..', 'My Secret', ''), hostileString()));
}

function secretKey(): fc.Arbitrary<string> {
  return either(fc.constantFrom('nats.creds', 'seed', 'user', 'password', 'token', 'ca.crt'), fc.oneof(fc.constantFrom('..', '.', 'my token', '', 'a/b'), hostileString()));
}

export function natsConnectionSpec(): fc.Arbitrary<NatsConnectionSpec> {
  const pair = <T>(a: fc.Arbitrary<T | undefined>) => fc.record({ request: a, limit: a }).map((p) => defined(p));
  return fc.record({
    natsUrl: prop(fc.constantFrom('nats://nats:4222', 'tls://nats.messaging.svc:4222', 'nats://nats'), fc.oneof(fc.constantFrom('nats:4222', 'http://nats', 'nats://a:0', 'nats://a:99999'), hostileString())),
    auth: prop(
      fc.record({
        kind: fc.constantFrom('credsFile' as const, 'nkeySeedFile' as const, 'userPassword' as const, 'token' as const),
        secretName: secretName(),
        keys: fc.array(secretKey(), { maxLength: 2 }),
      }),
      fc.record({ kind: fc.constantFrom('credsFile' as const, 'token' as const), secretName: hostileString(), keys: fc.array(hostileString(), { maxLength: 2 }) }),
    ),
    tlsCaSecretName: prop(secretName(), hostileString()),
    tlsCaKey: prop(secretKey(), hostileString()),
    natsPodLabels: prop(fc.constant({ 'app.kubernetes.io/name': 'nats' }), labels()),
    natsNamespace: prop(dnsLabel(), hostileString()),
    image: prop(image('natsio/nats-box:0.19.5'), image('natsio/nats-box:0.19.5')),
    user: prop(fc.integer({ min: 10001, max: 65535 }), hostileNumber()),
    group: prop(fc.integer({ min: 10001, max: 65535 }), hostileNumber()),
    resources: prop(
      fc.record({
        cpu: fc.option(pair(prop(fc.integer({ min: 1, max: 2000 }).map((m) => cpu('millis', m)), hostileCpu())), { nil: undefined }),
        memory: fc.option(pair(prop(fc.integer({ min: 1, max: 2048 }).map((m) => size('mebibytes', m)), hostileSize())), { nil: undefined }),
      }).map((r) => defined(r) as kplus.ContainerResources),
      fc.constant({} as kplus.ContainerResources),
    ),
    networkPolicy: prop(fc.boolean(), fc.boolean()),
  }).map((s) => defined(s) as NatsConnectionSpec);
}

/** The options, with their Secrets and NatsAuth built in the chart. */
export function natsConnectionOptions(chart: Chart, spec: NatsConnectionSpec): NatsConnectionOptions {
  const { auth, tlsCaSecretName, ...rest } = spec;
  let natsAuth: NatsAuth | undefined;
  if (auth) {
    const secret = kplus.Secret.fromSecretName(chart, 'auth-secret', auth.secretName);
    const [a, b] = auth.keys;
    natsAuth = auth.kind === 'credsFile' ? NatsAuth.credsFile(secret, a)
      : auth.kind === 'nkeySeedFile' ? NatsAuth.nkeySeedFile(secret, a)
        : auth.kind === 'userPassword' ? NatsAuth.userPassword(secret, a, b)
          : NatsAuth.token(secret, a);
  }
  const tlsCaSecret = tlsCaSecretName !== undefined ? kplus.Secret.fromSecretName(chart, 'ca-secret', tlsCaSecretName) : undefined;
  return defined({ ...rest, auth: natsAuth, tlsCaSecret });
}
