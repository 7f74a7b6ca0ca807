import { HardenedDeployment, HardenedDeploymentProps } from '../src';
import { newChart } from './support/charts';
import { onlyOfKind, synthValid } from './support/manifests';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';

function pod(props: Partial<HardenedDeploymentProps> = {}) {
  const chart = newChart();
  new HardenedDeployment(chart, 'api', { image: IMAGE, ...props });
  return onlyOfKind(synthValid(chart), 'Deployment').spec.template.spec;
}

const mounts = (spec: any) => (spec.containers[0].volumeMounts ?? []).map((m: any) => [m.mountPath, m.name]);
const volumes = (spec: any) => (spec.volumes ?? []).map((v: any) => [v.name, v.emptyDir.sizeLimit]);

describe('HardenedDeployment writable paths add to /tmp', () => {
  test('a listed path keeps /tmp writable (it used to replace it)', () => {
    const spec = pod({ writablePaths: ['/var/cache/app'] });
    expect(mounts(spec)).toEqual([['/tmp', 'writable-0'], ['/var/cache/app', 'writable-1']]);
    expect(volumes(spec)).toEqual([['writable-0', '64Mi'], ['writable-1', '64Mi']]);
  });

  test('an empty list is /tmp alone, as the default', () => {
    expect(mounts(pod({ writablePaths: [] }))).toEqual([['/tmp', 'writable-0']]);
    expect(mounts(pod())).toEqual([['/tmp', 'writable-0']]);
  });

  test('a list that names /tmp mounts it once, where it is listed: such manifests do not change', () => {
    expect(mounts(pod({ writablePaths: ['/tmp', '/var/cache/app'] }))).toEqual([['/tmp', 'writable-0'], ['/var/cache/app', 'writable-1']]);
    expect(mounts(pod({ writablePaths: ['/var/cache/app', '/tmp'] }))).toEqual([['/var/cache/app', 'writable-0'], ['/tmp', 'writable-1']]);
  });

  test('writableTmp: false drops /tmp; the listed paths stay', () => {
    const none = pod({ writableTmp: false });
    expect(none.containers[0].volumeMounts).toBeUndefined();
    expect(none.volumes).toBeUndefined();
    expect(none.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(mounts(pod({ writableTmp: false, writablePaths: ['/var/cache/app'] }))).toEqual([['/var/cache/app', 'writable-0']]);
  });

  test('fails with /tmp listed while writableTmp is false', () => {
    expect(() => new HardenedDeployment(newChart(), 'api', { image: IMAGE, writableTmp: false, writablePaths: ['/data', '/tmp'] }))
      .toThrow('writablePaths must leave out "/tmp" when writableTmp is false (or drop writableTmp: false to keep /tmp writable), got "/tmp"');
  });
});
