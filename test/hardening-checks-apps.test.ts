import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { exampleApps } from '../examples/api-service/apps';
import { HardenedDeployment, HardeningChecks } from '../src';

const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';

/** The README's program: a production App and an App of on-demand charts below its outdir. */
function program() {
  const outdir = mkdtempSync(join(tmpdir(), 'checks-apps-'));
  const app = new App({ outdir });
  const production = new Chart(app, 'orders', { namespace: 'orders' });
  new HardenedDeployment(production, 'api', { image: IMAGE, metadata: { name: 'orders-api' } }).addDisruptionBudget();
  const onDemand = new App({ outdir: join(outdir, 'on-demand') });
  const adhoc = new Chart(onDemand, 'adhoc', { namespace: 'orders' });
  return { outdir, app, production, onDemand, adhoc };
}

/** The message synth() fails with, or '' when it passes. */
function synthError(app: App): string {
  try {
    app.synth();
    return '';
  } catch (e: any) {
    return e.message;
  }
}

describe('HardeningChecks over every App of a program', () => {
  let outdir = '';
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test('alsoCheck: an nginx:latest Deployment in the on-demand App fails its synth, naming the app and its chart', () => {
    const p = program();
    outdir = p.outdir;
    new kplus.Deployment(p.adhoc, 'web', { containers: [{ image: 'nginx:latest', portNumber: 8080 }] });
    new HardeningChecks(p.app, { alsoCheck: [p.onDemand] });
    expect(synthError(p.app)).toBe('');
    const message = synthError(p.onDemand);
    expect(message).toContain(`\n  [] hardening checks of the app writing to ${p.outdir}/on-demand (chart adhoc): 9 errors, 3 warnings, 0 suppressed\n`);
    expect(message).toMatch(/error pinned-image orders\/Deployment\/adhoc-web-\w+ \(adhoc\/web\/Resource\): container main image "nginx:latest" is not pinned/);
    expect(message).not.toContain('[] hardening checks:');
  });

  test('without alsoCheck the on-demand App is not checked: the gap alsoCheck closes', () => {
    const p = program();
    outdir = p.outdir;
    new kplus.Deployment(p.adhoc, 'web', { containers: [{ image: 'nginx:latest', portNumber: 8080 }] });
    new HardeningChecks(p.app);
    expect(synthError(p.onDemand)).toBe('');
  });

  test('findings() and report() cover every checked App, each named', () => {
    const p = program();
    outdir = p.outdir;
    new kplus.Deployment(p.adhoc, 'web', { containers: [{ image: 'nginx:latest', portNumber: 8080 }] });
    const checks = new HardeningChecks(p.app, { alsoCheck: [p.onDemand] });
    expect(new Set(checks.findings().map((f) => f.constructPath.split('/')[0]))).toEqual(new Set(['adhoc']));
    const report = checks.report();
    expect(report.split('\n')[0]).toBe(`hardening checks of the app writing to ${p.outdir} (chart orders): 0 errors, 0 warnings, 0 suppressed`);
    expect(report).toContain(`hardening checks of the app writing to ${p.outdir}/on-demand (chart adhoc): 9 errors, 3 warnings, 0 suppressed`);
  });

  test('each App is checked against its own objects: a budget in one does not protect a Deployment of the other', () => {
    const p = program();
    outdir = p.outdir;
    // the same Deployment name and labels in the on-demand App, with no budget of its own there
    new HardenedDeployment(p.adhoc, 'api', { image: IMAGE, metadata: { name: 'orders-api' } });
    const checks = new HardeningChecks(p.app, { alsoCheck: [p.onDemand] });
    expect(checks.findings().map((f) => `${f.ruleId} ${f.constructPath}`)).toEqual(['replicas-and-budget adhoc/api/Resource']);
  });

  test('an App without alsoCheck names itself too (its construct path is empty)', () => {
    const p = program();
    outdir = p.outdir;
    new Chart(p.app, 'second');
    new kplus.Deployment(p.production, 'web', { containers: [{ image: 'nginx:latest' }] });
    new HardeningChecks(p.app);
    expect(synthError(p.app)).toContain(`[] hardening checks of the app writing to ${p.outdir} (charts orders, second): `);
  });

  test('a chart\'s report is unchanged: cdk8s prints its path in front', () => {
    const p = program();
    outdir = p.outdir;
    new kplus.Deployment(p.production, 'web', { containers: [{ image: 'nginx:latest' }] });
    const checks = new HardeningChecks(p.production);
    expect(synthError(p.app)).toContain('\n  [orders] hardening checks: ');
    expect(checks.report()).toMatch(/^hardening checks: \d+ errors/);
  });

  test('the example checks both of its apps: an unpinned image in an on-demand chart fails the on-demand synth', () => {
    outdir = mkdtempSync(join(tmpdir(), 'checks-example-'));
    const { app, onDemand } = exampleApps(outdir);
    new kplus.Deployment(new Chart(onDemand, 'adhoc', { namespace: 'orders' }), 'web', { containers: [{ image: 'nginx:latest' }] });
    expect(synthError(app)).toBe('');
    expect(synthError(onDemand)).toContain(`[] hardening checks of the app writing to ${outdir}/on-demand (charts orders-jetstream-restore, `);
  });

  test.each([
    ['the scope itself', (p: ReturnType<typeof program>) => [p.app], `the app writing to ${'OUT'} is given twice`],
    ['a chart inside the scope', (p: ReturnType<typeof program>) => [p.production], `orders overlaps the app writing to ${'OUT'}`],
    ['the same App twice', (p: ReturnType<typeof program>) => [p.onDemand, p.onDemand], `the app writing to ${'OUT'}/on-demand is given twice`],
    ['an App and its chart', (p: ReturnType<typeof program>) => [p.onDemand, p.adhoc], `adhoc overlaps the app writing to ${'OUT'}/on-demand`],
  ])('fails with alsoCheck holding %s', (_name, alsoCheck, what) => {
    const p = program();
    outdir = p.outdir;
    const given = alsoCheck(p).map((s) => (s instanceof App ? `the app writing to ${s.outdir}` : s.node.path));
    expect(() => new HardeningChecks(p.app, { alsoCheck: alsoCheck(p) })).toThrow(
      `alsoCheck must hold scopes apart from the checked scope and from each other (${what.split('OUT').join(p.outdir)}), got ${JSON.stringify(given)}`);
  });
});

