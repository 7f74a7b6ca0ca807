import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { ASSET_MUTATIONS, AssetMutation, applyMutation, occurrences } from './asset-mutations';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the asset mutation list (npm run mutation:assets)', () => {
  test('ids are unique and kebab-case', () => {
    const ids = ASSET_MUTATIONS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test.each(ASSET_MUTATIONS.map((m) => [m.id, m] as const))('%s: its find occurs exactly once, the replacement changes the file', (_id, mutation) => {
    expect(mutation.file).toMatch(/^(assets|src)\//);
    const text = read(mutation.file);
    expect(occurrences(text, mutation.find)).toBe(1);
    expect(mutation.replace).not.toBe(mutation.find);
    expect(applyMutation(text, mutation)).not.toBe(text);
    expect(mutation.why.trim()).not.toBe('');
    expect(mutation.why).not.toContain('\n');
  });

  test.each(ASSET_MUTATIONS.map((m) => [m.id, m] as const))('%s: every test it names exists, its name written in that file', (_id, mutation) => {
    expect(mutation.killedBy.length).toBeGreaterThan(0);
    for (const test of mutation.killedBy) {
      expect(test.file).toMatch(/^test\/.+\.test\.ts$/);
      expect(existsSync(join(root, test.file))).toBe(true);
      expect(read(test.file)).toContain(test.name);
      // the name is used as a jest -t pattern: it must match itself
      expect(new RegExp(test.name).test(test.name)).toBe(true);
    }
  });

  test('applyMutation refuses a find that occurs twice or not at all', () => {
    const mutation: AssetMutation = { id: 'x', file: 'assets/x.sh', find: 'exit 1', replace: 'exit 0', why: 'w', killedBy: [] };
    expect(applyMutation('a\nexit 1\nb', mutation)).toBe('a\nexit 0\nb');
    expect(() => applyMutation('exit 1\nexit 1', mutation)).toThrow('mutation x: its find text occurs 2 times in assets/x.sh, expected exactly once');
    expect(() => applyMutation('exit 2', mutation)).toThrow('mutation x: its find text occurs 0 times in assets/x.sh, expected exactly once');
  });
});
