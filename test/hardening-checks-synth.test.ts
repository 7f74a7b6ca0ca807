import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { HardenedDeployment, HardeningChecks, HardeningRule, Severity } from '../src';

/** A production-like app: Deployment, Service, budget and policies. */
function app(): { app: App; api: HardenedDeployment } {
  const a = new App({ outdir: 'unused' });
  const chart = new Chart(a, 'orders', { namespace: 'orders' });
  const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', metadata: { name: 'orders-api' }, service: true });
  api.addDisruptionBudget();
  return { app: a, api };
}

/** A rule that writes to the manifests it reads, which no rule should. */
class LabellingRule extends HardeningRule {
  readonly id = 'writes-labels';
  readonly severity = Severity.WARNING;
  readonly requirement = 'none';
  readonly rationale = 'none';
  readonly source = 'this test';
  readonly fix = 'none';
  check(manifest: any): string[] {
    manifest.metadata.labels = { ...manifest.metadata.labels, written: 'by-a-rule' };
    return [];
  }
}

/** Counts the objects resolved by ApiObject.prototype.toJson while `run` runs. */
function resolves(run: () => void): number {
  const spy = jest.spyOn(ApiObject.prototype, 'toJson');
  try {
    run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('HardeningChecks at synth', () => {
  let outdir = '';
  beforeAll(() => { outdir = mkdtempSync(join(tmpdir(), 'checks-synth-')); });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('synthesis under the checks gives the same YAML as without, resolving each object once', () => {
    const plain = app();
    let expected = '';
    const once = resolves(() => { expected = plain.app.synthYaml(); });
    const checked = app();
    new HardeningChecks(checked.app, { failOnWarnings: true });
    let yaml = '';
    expect(resolves(() => { yaml = checked.app.synthYaml(); })).toBe(once);
    expect(yaml).toBe(expected);
    expect(once).toBeGreaterThanOrEqual(4);
  });

  test('with a rule of its own, synthesis renders afresh: what a rule writes never reaches the manifests', () => {
    const plain = app();
    let expected = '';
    const once = resolves(() => { expected = plain.app.synthYaml(); });
    const checked = app();
    new HardeningChecks(checked.app, { additionalRules: [new LabellingRule()] });
    let yaml = '';
    expect(resolves(() => { yaml = checked.app.synthYaml(); })).toBe(2 * once);
    expect(yaml).toBe(expected);
    expect(yaml).not.toContain('by-a-rule');
  });

  test('an app of many charts is checked once per synth and each object resolved once', () => {
    const build = (checked: boolean) => {
      const a = new App({ outdir });
      for (let i = 0; i < 5; i++) {
        const chart = new Chart(a, `svc${i}`, { namespace: 'orders' });
        new HardenedDeployment(chart, 'api', { image: `ghcr.io/acme/svc-${i}:1.0.0`, metadata: { name: `svc-${i}` }, service: true }).addDisruptionBudget();
      }
      const checks = checked ? new HardeningChecks(a, { failOnWarnings: true }) : undefined;
      return { a, checks };
    };
    const plain = build(false);
    let expected = '';
    const once = resolves(() => { expected = plain.a.synthYaml(); });
    const { a, checks } = build(true);
    const rendered = jest.spyOn(checks as any, 'findingsIn');
    let yaml = '';
    expect(resolves(() => { yaml = a.synthYaml(); })).toBe(once);
    expect(yaml).toBe(expected);
    // cdk8s validated the app six times (once, then once per chart): the rules ran once
    expect(rendered).toHaveBeenCalledTimes(1);
    rendered.mockClear();
    expect(resolves(() => a.synth())).toBe(once);
    expect(rendered).toHaveBeenCalledTimes(1);
  });

  test('each synth checks the app as it is then; outside a synth nothing is kept or handed over', () => {
    const { app: a, api } = app();
    new HardeningChecks(a, { failOnWarnings: true });
    const objects = a.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const handedOver = () => objects.filter((o) => Object.prototype.hasOwnProperty.call(o, 'toJson'));
    a.synthYaml();
    expect(handedOver()).toEqual([]);
    // in the same task: a change between two synths is checked and synthesized
    api.metadata.addLabel('changed', 'between-synths');
    expect(a.synthYaml()).toContain('changed: between-synths');
    api.addContainer({ name: 'sidecar', image: 'busybox:latest' });
    expect(() => a.synthYaml()).toThrow('pinned-image');
    expect(handedOver()).toEqual([]);
    expect(a.node.findAll().flatMap((c) => c.node.validate()).join('\n')).toContain('pinned-image');
    expect(handedOver()).toEqual([]);
  });

  test('a failing check hands nothing over: the app fixed after the error synthesizes what it now holds', () => {
    const a = new App({ outdir: 'unused' });
    const chart = new Chart(a, 'orders', { namespace: 'orders' });
    const api = new HardenedDeployment(chart, 'api', { image: 'ghcr.io/acme/orders-api:1.4.2', metadata: { name: 'orders-api' } });
    new HardeningChecks(a, { failOnWarnings: true });
    expect(() => a.synthYaml()).toThrow('replicas-and-budget');
    const objects = a.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    expect(objects.filter((o) => Object.prototype.hasOwnProperty.call(o, 'toJson'))).toEqual([]);
    api.addDisruptionBudget();
    expect(a.synthYaml()).toContain('kind: PodDisruptionBudget');
  });

  test('an object with a toJson of its own keeps it; two checks on one app both pass the JSON on once', () => {
    const { app: a, api } = app();
    const own = ApiObject.of(api);
    const rendered = own.toJson.bind(own);
    own.toJson = () => ({ ...rendered(), metadata: { ...rendered().metadata, annotations: { rendered: 'by-its-own-toJson' } } });
    new HardeningChecks(a, { failOnWarnings: true });
    new HardeningChecks(a);
    const yaml = a.synthYaml();
    expect(yaml).toContain('rendered: by-its-own-toJson');
    expect(Object.getOwnPropertyDescriptor(own, 'toJson')?.value).toBe(own.toJson);
    expect(a.synthYaml()).toBe(yaml);
  });

  test('findings() and report() never hand over', () => {
    const { app: a } = app();
    const checks = new HardeningChecks(a);
    checks.findings();
    checks.report();
    const objects = a.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    expect(objects.filter((o) => Object.prototype.hasOwnProperty.call(o, 'toJson'))).toEqual([]);
  });
});
