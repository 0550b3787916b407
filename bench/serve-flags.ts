import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags `npm start` runs the engine with (package.json's start script), so the benches
 * measure the engine as the README starts it: today a young generation of 32 MiB semi-spaces,
 * twice the default young generation, so about half as many scavenges under load (bench:sms through the API: 894–971/s with it, 693–817/s
 * without, alternating runs of `BENCH_WRITE=0 npm run bench:sms` with and without
 * BENCH_START_FLAGS=0).
 */
export const SERVE_NODE_FLAGS: readonly string[] = (() => {
  // BENCH_START_FLAGS=0 measures the engine without them (the comparison above)
  if (process.env['BENCH_START_FLAGS'] === '0') return [];
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('bin/trunkline.js')).filter((w) => w.startsWith('--'));
})();
