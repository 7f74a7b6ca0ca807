import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidProp } from './_errors';
import { assertPinnedImage } from './_image';
import { dnsEgress } from './_network-policy';
import { mountScratch, mountScripts, patchRestrictedPodSpec } from './_pod-spec';
import { withDefaults } from './_resources';
import { assertNonRootId, DEFAULT_NON_ROOT_ID, restrictedContainerSecurity } from './_restricted';
import { ScriptFiles, verifiedScriptCommand } from './_scripts-config-map';
import { mountSecretFiles } from './_secret-file';
import { assertDnsLabel, assertLabels, assertNoControlCharacters, assertSecretKey } from './_validate';
import { DnsResolver } from './dns-resolver';
import { NatsAuth, NatsConnectionOptions } from './nats-connection';

/** nats-box 0.19.5 ships natscli 0.4.0, whose flags the scripts are tested against. */
export const DEFAULT_NATS_BOX_IMAGE = 'natsio/nats-box:0.19.5';
export const SCRIPTS_DIR = '/opt/nats-backup';
export const BACKUP_MOUNT = '/backup';
const HOME = '/home/nats-backup';
/** Where the scripts write the private natscli context for password and token auth (memory-backed). */
const CONTEXT_DIR = '/run/nats-context';

/**
 * The NATS server pods of the official Helm chart (nats-io/k8s, chart nats 2.14.0,
 * templates/_helpers.tpl `nats.selectorLabels`): its nats-box pods share the name label but
 * carry `app.kubernetes.io/component: nats-box`.
 */
export const DEFAULT_NATS_POD_LABELS = { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' };

const DEFAULT_RESOURCES: Required<kplus.ContainerResources> = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
  ephemeralStorage: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

/** Connection settings with defaults applied and checked. */
export interface NatsBoxSettings {
  readonly natsUrl: string;
  readonly clientPort: number;
  readonly auth?: NatsAuth;
  readonly tlsCaSecret?: kplus.ISecret;
  readonly tlsCaKey: string;
  readonly natsPodLabels: { [key: string]: string };
  readonly natsNamespace?: string;
  readonly image: string;
  readonly user: number;
  readonly group: number;
  readonly resources?: kplus.ContainerResources;
  readonly networkPolicy: boolean;
  readonly dnsResolver?: DnsResolver;
}

export function resolveNatsBoxSettings(options: NatsConnectionOptions): NatsBoxSettings {
  const natsUrl = options.natsUrl ?? 'nats://nats:4222';
  const clientPort = portOf('natsUrl', natsUrl, ['nats', 'tls', 'ws', 'wss'], 4222);
  const image = options.image ?? DEFAULT_NATS_BOX_IMAGE;
  assertPinnedImage('image', image);
  const user = options.user ?? DEFAULT_NON_ROOT_ID;
  const group = options.group ?? DEFAULT_NON_ROOT_ID;
  assertNonRootId('user', user);
  assertNonRootId('group', group);
  const natsPodLabels = options.natsPodLabels ?? DEFAULT_NATS_POD_LABELS;
  if (Object.keys(natsPodLabels).length === 0) {
    throw invalidProp('natsPodLabels', 'name at least one label: an empty selector opens egress to every pod', natsPodLabels);
  }
  assertLabels('natsPodLabels', natsPodLabels);
  if (options.natsNamespace !== undefined) assertDnsLabel('natsNamespace', options.natsNamespace);
  const tlsCaKey = options.tlsCaKey ?? 'ca.crt';
  assertSecretKey('tlsCaKey', tlsCaKey);
  return {
    natsUrl,
    clientPort,
    image,
    user,
    group,
    natsPodLabels,
    auth: options.auth,
    tlsCaSecret: options.tlsCaSecret,
    tlsCaKey,
    natsNamespace: options.natsNamespace,
    resources: options.resources,
    networkPolicy: options.networkPolicy ?? true,
    dnsResolver: options.dnsResolver,
  };
}

/**
 * The port of a URL after checking its scheme; `prop` names the prop in errors.
 * Accepts one host only (a DNS name, an IPv4 address or a bracketed IPv6 address): natscli
 * takes a comma-separated list, but one Service name is the norm.
 */
export function portOf(prop: string, url: string, schemes: string[], defaultPort: number): number {
  const allowed = `be a URL with scheme ${schemes.map((s) => `${s}://`).join(', ')} and a host, such as "${schemes[0]}://nats:${defaultPort}"`;
  if (typeof url !== 'string') throw invalidProp(prop, allowed, url);
  assertNoControlCharacters(prop, url);
  const match = /^([a-z]+):\/\/([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/.exec(url);
  if (!match || !schemes.includes(match[1])) throw invalidProp(prop, allowed, url);
  const port = match[4] ? Number(match[4]) : defaultPort;
  if (port < 1 || port > 65535) throw invalidProp(prop, allowed, url);
  return port;
}

/**
 * The nats-box container: the shipped script as its command (run only when the mounted scripts are
 * `files`, see verifiedScriptCommand), restricted security, resources.
 */
export function natsBoxContainer(
  name: string, script: string, files: ScriptFiles, settings: NatsBoxSettings, env: { [name: string]: string },
): kplus.ContainerProps {
  return {
    name,
    image: settings.image,
    imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
    command: verifiedScriptCommand(SCRIPTS_DIR, script, files),
    workingDir: '/tmp',
    securityContext: restrictedContainerSecurity(settings.user, settings.group),
    resources: withDefaults(settings.resources, DEFAULT_RESOURCES).cdk8sPlus,
    envVariables: Object.fromEntries(
      Object.entries({
        NATS_URL: settings.natsUrl,
        BACKUP_ROOT: BACKUP_MOUNT,
        // read-only root: natscli keeps its context files under HOME and the XDG folders
        HOME,
        XDG_CONFIG_HOME: `${HOME}/.config`,
        XDG_DATA_HOME: `${HOME}/.local/share`,
        ...env,
      }).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)]),
    ),
  };
}

