import {
  containersOf, declaresPort, isLongRunning, podsOf, podTemplateOf, replicasOf, sameNamespace, selectorMatches,
} from '../src/checks/_manifests';

// The helpers the rules share, on objects as sparse as a synthesized manifest can be: every level
// of a pod template may be missing, and a missing level reads as empty rather than failing.
const empty = { labels: {}, spec: {} };

describe('podTemplateOf', () => {
  test('a Pod is its own template', () => {
    const pod = { kind: 'Pod', metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api' }] } };
    expect(podTemplateOf(pod)).toEqual({ labels: { app: 'api' }, spec: { containers: [{ name: 'api' }] } });
    expect(podTemplateOf({ kind: 'Pod' })).toEqual(empty);
  });

  test.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'])('a %s carries it in spec.template', (kind) => {
    const template = { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api' }] } };
    expect(podTemplateOf({ kind, spec: { template } })).toEqual({ labels: { app: 'api' }, spec: { containers: [{ name: 'api' }] } });
  });

  test.each<[string, any]>([
    ['no spec', undefined],
    ['no template', {}],
    ['a template without metadata or spec', { template: {} }],
  ])('a Deployment with %s has an empty template', (_name, spec) => {
    expect(podTemplateOf({ kind: 'Deployment', spec })).toEqual(empty);
  });

  test('a CronJob carries it in spec.jobTemplate.spec.template', () => {
    const template = { metadata: { labels: { app: 'backup' } }, spec: { containers: [{ name: 'backup' }] } };
    expect(podTemplateOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } }))
      .toEqual({ labels: { app: 'backup' }, spec: { containers: [{ name: 'backup' }] } });
  });

  test.each<[string, any]>([
    ['no spec', undefined],
    ['no jobTemplate', {}],
    ['a jobTemplate without spec', { jobTemplate: {} }],
    ['a job spec without template', { jobTemplate: { spec: {} } }],
    ['a template without metadata or spec', { jobTemplate: { spec: { template: {} } } }],
  ])('a CronJob with %s has an empty template', (_name, spec) => {
    expect(podTemplateOf({ kind: 'CronJob', spec })).toEqual(empty);
  });

  test('objects without pods, and no object at all, have none', () => {
    expect(podTemplateOf({ kind: 'Service', spec: { template: { spec: {} } } })).toBeUndefined();
    expect(podTemplateOf({})).toBeUndefined();
    expect(podTemplateOf(undefined)).toBeUndefined();
  });
});

describe('isLongRunning', () => {
  test.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'])('a %s runs until it is replaced', (kind) => {
    expect(isLongRunning({ kind })).toBe(true);
  });

  test.each<[string, any]>([['a Job', { kind: 'Job' }], ['a CronJob', { kind: 'CronJob' }], ['a Pod', { kind: 'Pod' }], ['no object', undefined]])(
    '%s does not', (_name, obj) => {
      expect(isLongRunning(obj)).toBe(false);
    });
});

