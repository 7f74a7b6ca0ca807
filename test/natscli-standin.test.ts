import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AckPolicy, StorageType } from 'nats';
import { describeWith } from './support/binaries';
import { AuthFixture, credsAuth, nkeyAuth, tlsAuth, tokenAuth, userPasswordAuth } from './support/nats-auth';
import { NATSCLI_STANDIN } from './support/nats-scripts';
import { NatsServer } from './support/nats-server';


// The natscli stand-in is only as good as its fidelity: these tests pin the natscli v0.4.0
// behaviours the scripts depend on (each cited in the stand-in's source), against a real
// nats-server. A script test that passes against the stand-in proves something only if these hold.
describeWith(['nats-server'], 'natscli v0.4.0 stand-in against a real nats-server', () => {
  let server: NatsServer;
  let work: string;

  beforeEach(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'natscli-standin-'));
  });
  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const nats = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(join(NATSCLI_STANDIN, 'nats'), args, {
      env: { PATH: process.env.PATH, HOME: work, NATS_URL: server.url, ...env }, encoding: 'utf8', cwd: work,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  test('empty lists print null (a nil Go slice through iu.PrintJSON), not []', async () => {
    expect(nats(['stream', 'ls', '--json'])).toMatchObject({ status: 0, stdout: 'null\n' });
    await server.seedStream({ name: 'ORDERS' }, 1);
    expect(nats(['consumer', 'ls', 'ORDERS', '--json'])).toMatchObject({ status: 0, stdout: 'null\n' });
    expect(nats(['stream', 'ls', '--json'])).toMatchObject({ status: 0, stdout: '[\n  "ORDERS"\n]\n' });
  });

  test('stream ls hides KV, object store and MQTT streams unless -a/--all; --names lists them all', async () => {
    await server.withJetStream(async (jsm, nc) => {
      await (await nc.jetstream().views.kv('config')).put('k', new Uint8Array([1]));
      await nc.jetstream().views.os('files');
      await jsm.streams.add({ name: '$MQTT_sess', subjects: ['$MQTT.sess.>'] });
    });
    expect(nats(['stream', 'ls', '--json']).stdout).toBe('null\n');
    expect(JSON.parse(nats(['stream', 'ls', '--all', '--json']).stdout)).toEqual(['$MQTT_sess', 'KV_config', 'OBJ_files']);
    expect(JSON.parse(nats(['stream', 'ls', '-a', '-j']).stdout)).toEqual(['$MQTT_sess', 'KV_config', 'OBJ_files']);
    expect(nats(['stream', 'ls']).stdout).toBe('No Streams defined, pass -a to include system streams\n');
    expect(nats(['stream', 'ls', '--names']).stdout).toBe('$MQTT_sess\nKV_config\nOBJ_files\n');
  });

  test('JSON output escapes <, > and & the way Go\'s encoder does', async () => {
    await server.seedStream({ name: 'ORDERS', subjects: ['orders.>'] }, 0);
    const out = nats(['stream', 'info', 'ORDERS', '--json']).stdout;
    expect(out).toContain('"orders.\\u003e"');
    expect(JSON.parse(out).config.subjects).toEqual(['orders.>']);
  });

  test('unknown streams and consumers: exit 1 with natscli\'s messages (no terminal to pick from)', async () => {
    await server.seedStream({ name: 'ORDERS' }, 1);
    expect(nats(['stream', 'info', 'NOPE', '--json'])).toMatchObject({
      status: 1, stdout: '', stderr: 'nats: error: could not pick a Stream to operate on: cannot pick a Stream without a terminal and no Stream name supplied\n',
    });
    expect(nats(['consumer', 'ls', 'NOPE', '--json'])).toMatchObject({
      status: 1, stderr: 'nats: error: could not select Stream: cannot pick a Stream without a terminal and no Stream name supplied\n',
    });
    expect(nats(['consumer', 'info', 'ORDERS', 'nope', '--json'])).toMatchObject({
      status: 1, stderr: 'nats: error: could not select Consumer: cannot pick a Consumer without a terminal and no Consumer name supplied\n',
    });
  });

  test('flags natscli does not have are refused; bool flags are negatable only where fisk allows it', () => {
    expect(nats(['stream', 'ls', '--jsonn'])).toMatchObject({ status: 1 });
    expect(nats(['stream', 'ls', '--jsonn']).stderr).toContain("error: unknown long flag '--jsonn'");
    expect(nats(['stream', 'ls', '--no-json']).stderr).toContain("error: unknown long flag '--no-json'");
    expect(nats(['stream', 'backup', 'ORDERS'])).toMatchObject({ status: 1 });
    expect(nats(['stream', 'backup', 'ORDERS']).stderr).toContain("error: required argument 'target' not provided");
    expect(nats(['stream', 'restore', join(work, 'missing')])).toMatchObject({ status: 1, stderr: `nats: error: path '${join(work, 'missing')}' does not exist\n` });
    expect(nats(['kv', 'ls'])).toMatchObject({ status: 2 });
  });

  test('stream backup writes backup.json and stream.tar.s2 (the server\'s snapshot) into a 0700 directory', async () => {
    await server.seedStream({ name: 'ORDERS' }, 20, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit }], 5);
    const target = join(work, 'b', 'ORDERS');
    const result = nats(['stream', 'backup', 'ORDERS', target, '--consumers', '--no-progress']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(target).sort()).toEqual(['backup.json', 'stream.tar.s2']);
    expect((statSync(target).mode % 0o1000).toString(8)).toBe('700');
    const meta = JSON.parse(readFileSync(join(target, 'backup.json'), 'utf8'));
    expect(Object.keys(meta)).toEqual(['config', 'state']);
    expect(meta.config.name).toBe('ORDERS');
    expect(meta.state.messages).toBe(20);
    // an s2 stream: the snappy-framed stream identifier chunk (0xff 0x06 0x00 0x00 "S2sTwO")
    expect(readFileSync(join(target, 'stream.tar.s2')).subarray(0, 10).toString('latin1')).toBe('\xff\x06\x00\x00S2sTwO');
  });

  test('stream backup of a memory stream fails after creating both files, empty (jsm.go checks the storage after os.Create)', async () => {
    await server.seedStream({ name: 'CACHE', storage: StorageType.Memory }, 2);
    const target = join(work, 'CACHE');
    expect(nats(['stream', 'backup', 'CACHE', target, '--no-progress'])).toMatchObject({
      status: 1, stderr: 'nats: error: snapshot failed: memory streams do not support snapshots\n',
    });
    expect(readdirSync(target).sort()).toEqual(['backup.json', 'stream.tar.s2']);
    expect(statSync(join(target, 'stream.tar.s2')).size).toBe(0);
  });

  test('stream restore brings back messages and consumers with their ack floors, and refuses an existing stream', async () => {
    await server.seedStream({ name: 'ORDERS' }, 20, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit }], 7);
    const target = join(work, 'ORDERS');
    expect(nats(['stream', 'backup', 'ORDERS', target, '--no-progress']).status).toBe(0);
    expect(nats(['stream', 'restore', target, '--no-progress'])).toMatchObject({ status: 1, stderr: 'nats: error: Stream "ORDERS" already exist\n' });

    await server.withJetStream((jsm) => jsm.streams.delete('ORDERS'));
    const restored = nats(['stream', 'restore', target, '--no-progress']);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    await server.withJetStream(async (jsm) => {
      expect((await jsm.streams.info('ORDERS')).state.messages).toBe(20);
      const billing = await jsm.consumers.info('ORDERS', 'billing');
      expect(billing.ack_floor.stream_seq).toBe(7);
      expect(billing.num_pending).toBe(13);
    });
  });

  test('stream restore of a memory stream is refused client-side before any request', async () => {
    await server.seedStream({ name: 'ORDERS' }, 1);
    const target = join(work, 'ORDERS');
    expect(nats(['stream', 'backup', 'ORDERS', target, '--no-progress']).status).toBe(0);
    await server.withJetStream((jsm) => jsm.streams.delete('ORDERS'));
    const meta = JSON.parse(readFileSync(join(target, 'backup.json'), 'utf8'));
    writeFileSync(join(target, 'backup.json'), JSON.stringify({ ...meta, config: { ...meta.config, storage: 'memory' } }));
    expect(nats(['stream', 'restore', target])).toMatchObject({ status: 1 });
    expect(nats(['stream', 'restore', target]).stderr).toBe('nats: error: restore failed: memory streams do not support snapshots\n');
    await server.withJetStream(async (jsm) => expect(jsm.streams.info('ORDERS')).rejects.toThrow('stream not found'));
  });

  test('stream add and consumer add take `info --json` output as their --config', async () => {
    await server.seedStream({ name: 'ORDERS' }, 0, [{ durable_name: 'billing', ack_policy: AckPolicy.Explicit, filter_subject: 'orders.1' }]);
    writeFileSync(join(work, 'stream.json'), nats(['stream', 'info', 'ORDERS', '--json']).stdout);
    writeFileSync(join(work, 'consumer.json'), nats(['consumer', 'info', 'ORDERS', 'billing', '--json']).stdout);
    await server.withJetStream((jsm) => jsm.streams.delete('ORDERS'));
    expect(nats(['stream', 'add', '--config', join(work, 'stream.json')]).status).toBe(0);
    expect(nats(['consumer', 'add', 'ORDERS', 'billing', '--config', join(work, 'consumer.json')]).status).toBe(0);
    await server.withJetStream(async (jsm) => {
      expect((await jsm.consumers.info('ORDERS', 'billing')).config.filter_subject).toBe('orders.1');
    });
  });
});

