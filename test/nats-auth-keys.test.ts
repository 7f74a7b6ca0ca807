import { readFileSync } from 'fs';
import { join } from 'path';
import * as kplus from 'cdk8s-plus-28';
import { NatsAuth, NatsBackupCronJob } from '../src';
import { newChart } from './support/charts';
import { onlyOfKind, synthValid } from './support/manifests';

const SOURCE = readFileSync(join(__dirname, '..', 'src', 'nats-connection.ts'), 'utf8');
const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

/** The files a NatsAuth variant mounts, as the backup container's environment names them. */
function mountedFiles(auth: (secret: kplus.ISecret) => NatsAuth): Record<string, string> {
  const chart = newChart();
  new NatsBackupCronJob(chart, 'backup', { auth: auth(kplus.Secret.fromSecretName(chart, 's', 'nats-client')), natsUrl: 'tls://nats:4222' });
  const pod = onlyOfKind(synthValid(chart), 'CronJob').spec.jobTemplate.spec.template.spec;
  const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
  const keys = pod.volumes.find((v: any) => v.name === 'nats-auth').secret.items.map((i: any) => i.key);
  return Object.fromEntries(['NATS_CREDS', 'NATS_NKEY', 'NATS_USER_FILE', 'NATS_PASSWORD_FILE', 'NATS_TOKEN_FILE']
    .filter((name) => env[name] !== undefined).map((name) => [name, env[name]]).concat([['keys', keys.join(' ')]]));
}

/** The doc comment of a NatsAuth factory, up to its signature. */
function docOf(factory: string): string {
  const at = SOURCE.indexOf(`public static ${factory}(`);
  return SOURCE.slice(SOURCE.lastIndexOf('/**', at), at);
}

describe('NatsAuth default Secret keys: what the docs say is what is mounted', () => {
  test.each([
    ['credsFile', NatsAuth.credsFile, { NATS_CREDS: '/etc/nats/auth/nats.creds', keys: 'nats.creds' }, ['nats.creds']],
    ['nkeySeedFile', NatsAuth.nkeySeedFile, { NATS_NKEY: '/etc/nats/auth/nkey.seed', keys: 'nkey.seed' }, ['nkey.seed']],
    ['userPassword', NatsAuth.userPassword,
      { NATS_USER_FILE: '/etc/nats/auth/user', NATS_PASSWORD_FILE: '/etc/nats/auth/password', keys: 'password user' }, ['user', 'password']],
    ['token', NatsAuth.token, { NATS_TOKEN_FILE: '/etc/nats/auth/token', keys: 'token' }, ['token']],
  ] as const)('%s(secret)', (factory, make, mounted, keys) => {
    expect(mountedFiles((secret) => make(secret))).toEqual(mounted);
    for (const key of keys) expect(docOf(factory)).toContain(`(default \`${key}\`)`);
  });

  test('README names every default key', () => {
    expect(README).toContain('`credsFile(secret)` reads `nats.creds`');
    expect(README).toContain('`credsFile` (Secret key `nats.creds`), `nkeySeedFile` (`nkey.seed`), `userPassword` (`user`, `password`), `token` (`token`)');
  });

  test('another key is read when named', () => {
    expect(mountedFiles((secret) => NatsAuth.credsFile(secret, 'backup.creds'))).toEqual({ NATS_CREDS: '/etc/nats/auth/backup.creds', keys: 'backup.creds' });
  });
});
