import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addEphemeralStorage, StorageRequestAndLimit } from './_resources';
import { addPodSeccompProfile } from './_restricted';

/** Mounts a scripts ConfigMap read-only and executable (volume `scripts`). */
export function mountScripts(scope: Construct, container: kplus.Container, scripts: kplus.IConfigMap, dir: string): void {
  container.mount(dir, kplus.Volume.fromConfigMap(scope, 'ScriptsVolume', scripts, { name: 'scripts', defaultMode: 0o555 }), { readOnly: true });
}

/** Mounts a size-limited emptyDir: a writable path on a read-only root filesystem. */
export function mountScratch(scope: Construct, container: kplus.Container, id: string, name: string, path: string, sizeLimit: Size): void {
  container.mount(path, kplus.Volume.fromEmptyDir(scope, id, name, { sizeLimit }));
}

/**
 * What cdk8s-plus-28 cannot express for a pod: seccomp RuntimeDefault at pod level and
 * ephemeral-storage of the first container in any unit.
 *
 * @param podSpecPath JSON pointer to the pod spec inside the object, e.g. `/spec/template/spec`
 */
export function patchRestrictedPodSpec(apiObject: ApiObject, podSpecPath: string, ephemeralStorage: StorageRequestAndLimit): void {
  addPodSeccompProfile(apiObject, podSpecPath);
  addEphemeralStorage(apiObject, `${podSpecPath}/containers/0`, ephemeralStorage);
}
