import { closeSync, openSync, readSync } from 'fs';
import { join } from 'path';
import { podTemplatesOf } from '../support/pod-security';

/**
 * What the API server checks that the bundled JSON schema does not: names, label keys and values,
 * annotation keys, selectors, ports, volume and container names, env names, int32 ranges,
 * quantities, percentages, CronJob schedules and time zones.
 *
 * Written from the Kubernetes 1.28 sources (k8s.io/apimachinery pkg/util/validation, pkg/apis/core
 * and apps validation, batch validation), apart from src/_validate.ts, so that the library is not
 * checked against its own reading of the rules.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
// k8s.io/apimachinery pkg/api/resource: <signedNumber><suffix>, suffix a binary SI, decimal SI or exponent
const QUANTITY = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const PERCENT = /^[0-9]+%$/;

const INT32_MAX = 2 ** 31 - 1;
/** Fields that are int64 in the API; every other number the library writes is an int32. */
const INT64_FIELDS = new Set([
  'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'startingDeadlineSeconds', 'runAsUser', 'runAsGroup', 'fsGroup',
  'ttlSecondsAfterFinished', 'supplementalGroups', 'expirationSeconds',
]);

/** IsDNS1123Subdomain: at most 253 (or `max`) characters, labels of the DNS-1123 alphabet; no per-label length limit. */
export function isDnsSubdomain(value: unknown, max = 253): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= max && value.split('.').every((part) => DNS1123_LABEL.test(part));
}

export function isQualifiedName(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return false;
  return parts.length === 1 || isDnsSubdomain(parts[0]);
}

export function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
}

/** metadata.name rules per kind (Jobs and CronJobs carry their name into labels and generated names). */
function nameProblem(kind: string, name: unknown): string | undefined {
  switch (kind) {
    case 'Service':
      return typeof name === 'string' && name.length <= 63 && DNS1035_LABEL.test(name) ? undefined : 'is not a DNS-1035 label';
    case 'Namespace':
      return typeof name === 'string' && name.length <= 63 && DNS1123_LABEL.test(name) ? undefined : 'is not a DNS-1123 label';
    case 'Job':
      return isDnsSubdomain(name, 63) ? undefined : 'is not a DNS subdomain of at most 63 (its pods carry it as a label value)';
    case 'CronJob':
      return isDnsSubdomain(name, 52) ? undefined : 'is not a DNS subdomain of at most 52 (the controller appends 11 characters for its Jobs)';
    default:
      return isDnsSubdomain(name) ? undefined : 'is not a DNS subdomain';
  }
}

function labelProblems(where: string, labels: unknown): string[] {
  if (labels === undefined) return [];
  if (typeof labels !== 'object' || labels === null) return [`${where} is not a map`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) problems.push(`${where} key ${JSON.stringify(key)} is not a qualified name`);
    if (!isLabelValue(value)) problems.push(`${where}[${JSON.stringify(key)}] value ${JSON.stringify(value)} is not a label value`);
  }
  return problems;
}

function annotationProblems(where: string, annotations: unknown): string[] {
  if (annotations === undefined) return [];
  const problems: string[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations as object)) {
    if (!isQualifiedName(key)) problems.push(`${where} key ${JSON.stringify(key)} is not a qualified name`);
    if (typeof value !== 'string') problems.push(`${where}[${JSON.stringify(key)}] is not a string`);
    total += key.length + String(value).length;
  }
  if (total > 256 * 1024) problems.push(`${where} exceed 256 KiB`);
  return problems;
}

/** A LabelSelector (matchLabels and matchExpressions). */
function selectorProblems(where: string, selector: any): string[] {
  if (selector === undefined) return [];
  const problems = labelProblems(`${where}.matchLabels`, selector.matchLabels);
  for (const [i, e] of (selector.matchExpressions ?? []).entries()) {
    if (!isQualifiedName(e.key)) problems.push(`${where}.matchExpressions[${i}].key ${JSON.stringify(e.key)} is not a qualified name`);
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (!Array.isArray(e.values) || e.values.length === 0) problems.push(`${where}.matchExpressions[${i}] ${e.operator} without values`);
      for (const v of e.values ?? []) if (!isLabelValue(v)) problems.push(`${where}.matchExpressions[${i}] value ${JSON.stringify(v)} is not a label value`);
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if ((e.values ?? []).length > 0) problems.push(`${where}.matchExpressions[${i}] ${e.operator} with values`);
    } else {
      problems.push(`${where}.matchExpressions[${i}] operator ${JSON.stringify(e.operator)} is unknown`);
    }
  }
  return problems;
}

