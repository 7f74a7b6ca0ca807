import { readFileSync } from 'fs';
import { join } from 'path';

/**
 * Reads a file shipped in the package's assets/ folder (next to lib/ once published,
 * next to src/ in this repository).
 */
export function readAsset(...path: string[]): string {
  return readFileSync(join(__dirname, '..', 'assets', ...path), 'utf8');
}
