import { indexOf } from '../src/checks/_manifest-index';
import { podTemplateOf, selectorMatches } from '../src/checks/_manifests';

// The index must answer exactly what a scan of every manifest answers, on any mix of objects.
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function pick<T>(rnd: () => number, items: T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

function labels(rnd: () => number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['app', 'tier', 'team']) if (rnd() < 0.6) out[key] = pick(rnd, ['a', 'b', 'c']);
  return out;
}

function selector(rnd: () => number): any {
  const expressions = rnd() < 0.3 ? [{ key: pick(rnd, ['app', 'tier']), operator: pick(rnd, ['In', 'NotIn', 'Exists', 'DoesNotExist']), values: ['a', 'b'] }] : [];
  return { matchLabels: labels(rnd), ...(expressions.length ? { matchExpressions: expressions } : {}) };
}

function manifests(seed: number): any[] {
  const rnd = random(seed);
  const out: any[] = [];
  for (let i = 0; i < 60; i++) {
    const metadata = { name: `o${i}`, ...(rnd() < 0.7 ? { namespace: pick(rnd, ['x', 'y']) } : {}) };
    const kind = pick(rnd, ['Deployment', 'StatefulSet', 'Job', 'PodDisruptionBudget', 'NetworkPolicy', 'Service']);
    if (kind === 'PodDisruptionBudget') out.push({ kind, metadata, spec: { selector: selector(rnd) } });
    else if (kind === 'NetworkPolicy') out.push({ kind, metadata, spec: { podSelector: selector(rnd) } });
    else if (kind === 'Service') out.push({ kind, metadata, spec: { selector: labels(rnd) } });
    else out.push({ kind, metadata, spec: { template: { metadata: { labels: labels(rnd) }, spec: {} } } });
  }
  return out;
}

const ns = (m: any) => m.metadata?.namespace ?? '';
const names = (list: any[]) => list.map((m) => m.metadata.name).sort();

describe('ManifestIndex answers as a full scan does', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('seed %i', (seed) => {
    const all = manifests(seed);
    const index = indexOf(all);
    expect(indexOf(all)).toBe(index);
    const workloads = all.filter((m) => podTemplateOf(m));
    let matched = 0;
    for (const w of workloads) {
      const podLabels = podTemplateOf(w)!.labels;
      for (const [kind, selectorOf] of [['PodDisruptionBudget', (m: any) => m.spec.selector], ['NetworkPolicy', (m: any) => m.spec.podSelector]] as const) {
        const scan = all.filter((m) => m.kind === kind && ns(m) === ns(w) && selectorMatches(selectorOf(m), podLabels));
        expect(names(index.selecting(kind, selectorOf, ns(w), podLabels))).toEqual(names(scan));
        matched += scan.length;
      }
    }
    for (const pdb of all.filter((m) => m.kind === 'PodDisruptionBudget')) {
      const scan = workloads.filter((w) => ns(w) === ns(pdb) && selectorMatches(pdb.spec.selector, podTemplateOf(w)!.labels));
      expect(names(index.selectedBy(pdb.spec.selector, ns(pdb)))).toEqual(names(scan));
      matched += scan.length;
    }
    // the generated mixes do relate objects: the comparison is not between two empty lists
    expect(matched).toBeGreaterThan(5);
  });
});
