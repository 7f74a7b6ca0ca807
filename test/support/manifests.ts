import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { testRunProblems } from './k6-testrun';
import { podTemplatesOf, restrictedViolations } from './pod-security';
import { prometheusRuleProblems } from './prometheus-rule';

/**
 * Validation every synthesized object of the suite goes through:
 * - the Kubernetes API schema bundled by kubernetes-models 4.4.2 (types, required fields, enums);
 *   admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and its binding, GA in Kubernetes 1.30
 *   and absent from that schema, against kubernetes-models 4.5.1's (installed as kubernetes-models-admission);
 * - the Pod Security Standards restricted profile, for every pod template;
 * - a pinned image tag on every container;
 * - NetworkPolicy egress that never opens a port to every address (DNS included: port 53
 *   anywhere is an exfiltration channel, so every egress rule names its destinations).
 *
 * `.ci/run` applies the same checks to the example app's manifests (scripts/validate-manifests.ts).
 */
export function manifestProblems(objects: any[]): string[] {
  const problems: string[] = [];
  for (const obj of objects) {
    const id = `${obj.kind ?? '?'}/${obj.metadata?.name ?? '?'}`;
    for (const p of schemaProblems(obj)) problems.push(`${id}: schema: ${p}`);
    for (const p of openEgressProblems(obj)) problems.push(`${id}: egress: ${p}`);
    for (const template of podTemplatesOf(obj)) {
      for (const p of restrictedViolations(template)) problems.push(`${id}: pss-restricted: ${p}`);
      for (const p of imageProblems(template.spec)) problems.push(`${id}: image: ${p}`);
    }
  }
  return problems;
}

/** Egress rules of a NetworkPolicy that allow their ports to any address (no `to`, or an empty one). */
export function openEgressProblems(obj: any): string[] {
  if (obj.kind !== 'NetworkPolicy') return [];
  return (obj.spec?.egress ?? [])
    .filter((rule: any) => !rule.to || rule.to.length === 0)
    .map((rule: any) => `ports ${JSON.stringify((rule.ports ?? []).map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`))} open to every address`);
}

/** Synthesizes a chart and fails the test when any object breaks the schema, PSS restricted or image pinning. */
export function synthValid(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  const problems = manifestProblems(objects);
  if (problems.length > 0) {
    throw new Error(`synthesized manifests are invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return objects;
}

/** Loads every `*.k8s.yaml` document below a directory, subfolders included (the output of `cdk8s synth`). */
export function loadManifests(dir: string, prefix = ''): Record<string, any[]> {
  const files: Record<string, any[]> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) {
      Object.assign(files, loadManifests(join(dir, entry.name), `${prefix}${entry.name}/`));
    } else if (entry.name.endsWith('.k8s.yaml')) {
      files[`${prefix}${entry.name}`] = parseAllDocuments(readFileSync(join(dir, entry.name), 'utf8'))
        .map((doc) => doc.toJS())
        .filter((doc) => doc !== null);
    }
  }
  return files;
}

/** Objects of one kind. */
export function ofKind(objects: any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of a kind; fails when there are none or several. */
export function onlyOfKind(objects: any[], kind: string): any {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
}

/**
 * Custom resources have no bundled schema; each one the library emits gets a structural
 * check of its own here, and an unknown kind is a failure rather than a silent pass.
 */
const CUSTOM_RESOURCE_CHECKS: Record<string, (obj: any) => string[]> = {
  'k6.io/v1alpha1/TestRun': testRunProblems,
  'monitoring.coreos.com/v1/PrometheusRule': prometheusRuleProblems,
};

/** The kinds the 1.27 schema of kubernetes-models 4.4.2 lacks, checked against 4.5.1's. */
const ADMISSION_POLICY_KINDS = ['admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding'];

function schemaProblems(obj: any): string[] {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return ['apiVersion and kind are required'];
  const custom = CUSTOM_RESOURCE_CHECKS[`${obj.apiVersion}/${obj.kind}`];
  if (custom) return custom(obj);
  let model: any;
  const models = ADMISSION_POLICY_KINDS.includes(`${obj.apiVersion}/${obj.kind}`) ? 'kubernetes-models-admission' : 'kubernetes-models';
  try {
    // The model module depends on the object's apiVersion: only a dynamic require can load it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    model = require(`${models}/${obj.apiVersion}`)[obj.kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== 'function') return [`no Kubernetes schema for ${obj.apiVersion} ${obj.kind}`];
  try {
    new model(obj).validate();
    return [];
  } catch (e: any) {
    return (e.errors ?? [{ instancePath: '', message: e.message }]).map((err: any) => `${err.instancePath || '/'} ${err.message}`);
  }
}

function imageProblems(spec: any): string[] {
  const problems: string[] = [];
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    const image: string = c.image ?? '';
    const last = image.slice(image.lastIndexOf('/') + 1);
    const pinned = image.includes('@sha256:') || (last.includes(':') && !/:latest$/i.test(last) && !last.endsWith(':'));
    if (!pinned) problems.push(`container ${c.name} image ${JSON.stringify(image)} is not pinned to a tag or digest`);
  }
  return problems;
}
