import { ApiObject, App, Chart, DependencyGraph, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The file `App.synth()` writes each API object of an app to, relative to the app's outdir,
 * computed as cdk8s 2.68.12 does it (lib/app.js `synth`):
 * - FILE_PER_CHART (the default): `<chart>.k8s.yaml`, the chart named by `Names.toDnsLabel(chart)`,
 *   prefixed with a four-digit index in chart order (`0000-<chart>`) as soon as one chart depends
 *   on another or contains one (`IndexedChartNamer`);
 * - FILE_PER_APP: every object in `app.k8s.yaml`;
 * - FILE_PER_RESOURCE: `<kind>.<name>.k8s.yaml` with every character outside `[0-9a-zA-Z-_.]` removed;
 * - FOLDER_PER_CHART_FILE_PER_RESOURCE: those files in a folder per chart, named like the chart files;
 * with `outputFileExtension` in place of `.k8s.yaml`.
 */
export function manifestFiles(app: App): Map<ApiObject, string> {
  const hasDependantCharts = resolveDependencies(app);
  const ext = app.outputFileExtension;
  const files = new Map<ApiObject, string>();
  let index = 0;
  const chartName = (chart: Chart) => (hasDependantCharts ? `${String(index++).padStart(4, '0')}-` : '') + Names.toDnsLabel(chart);
  const resourceFile = (obj: ApiObject) => {
    const json = obj.toJson();
    return `${json.kind}.${json.metadata.name}`.replace(/[^0-9a-zA-Z-_.]/g, '') + ext;
  };
  for (const chart of app.charts) {
    const objects = objectsOf(chart);
    switch (app.yamlOutputType) {
      case YamlOutputType.FILE_PER_APP:
        for (const obj of objects) files.set(obj, `app${ext}`);
        break;
      case YamlOutputType.FILE_PER_RESOURCE:
        for (const obj of objects) files.set(obj, resourceFile(obj));
        break;
      case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: {
        const folder = chartName(chart);
        for (const obj of objects) files.set(obj, `${folder}/${resourceFile(obj)}`);
        break;
      }
      default: {
        const file = chartName(chart) + ext;
        for (const obj of objects) files.set(obj, file);
      }
    }
  }
  return files;
}

/** The objects of a chart in the order synth writes them; an object belongs to its closest chart (lib/app.js `chartToKube`). */
function objectsOf(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .filter((c) => Chart.of(c) === chart);
}

/**
 * cdk8s 2.68.12 lib/app.js `resolveDependencies`, which `App.synth()` runs before naming the files:
 * the same dependencies between charts and between their objects, so `app.charts` comes in the
 * order synth writes them. Adding them again during synth changes nothing (dependencies are a set).
 * Returns whether a chart depends on another or contains one.
 */
function resolveDependencies(app: App): boolean {
  let hasDependantCharts = false;
  const all = app.node.findAll();
  // a nested chart sets hasDependantCharts in the pass below (lib/app.js sets it here as well): this dependency joins two charts
  for (const parent of all.filter((c): c is Chart => c instanceof Chart)) {
    for (const child of parent.node.children.filter((c) => c instanceof Chart)) parent.node.addDependency(child);
  }
  // read again before each pass, as lib/app.js does: the second pass sees the charts' new dependencies
  const dependencies = () => all.flatMap((source) => source.node.dependencies.map((target) => ({ source, target })));
  for (const { source, target } of dependencies()) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  for (const { source, target } of dependencies()) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    const targets = apiObjectsIn(target, targetChart);
    for (const s of apiObjectsIn(source, sourceChart)) for (const t of targets) if (t !== s) s.node.addDependency(t);
  }
  return hasDependantCharts;
}

function apiObjectsIn(scope: IConstruct, chart: Chart): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
}
