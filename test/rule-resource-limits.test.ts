import { ResourceLimitsRule } from '../src';
import { podOf } from './support/rule-check';

// The rule alone, on containers that set all, some or none of the cpu and memory requests and limits.
const rule = new ResourceLimitsRule();
const full = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } };
const problems = (resources: any): string[] => rule.check(podOf({ containers: [{ name: 'api', resources }] }), []);

describe('resource-limits', () => {
  test('requests and limits for cpu and memory have no problems', () => {
    expect(problems(full)).toEqual([]);
  });

  test.each<[string, any, string[]]>([
    ['no resources', undefined, ['container api has no cpu and memory requests', 'container api has no cpu and memory limits']],
    ['empty resources', {}, ['container api has no cpu and memory requests', 'container api has no cpu and memory limits']],
    ['requests only', { requests: full.requests }, ['container api has no cpu and memory limits']],
    ['limits only', { limits: full.limits }, ['container api has no cpu and memory requests']],
    ['no cpu request', { requests: { memory: '64Mi' }, limits: full.limits }, ['container api has no cpu requests']],
    ['no memory limit', { requests: full.requests, limits: { cpu: '1' } }, ['container api has no memory limits']],
    ['neither memory', { requests: { cpu: '100m' }, limits: { cpu: '1' } }, ['container api has no memory requests', 'container api has no memory limits']],
  ])('flags %s', (_name, resources, expected) => {
    expect(problems(resources)).toEqual(expected);
  });

  test('a value of 0 is set', () => {
    expect(problems({ requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } })).toEqual([]);
  });

  test('names init containers and containers; objects without pods are not its concern', () => {
    const spec = {
      initContainers: [{ name: 'setup', resources: { requests: full.requests } }],
      containers: [{ name: 'run', resources: { limits: full.limits } }],
    };
    expect(rule.check({ kind: 'Job', spec: { template: { spec } } }, []))
      .toEqual(['init container setup has no cpu and memory limits', 'container run has no cpu and memory requests']);
    expect(rule.check({ kind: 'Service', metadata: { name: 's' } }, [])).toEqual([]);
  });
});
