import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/**
 * Mounts one key of a Secret as a read-only file and points an environment variable at it.
 * Mode 0440: readable by the pod's fsGroup, since the container does not run as root.
 */
export function mountSecretFile(
  scope: Construct, id: string, container: kplus.Container, secret: kplus.ISecret, key: string, dir: string, env: string,
): void {
  const file = key.replace(/[^A-Za-z0-9._-]/g, '_');
  const volume = kplus.Volume.fromSecret(scope, `${id}Volume`, secret, {
    name: id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/^-/, ''),
    items: { [key]: { path: file, mode: 0o440 } },
    defaultMode: 0o440,
  });
  container.mount(dir, volume, { readOnly: true });
  container.env.addVariable(env, kplus.EnvValue.fromValue(`${dir}/${file}`));
}