/**
 * Everything around the container of `workload` (the scope): the scripts, the backup claim, writable HOME and /tmp,
 * credentials and CA by reference, pod-level seccomp and ephemeral storage.
 */
export function configureNatsBoxPod(
  scope: Construct,
  container: kplus.Container,
  settings: NatsBoxSettings,
  scripts: kplus.IConfigMap,
  claim: kplus.IPersistentVolumeClaim,
  claimReadOnly: boolean,
  podSpecPath: string,
): void {
  mountScripts(scope, container, scripts, SCRIPTS_DIR);
  container.mount(BACKUP_MOUNT, kplus.Volume.fromPersistentVolumeClaim(scope, 'BackupVolume', claim, { name: 'backup', readOnly: claimReadOnly }), {
    readOnly: claimReadOnly,
  });
  mountScratch(scope, container, 'HomeVolume', 'home', HOME, Size.mebibytes(16));
  mountScratch(scope, container, 'TmpVolume', 'tmp', '/tmp', Size.mebibytes(64));
  settings.auth?._configure(scope, container);
  if (settings.auth?._needsContext) {
    // the private natscli context holding a password or token: memory only, removed by the scripts
    container.mount(CONTEXT_DIR, kplus.Volume.fromEmptyDir(scope, 'NatsContextVolume', 'nats-context', {
      medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(1),
    }));
    container.env.addVariable('NATS_CONTEXT_DIR', kplus.EnvValue.fromValue(CONTEXT_DIR));
  }
  if (settings.tlsCaSecret) {
    mountSecretFiles(scope, 'NatsTlsCa', container, settings.tlsCaSecret, { NATS_CA: settings.tlsCaKey }, '/etc/nats/tls', 'tlsCaSecret');
  }
  patchRestrictedPodSpec(ApiObject.of(scope), podSpecPath, withDefaults(settings.resources, DEFAULT_RESOURCES).ephemeralStorage);
}

/**
 * A NetworkPolicy for the job's pods, in their namespace (it selects pods of its own namespace
 * only): no ingress; egress to DNS and to the NATS pods on the given ports only.
 */
export function natsEgressPolicy(
  scope: Construct, id: string,
  metadata: { readonly name: string; readonly namespace: string | undefined; readonly labels: { [key: string]: string } },
  podSelector: { [key: string]: string }, settings: NatsBoxSettings, ports: number[],
): kplus.k8s.KubeNetworkPolicy {
  return new kplus.k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: metadata.name, namespace: metadata.namespace, labels: metadata.labels },
    spec: {
      podSelector: { matchLabels: podSelector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        dnsEgress(settings.dnsResolver),
        {
          to: [{
            podSelector: { matchLabels: settings.natsPodLabels },
            ...(settings.natsNamespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': settings.natsNamespace } } } : {}),
          }],
          ports: [...new Set(ports)].map((port) => ({ port: kplus.k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
        },
      ],
    },
  });
}
