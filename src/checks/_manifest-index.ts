import { podTemplateOf, selectorMatches } from './_manifests';

/**
 * Lookups that relate objects (budgets, policies and bindings of a workload), built once per
 * synth for the array of manifests every rule receives, so each lookup costs the handful of
 * objects that can match instead of a scan of the whole app: checks grow linearly with the app.
 *
 * Rules keep the public `check(manifest, manifests)` signature and ask `indexOf(manifests)`;
 * the index is cached for that array (a WeakMap: it goes with the array).
 */
export class ManifestIndex {
  private readonly byKind = new Map<string, any[]>();
  private readonly selectorsByKind = new Map<string, SelectorIndex>();
  private podTemplates?: LabelIndex;
  private bindings?: Map<string, any[]>;

  constructor(manifests: any[]) {
    // Stryker disable next-line StringLiteral: holes and objects without a kind go under a key no rule asks for
    for (const m of manifests) push(this.byKind, m?.kind ?? '', m);
  }

  /** Every object of a kind. */
  public ofKind(kind: string): any[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * Objects of `kind` in `namespace` whose selector (read by `selectorOf`) matches the labels:
   * the budgets or the policies that select a pod template.
   */
  public selecting(kind: string, selectorOf: (m: any) => any, namespace: string, labels: Record<string, string>): any[] {
    let index = this.selectorsByKind.get(kind);
    // Stryker disable next-line ConditionalExpression: a cache; an index built again answers the same
    if (!index) this.selectorsByKind.set(kind, index = new SelectorIndex(this.ofKind(kind), selectorOf));
    return index.matching(namespace, labels);
  }

  /** Objects with a pod template in `namespace` whose pod labels the selector matches: the workloads a budget protects. */
  public selectedBy(selector: any, namespace: string): any[] {
    this.podTemplates ??= new LabelIndex([...this.byKind.values()].flat().filter((m) => podTemplateOf(m) !== undefined));
    return this.podTemplates.matching(selector, namespace);
  }

  /** RoleBindings and ClusterRoleBindings with a ServiceAccount subject of this name (any namespace). */
  public bindingsOfServiceAccount(name: string): any[] {
    // Stryker disable next-line ConditionalExpression: a cache; the map built again answers the same
    if (!this.bindings) {
      this.bindings = new Map();
      for (const binding of [...this.ofKind('RoleBinding'), ...this.ofKind('ClusterRoleBinding')]) {
        // Stryker disable next-line ArrayDeclaration: any list without ServiceAccount subjects names no account
        const names = new Set<string>((binding.subjects ?? []).filter((s: any) => s.kind === 'ServiceAccount').map((s: any) => s.name));
        for (const account of names) push(this.bindings, account, binding);
      }
    }
    return this.bindings.get(name) ?? [];
  }
}

const cache = new WeakMap<any[], ManifestIndex>();

/** The index of this array of manifests, built on first use. */
export function indexOf(manifests: any[]): ManifestIndex {
  let index = cache.get(manifests);
  if (!index) cache.set(manifests, index = new ManifestIndex(manifests));
  return index;
}

/** The namespace of an object of a known kind (holes in the array have none and never get here). */
function namespaceOf(m: any): string {
  return m.metadata?.namespace ?? '';
}

/**
 * Selector objects filed under one `key=value` pair of their matchLabels (every match must
 * carry it), or under "scan" when they only have expressions.
 */
class SelectorIndex {
  private readonly byPair = new Map<string, any[]>();
  private readonly scan = new Map<string, any[]>();

  constructor(objects: any[], private readonly selectorOf: (m: any) => any) {
    for (const obj of objects) {
      const ns = namespaceOf(obj);
      const first = Object.entries(selectorOf(obj)?.matchLabels ?? {})[0];
      const key = first ? `${ns}\0${first[0]}\0${first[1]}` : ns;
      push(first ? this.byPair : this.scan, key, obj);
    }
  }

  public matching(namespace: string, labels: Record<string, string>): any[] {
    const candidates = [...(this.scan.get(namespace) ?? [])];
    for (const [key, value] of Object.entries(labels)) candidates.push(...(this.byPair.get(`${namespace}\0${key}\0${value}`) ?? []));
    return candidates.filter((obj) => selectorMatches(this.selectorOf(obj), labels));
  }
}

/** Pod templates filed under each of their `key=value` labels. */
class LabelIndex {
  private readonly byPair = new Map<string, any[]>();
  private readonly byNamespace = new Map<string, any[]>();

  constructor(workloads: any[]) {
    for (const w of workloads) {
      const ns = namespaceOf(w);
      push(this.byNamespace, ns, w);
      for (const [key, value] of Object.entries(podTemplateOf(w)!.labels)) push(this.byPair, `${ns}\0${key}\0${value}`, w);
    }
  }

  public matching(selector: any, namespace: string): any[] {
    const first = Object.entries(selector?.matchLabels ?? {})[0];
    const candidates = first ? this.byPair.get(`${namespace}\0${first[0]}\0${first[1]}`) ?? [] : this.byNamespace.get(namespace) ?? [];
    return candidates.filter((w) => selectorMatches(selector, podTemplateOf(w)!.labels));
  }
}

function push(map: Map<string, any[]>, key: string, value: any): void {
  let list = map.get(key);
  if (!list) map.set(key, list = []);
  list.push(value);
}
