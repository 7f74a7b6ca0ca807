import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * What one run of `App.synth()` or `App.synthYaml()` lets the checks share between the
 * validations it runs.
 *
 * cdk8s 2.68 validates the whole app once before rendering and once more for every chart it
 * renders (`App._synthChart`), and renders each object after the checks rendered it to read it.
 * Checks run naively would cost (charts + 1) full checks and two renders per object. Within one
 * run nothing changes the app, so the checks' result is kept for the run and the JSON they read
 * is handed to the rendering. The session ends with the run: the next synth, or a validation
 * outside any synth, sees the app as it is then.
 */
export class SynthSession {
  private readonly results = new Map<object, string[]>();
  private readonly handedOver = new Map<ApiObject, () => unknown>();

  /** The result a validation recorded earlier in this run. */
  public resultOf(validation: object): string[] | undefined {
    return this.results.get(validation);
  }

  /** Records a validation's result for the rest of this run. */
  public record(validation: object, messages: string[]): void {
    this.results.set(validation, messages);
  }

  /**
   * The object's next `toJson()` in this run returns `json` instead of resolving the object again.
   * Only for JSON nothing has written to since `toJson()` returned it.
   */
  public handOver(obj: ApiObject, json: unknown): void {
    // someone else's toJson on the object itself is theirs to keep
    if (this.handedOver.has(obj) || Object.prototype.hasOwnProperty.call(obj, 'toJson')) return;
    const handover = (): unknown => {
      this.takeBack(obj);
      return json;
    };
    this.handedOver.set(obj, handover);
    Object.defineProperty(obj, 'toJson', { value: handover, configurable: true, writable: true, enumerable: false });
  }

  /** Ends the run: every handover not used is taken back. */
  public end(): void {
    for (const obj of [...this.handedOver.keys()]) this.takeBack(obj);
  }

  private takeBack(obj: ApiObject): void {
    if (Object.getOwnPropertyDescriptor(obj, 'toJson')?.value === this.handedOver.get(obj)) delete (obj as any).toJson;
    this.handedOver.delete(obj);
  }
}

const running = new WeakMap<IConstruct, SynthSession>();
const watched = new WeakSet<IConstruct>();

/**
 * Opens a session for every `synth()` and `synthYaml()` of the App at the root of `scope`,
 * from now on. Nothing happens for a tree without an App at its root.
 */
export function watchSynth(scope: IConstruct): void {
  const root = scope.node.root;
  if (watched.has(root) || !(root instanceof App)) return;
  watched.add(root);
  for (const method of ['synth', 'synthYaml'] as const) {
    const original: (...args: unknown[]) => unknown = (root as any)[method];
    Object.defineProperty(root, method, {
      configurable: true,
      writable: true,
      enumerable: false,
      value: function (this: App, ...args: unknown[]) {
        // synthYaml inside synth, or a subclass calling the other: the outer run owns the session
        if (running.has(root)) return original.apply(this, args);
        const session = new SynthSession();
        running.set(root, session);
        try {
          return original.apply(this, args);
        } finally {
          running.delete(root);
          session.end();
        }
      },
    });
  }
}

/** The session of the synth running for the App at the root of `scope`, if one is running. */
export function synthSessionOf(scope: IConstruct): SynthSession | undefined {
  return running.get(scope.node.root);
}