function matches(selector: any, labels: Record<string, string>): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** Every number an integer within int32 (int64 fields: a safe integer). */
function numberProblems(path: string, value: unknown, key = ''): string[] {
  if (typeof value === 'number') {
    const max = INT64_FIELDS.has(key) ? Number.MAX_SAFE_INTEGER : INT32_MAX;
    return Number.isInteger(value) && Math.abs(value) <= max ? [] : [`${path} = ${value} is not an ${max === INT32_MAX ? 'int32' : 'int64'}`];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => numberProblems(`${path}[${i}]`, v, key));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => numberProblems(`${path}.${k}`, v, k));
  return [];
}

/** Quantity value in a comparable unit (bytes or cores). */
function quantityValue(q: string): number {
  const m = /^([+-]?[0-9.]+)(.*)$/.exec(q)!;
  const factors: Record<string, number> = {
    '': 1,
    'Ki': 2 ** 10,
    'Mi': 2 ** 20,
    'Gi': 2 ** 30,
    'Ti': 2 ** 40,
    'Pi': 2 ** 50,
    'Ei': 2 ** 60,
    'n': 1e-9,
    'u': 1e-6,
    'm': 1e-3,
    'k': 1e3,
    'M': 1e6,
    'G': 1e9,
    'T': 1e12,
    'P': 1e15,
    'E': 1e18,
  };
  const exponent = /^[eE]([+-]?[0-9]+)$/.exec(m[2]);
  return Number(m[1]) * (exponent ? 10 ** Number(exponent[1]) : factors[m[2]]);
}

function quantityProblems(where: string, q: unknown): string[] {
  if (typeof q === 'number' && Number.isInteger(q)) return [];
  if (typeof q !== 'string' || !QUANTITY.test(q)) return [`${where} ${JSON.stringify(q)} is not a quantity`];
  if (quantityValue(q) < 0) return [`${where} ${q} is negative`];
  return [];
}

function containerProblems(where: string, container: any, volumeNames: Set<string>): string[] {
  const problems: string[] = [];
  if (!(typeof container.name === 'string' && container.name.length <= 63 && DNS1123_LABEL.test(container.name))) {
    problems.push(`${where}.name ${JSON.stringify(container.name)} is not a DNS-1123 label`);
  }
  const portNames = new Set<string>();
  for (const port of container.ports ?? []) {
    if (!(port.containerPort >= 1 && port.containerPort <= 65535)) problems.push(`${where} containerPort ${port.containerPort} is out of range`);
    if (port.name !== undefined) {
      if (!(port.name.length <= 15 && IANA_SVC_NAME.test(port.name) && /[a-z]/.test(port.name) && !port.name.includes('--'))) {
        problems.push(`${where} port name ${JSON.stringify(port.name)} is not an IANA service name`);
      }
      if (portNames.has(port.name)) problems.push(`${where} port name ${port.name} is duplicated`);
      portNames.add(port.name);
    }
  }
  for (const env of container.env ?? []) if (!ENV_VAR_NAME.test(env.name)) problems.push(`${where} env name ${JSON.stringify(env.name)} is invalid`);
  const mountPaths = new Set<string>();
  for (const mount of container.volumeMounts ?? []) {
    if (!volumeNames.has(mount.name)) problems.push(`${where} mounts unknown volume ${mount.name}`);
    if (typeof mount.mountPath !== 'string' || !mount.mountPath.startsWith('/') || mount.mountPath.split('/').includes('..')) {
      problems.push(`${where} mountPath ${JSON.stringify(mount.mountPath)} is invalid`);
    }
    if (mountPaths.has(mount.mountPath)) problems.push(`${where} mountPath ${mount.mountPath} is duplicated`);
    mountPaths.add(mount.mountPath);
  }
  const resources = container.resources ?? {};
  for (const kind of ['requests', 'limits']) {
    for (const [name, q] of Object.entries(resources[kind] ?? {})) problems.push(...quantityProblems(`${where}.resources.${kind}.${name}`, q));
  }
  for (const [name, request] of Object.entries(resources.requests ?? {})) {
    const limit = resources.limits?.[name];
    if (limit !== undefined && typeof request === 'string' && typeof limit === 'string' && QUANTITY.test(request) && QUANTITY.test(limit)
      && quantityValue(request) > quantityValue(limit)) {
      problems.push(`${where} ${name} request ${request} is above its limit ${limit}`);
    }
  }
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const p = container[probe];
    if (p === undefined) continue;
    for (const field of ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold']) {
      if (p[field] !== undefined && !(p[field] >= 1)) problems.push(`${where}.${probe}.${field} ${p[field]} is below 1`);
    }
  }
  return problems;
}

