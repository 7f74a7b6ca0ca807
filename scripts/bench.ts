/**
 * Synth benchmark: what the library costs against the same YAML declared by hand.
 *
 * For N services (a HardenedDeployment with its Service, PodDisruptionBudget and NetworkPolicy),
 * in one process, after a warm-up, interleaved repetitions of:
 *   library  the library's N services
 *   floor    the identical manifests declared as plain ApiObjects (same YAML, no library logic)
 *   checks   the library's N services under HardeningChecks({ failOnWarnings: true })
 *   plus     plain cdk8s-plus-28 Deployments with the same rollout settings, an L1 PDB and a Service
 * Each repetition builds a new App and synthesizes it to one YAML string (validations included),
 * whose length is summed so no work can be skipped. Nothing is cached across repetitions.
 *
 * Usage: npm run bench [-- --sizes 10,100 --rounds 5]; writes bench/results.json.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
// The compiled package, as users run it (`npm run bench` compiles first).
import { HardenedDeployment, HardeningChecks } from '../lib';

interface Scenario {
  readonly name: string;
  readonly build: (n: number) => App;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const SIZES = arg('sizes', '10,100,500,2000').split(',').map(Number);
const ROUNDS = Number(arg('rounds', '5'));

function libraryApp(n: number, checks: boolean): App {
  const app = new App();
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < n; i++) {
    const api = new HardenedDeployment(chart, `svc${i}`, {
      metadata: { name: `svc-${i}` },
      image: `ghcr.io/acme/svc-${i}:1.0.${i}`,
      service: true,
    });
    api.addDisruptionBudget();
  }
  if (checks) new HardeningChecks(app, { failOnWarnings: true });
  return app;
}

/** The library's manifests, captured once (outside the timings) so the floor declares the same YAML. */
function capturedManifests(n: number): any[] {
  const app = libraryApp(n, false);
  return app.charts.flatMap((chart) => chart.toJson());
}

function floorApp(manifests: any[]): App {
  const app = new App();
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  manifests.forEach((m, i) => {
    const { apiVersion, kind, metadata, ...rest } = m;
    new ApiObject(chart, `o${i}`, { apiVersion, kind, metadata, ...rest });
  });
  return app;
}

function plusApp(n: number): App {
  const app = new App();
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  for (let i = 0; i < n; i++) {
    const deployment = new kplus.Deployment(chart, `svc${i}`, {
      metadata: { name: `svc-${i}` },
      replicas: 2,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      minReady: Duration.seconds(10),
      progressDeadline: Duration.seconds(300),
      containers: [{ image: `ghcr.io/acme/svc-${i}:1.0.${i}`, portNumber: 8080 }],
    });
    ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/revisionHistoryLimit', 5));
    deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
    new kplus.k8s.KubePodDisruptionBudget(chart, `pdb${i}`, {
      metadata: { name: `svc-${i}-pdb` },
      spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: deployment.matchLabels } },
    });
  }
  return app;
}

function synthLength(app: App): number {
  return app.synthYaml().length;
}

function timed(build: () => App): { ms: number; bytes: number; heapMb: number } {
  const start = process.hrtime.bigint();
  const bytes = synthLength(build());
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, bytes, heapMb: process.memoryUsage().heapUsed / 2 ** 20 };
}

function stats(values: number[]): { min: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
}

function importTimes(): { plusMs: number; libraryMs: number } {
  const once = (code: string): number => {
    const out = execFileSync(process.execPath, ['-e', `const s=process.hrtime.bigint();${code};console.log(Number(process.hrtime.bigint()-s)/1e6)`], { encoding: 'utf8' });
    return Number(out.trim());
  };
  const lib = JSON.stringify(join(__dirname, '..', 'lib'));
  const plus = [], library = [];
  for (let i = 0; i < 5; i++) {
    plus.push(once("require('cdk8s-plus-28')"));
    library.push(once(`require(${lib})`));
  }
  return { plusMs: stats(plus).min, libraryMs: stats(library).min };
}

