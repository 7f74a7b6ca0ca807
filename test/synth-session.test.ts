import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { SynthSession, synthSessionOf, watchSynth } from '../src/checks/_synth-session';

const configMap = (chart: Chart, id: string) => new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id } });

describe('SynthSession handovers', () => {
  test('a handover answers the next toJson once, then the object resolves itself again', () => {
    const obj = configMap(new Chart(Testing.app(), 'c'), 'cm');
    const session = new SynthSession();
    session.handOver(obj, { handed: 'over' });
    expect(obj.toJson()).toEqual({ handed: 'over' });
    expect(Object.prototype.hasOwnProperty.call(obj, 'toJson')).toBe(false);
    expect(obj.toJson()).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'cm' } });
  });

  test('a handover is invisible to enumeration and can be replaced or removed like any property', () => {
    const obj = configMap(new Chart(Testing.app(), 'c'), 'cm');
    new SynthSession().handOver(obj, {});
    expect(Object.keys(obj)).not.toContain('toJson');
    expect(Object.getOwnPropertyDescriptor(obj, 'toJson')).toMatchObject({ configurable: true, writable: true, enumerable: false });
  });

  test('the first handover of a run holds: a second one for the same object is ignored', () => {
    const obj = configMap(new Chart(Testing.app(), 'c'), 'cm');
    const session = new SynthSession();
    session.handOver(obj, { first: true });
    session.handOver(obj, { second: true });
    expect(obj.toJson()).toEqual({ first: true });
  });

  test('the end of the run takes back unused handovers, and never a toJson someone set afterwards', () => {
    const chart = new Chart(Testing.app(), 'c');
    const unused = configMap(chart, 'unused');
    const replaced = configMap(chart, 'replaced');
    const session = new SynthSession();
    session.handOver(unused, {});
    session.handOver(replaced, {});
    const theirs = () => ({ theirs: true });
    (replaced as any).toJson = theirs;
    session.end();
    expect(Object.prototype.hasOwnProperty.call(unused, 'toJson')).toBe(false);
    expect(replaced.toJson).toBe(theirs);
  });

  test('a handover someone removed before the end is simply gone', () => {
    const obj = configMap(new Chart(Testing.app(), 'c'), 'cm');
    const session = new SynthSession();
    session.handOver(obj, {});
    delete (obj as any).toJson;
    expect(() => session.end()).not.toThrow();
    expect(obj.toJson()).toMatchObject({ kind: 'ConfigMap' });
  });

  test('results are kept per validation for the run', () => {
    const session = new SynthSession();
    const a = {};
    session.record(a, ['one']);
    expect(session.resultOf(a)).toEqual(['one']);
    expect(session.resultOf({})).toBeUndefined();
  });
});

describe('watchSynth', () => {
  test('wraps synth and synthYaml of the App once, as non-enumerable replaceable properties', () => {
    const app = new App({ outdir: 'unused' });
    watchSynth(app);
    const wrapped = { synth: app.synth, synthYaml: app.synthYaml };
    watchSynth(new Chart(app, 'c'));
    expect(app.synth).toBe(wrapped.synth);
    expect(app.synthYaml).toBe(wrapped.synthYaml);
    for (const method of ['synth', 'synthYaml']) {
      expect(Object.getOwnPropertyDescriptor(app, method)).toMatchObject({ configurable: true, writable: true, enumerable: false });
    }
    expect(Object.keys(app)).not.toContain('synth');
  });

  test('a tree without an App at its root is left alone', () => {
    const root = new Construct(undefined as any, '');
    watchSynth(new Construct(root, 'child'));
    expect(Object.getOwnPropertyNames(root)).not.toContain('synth');
    expect(Object.getOwnPropertyNames(root)).not.toContain('synthYaml');
  });

  test('one session spans a synth that calls the other synth inside; it ends with the outer one', () => {
    const seen: Array<SynthSession | undefined> = [];
    class TwoStepApp extends App {
      public synthYaml(): string {
        seen.push(synthSessionOf(this));
        this.synth();
        seen.push(synthSessionOf(this));
        return super.synthYaml();
      }
    }
    const app = new TwoStepApp({ outdir: Testing.app().outdir });
    watchSynth(app);
    app.synthYaml();
    expect(seen[0]).toBeInstanceOf(SynthSession);
    expect(seen[1]).toBe(seen[0]);
    expect(synthSessionOf(app)).toBeUndefined();
  });
});
