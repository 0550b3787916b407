import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags `npm start` runs the engine with (package.json's start script), so the benches
 * measure the engine as the README starts it: today a young generation of 32 MiB semi-spaces,
 * which halves scavenges under load (bench:sms through the API: 894–971/s with it, 693–817/s
 * without, alternating runs).
 */
export const SERVE_NODE_FLAGS: readonly string[] = (() => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('bin/trunkline.js')).filter((w) => w.startsWith('--'));
})();
