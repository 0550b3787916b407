import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags `npm start` runs the engine with (package.json's start script), so the benches
 * measure the engine as the README starts it: today a fixed young generation of 16 MiB
 * semi-spaces (why, with the figures: docs/architecture.md, "A fixed young generation").
 */
export const SERVE_NODE_FLAGS: readonly string[] = (() => {
  // BENCH_START_FLAGS=0 measures the engine without them (BENCH_NODE_ARGS then adds others)
  if (process.env['BENCH_START_FLAGS'] === '0') return [];
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('bin/trunkline.js')).filter((w) => w.startsWith('--'));
})();

/**
 * BENCH_NODE_ARGS: more Node flags for the measured engine process, after SERVE_NODE_FLAGS
 * (a profiler, another young generation: "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
export const BENCH_NODE_ARGS: readonly string[] = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
