import { npmStartFlags } from '../test/support/npm-start-flags';

/**
 * The Node flags `npm start` runs the engine with (package.json's start script), so the benches
 * measure the engine as the README starts it: a fixed young generation of 16 MiB semi-spaces
 * (why, with the figures: docs/architecture.md, "A fixed young generation") and the collection
 * that ends start-up ("An idle heap handed back").
 */
export const SERVE_NODE_FLAGS: readonly string[] =
  // BENCH_START_FLAGS=0 measures the engine without them (BENCH_NODE_ARGS then adds others)
  process.env['BENCH_START_FLAGS'] === '0' ? [] : npmStartFlags();

/** Node flags a bench adds to the engine's (BENCH_NODE_ARGS, space-separated), e.g. `--cpu-prof`. */
export const BENCH_NODE_ARGS: readonly string[] = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