// NatsAuth end to end: the stand-in connects the way natscli v0.4.0 does for each kind of
// credentials, against a nats-server that requires exactly that kind.
describeWith(['nats-server', 'openssl', 'jq'], 'natscli stand-in authentication against servers that require it', () => {
  let work: string;
  let server: NatsServer | undefined;
  beforeEach(() => { work = mkdtempSync(join(tmpdir(), 'natscli-auth-')); });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    rmSync(work, { recursive: true, force: true });
  });

  const nats = (args: string[], env: Record<string, string>) => {
    const result = spawnSync(join(NATSCLI_STANDIN, 'nats'), args, {
      env: { PATH: process.env.PATH, HOME: work, NATS_URL: server!.url, NATS_STANDIN_AUTH_LOG: join(work, 'auth.log'), ...env }, encoding: 'utf8',
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const authLog = () => readFileSync(join(work, 'auth.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

  const plain: Array<[string, (dir: string) => AuthFixture, Record<string, string>, string]> = [
    ['creds file (NATS_CREDS)', credsAuth, {}, 'creds'],
    ['nkey seed file (NATS_NKEY)', nkeyAuth, {}, 'nkey'],
    ['token (NATS_TOKEN)', tokenAuth, { NATS_TOKEN: 's3cr3t-t0ken' }, 'token'],
    ['user and password (NATS_USER, NATS_PASSWORD)', userPasswordAuth, { NATS_USER: 'backup', NATS_PASSWORD: 'pa$$ "word" \\ with spaces' }, 'user'],
  ];
  test.each(plain)('%s: connects with it, is refused without it', async (_name, fixture, extraEnv, method) => {
    const auth = fixture(work);
    server = await NatsServer.start(auth.server);
    const env = { ...Object.fromEntries(Object.entries(auth.env).filter(([k]) => !k.endsWith('_FILE') && k !== 'NATS_CONTEXT_DIR')), ...extraEnv };
    const ok = nats(['account', 'info'], env);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(authLog()).toEqual([{ method, ca: null, context: null }]);
    const refused = nats(['account', 'info'], {});
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^nats: error: setup failed: .*(Authorization Violation|AUTHORIZATION_VIOLATION)/i);
  });

  test('a context file (NATS_CONTEXT=<path>.json) supplies user and password, as cli/util.go loadContext reads it', async () => {
    const auth = userPasswordAuth(work);
    server = await NatsServer.start(auth.server);
    writeFileSync(join(work, 'ctx.json'), JSON.stringify({ user: 'backup', password: 'pa$$ "word" \\ with spaces' }));
    expect(nats(['account', 'info'], { NATS_CONTEXT: join(work, 'ctx.json') }).status).toBe(0);
    expect(authLog()).toEqual([{ method: 'user', ca: null, context: join(work, 'ctx.json') }]);
    expect(nats(['account', 'info'], { NATS_CONTEXT: join(work, 'missing.json') })).toMatchObject({
      status: 1, stderr: `nats: error: setup failed: unknown context "${join(work, 'missing.json')}"\n`,
    });
  });

  test('a CA (NATS_CA) makes the connection TLS and trusts the server; without it the certificate is refused', async () => {
    const auth = tlsAuth(work);
    server = await NatsServer.start(auth.server);
    expect(nats(['account', 'info'], auth.env)).toMatchObject({ status: 0 });
    expect(authLog()).toEqual([{ method: 'none', ca: auth.env.NATS_CA, context: null }]);
    const untrusted = nats(['account', 'info'], {});
    expect(untrusted.status).toBe(1);
    expect(untrusted.stderr).toMatch(/^nats: error: setup failed: .*(certificate|CERT)/i);
    expect(existsSync(auth.env.NATS_CA)).toBe(true);
    expect(nats(['account', 'info'], { NATS_CA: join(work, 'nope.crt') })).toMatchObject({ status: 1, stderr: `nats: error: path '${join(work, 'nope.crt')}' does not exist\n` });
  });
});

// `stream subjects` and `stream restore --replicas`, which the restore drill relies on.
describeWith(['nats-server'], 'natscli v0.4.0 stand-in: stream subjects and restore --replicas', () => {
  let server: NatsServer;
  let work: string;
  beforeEach(async () => {
    server = await NatsServer.start();
    work = mkdtempSync(join(tmpdir(), 'natscli-standin-'));
  });
  afterEach(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });
  const nats = (args: string[]) => spawnSync(join(NATSCLI_STANDIN, 'nats'), args, {
    env: { PATH: process.env.PATH, HOME: work, NATS_URL: server.url }, encoding: 'utf8', cwd: work,
  });

  test('stream subjects --json: a map of subject to count, keys sorted as Go writes maps; {} when nothing matches; > by default', async () => {
    await server.withJetStream(async (_jsm, nc) => {
      const os = await nc.jetstream().views.os('files');
      await os.putBlob({ name: 'b.txt' }, new Uint8Array([1, 2, 3]));
      await os.putBlob({ name: 'a.txt' }, new Uint8Array(0));
    });
    const metas = nats(['stream', 'subjects', 'OBJ_files', '$O.files.M.>', '--json']);
    expect(metas.status).toBe(0);
    // nats.go object store: each object's metadata on $O.<store>.M.<base64url of its name>
    expect(metas.stdout).toBe('{\n  "$O.files.M.YS50eHQ=": 1,\n  "$O.files.M.Yi50eHQ=": 1\n}\n');
    const all = JSON.parse(nats(['stream', 'subjects', 'OBJ_files', '--json']).stdout);
    expect(Object.keys(all)).toHaveLength(3); // two metadata subjects, one chunk subject (a.txt is empty)
    expect(nats(['stream', 'subjects', 'OBJ_files', 'nothing.>', '--json'])).toMatchObject({ status: 0, stdout: '{}\n' });
    expect(nats(['stream', 'subjects', 'NOPE', '--json'])).toMatchObject({
      status: 1, stderr: 'nats: error: could not pick a Stream to operate on: cannot pick a Stream without a terminal and no Stream name supplied\n',
    });
    expect(nats(['stream', 'subjects', 'OBJ_files', '--json', '--no-names']).status).toBe(0); // names is a fisk BoolVar: negatable
    expect(nats(['stream', 'subjects', 'OBJ_files', '--no-json']).stderr).toContain("error: unknown long flag '--no-json'");
  });

  test('stream restore --replicas overrides num_replicas of the backup\'s configuration (restoreAction: cfg.Replicas)', async () => {
    await server.seedStream({ name: 'ORDERS' }, 3);
    expect(nats(['stream', 'backup', 'ORDERS', join(work, 'b'), '--no-progress']).status).toBe(0);
    const meta = JSON.parse(readFileSync(join(work, 'b', 'backup.json'), 'utf8'));
    meta.config.num_replicas = 3;
    writeFileSync(join(work, 'b', 'backup.json'), JSON.stringify(meta));
    expect(nats(['stream', 'rm', 'ORDERS', '-f']).status).toBe(0);
    const refused = nats(['stream', 'restore', join(work, 'b'), '--no-progress']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe('nats: error: restore failed: replicas > 1 not supported in non-clustered mode (10074)\n');
    const restored = nats(['stream', 'restore', join(work, 'b'), '--no-progress', '--replicas', '1']);
    expect(restored.status).toBe(0);
    await server.withJetStream(async (jsm) => {
      const info = await jsm.streams.info('ORDERS');
      expect(info.config.num_replicas).toBe(1);
      expect(info.state.messages).toBe(3);
    });
  });
});
