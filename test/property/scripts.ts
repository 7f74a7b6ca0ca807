import { spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';
import { ASSETS } from '../support/scripts';

/**
 * Scripts in ConfigMaps must still parse whatever the props were, and keep every value literal:
 * - a shell script parses under dash and busybox sh (`-n`, the shell's own parser);
 * - a JavaScript file (the k6 script) parses as an ES module;
 * - a script shipped as an asset is byte for byte the asset: values reach it through
 *   environment variables only, never by editing its text.
 * Construct-specific literal checks (values embedded in generated scripts) live beside their
 * property (see soak-job.property.test.ts).
 */

const SHIPPED = new Map<string, string>();
for (const dir of readdirSync(ASSETS)) {
  for (const file of readdirSync(join(ASSETS, dir))) SHIPPED.set(file, readFileSync(join(ASSETS, dir, file), 'utf8'));
}

const parsed = new Map<string, string[]>();

function shellParseProblems(script: string): string[] {
  const problems: string[] = [];
  for (const [command, args] of [['dash', ['-n']], ['busybox', ['sh', '-n']]] as Array<[string, string[]]>) {
    const result = spawnSync(command, args, { input: script, encoding: 'utf8', timeout: 10_000 });
    if (result.error) throw new Error(`${command} is not runnable: ${result.error.message}`);
    if (result.status !== 0) problems.push(`${command} ${args.join(' ')}: ${result.stderr.trim()}`);
  }
  return problems;
}

function javaScriptParseProblems(script: string): string[] {
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020 };
  const out = ts.transpileModule(script, { reportDiagnostics: true, compilerOptions });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Problems of one script, cached by content (most scripts are the same asset every time). */
function problemsOf(key: string, script: string): string[] {
  const cacheKey = `${key}\u0000${script}`;
  const cached = parsed.get(cacheKey);
  if (cached) return cached;
  const problems: string[] = [];
  if (key.endsWith('.sh') || /^#!.*\bsh\b/.test(script)) problems.push(...shellParseProblems(script));
  if (key.endsWith('.js')) problems.push(...javaScriptParseProblems(script));
  const asset = SHIPPED.get(key);
  if (asset !== undefined && !key.endsWith('.js') && asset !== script) problems.push('differs from the shipped asset: a value was written into the script');
  parsed.set(cacheKey, problems);
  return problems;
}

export function scriptProblems(objects: any[]): string[] {
  if (!existsSync(ASSETS)) throw new Error(`no assets at ${ASSETS}`);
  const problems: string[] = [];
  for (const obj of objects.filter((o) => o.kind === 'ConfigMap')) {
    for (const [key, value] of Object.entries<string>(obj.data ?? {})) {
      for (const p of problemsOf(key, value)) problems.push(`ConfigMap/${obj.metadata?.name} ${key}: ${p}`);
    }
  }
  return problems;
}
