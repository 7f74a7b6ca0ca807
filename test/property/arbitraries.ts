/** Generators of HardenedDeployment, EgressRule and ApiPdb props, shared by their properties. */
import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  cpu, defined, described, dnsLabel, hostileCpu, hostileDuration, hostileNumber, hostilePercentOrAbsolute, hostileSize, hostileString,
  image, labels, labelValue, objectName, percentOrAbsolute, prop, size, validDuration, validOrHostile, either,
} from './values';
import { ApiPdbOptions, EgressRule, HardenedDeploymentProps, HealthProbe, IngressRule, UnhealthyPodEvictionPolicy } from '../../src';

/** EgressRule factory calls, as data (the rule is built inside the property, where its errors count). */
export type EgressSpec =
  | { readonly kind: 'pods'; readonly labels: Record<string, string>; readonly ports: number[]; readonly namespaceName?: string }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly ports: number[] };

export function egressSpec(): fc.Arbitrary<EgressSpec> {
  const ports = either(fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }), fc.array(hostileNumber(), { maxLength: 3 }));
  return fc.oneof(
    fc.record({
      kind: fc.constant('pods' as const),
      labels: fc.oneof({ weight: 3, arbitrary: fc.constant({ 'app.kubernetes.io/name': 'nats' }) }, { weight: 2, arbitrary: labels().filter((l) => Object.keys(l).length > 0) }),
      ports,
      namespaceName: prop(dnsLabel(), hostileString()),
    }, { requiredKeys: ['kind', 'labels', 'ports'] }),
    fc.record({
      kind: fc.constant('cidr' as const),
      cidr: either(
        fc.constantFrom('10.0.0.0/8', '192.168.1.0/24', 'fd00::/8', '0.0.0.0/0'),
        fc.oneof(fc.constantFrom('10.0.0.0/33', '999.999.999.999/99', '1.2.3/8', '10.0.0.0', '::/129'), hostileString()),
      ),
      ports,
    }),
  );
}

export function toEgressRule(spec: EgressSpec): EgressRule {
  return spec.kind === 'pods'
    ? EgressRule.toPods(defined({ labels: spec.labels, ports: spec.ports, namespaceName: spec.namespaceName }))
    : EgressRule.toCidr(spec.cidr, spec.ports);
}

/** HealthProbe factory calls, as data (built inside the property, where their errors count). */
export type ProbeSpec =
  | { readonly kind: 'http'; readonly path: string; readonly port?: number }
  | { readonly kind: 'tcp'; readonly port?: number }
  | { readonly kind: 'exec'; readonly command: string[] };

export function probeSpec(): fc.Arbitrary<ProbeSpec> {
  const port = prop(fc.oneof(fc.constant(8080), fc.integer({ min: 1, max: 65535 })), hostileNumber());
  return fc.oneof(
    fc.record({ kind: fc.constant('http' as const), path: either(fc.constantFrom('/readyz', '/livez', '/healthz', '/health/ready'), hostileString()), port }),
    fc.record({ kind: fc.constant('tcp' as const), port }),
    fc.record({
      kind: fc.constant('exec' as const),
      command: either(
        fc.tuple(fc.constantFrom('/app/worker', '/bin/true', 'healthcheck'), fc.array(fc.constantFrom('--ready', '--live', 'a b', '$(id)', ''), { maxLength: 2 }))
          .map(([program, args]) => [program, ...args]),
        fc.array(hostileString(), { maxLength: 3 }),
      ),
    }),
  ).map((spec) => defined(spec) as ProbeSpec);
}

export function toHealthProbe(spec: ProbeSpec): HealthProbe {
  switch (spec.kind) {
    case 'http': return HealthProbe.http(spec.path, spec.port);
    case 'tcp': return HealthProbe.tcp(spec.port);
    default: return HealthProbe.exec(spec.command);
  }
}

