import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
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
});
