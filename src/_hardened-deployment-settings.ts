import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { invalidProp } from './_errors';
import { assertPinnedImage } from './_image';
import { assertNonRootId, DEFAULT_NON_ROOT_ID } from './_restricted';
import {
  assertDns1035Label, assertDnsSubdomain, assertEnvVarName, assertMetadata, assertNoControlCharacters, assertNonEmptyLabelValue,
  assertPercentOrAbsolute, assertPort, assertWholeNumber, INT32_MAX, isDnsLabel, wholeSeconds, wholeSize,
} from './_validate';
import type { HardenedDeploymentProps } from './hardened-deployment';
import { HealthProbe } from './health-probe';

/**
 * What a HardenedDeployment's props come to once checked: whether it serves a port, which, its
 * probes, names and the ports its container declares. An API serves (its probes and Service
 * target the container port); a worker whose probes are commands, or name ports of their own,
 * serves none: no Service, no open port in its NetworkPolicy, `component: worker`.
 */
export interface DeploymentSettings {
  /** The container port it serves on; undefined for a worker. */
  readonly port?: number;
  readonly portName?: string;
  readonly readiness: HealthProbe;
  readonly liveness: HealthProbe;
  readonly component: string;
  readonly containerName: string;
  /** The serving port (named) and every other port a probe targets: kube-linter wants them declared. */
  readonly containerPorts: kplus.ContainerPort[];
}

export const DEFAULT_PORT = 8080;

/** Checks the props (each message names the prop) and settles what follows from them. */
export function settle(props: HardenedDeploymentProps): DeploymentSettings {
  validate(props);
  for (const [prop, probe, path] of [['readiness', props.readiness, props.readinessPath], ['liveness', props.liveness, props.livenessPath]] as const) {
    if (probe !== undefined && !(probe instanceof HealthProbe)) {
      throw invalidProp(prop, 'be HealthProbe.http(path), HealthProbe.tcp(port) or HealthProbe.exec(command)', probe);
    }
    if (probe !== undefined && path !== undefined) {
      throw invalidProp(`${prop}Path`, `be left out when ${prop} is given (HealthProbe.http(path) holds the path)`, path);
    }
  }
  const readiness = props.readiness ?? HealthProbe.http(props.readinessPath ?? '/readyz');
  const liveness = props.liveness ?? HealthProbe.http(props.livenessPath ?? '/livez');
  // a probe without a port of its own, or a Service, means the container serves on `port`
  const serves = props.port !== undefined || (props.service ?? false) || readiness._usesDefaultPort() || liveness._usesDefaultPort();
  const port = serves ? props.port ?? DEFAULT_PORT : undefined;
  if (!serves && props.portName !== undefined) {
    throw invalidProp('portName', 'be left out when the Deployment serves no port (its probes name their own ports or run commands; set port to declare one)', props.portName);
  }
  if (readiness._sameCheckAs(liveness, port)) {
    if (props.readiness === undefined && props.liveness === undefined) {
      throw invalidProp('livenessPath', 'differ from readinessPath, or a failing dependency restarts every pod', liveness.path);
    }
    throw invalidProp('liveness', 'differ from readiness, or a failing dependency restarts every pod', liveness._describe(port));
  }
  const portName = serves ? props.portName ?? 'http' : undefined;
  const component = props.component ?? (serves ? 'api' : 'worker');
  const containerName = props.containerName ?? (serves ? 'api' : 'worker');
  if (!isDnsLabel(containerName)) {
    throw invalidProp('containerName', 'be a DNS label: lowercase letters, digits and dashes, at most 63', containerName);
  }
  const probePorts = [readiness, liveness].map((probe) => probe._portWith(port)).filter((p): p is number => p !== undefined && p !== port);
  const containerPorts: kplus.ContainerPort[] = [
    ...(port !== undefined ? [{ number: port, name: portName, protocol: kplus.Protocol.TCP }] : []),
    ...[...new Set(probePorts)].map((number) => ({ number, protocol: kplus.Protocol.TCP })),
  ];
  return { port, portName, readiness, liveness, component, containerName, containerPorts };
}

/** An IANA service name (a container port name): at most 15 characters, a letter, no double dash. */
function assertPortName(portName: string): void {
  // isDnsLabel refuses a non-string first, so the string checks after it only see strings
  if (!isDnsLabel(portName, 15) || !/[a-z]/.test(portName) || portName.includes('--')) {
    throw invalidProp('portName', 'be an IANA service name: 1-15 lowercase letters, digits and single dashes, with a letter', portName);
  }
}

