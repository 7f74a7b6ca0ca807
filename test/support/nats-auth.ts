import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { checkServerIdentity } from 'tls';
import { credsAuthenticator, nkeyAuthenticator, nkeys } from 'nats';
import { NatsServerOptions } from './nats-server';

/**
 * A nats-server set up with one kind of authentication, the files a NatsAuth variant mounts
 * for it (paths keyed by the environment variable the construct sets), and the options the
 * test's own clients use. Every secret is generated fresh in `dir`.
 */
export interface AuthFixture {
  readonly server: NatsServerOptions;
  /** The environment the synthesized container has for this auth, with test paths. */
  readonly env: Record<string, string>;
}

const JS_LIMITS = { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 };
const ACCOUNT_LIMITS = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

/** A NATS JWT (v2 claims) signed by `issuer`'s nkey, as nsc writes them. */
function natsJwt(issuer: ReturnType<typeof nkeys.createUser>, subject: string, name: string, nats: Record<string, unknown>): string {
  const b64 = (data: string | Uint8Array) => Buffer.from(data).toString('base64url');
  const claims: Record<string, unknown> = { jti: '', iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name, sub: subject, nats: { ...nats, version: 2 } };
  claims.jti = createHash('sha256').update(JSON.stringify(claims)).digest('base64url');
  const body = `${b64(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }))}.${b64(JSON.stringify(claims))}`;
  return `${body}.${b64(issuer.sign(Buffer.from(body)))}`;
}

/** Operator mode: a system account, an application account with JetStream, a user's creds file. */
export function credsAuth(dir: string): AuthFixture {
  const operator = nkeys.createOperator();
  const system = nkeys.createAccount();
  const account = nkeys.createAccount();
  const user = nkeys.createUser();
  const operatorJwt = natsJwt(operator, operator.getPublicKey(), 'test-operator', { type: 'operator' });
  const systemJwt = natsJwt(operator, system.getPublicKey(), 'SYS', { type: 'account', limits: ACCOUNT_LIMITS });
  const accountJwt = natsJwt(operator, account.getPublicKey(), 'APP', { type: 'account', limits: { ...ACCOUNT_LIMITS, ...JS_LIMITS } });
  const userJwt = natsJwt(account, user.getPublicKey(), 'backup', { type: 'user', pub: {}, sub: {}, subs: -1, data: -1, payload: -1 });
  const creds = [
    '-----BEGIN NATS USER JWT-----', userJwt, '------END NATS USER JWT------', '',
    '-----BEGIN USER NKEY SEED-----', Buffer.from(user.getSeed()).toString(), '------END USER NKEY SEED------', '',
  ].join('\n');
  const file = join(dir, 'nats.creds');
  writeFileSync(file, creds, { mode: 0o600 });
  return {
    server: {
      config: [
        `operator: "${operatorJwt}"`,
        'resolver: MEMORY',
        `system_account: ${system.getPublicKey()}`,
        `resolver_preload: { ${account.getPublicKey()}: "${accountJwt}", ${system.getPublicKey()}: "${systemJwt}" }`,
      ].join('\n'),
      client: { authenticator: credsAuthenticator(Buffer.from(creds)) },
    },
    env: { NATS_CREDS: file },
  };
}

/** An nkey user in an account with JetStream; the seed file as `nats --nkey` reads it. */
export function nkeyAuth(dir: string): AuthFixture {
  const user = nkeys.createUser();
  const file = join(dir, 'nkey.seed');
  writeFileSync(file, `${Buffer.from(user.getSeed()).toString()}\n`, { mode: 0o600 });
  return {
    server: {
      config: `accounts { APP { jetstream: enabled, users: [ { nkey: ${user.getPublicKey()} } ] } }`,
      client: { authenticator: nkeyAuthenticator(user.getSeed()) },
    },
    env: { NATS_NKEY: file },
  };
}

/** A token, as a file (NATS_TOKEN_FILE). */
export function tokenAuth(dir: string, token = 's3cr3t-t0ken'): AuthFixture {
  const file = join(dir, 'token');
  writeFileSync(file, token, { mode: 0o600 });
  return {
    server: { config: `authorization { token: "${token}" }`, client: { token } },
    env: { NATS_TOKEN_FILE: file, NATS_CONTEXT_DIR: dir },
  };
}

/** A user and password, as files (NATS_USER_FILE, NATS_PASSWORD_FILE). */
export function userPasswordAuth(dir: string, user = 'backup', password = 'pa$$ "word" \\ with spaces'): AuthFixture {
  writeFileSync(join(dir, 'user'), user, { mode: 0o600 });
  writeFileSync(join(dir, 'password'), password, { mode: 0o600 });
  return {
    server: {
      config: `authorization { users: [ { user: "${user}", password: "${password.replace(/[\\"]/g, (c) => `\\${c}`)}" } ] }`,
      client: { user, pass: password },
    },
    env: { NATS_USER_FILE: join(dir, 'user'), NATS_PASSWORD_FILE: join(dir, 'password'), NATS_CONTEXT_DIR: dir },
  };
}

/**
 * A test CA and a server certificate for 127.0.0.1 signed by it (openssl); the server requires
 * TLS, the clients trust the CA (NATS_CA, as `tlsCaSecret` mounts it).
 */
export function tlsAuth(dir: string): AuthFixture {
  const run = (...args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  };
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=test-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt');
  return {
    server: {
      config: `tls { cert_file: "${join(dir, 'server.crt')}", key_file: "${join(dir, 'server.key')}" }`,
      // nats.js leaves the TLS server name empty for IP addresses: check the certificate against the IP, as nats.go does
      client: { tls: { caFile: join(dir, 'ca.crt'), checkServerIdentity: (_host: string, cert: any) => checkServerIdentity('127.0.0.1', cert) } as any },
      scheme: 'tls',
    },
    env: { NATS_CA: join(dir, 'ca.crt') },
  };
}