/** IngressRule factory calls, as data. */
export type IngressSpec =
  | { readonly kind: 'pods'; readonly labels: Record<string, string>; readonly namespaceName?: string; readonly ports?: number[] }
  | { readonly kind: 'namespace'; readonly namespaceName: string; readonly ports?: number[] }
  | { readonly kind: 'controller'; readonly namespaceName?: string; readonly ports?: number[] }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly ports?: number[] };

export function ingressSpec(): fc.Arbitrary<IngressSpec> {
  const ports = prop(fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 2 }), fc.array(hostileNumber(), { maxLength: 2 }));
  const namespaceName = either(dnsLabel(), hostileString());
  return fc.oneof(
    fc.record({
      kind: fc.constant('pods' as const),
      labels: fc.oneof({ weight: 3, arbitrary: fc.constant({ 'app.kubernetes.io/component': 'soak-test' }) }, { weight: 2, arbitrary: labels() }),
      namespaceName: prop(dnsLabel(), hostileString()),
      ports,
    }),
    fc.record({ kind: fc.constant('namespace' as const), namespaceName, ports }),
    fc.record({ kind: fc.constant('controller' as const), namespaceName: prop(dnsLabel(), hostileString()), ports }),
    fc.record({ kind: fc.constant('cidr' as const), cidr: either(fc.constantFrom('10.0.0.0/8', '203.0.113.0/24', 'fd00::/8'), hostileString()), ports }),
  ).map((spec) => defined(spec) as IngressSpec);
}

export function toIngressRule(spec: IngressSpec): IngressRule {
  switch (spec.kind) {
    case 'pods': return IngressRule.fromPods(defined({ labels: spec.labels, namespaceName: spec.namespaceName, ports: spec.ports }));
    case 'namespace': return IngressRule.fromNamespace(spec.namespaceName, spec.ports);
    case 'controller': return IngressRule.fromIngressController(defined({ namespaceName: spec.namespaceName, ports: spec.ports }));
    default: return IngressRule.fromCidr(spec.cidr, spec.ports);
  }
}

export const IMAGE = 'ghcr.io/acme/orders-api:1.4.2';

function resources(): fc.Arbitrary<kplus.ContainerResources> {
  const cpuAmount = prop(fc.integer({ min: 1, max: 4000 }).map((m) => cpu('millis', m)), hostileCpu(), fc.constantFrom(cpu('units', 1.5), cpu('millis', 1)));
  const mebibytes = prop(fc.integer({ min: 1, max: 8192 }).map((m) => size('mebibytes', m)), hostileSize(), fc.constant(size('kibibytes', 2048)));
  const pair = <T>(a: fc.Arbitrary<T | undefined>) => fc.record({ request: a, limit: a }).map((p) => defined(p));
  const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  return fc.record({ cpu: optional(pair(cpuAmount)), memory: optional(pair(mebibytes)), ephemeralStorage: optional(pair(mebibytes)) })
    .map((r) => defined(r) as kplus.ContainerResources);
}