function podProblems(where: string, spec: any, labels: Record<string, string>): string[] {
  if (!spec) return [];
  const problems: string[] = [];
  const volumeNames = new Set<string>();
  for (const volume of spec.volumes ?? []) {
    if (!(typeof volume.name === 'string' && volume.name.length <= 63 && DNS1123_LABEL.test(volume.name))) {
      problems.push(`${where} volume name ${JSON.stringify(volume.name)} is not a DNS-1123 label`);
    }
    if (volumeNames.has(volume.name)) problems.push(`${where} volume ${volume.name} is duplicated`);
    volumeNames.add(volume.name);
    if (volume.emptyDir?.sizeLimit !== undefined) problems.push(...quantityProblems(`${where} volume ${volume.name} sizeLimit`, volume.emptyDir.sizeLimit));
    const claim = volume.persistentVolumeClaim?.claimName;
    if (claim !== undefined && !isDnsSubdomain(claim)) problems.push(`${where} claimName ${JSON.stringify(claim)} is not a DNS subdomain`);
    const secret = volume.secret?.secretName ?? volume.configMap?.name;
    if (secret !== undefined && !isDnsSubdomain(secret)) problems.push(`${where} volume source name ${JSON.stringify(secret)} is not a DNS subdomain`);
    for (const item of volume.secret?.items ?? volume.configMap?.items ?? []) {
      if (!/^[-._a-zA-Z0-9]+$/.test(item.key) || item.key === '.' || item.key === '..') problems.push(`${where} volume key ${JSON.stringify(item.key)} is invalid`);
      if (typeof item.path !== 'string' || item.path.startsWith('/') || item.path.split('/').includes('..')) problems.push(`${where} volume path ${JSON.stringify(item.path)} is invalid`);
    }
  }
  const containerNames = new Set<string>();
  for (const [i, c] of [...(spec.initContainers ?? []), ...(spec.containers ?? [])].entries()) {
    if (containerNames.has(c.name)) problems.push(`${where} container name ${c.name} is duplicated`);
    containerNames.add(c.name);
    problems.push(...containerProblems(`${where}.containers[${i}]`, c, volumeNames));
    for (const env of c.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef ?? env.valueFrom?.configMapKeyRef;
      if (ref && (!isDnsSubdomain(ref.name) || !/^[-._a-zA-Z0-9]+$/.test(ref.key) || ref.key === '.' || ref.key === '..')) {
        problems.push(`${where} env ${env.name} references ${JSON.stringify(ref)}, an invalid name or key`);
      }
    }
  }
  for (const [i, t] of (spec.topologySpreadConstraints ?? []).entries()) {
    problems.push(...selectorProblems(`${where}.topologySpreadConstraints[${i}].labelSelector`, t.labelSelector));
  }
  for (const term of spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    problems.push(...selectorProblems(`${where}.affinity labelSelector`, term.podAffinityTerm?.labelSelector));
  }
  if (spec.serviceAccountName !== undefined && !isDnsSubdomain(spec.serviceAccountName)) {
    problems.push(`${where}.serviceAccountName ${JSON.stringify(spec.serviceAccountName)} is not a DNS subdomain`);
  }
  void labels;
  return problems;
}

