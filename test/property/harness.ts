import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { namingProblems } from './oracle';
import { scriptProblems } from './scripts';
import { manifestProblems } from '../support/manifests';

/**
 * The property every construct must have: any props give either a clear library error or
 * manifests that Kubernetes accepts.
 *
 * - a clear error is an Error whose message is `<prop> must <requirement>, got <value>`, where
 *   `<prop>` starts with one of the construct's props (`resources.cpu.request`, `labels key`,
 *   `labels["app"]` count as `resources` and `labels`);
 * - valid manifests pass the Kubernetes 1.28 schema, PSS restricted and image pinning
 *   (test/support/manifests.ts), the naming, label, number and quantity rules of the API server
 *   (./oracle.ts, written apart from the library's validators), and their scripts still parse
 *   and keep every value literal (./scripts.ts).
 *
 * `npm test` runs a fixed seed and a bounded number of cases; `npm run fuzz` runs 10,000 cases per
 * construct with a random seed, printed so that a failure can be replayed with PROPERTY_SEED.
 * fast-check shrinks a failure to the shortest props that still reproduce it.
 */

export const FUZZ = process.env.PROPERTY_FUZZ === '1';
const SEED = process.env.PROPERTY_SEED !== undefined ? Number(process.env.PROPERTY_SEED)
  : FUZZ ? Math.floor(Math.random() * 2 ** 31) : 20261127;

/** Cases per construct: `runs` in `npm test`, 10,000 (or PROPERTY_RUNS) under `npm run fuzz`. */
export function numRuns(runs: number): number {
  if (process.env.PROPERTY_RUNS !== undefined) return Number(process.env.PROPERTY_RUNS);
  return FUZZ ? 10_000 : runs;
}

/** A construct's property: how to build it from generated props, which props it may blame. */
export interface ConstructProperty<P> {
  /** The construct (used in test names and messages). */
  readonly name: string;
  /** Generated props. */
  readonly props: fc.Arbitrary<P>;
  /** Builds the construct(s) in a fresh chart. */
  readonly build: (chart: Chart, props: P) => void;
  /** Prop names an error may start with. */
  readonly propNames: string[];
  /** Cases in `npm test`. */
  readonly runs: number;
  /**
   * Known failures of the construct, found by this property and not fixed yet: each one excuses
   * only the problems its `problem` pattern matches, and only in cases `when` recognizes as its
   * sub-case. Any other problem of the same case still fails the property.
   */
  readonly knownFailures?: Array<KnownFailure<P>>;
  /**
   * The objects the property judges, when the build also creates objects that are not the
   * construct's (a user's plain cdk8s-plus workload next to an ApiPdb).
   * @default every object
   */
  readonly judged?: (obj: any) => boolean;
  /** Extra checks of the synthesized objects, given the props (script literals and the like). */
  readonly check?: (objects: any[], props: P) => string[];
}

/** A finding left to the construct's owners: which props trigger it and which problems it causes. */
export interface KnownFailure<P> {
  /** The finding, in a sentence. */
  readonly finding: string;
  /** Whether the props are this finding's sub-case. */
  readonly when: (props: P) => boolean;
  /** The problems (or the error message) it causes: a pattern, or a test given the props. */
  readonly problem: RegExp | ((problem: string, props: P) => boolean);
}

/** What one case produced. */
export type Outcome = { kind: 'error'; message: string } | { kind: 'manifests'; objects: any[] };

/** Builds and synthesizes; a thrown error is an outcome, not a failure of the harness. */
export function outcomeOf<P>(property: ConstructProperty<P>, props: P): Outcome {
  const chart = new Chart(Testing.app(), 'prop');
  try {
    property.build(chart, props);
    return { kind: 'manifests', objects: Testing.synth(chart) };
  } catch (e: any) {
    // Node's own errors (fs) come from another realm than jest's Error: recognize errors by shape
    const isError = typeof e === 'object' && e !== null && typeof e.message === 'string';
    const type = isError && e.constructor?.name && e.constructor.name !== 'Error' ? `${e.constructor.name}: ` : '';
    return { kind: 'error', message: isError ? `${type}${e.message}` : `non-Error thrown: ${String(e)}` };
  }
}

