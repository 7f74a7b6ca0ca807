import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

// README examples are code users paste: every ```ts block must type-check against the sources.
describe('README examples', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

  test('README has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
  });

  test('every example type-checks', () => {
    const dir = join(__dirname, '..', '.tmp', 'readme-examples');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Each block is its own module, so blocks may reuse names.
    const files = blocks.map((code, i) => {
      const file = join(dir, `example-${i + 1}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      paths: { 'cdk8s-hardening': [join(__dirname, '..', 'src', 'index.ts')] },
      ignoreDeprecations: '6.0',
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.replace(dir, 'README')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics).toEqual([]);
  });

  test('CI runs the test command README gives a newcomer, and that command installs the tools it needs', () => {
    const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());
    const testCommand = commands.find((c) => c.endsWith('npm test'));
    expect(testCommand).toBe('sh scripts/install-test-tools.sh && npm ci && npm test');
    const ci = readFileSync(join(__dirname, '..', '.ci', 'run'), 'utf8');
    expect(ci.split('\n')).toContain(testCommand);
    expect(commands).toContain('npm ci && npm run example');
    expect(ci.split('\n')).toContain('npm run example');
  });
});
