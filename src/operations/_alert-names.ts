import { Inventory } from './_inventory';

/**
 * The alerts HardeningAlerts defined for one object, read from the synthesized PrometheusRules:
 * their groups are named `<kind>/<namespace>/<name>` (kind: hardened-deployment, nats-backup,
 * chaos-experiment, soak-job).
 */
export function alertNamesFor(inventory: Inventory, kind: string, json: any): string[] {
  const group = `${kind}/${json.metadata.namespace ?? ''}/${json.metadata.name}`;
  // HardeningAlerts refuses to synthesize a PrometheusRule without groups
  const names = inventory.alerts.flatMap((rule) => rule.json.spec.groups
    .filter((g: any) => g.name === group)
    .flatMap((g: any) => g.rules.map((r: any) => r.alert)));
  return [...new Set<string>(names)];
}