describe('what a report says it checked', () => {
  let outdir = '';
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test('one App: its output directory and its charts, leaving out constructs that are no charts', () => {
    const p = program();
    outdir = p.outdir;
    new Construct(p.app, 'settings');
    expect(new HardeningChecks(p.app).report().split('\n')[0])
      .toBe(`hardening checks of the app writing to ${p.outdir} (chart orders): 0 errors, 0 warnings, 0 suppressed`);
  });

  test('an App without charts says so', () => {
    outdir = mkdtempSync(join(tmpdir(), 'checks-apps-'));
    expect(new HardeningChecks(new App({ outdir })).report()).toBe(`hardening checks of the app writing to ${outdir} (charts none): 0 errors, 0 warnings, 0 suppressed`);
  });

  test('a construct tree without an App is named by its root\'s id, or as the root', () => {
    const named = new Construct(undefined as any, 'platform');
    new Chart(named, 'orders');
    expect(new HardeningChecks(named).report()).toBe('hardening checks of the construct tree platform (chart orders): 0 errors, 0 warnings, 0 suppressed');
    const unnamed = new Construct(undefined as any, '');
    expect(new HardeningChecks(unnamed).report()).toBe('hardening checks of the construct tree (root) (charts none): 0 errors, 0 warnings, 0 suppressed');
  });

  test('charts checked together are each named by their path', () => {
    const p = program();
    outdir = p.outdir;
    const report = new HardeningChecks(p.production, { alsoCheck: [p.adhoc] }).report().split('\n');
    expect(report[0]).toBe('hardening checks of orders: 0 errors, 0 warnings, 0 suppressed');
    expect(report).toContain('hardening checks of adhoc: 0 errors, 0 warnings, 0 suppressed');
  });
});