describe('containersOf', () => {
  test('names init containers first, then containers', () => {
    expect(containersOf({ initContainers: [{ name: 'setup' }], containers: [{ name: 'api' }] })).toEqual([
      { container: { name: 'setup' }, name: 'init container setup' },
      { container: { name: 'api' }, name: 'container api' },
    ]);
    expect(containersOf({})).toEqual([]);
    expect(containersOf(undefined)).toEqual([]);
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'api', tier: 'web' };
  const expression = (operator: string, key: string, values?: string[]) => ({ matchExpressions: [{ key, operator, values }] });

  test('an empty or missing selector matches nothing', () => {
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: {}, matchExpressions: [] }, labels)).toBe(false);
  });

  test('matchLabels must all be carried with the same value', () => {
    expect(selectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api', tier: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api', tier: 'db' } }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { zone: 'a' } }, labels)).toBe(false);
  });

  test.each<[string, any, boolean]>([
    ['In with the value', expression('In', 'tier', ['db', 'web']), true],
    ['In without the value', expression('In', 'tier', ['db']), false],
    ['In on a missing label', expression('In', 'zone', ['a']), false],
    ['In without values', expression('In', 'tier'), false],
    ['NotIn with the value', expression('NotIn', 'tier', ['db', 'web']), false],
    ['NotIn without the value', expression('NotIn', 'tier', ['db']), true],
    ['NotIn on a missing label', expression('NotIn', 'zone', ['a']), true],
    ['NotIn without values', expression('NotIn', 'tier'), true],
    ['Exists on a carried label', expression('Exists', 'tier'), true],
    ['Exists on a missing label', expression('Exists', 'zone'), false],
    ['DoesNotExist on a carried label', expression('DoesNotExist', 'tier'), false],
    ['DoesNotExist on a missing label', expression('DoesNotExist', 'zone'), true],
    ['an unknown operator on a carried label', expression('Gt', 'tier', ['db']), false],
    ['an unknown operator on a missing label', expression('Gt', 'zone', ['a']), false],
  ])('%s: %p', (_name, selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });

  test('labels and expressions must all hold', () => {
    expect(selectorMatches({ matchLabels: { app: 'api' }, ...expression('Exists', 'tier') }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api' }, ...expression('Exists', 'zone') }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'db' }, ...expression('Exists', 'tier') }, labels)).toBe(false);
  });
});

describe('sameNamespace', () => {
  test('a missing namespace is the default one, on either side', () => {
    expect(sameNamespace({ metadata: { namespace: 'app' } }, { metadata: { namespace: 'app' } })).toBe(true);
    expect(sameNamespace({ metadata: { namespace: 'app' } }, { metadata: { namespace: 'other' } })).toBe(false);
    expect(sameNamespace({ metadata: { namespace: 'app' } }, { metadata: {} })).toBe(false);
    expect(sameNamespace({ metadata: {} }, { metadata: { namespace: 'app' } })).toBe(false);
    expect(sameNamespace({}, { metadata: {} })).toBe(true);
    expect(sameNamespace({ metadata: {} }, {})).toBe(true);
    expect(sameNamespace(undefined, undefined)).toBe(true);
  });
});

describe('replicasOf', () => {
  test('a number of replicas is taken as it is, anything else is the default of 1', () => {
    expect(replicasOf({ kind: 'Deployment', spec: { replicas: 3 } })).toBe(3);
    expect(replicasOf({ kind: 'Deployment', spec: { replicas: 0 } })).toBe(0);
    expect(replicasOf({ kind: 'Deployment', spec: { replicas: '3' } })).toBe(1);
    expect(replicasOf({ kind: 'Deployment', spec: {} })).toBe(1);
    expect(replicasOf({ kind: 'Deployment' })).toBe(1);
    expect(replicasOf(undefined)).toBe(1);
  });
});

describe('podsOf', () => {
  test('a number is a count of pods, a percentage of the replicas rounds up', () => {
    expect(podsOf(2, 5)).toBe(2);
    expect(podsOf('50%', 3)).toBe(2);
    expect(podsOf('50%', 4)).toBe(2);
    expect(podsOf('10%', 3)).toBe(1);
    expect(podsOf('100%', 3)).toBe(3);
    expect(podsOf('0%', 3)).toBe(0);
  });
});

describe('declaresPort', () => {
  const container = { ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090 }] };

  test('a probe without a port needs no declaration', () => {
    expect(declaresPort(container, undefined)).toBe(true);
    expect(declaresPort({}, undefined)).toBe(true);
  });

  test('a port is declared by its number or by its name', () => {
    expect(declaresPort(container, 8080)).toBe(true);
    expect(declaresPort(container, 9090)).toBe(true);
    expect(declaresPort(container, 'http')).toBe(true);
    expect(declaresPort(container, 7070)).toBe(false);
    expect(declaresPort(container, 'metrics')).toBe(false);
    expect(declaresPort(container, '8080')).toBe(false);
    expect(declaresPort({}, 8080)).toBe(false);
  });
});