/** Why an error message is not a clear library error; undefined when it is one. */
export function unclearError(message: string, propNames: string[]): string | undefined {
  // Synth-time validations come as "Validation failed with the following errors:\n  [path] <message>".
  const validation = /^Validation failed with the following errors:\n([\s\S]*)$/.exec(message);
  const messages = validation ? validation[1].split('\n').filter((l) => /^ {2}\[/.test(l)).map((l) => l.replace(/^ {2}\[[^\]]*\] /, '')) : [message];
  if (messages.length === 0) return `unclear error: ${message}`;
  for (const m of messages) {
    // HardeningChecks' report: findings that name the rule, the object and the fix
    if (/^hardening checks: \d+ errors, \d+ warnings, \d+ suppressed$/.test(m)) continue;
    const shape = /^(\S+?)(?:\.|\[| |$)/.exec(m);
    if (!shape || !propNames.includes(shape[1])) return `error names no prop of the construct: ${m}`;
    if (!/^[^\n]*? must [\s\S]+, got [\s\S]+$/.test(m)) return `error does not read "<prop> must ..., got ...": ${m}`;
    if (/[\u0000-\u0008\u000b-\u001f]/.test(m.replace(/\n/g, ''))) return `error carries raw control characters: ${JSON.stringify(m)}`;
  }
  return undefined;
}

/** Everything wrong with one case; empty when it is a clear error or valid manifests. */
export function caseProblems<P>(property: ConstructProperty<P>, props: P): string[] {
  const outcome = outcomeOf(property, props);
  let problems: string[];
  if (outcome.kind === 'error') {
    const unclear = unclearError(outcome.message, property.propNames);
    problems = unclear ? [unclear] : [];
  } else {
    const objects = property.judged ? outcome.objects.filter(property.judged) : outcome.objects;
    problems = [
      ...manifestProblems(objects),
      ...namingProblems(objects),
      ...scriptProblems(objects),
      ...(property.check?.(objects, props) ?? []),
    ];
  }
  // while minimizing, props may lack keys a predicate reads: such a case is no sub-case of it
  const applies = (k: KnownFailure<P>) => {
    try {
      return k.when(props);
    } catch {
      return false;
    }
  };
  // PROPERTY_IGNORE_KNOWN=1 shows what the recorded findings still hide (stale ones hide nothing)
  const known = process.env.PROPERTY_IGNORE_KNOWN ? [] : (property.knownFailures ?? []).filter(applies);
  const explains = (k: KnownFailure<P>, p: string) => (k.problem instanceof RegExp ? k.problem.test(p) : k.problem(p, props));
  return problems.filter((p) => !known.some((k) => explains(k, p)));
}

/**
 * The props with every key removed (depth first, nested records included) whose removal keeps
 * the case failing: fast-check shrinks values, this drops the props that do not matter.
 */
export function minimalProps<P>(property: ConstructProperty<P>, props: P): P {
  // the same failure, whatever the names and numbers in it: removing a prop must not turn the
  // case into another failure (a required prop removed fails differently)
  const signature = (problems: string[]) => (problems[0] ?? '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/[a-z0-9.-]*-[0-9a-f]{8}\b/g, 'NAME').replace(/[0-9]+/g, 'N');
  const original = signature(caseProblems(property, props));
  const fails = (candidate: any) => signature(caseProblems(property, candidate)) === original;
  const strip = (value: any, rebuild: (v: any) => any): any => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return value;
    let current = value;
    for (const key of Object.keys(value)) {
      const without = { ...current };
      delete without[key];
      if (fails(rebuild(without))) {
        current = without;
      } else {
        const child = strip(current[key], (v) => rebuild({ ...current, [key]: v }));
        current = { ...current, [key]: child };
      }
    }
    return current;
  };
  return strip(props, (v) => v);
}

/**
 * Every kind of failure among `runs` cases, each with its shortest reproducing props: what
 * `PROPERTY_SURVEY=1` prints instead of stopping at the first failure, to see a construct's
 * whole list of problems at once.
 */
export function survey<P>(property: ConstructProperty<P>, runs: number): string[] {
  const kinds = new Map<string, P>();
  for (const props of fc.sample(property.props, { numRuns: runs, seed: SEED })) {
    const problems = caseProblems(property, props);
    if (problems.length === 0) continue;
    const kind = problems[0].replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/^[A-Za-z]+\/\S*: /, '').replace(/[0-9]+/g, 'N').slice(0, 100);
    if (!kinds.has(kind)) kinds.set(kind, props);
  }
  return [...kinds.values()].map((props) => {
    const minimal = minimalProps(property, props);
    return `${fc.stringify(minimal)}\n    ${caseProblems(property, minimal).slice(0, 3).join('\n    ')}`;
  });
}

/** Registers the jest test that checks a construct's property. */
export function testProperty<P>(property: ConstructProperty<P>): void {
  const runs = numRuns(property.runs);
  if (process.env.PROPERTY_SURVEY === '1') {
    test(`${property.name}: survey of ${runs} cases`, () => {
      const kinds = survey(property, runs);
      console.log(`${property.name}: ${kinds.length} kinds of failure (seed ${SEED})\n${kinds.map((k) => `- ${k}`).join('\n')}`);
    });
    return;
  }
  test(`${property.name}: any props give a clear error or valid manifests (${runs} cases, seed ${SEED})`, () => {
    if (FUZZ) console.log(`${property.name}: ${runs} cases, seed ${SEED} (replay with PROPERTY_SEED=${SEED})`);
    const details = fc.check(
      fc.property(property.props, (props) => caseProblems(property, props).length === 0),
      { seed: SEED, numRuns: runs },
    );
    if (!details.failed) return;
    if (details.counterexample === null) throw new Error(fc.defaultReportMessage(details) ?? 'property failed');
    const minimal = minimalProps(property, details.counterexample[0]);
    const problems = caseProblems(property, minimal);
    throw new Error([
      `${property.name}: a case gives neither a clear error nor valid manifests (seed ${SEED}, ${details.numRuns} cases run).`,
      `Shortest reproducing props: ${fc.stringify(minimal)}`,
      'Problems:',
      ...problems.map((p) => `  - ${p}`),
      `fast-check counterexample: ${fc.stringify(details.counterexample[0])}`,
    ].join('\n'));
  });
}
