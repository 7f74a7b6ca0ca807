import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp } from './_errors';
import { assertDnsSubdomain, assertSecretKey } from './_validate';
import type { SoakJobProps } from './soak-job';

/** Where the soak pods find their secrets: one directory per Secret, below this one. */
export const SOAK_SECRETS_DIR = '/var/run/secrets/soak';

/** Mode of a mounted secret file: read-only for the owner and the pod's fsGroup (k6 runs as uid/gid 12345). */
const SECRET_FILE_MODE = 0o440;

/** One key of a Secret, mounted as a file and sent as a request header by the script. */
export interface SoakSecretFile {
  /** The request header the value goes into (`Authorization` for the bearer token). */
  readonly header: string;
  readonly secret: kplus.ISecret;
  readonly key: string;
  /** Volume name in the pod. */
  readonly volume: string;
  /** Directory the Secret is mounted at. */
  readonly dir: string;
  /** The file the script opens. */
  readonly path: string;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The Secrets of a SoakJob as files: k6 reads them with `open()` in the init context, so no
 * credential passes through the ConfigMap or an environment variable (which `kubectl describe`,
 * crash dumps and child processes can show).
 */
export function soakSecretFiles(props: SoakJobProps): SoakSecretFile[] {
  const files: SoakSecretFile[] = [];
  if (props.authTokenSecret) {
    assertDnsSubdomain('authTokenSecret', props.authTokenSecret.name);
    const key = props.authTokenKey ?? 'token';
    assertSecretKey('authTokenKey', key);
    files.push(secretFile('Authorization', props.authTokenSecret, key, 'auth-token'));
  } else if (props.authTokenKey !== undefined) {
    throw invalidProp('authTokenKey', 'come with authTokenSecret', props.authTokenKey);
  }
  const names = new Set(files.map((f) => f.header.toLowerCase()));
  (props.secretHeaders ?? []).forEach((h, i) => {
    const at = `secretHeaders[${i}]`;
    if (typeof h.name !== 'string' || !HEADER_NAME.test(h.name)) {
      throw invalidProp(`${at}.name`, 'be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~', h.name);
    }
    if (names.has(h.name.toLowerCase())) {
      throw invalidProp(`${at}.name`, 'name a header once, ignoring case (Authorization comes from authTokenSecret)', h.name);
    }
    names.add(h.name.toLowerCase());
    assertDnsSubdomain(`${at}.secret`, h.secret.name);
    assertSecretKey(`${at}.key`, h.key);
    files.push(secretFile(h.name, h.secret, h.key, `secret-header-${i}`));
  });
  return files;
}

function secretFile(header: string, secret: kplus.ISecret, key: string, volume: string): SoakSecretFile {
  const dir = `${SOAK_SECRETS_DIR}/${volume}`;
  return { header, secret, key, volume, dir, path: `${dir}/value` };
}

/** Mounts every secret file into a cdk8s-plus container, read-only. */
export function mountSecretFiles(scope: Construct, container: kplus.Container, files: SoakSecretFile[]): void {
  for (const f of files) {
    const volume = kplus.Volume.fromSecret(scope, `Secret-${f.volume}`, f.secret, {
      name: f.volume,
      items: { [f.key]: { path: 'value', mode: SECRET_FILE_MODE } },
      defaultMode: SECRET_FILE_MODE,
    });
    container.mount(f.dir, volume, { readOnly: true });
  }
}

/** The same mounts as raw pod fields, for the k6-operator TestRun's runner pods. */
export function secretFileVolumes(files: SoakSecretFile[]): { volumes: object[]; volumeMounts: object[] } {
  return {
    volumes: files.map((f) => ({
      name: f.volume,
      secret: { secretName: f.secret.name, items: [{ key: f.key, path: 'value', mode: SECRET_FILE_MODE }], defaultMode: SECRET_FILE_MODE },
    })),
    volumeMounts: files.map((f) => ({ name: f.volume, mountPath: f.dir, readOnly: true })),
  };
}
