import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

/** Writes every entry of a synthesized ConfigMap as a file under `dir`, as a volume mount would. */
export function materializeConfigMap(configMap: any, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(configMap.data ?? {})) writeFileSync(join(dir, file), content as string);
}

/** The environment of a synthesized container: literal values as strings, references as they are. */
export function containerEnv(container: any): Record<string, any> {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/** Only the literal values of a container's environment, ready to hand to a process. */
export function literalEnv(container: any): Record<string, string> {
  return Object.fromEntries((container.env ?? []).filter((e: any) => typeof e.value === 'string').map((e: any) => [e.name, e.value]));
}

/**
 * The script a synthesized container's command runs once it has checked the mounted scripts
 * (src/_scripts-config-map.ts verifiedScriptCommand): `/bin/sh -c '<check>; exec /bin/sh <dir>/<script>'`.
 */
export function commandScript(container: any): { dir: string; script: string } {
  const [shell, flag, program] = container.command;
  const match = /\nexec \/bin\/sh (\/[^\s]+)\/([^/\s]+)$/.exec(program ?? '');
  if (shell !== '/bin/sh' || flag !== '-c' || !match) throw new Error(`not a verified script command: ${JSON.stringify(container.command)}`);
  return { dir: match[1], script: match[2] };
}
