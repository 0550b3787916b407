/**
 * One full collection of this thread's heap, when Node exposes `gc` (`npm start` passes
 * `--expose-gc`); nothing otherwise. Call it once start-up's garbage is garbage: modules
 * compiled, schemas built, stores opened.
 *
 * Why: `npm start` also passes `--no-memory-reducer-for-small-heaps`, and with it V8 starts its
 * memory reducer in a heap only after that heap's first full collection. Start-up alone never
 * needs one, so an idle `serve` kept everything start-up had touched: both 16 MiB semi-spaces and
 * the old space's spare pages. After this collection the reducer looks every 8 s until the
 * thread is idle, and hands them back (docs/architecture.md, "An idle heap handed back").
 */
export function collectStartupGarbage(gc: unknown = (globalThis as { gc?: unknown }).gc): boolean {
  if (typeof gc !== 'function') return false;
  (gc as () => void)();
  return true;
}
