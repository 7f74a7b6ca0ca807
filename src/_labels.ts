import { ApiObjectMetadataDefinition } from 'cdk8s';
import { isLabelValue } from './_validate';

/**
 * The Kubernetes recommended labels (app.kubernetes.io/*).
 *
 * Dashboards, `kubectl get -l`, Polaris (metadataAndInstanceMismatched) and most Helm-based
 * tooling key on them; every object this library emits carries them.
 */
export interface RecommendedLabelsOptions {
  /** app.kubernetes.io/name: the application. */
  readonly name: string;
  /** app.kubernetes.io/instance: this installation; the emitting object's metadata.name. */
  readonly instance: string;
  /** app.kubernetes.io/component: the role inside the application. */
  readonly component: string;
  /** app.kubernetes.io/version: omitted when it is not a valid label value. */
  readonly version?: string;
  /** app.kubernetes.io/part-of: the larger system. */
  readonly partOf?: string;
}

export const MANAGED_BY = 'cdk8s-hardening';

/** The full recommended label set. */
export function recommendedLabels(options: RecommendedLabelsOptions): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': options.name,
    'app.kubernetes.io/instance': options.instance,
    'app.kubernetes.io/component': options.component,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
  // undefined is no label value
  if (isLabelValue(options.version)) {
    labels['app.kubernetes.io/version'] = options.version;
  }
  if (options.partOf !== undefined) labels['app.kubernetes.io/part-of'] = options.partOf;
  return labels;
}

/**
 * The labels a selector may use: the ones that never change for the life of the workload.
 * (A Deployment's selector is immutable, so version must stay out of it.)
 */
export function selectorLabels(name: string, instance: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': instance,
  };
}

/** Adds every label to every metadata (an object's own and its pod template's, typically). */
export function applyLabels(labels: Record<string, string>, ...metadata: ApiObjectMetadataDefinition[]): void {
  for (const [key, value] of Object.entries(labels)) for (const m of metadata) m.addLabel(key, value);
}
