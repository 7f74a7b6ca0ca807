import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { loadManifests } from './support/manifests';
import { manifestFiles } from '../src/operations/_manifest-files';

/** Every file under dir, relative to it. */
function written(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function twoCharts(app: App, dependency: 'none' | 'explicit' | 'nested' = 'none'): ApiObject[] {
  const api = new Chart(app, 'orders-api', { namespace: 'orders' });
  const a = new ApiObject(api, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  const b = new ApiObject(api, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'orders:api' } });
  const parent = dependency === 'nested' ? api : app;
  const jobs = new Chart(parent, 'Jobs.Chart');
  const c = new ApiObject(jobs, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'restore' } });
  if (dependency === 'explicit') jobs.addDependency(api);
  return [a, b, c];
}

// Where App.synth() of cdk8s 2.68.12 puts each object, predicted and compared with what it writes.
describe('manifest files as cdk8s writes them', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test.each([
    [YamlOutputType.FILE_PER_CHART, 'none', ['jobs.chart-c8091fb1.k8s.yaml', 'orders-api.k8s.yaml']],
    [YamlOutputType.FILE_PER_CHART, 'explicit', ['0000-orders-api.k8s.yaml', '0001-jobs.chart-c8091fb1.k8s.yaml']],
    [YamlOutputType.FILE_PER_CHART, 'nested', ['0000-orders-api-jobs.chart-c8cd89ce.k8s.yaml', '0001-orders-api.k8s.yaml']],
    [YamlOutputType.FILE_PER_APP, 'none', ['app.k8s.yaml']],
    [YamlOutputType.FILE_PER_RESOURCE, 'none', ['ConfigMap.settings.k8s.yaml', 'Job.restore.k8s.yaml', 'Service.ordersapi.k8s.yaml']],
    [YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE, 'explicit', [
      '0000-orders-api/ConfigMap.settings.k8s.yaml', '0000-orders-api/Service.ordersapi.k8s.yaml', '0001-jobs.chart-c8091fb1/Job.restore.k8s.yaml',
    ]],
  ] as const)('yamlOutputType %i, dependency between charts: %s', (yamlOutputType, dependency, expected) => {
    const outdir = mkdtempSync(join(tmpdir(), 'manifest-files-'));
    dirs.push(outdir);
    const app = new App({ outdir, yamlOutputType });
    const objects = twoCharts(app, dependency);
    const predicted = manifestFiles(app);
    app.synth();
    expect(written(outdir)).toEqual([...expected]);
    expect([...new Set(predicted.values())].sort()).toEqual([...expected]);
    // each object is in the file predicted for it
    for (const obj of objects) {
      const file = readFileSync(join(outdir, predicted.get(obj)!), 'utf8');
      expect(file).toContain(`name: ${obj.name}`);
    }
  });

  test('the output file extension is the app\'s', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'manifest-files-'));
    dirs.push(outdir);
    const app = new App({ outdir, outputFileExtension: '.yml' });
    twoCharts(app);
    const predicted = [...new Set(manifestFiles(app).values())].sort();
    app.synth();
    expect(predicted).toEqual(['jobs.chart-c8091fb1.yml', 'orders-api.yml']);
    expect(written(outdir)).toEqual(predicted);
  });

  test('a dependency between objects of one chart does not number its file', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'manifest-files-'));
    dirs.push(outdir);
    const app = new App({ outdir });
    const [a, b] = twoCharts(app);
    a.addDependency(b);
    const predicted = [...new Set(manifestFiles(app).values())].sort();
    app.synth();
    expect(predicted).toEqual(['jobs.chart-c8091fb1.k8s.yaml', 'orders-api.k8s.yaml']);
    expect(written(outdir)).toEqual(predicted);
  });

  test('each file lists its objects in the order synth writes them: what an object depends on first', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'manifest-files-'));
    dirs.push(outdir);
    const app = new App({ outdir });
    const chart = new Chart(app, 'orders');
    const object = (scope: Construct, kind: string, name: string) => new ApiObject(scope, name, { apiVersion: 'v1', kind, metadata: { name } });
    // declared first, it depends on a construct declared after it
    const consumer = new Construct(chart, 'consumer');
    object(consumer, 'ConfigMap', 'consumer');
    const provider = new Construct(chart, 'provider');
    object(provider, 'Secret', 'provider');
    consumer.node.addDependency(provider);
    // a construct that depends on its own object
    const self = new Construct(chart, 'self');
    self.node.addDependency(object(self, 'ConfigMap', 'self'));
    // a nested chart of two objects, which its parent chart depends on
    const nested = new Chart(chart, 'nested');
    object(nested, 'ConfigMap', 'nested-a');
    object(nested, 'ConfigMap', 'nested-b');
    const predicted = new Map<string, string[]>();
    for (const [obj, file] of manifestFiles(app)) predicted.set(file, [...(predicted.get(file) ?? []), obj.name]);
    app.synth();
    const files = Object.entries(loadManifests(outdir)).map(([file, objects]) => [file, objects.map((o) => o.metadata.name)]);
    expect(files).toEqual([
      ['0000-orders-nested-c8a2078a.k8s.yaml', ['nested-a', 'nested-b']],
      ['0001-orders.k8s.yaml', ['provider', 'consumer', 'self']],
    ]);
    expect([...predicted.entries()].sort()).toEqual(files);
  });
});
