import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertDnsSubdomain } from './_validate';

/**
 * Mounts keys of one Secret as read-only files in `dir` and points an environment variable at
 * each file (`files`: environment variable name -> Secret key). The variables hold paths, never
 * secret values. Mode 0440: readable by the pod's fsGroup, since the container does not run as root.
 *
 * @param id the construct id of the volume; its kebab-case form names the volume (NatsAuth: nats-auth)
 * @param files keys already checked where they were given (NatsAuth, tlsCaKey)
 * @param prop names the prop in errors about the Secret's name
 */
export function mountSecretFiles(
  scope: Construct, id: string, container: kplus.Container, secret: kplus.ISecret, files: { [env: string]: string }, dir: string, prop: string,
): void {
  assertDnsSubdomain(`${prop} Secret name`, secret.name);
  const items: { [key: string]: kplus.PathMapping } = {};
  const paths: { [env: string]: string } = {};
  for (const [env, key] of Object.entries(files)) {
    items[key] = { path: key, mode: 0o440 };
    paths[env] = `${dir}/${key}`;
  }
  const volume = kplus.Volume.fromSecret(scope, `${id}Volume`, secret, {
    name: id.replace(/[A-Z]/g, (c, at) => `${at === 0 ? '' : '-'}${c.toLowerCase()}`),
    items,
    defaultMode: 0o440,
  });
  container.mount(dir, volume, { readOnly: true });
  for (const [env, path] of Object.entries(paths)) container.env.addVariable(env, kplus.EnvValue.fromValue(path));
}
