import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

/**
 * Type-checks a generated k6 script (JavaScript with `// @ts-check`) against @types/k6,
 * strictly, the way an editor with the k6 types installed would. Returns the diagnostics.
 */
export function typeCheckK6Script(script: string, name = 'soak.js'): string[] {
  const dir = join(__dirname, '..', '..', '.tmp', 'k6-typecheck', String(process.pid));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, script);
  const program = ts.createProgram([file], {
    allowJs: true,
    checkJs: true,
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2020.d.ts'],
    types: ['k6'],
    typeRoots: [join(__dirname, '..', '..', 'node_modules', '@types')],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `${name}:${line} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