function validate(props: HardenedDeploymentProps): void {
  assertPinnedImage('image', props.image);
  assertMetadata('metadata', props.metadata);
  if (props.metadata?.name !== undefined) validateName(props.metadata.name, props.service ?? false);
  if (props.partOf !== undefined) assertNonEmptyLabelValue('partOf', props.partOf);
  if (props.component !== undefined) assertNonEmptyLabelValue('component', props.component);

  const replicas = props.replicas ?? 2;
  assertWholeNumber('replicas', replicas, 1, ' (2 or more to survive a node drain)');
  const maxSurge = props.maxSurge ?? kplus.PercentOrAbsolute.absolute(1);
  const maxUnavailable = props.maxUnavailable ?? kplus.PercentOrAbsolute.absolute(0);
  // Kubernetes allows a surge above 100% (more new pods than replicas), never more than all pods unavailable.
  assertPercentOrAbsolute('maxSurge', maxSurge, INT32_MAX);
  assertPercentOrAbsolute('maxUnavailable', maxUnavailable, 100);
  if (maxSurge.isZero() && maxUnavailable.isZero()) {
    throw invalidProp('maxSurge', 'be above 0 when maxUnavailable is 0, or the rollout can never replace a pod', maxSurge.value);
  }

  if (props.port !== undefined) assertPort('port', props.port);
  const servicePort = props.servicePort ?? 80;
  assertPort('servicePort', servicePort);
  if (props.portName !== undefined) assertPortName(props.portName);
  for (const name of Object.keys(props.envVariables ?? {})) assertEnvVarName('envVariables key', name);
  for (const [prop, path] of [['readinessPath', props.readinessPath], ['livenessPath', props.livenessPath]] as const) {
    if (path === undefined) continue;
    assertNoControlCharacters(prop, path);
    if (!/^\/[^\s]*$/.test(path)) throw invalidProp(prop, 'be an absolute HTTP path such as "/healthz"', path);
  }
  if (props.startupTimeout !== undefined) wholeSeconds('startupTimeout', props.startupTimeout, 1);

  const revisionHistoryLimit = props.revisionHistoryLimit ?? 5;
  assertWholeNumber('revisionHistoryLimit', revisionHistoryLimit, 1, ', or `kubectl rollout undo` has nothing to go back to');
  const minReady = props.minReady ?? Duration.seconds(10);
  const progressDeadline = props.progressDeadline ?? Duration.minutes(5);
  const minReadySeconds = wholeSeconds('minReady', minReady);
  if (wholeSeconds('progressDeadline', progressDeadline, 1) <= minReadySeconds) {
    throw invalidProp('progressDeadline', `exceed minReady (${minReady.toHumanString()})`, progressDeadline);
  }
  const preStopDelay = props.preStopDelay ?? Duration.seconds(5);
  const preStopSeconds = wholeSeconds('preStopDelay', preStopDelay);
  const grace = props.terminationGracePeriod ?? Duration.seconds(30);
  if (wholeSeconds('terminationGracePeriod', grace) <= preStopSeconds) {
    throw invalidProp('terminationGracePeriod', `exceed preStopDelay (${preStopDelay.toHumanString()}) so the app gets time to shut down after the pause`, grace);
  }

  assertNonRootId('user', props.user ?? DEFAULT_NON_ROOT_ID);
  assertNonRootId('group', props.group ?? DEFAULT_NON_ROOT_ID);
  const paths = props.writablePaths ?? [];
  for (const path of paths) {
    // The API server refuses '..' in a mount path, the runtime refuses two mounts on one path;
    // a normalized path makes "/tmp" and "/tmp/" the duplicates they are.
    if (typeof path !== 'string' || !/^(\/[^/\u0000-\u001f\u007f]+)+$/.test(path) || path.split('/').some((part) => part === '.' || part === '..')) {
      throw invalidProp('writablePaths', 'hold normalized absolute paths below the root, such as "/tmp" (no "//", ".", ".." or trailing "/")', path);
    }
  }
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) throw invalidProp('writablePaths', 'hold each path once (two volumes cannot mount on one path)', duplicate);
  if (props.writableTmp === false && paths.includes(TMP)) {
    throw invalidProp('writablePaths', 'leave out "/tmp" when writableTmp is false (or drop writableTmp: false to keep /tmp writable)', TMP);
  }
  // cdk8s-plus writes an emptyDir sizeLimit as whole mebibytes
  wholeSize('writablePathSizeLimit', props.writablePathSizeLimit ?? Size.mebibytes(64), 'Mi');
}

const TMP = '/tmp';

/**
 * The writable paths in mount order: `/tmp` first unless turned off or listed (a listed `/tmp`
 * keeps its place, so a list that already held it mounts as it always did), then the list.
 */
export function writablePathsOf(props: HardenedDeploymentProps): string[] {
  const listed = props.writablePaths ?? [];
  return (props.writableTmp ?? true) && !listed.includes(TMP) ? [TMP, ...listed] : listed;
}

/**
 * The Deployment's name is also the value of its app.kubernetes.io/name and instance labels (at
 * most 63 characters), the name of its NetworkPolicy and, with `service`, of its Service, which
 * must be a DNS-1035 label (`1api` is a valid Deployment name but not a Service name).
 */
export function validateName(name: string, service: boolean): void {
  if (service) {
    assertDns1035Label('metadata.name', name, ' (it also names the Service)');
  } else {
    assertDnsSubdomain('metadata.name', name, 63, ' (it is also the value of the app.kubernetes.io/name and instance labels)');
  }
}