function main(): void {
  const results: any[] = [];
  const rows: string[] = [];
  for (const n of SIZES) {
    const manifests = capturedManifests(n);
    const scenarios: Scenario[] = [
      { name: 'library', build: () => libraryApp(n, false) },
      { name: 'floor', build: () => floorApp(manifests) },
      { name: 'checks', build: () => libraryApp(n, true) },
      { name: 'plus', build: () => plusApp(n) },
    ];
    const samples: Record<string, number[]> = {};
    const heap: Record<string, number> = {};
    const bytes: Record<string, number> = {};
    // warm-up: one run of each, discarded
    for (const s of scenarios) synthLength(s.build());
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of scenarios) {
        (global as any).gc?.();
        const r = timed(s.build);
        (samples[s.name] ??= []).push(r.ms);
        heap[s.name] = Math.max(heap[s.name] ?? 0, r.heapMb);
        bytes[s.name] = r.bytes;
      }
    }
    if (bytes.library !== bytes.floor) throw new Error(`floor YAML differs from the library's at N=${n}: ${bytes.floor} vs ${bytes.library} bytes`);
    const floor = stats(samples.floor).min;
    for (const s of scenarios) {
      const st = stats(samples[s.name]);
      const row = {
        n, scenario: s.name, minMs: round1(st.min), medianMs: round1(st.median), ratioToFloor: round2(st.min / floor),
        perServiceMs: round2(st.min / n), peakHeapMb: round1(heap[s.name]), yamlBytes: bytes[s.name],
      };
      results.push(row);
      rows.push(`| ${n} | ${s.name} | ${row.minMs} | ${row.medianMs} | ${row.ratioToFloor}x | ${row.perServiceMs} | ${row.peakHeapMb} |`);
    }
    const lib = stats(samples.library).min;
    const chk = stats(samples.checks).min;
    rows.push(`| ${n} | checks overhead | | | +${Math.round(((chk - lib) / lib) * 100)} % | | |`);
  }
  const verdicts = targetVerdicts(results);
  const imports = importTimes();
  const table = [
    '| N | scenario | min ms | median ms | vs floor | ms per service | peak heap MiB |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(table);
  console.log(`\ntargets:\n${verdicts.map((v) => `  ${v.met ? 'met   ' : 'MISSED'} ${v.target}: ${v.measured}`).join('\n')}`);
  console.log(`\nimport: cdk8s-plus-28 alone ${round1(imports.plusMs)} ms, cdk8s-hardening (with cdk8s-plus-28) ${round1(imports.libraryMs)} ms`);
  mkdirSync(join(__dirname, '..', 'bench'), { recursive: true });
  writeFileSync(join(__dirname, '..', 'bench', 'results.json'), JSON.stringify({ node: process.version, rounds: ROUNDS, results, targets: verdicts, imports }, null, 2));
  if (verdicts.some((v) => !v.met)) process.exitCode = 1;
}

interface Verdict { readonly target: string; readonly measured: string; readonly met: boolean }

/**
 * The performance targets, judged on the minimum of each scenario (the least disturbed run):
 * checks add at most 25 % at N = 500 and 2000; with checks, the cost per service at N = 2000 is
 * within 1.3x of N = 100; the library costs at most 1.2x the floor at N = 500 and 1.5x at N = 100.
 * A target whose sizes were not run is left out.
 */
function targetVerdicts(results: any[]): Verdict[] {
  const min = (n: number, scenario: string): number | undefined => results.find((r) => r.n === n && r.scenario === scenario)?.minMs;
  const verdicts: Verdict[] = [];
  const atMost = (target: string, value: number | undefined, limit: number, unit: (x: number) => string) => {
    if (value !== undefined && Number.isFinite(value)) verdicts.push({ target, measured: unit(value), met: value <= limit });
  };
  const percent = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)} %`;
  const times = (x: number) => `${round2(x)}x`;
  for (const n of [500, 2000]) {
    const lib = min(n, 'library'), chk = min(n, 'checks');
    atMost(`checks add at most 25 % at N = ${n}`, lib && chk ? chk / lib - 1 : undefined, 0.25, percent);
  }
  const per100 = min(100, 'checks'), per2000 = min(2000, 'checks');
  atMost('per-service cost with checks at N = 2000 within 1.3x of N = 100', per100 && per2000 ? (per2000 / 2000) / (per100 / 100) : undefined, 1.3, times);
  for (const [n, limit] of [[500, 1.2], [100, 1.5]]) {
    const lib = min(n, 'library'), floor = min(n, 'floor');
    atMost(`library at most ${limit}x the floor at N = ${n}`, lib && floor ? lib / floor : undefined, limit, times);
  }
  return verdicts;
}

function round1(x: number): number { return Math.round(x * 10) / 10; }
function round2(x: number): number { return Math.round(x * 100) / 100; }

main();
