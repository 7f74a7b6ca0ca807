import { IConstruct } from 'constructs';
import { invalidProp } from './_errors';
import type { HardenedDeployment } from './hardened-deployment';

/** Pods that must reach a HardenedDeployment's pods: a soak Job's, a chaos Job's. */
export interface ReachingPods {
  /** Their labels. */
  readonly labels: Record<string, string>;
  /** Their namespace, when the manifests say it. */
  readonly namespace?: string;
  /** The target's port they connect to. */
  readonly port: number;
  /** What they are, for the message: "the soak pods". */
  readonly what: string;
  /** Their `app.kubernetes.io/name`, for the rule the message proposes. */
  readonly name: string;
}

/**
 * Fails synthesis when the target's `ingress` rules keep these pods out: the soak test or chaos
 * experiment would fail at run time, every request refused, for a reason nobody would look for.
 * Checked at synth time, when the target's rules are final (addIngressRule may come later).
 */
export function requireIngressAdmission(scope: IConstruct, target: HardenedDeployment, pods: ReachingPods): void {
  scope.node.addValidation({
    validate: () => {
      const refusal = target._ingressRefusal(pods.labels, pods.namespace, pods.port);
      if (refusal === undefined) return [];
      const rule = `IngressRule.fromPods({ labels: { 'app.kubernetes.io/name': '${pods.name}' } })`;
      return [invalidProp('target', `admit ${pods.what}: ${refusal}; add ${rule} to its ingress`, target.node.path).message];
    },
  });
}
