import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Node flags `npm start` runs `trunkline serve` with, read from package.json: what a provider's node runs. */
export function npmStartFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('bin/trunkline.js')).filter((w) => w.startsWith('--'));
}