export function hardenedDeploymentProps(): fc.Arbitrary<HardenedDeploymentProps> {
  return validOrHostile(() => fc.tuple(fc.record({
    image: image(IMAGE),
    metadata: prop<ApiObjectMetadata>(
      fc.record({ name: objectName() }),
      fc.record({
        name: objectName(),
        namespace: fc.oneof(dnsLabel(), hostileString()),
        labels: labels(),
        annotations: fc.dictionary(hostileString(), hostileString(), { maxKeys: 2, noNullPrototype: true }),
      }, { requiredKeys: [] }),
    ),
    partOf: prop(fc.constantFrom('shop', 'orders'), labelValue()),
    component: prop(fc.constantFrom('api', 'backend'), labelValue()),
    containerName: prop(dnsLabel(), hostileString()),
    port: prop(fc.integer({ min: 1, max: 65535 }), hostileNumber()),
    portName: prop(fc.constantFrom('http', 'api', 'web-1'), fc.oneof(hostileString(), fc.constantFrom('a'.repeat(16), '1', 'a--b')), fc.constant('a'.repeat(15))),
    replicas: prop(fc.integer({ min: 1, max: 10 }), hostileNumber()),
    maxSurge: prop(fc.integer({ min: 1, max: 3 }).map((n) => percentOrAbsolute('absolute', n)), hostilePercentOrAbsolute(), fc.constant(percentOrAbsolute('percent', 150))),
    maxUnavailable: prop(fc.integer({ min: 0, max: 100 }).map((n) => percentOrAbsolute('percent', n)), hostilePercentOrAbsolute()),
    minReady: prop(validDuration(0, 60), hostileDuration()),
    progressDeadline: prop(validDuration(61, 3600), hostileDuration()),
    revisionHistoryLimit: prop(fc.integer({ min: 1, max: 10 }), hostileNumber()),
    // ingress specs, built into IngressRules inside the property
    ingress: prop(fc.array(ingressSpec(), { maxLength: 2 }), fc.array(ingressSpec(), { maxLength: 2 })).map((specs) => specs as any),
    startupTimeout: prop(validDuration(1, 600), hostileDuration()),
    resources: prop(resources(), resources()),
    user: prop(fc.integer({ min: 10001, max: 65535 }), hostileNumber()),
    group: prop(fc.integer({ min: 10001, max: 65535 }), hostileNumber()),
    writablePaths: prop(fc.uniqueArray(fc.constantFrom('/tmp', '/var/cache', '/home/app/.cache'), { maxLength: 3 }), fc.array(hostileString(), { maxLength: 2 })),
    writableTmp: prop(fc.boolean(), fc.boolean()),
    writablePathSizeLimit: prop(fc.integer({ min: 1, max: 1024 }).map((n) => size('mebibytes', n)), hostileSize()),
    preStopDelay: prop(validDuration(0, 10), hostileDuration()),
    terminationGracePeriod: prop(validDuration(11, 120), hostileDuration()),
    envVariables: prop(
      fc.dictionary(fc.constantFrom('LOG_LEVEL', 'NATS_URL', 'a.b-c'), hostileString(), { maxKeys: 2, noNullPrototype: true }),
      fc.dictionary(hostileString(), hostileString(), { maxKeys: 2, noNullPrototype: true }),
    ).map((env) => env && Object.fromEntries(Object.entries(env).map(([k, v]) => [k, described(kplus.EnvValue.fromValue(v), `EnvValue.fromValue(${JSON.stringify(v)})`)]))),
    command: prop(fc.array(fc.constantFrom('/app', '--port=8080'), { maxLength: 2 }), fc.array(hostileString(), { maxLength: 2 })),
    args: prop(fc.array(fc.constantFrom('serve'), { maxLength: 1 }), fc.array(hostileString(), { maxLength: 2 })),
    automountServiceAccountToken: prop(fc.boolean(), fc.boolean()),
    networkPolicy: prop(fc.boolean(), fc.boolean()),
    egress: prop(fc.array(egressSpec(), { maxLength: 2 }), fc.array(egressSpec(), { maxLength: 2 })).map((specs) => specs as any),
    service: prop(fc.boolean(), fc.boolean()),
    servicePort: prop(fc.integer({ min: 1, max: 65535 }), hostileNumber()),
  }), probeProps(), either(fc.constant(true), fc.boolean())).map(([p, probes, workerAsWorker]) => {
    // a worker serves no port: valid cases leave out what would make it serve
    const { worker, ...probeFields } = probes;
    const served = worker && workerAsWorker ? { port: undefined, portName: undefined, service: undefined } : {};
    return defined({ ...p, ...probeFields, ...served }) as HardenedDeploymentProps;
  }));
}

/**
 * The probes of a HardenedDeployment: paths on the container port, HealthProbes (as specs, built
 * inside the property), a worker's (commands, or a health port of its own), and in mixed mode
 * both kinds at once.
 */