/** The robfig/cron v3 standard parser's acceptance, read from its v3.0.1 parser.go and spec.go. */
function scheduleProblem(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string') return 'is not a string';
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return 'does not have 5 fields';
  const bounds: Array<[number, number, string[]]> = [
    [0, 59, []], [0, 23, []], [1, 31, []],
    [1, 12, ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']],
    [0, 6, ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']],
  ];
  for (const [i, field] of fields.entries()) {
    const [min, max, names] = bounds[i];
    const value = (t: string) => (names.includes(t.toLowerCase()) ? names.indexOf(t.toLowerCase()) + min : /^\+?[0-9]+$/.test(t) ? Number(t) : NaN);
    for (const range of field.split(',').filter(Boolean)) {
      const [span, step, extra] = range.split('/');
      if (extra !== undefined || (step !== undefined && !(Number(step) >= 1))) return `field ${i + 1} has a bad step`;
      if (span === '*' || span === '?') continue;
      const ends = span.split('-').map(value);
      if (ends.length > 2 || ends.some((v) => !(v >= min && v <= max)) || (ends.length === 2 && ends[0] > ends[1])) return `field ${i + 1} is out of ${min}-${max}`;
    }
  }
  return undefined;
}

/** What Go's time.LoadLocation loads on Linux: a file of /usr/share/zoneinfo, case-sensitive. */
function timeZoneProblem(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || zone === '' || zone === 'Local' || zone.split('/').some((p) => p === '..' || p === '.' || p === '')) return 'is not loadable';
  try {
    const fd = openSync(join('/usr/share/zoneinfo', zone), 'r');
    const magic = Buffer.alloc(4);
    readSync(fd, magic, 0, 4, 0);
    closeSync(fd);
    return magic.toString('latin1') === 'TZif' ? undefined : 'is not a zone file';
  } catch {
    return 'is not a zone file';
  }
}

/** Every naming, label, selector, number and quantity problem of the synthesized objects. */
export function namingProblems(objects: any[]): string[] {
  const problems: string[] = [];
  for (const obj of objects) {
    const id = `${obj.kind}/${obj.metadata?.name}`;
    const add = (p: string[]) => problems.push(...p.map((x) => `${id}: ${x}`));
    const nameIssue = nameProblem(obj.kind, obj.metadata?.name);
    if (nameIssue) add([`metadata.name ${JSON.stringify(obj.metadata?.name)} ${nameIssue}`]);
    if (obj.metadata?.namespace !== undefined && !(obj.metadata.namespace.length <= 63 && DNS1123_LABEL.test(obj.metadata.namespace))) {
      add([`metadata.namespace ${JSON.stringify(obj.metadata.namespace)} is not a DNS-1123 label`]);
    }
    add(labelProblems('metadata.labels', obj.metadata?.labels));
    add(annotationProblems('metadata.annotations', obj.metadata?.annotations));
    add(numberProblems('', obj));

    for (const template of podTemplatesOf(obj)) {
      const metadata = obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template?.metadata : obj.spec?.template?.metadata;
      add(labelProblems(`${template.path} labels`, metadata?.labels));
      add(annotationProblems(`${template.path} annotations`, metadata?.annotations));
      add(podProblems(template.path, template.spec, metadata?.labels ?? {}));
    }

    switch (obj.kind) {
      case 'Deployment': case 'StatefulSet': case 'ReplicaSet':
        add(selectorProblems('spec.selector', obj.spec?.selector));
        if (!matches(obj.spec?.selector, obj.spec?.template?.metadata?.labels ?? {})) add(['spec.selector does not match the template labels']);
        for (const field of ['maxSurge', 'maxUnavailable']) {
          const v = obj.spec?.strategy?.rollingUpdate?.[field];
          if (typeof v === 'string' && (!PERCENT.test(v) || (field === 'maxUnavailable' && parseInt(v, 10) > 100))) add([`${field} ${JSON.stringify(v)} is not a valid percentage`]);
          if (typeof v === 'number' && v < 0) add([`${field} ${v} is negative`]);
        }
        break;
      case 'PodDisruptionBudget':
        add(selectorProblems('spec.selector', obj.spec?.selector));
        for (const field of ['minAvailable', 'maxUnavailable']) {
          const v = obj.spec?.[field];
          if (typeof v === 'string' && (!PERCENT.test(v) || parseInt(v, 10) > 100)) add([`${field} ${JSON.stringify(v)} is not a valid percentage`]);
          if (typeof v === 'number' && v < 0) add([`${field} ${v} is negative`]);
        }
        break;
      case 'Service':
        add(labelProblems('spec.selector', obj.spec?.selector));
        for (const port of obj.spec?.ports ?? []) {
          if (port.name !== undefined && !(port.name.length <= 63 && DNS1123_LABEL.test(port.name))) add([`port name ${JSON.stringify(port.name)} is not a DNS-1123 label`]);
          if (!(port.port >= 1 && port.port <= 65535)) add([`port ${port.port} is out of range`]);
        }
        break;
      case 'NetworkPolicy': {
        add(selectorProblems('spec.podSelector', obj.spec?.podSelector));
        const rules = [...(obj.spec?.ingress ?? []).map((r: any) => r.from ?? []), ...(obj.spec?.egress ?? []).map((r: any) => r.to ?? [])].flat();
        for (const peer of rules) {
          add(selectorProblems('peer podSelector', peer.podSelector));
          add(selectorProblems('peer namespaceSelector', peer.namespaceSelector));
          if (peer.ipBlock && !/^[0-9a-fA-F.:]+\/[0-9]+$/.test(peer.ipBlock.cidr)) add([`ipBlock ${JSON.stringify(peer.ipBlock.cidr)} is not a CIDR`]);
        }
        for (const r of [...(obj.spec?.ingress ?? []), ...(obj.spec?.egress ?? [])]) {
          for (const p of r.ports ?? []) if (typeof p.port === 'number' && !(p.port >= 1 && p.port <= 65535)) add([`policy port ${p.port} is out of range`]);
        }
        break;
      }
      case 'CronJob': {
        const scheduleIssue = scheduleProblem(obj.spec?.schedule);
        if (scheduleIssue) add([`schedule ${JSON.stringify(obj.spec?.schedule)} ${scheduleIssue}`]);
        if (obj.spec?.timeZone !== undefined) {
          const zoneIssue = timeZoneProblem(obj.spec.timeZone);
          if (zoneIssue) add([`timeZone ${JSON.stringify(obj.spec.timeZone)} ${zoneIssue}`]);
        }
        break;
      }
      case 'PersistentVolumeClaim':
        add(quantityProblems('spec.resources.requests.storage', obj.spec?.resources?.requests?.storage));
        if (obj.spec?.storageClassName !== undefined && !isDnsSubdomain(obj.spec.storageClassName)) add([`storageClassName ${JSON.stringify(obj.spec.storageClassName)} is not a DNS subdomain`]);
        break;
      case 'ConfigMap':
        for (const key of Object.keys(obj.data ?? {})) if (!/^[-._a-zA-Z0-9]+$/.test(key) || key === '.' || key === '..') add([`data key ${JSON.stringify(key)} is invalid`]);
        break;
      case 'RoleBinding':
        for (const s of obj.subjects ?? []) if (!isDnsSubdomain(s.name)) add([`subject ${JSON.stringify(s.name)} is not a DNS subdomain`]);
        break;
      default:
        break;
    }
  }
  return problems;
}

/** Whether a string is a DNS-1123 label of at most 63 characters. */
export function isDnsLabel(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && DNS1123_LABEL.test(value);
}

/** Whether a string is a ConfigMap or Secret data key. */
export function isDataKey(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(value) && value !== '.' && value !== '..';
}

/** Whether every key and value of a label map is valid. */
export function isLabelMap(labels: Record<string, string> | undefined): boolean {
  return Object.entries(labels ?? {}).every(([k, v]) => isQualifiedName(k) && isLabelValue(v));
}