function probeProps(): fc.Arbitrary<{ readonly worker?: boolean; readonly [prop: string]: unknown }> {
  const readinessPath = prop(fc.constantFrom('/readyz', '/ready', '/health/ready'), hostileString());
  const livenessPath = prop(fc.constantFrom('/livez', '/live', '/health/live'), hostileString());
  const workerProbe = (flag: string) => fc.oneof(
    fc.constant<ProbeSpec>({ kind: 'exec', command: ['/app/worker', 'health', flag] }),
    fc.constantFrom<ProbeSpec>({ kind: 'http', path: `/health${flag.replace('--', '/')}`, port: 9090 }, { kind: 'tcp', port: flag === '--ready' ? 9091 : 9092 }),
  );
  const paths = fc.record({ readinessPath, livenessPath });
  const probes = fc.record({ readiness: prop(probeSpec(), probeSpec()), liveness: prop(probeSpec(), probeSpec()) });
  const worker = fc.record({ readiness: workerProbe('--ready'), liveness: workerProbe('--live'), worker: fc.constant(true) });
  const both = fc.record({ readinessPath, livenessPath, readiness: prop(probeSpec(), probeSpec()), liveness: prop(probeSpec(), probeSpec()) });
  return either(fc.oneof(paths, probes, worker), fc.oneof(paths, probes, worker, both)).map((p) => defined(p));
}

export function budgetOptions(): fc.Arbitrary<ApiPdbOptions> {
  return validOrHostile(() => fc.record({
    metadata: prop<ApiObjectMetadata>(
      fc.record({ name: objectName() }),
      fc.record({ name: hostileString(), namespace: hostileString(), labels: labels() }, { requiredKeys: [] }),
    ),
    minAvailable: prop(fc.integer({ min: 1, max: 3 }).map((n) => percentOrAbsolute('absolute', n)), hostilePercentOrAbsolute(), fc.constant(percentOrAbsolute('percent', 50))),
    maxUnavailable: prop(fc.integer({ min: 1, max: 3 }).map((n) => percentOrAbsolute('absolute', n)), hostilePercentOrAbsolute()),
    unhealthyPodEvictionPolicy: prop(fc.constantFrom(UnhealthyPodEvictionPolicy.ALWAYS_ALLOW, UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET), fc.constant('Never' as any)),
  }, { requiredKeys: [] }).map((o) => defined(o)));
}

export const HARDENED_DEPLOYMENT_PROPS = [
  'image', 'metadata', 'partOf', 'component', 'containerName', 'port', 'portName', 'replicas', 'maxSurge', 'maxUnavailable', 'minReady',
  'progressDeadline', 'revisionHistoryLimit', 'readinessPath', 'livenessPath', 'readiness', 'liveness', 'startupTimeout', 'resources', 'user',
  'group', 'writablePaths', 'writableTmp', 'writablePathSizeLimit', 'preStopDelay', 'terminationGracePeriod', 'envVariables', 'envFrom', 'command',
  'args', 'serviceAccount', 'automountServiceAccountToken', 'networkPolicy', 'ingress', 'egress', 'service', 'servicePort',
];
/** HealthProbe.http / tcp / exec arguments (their messages start with the factory's name). */
export const HEALTH_PROBE_PROPS = ['HealthProbe'];
/** IngressRule.fromPods / fromNamespace / fromIngressController / fromCidr arguments. */
export const INGRESS_RULE_PROPS = ['labels', 'ports', 'namespaceName', 'cidr'];
/** EgressRule.toPods / toCidr / toWorkload arguments. */
export const EGRESS_RULE_PROPS = ['labels', 'ports', 'namespaceName', 'cidr', 'workload'];
/** ApiPdbOptions. */
export const API_PDB_PROPS = ['metadata', 'minAvailable', 'maxUnavailable', 'unhealthyPodEvictionPolicy', 'workload'];

