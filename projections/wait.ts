import type { ReadModelStore } from '../application/ports/read-model-store';

/**
 * Read-your-writes for a client that holds a log position (from a write's answer): resolves
 * true once `projection` has applied it, false after `timeoutMs` (bounded: 20 ms polls).
 */
export async function waitForProjection(rm: ReadModelStore, projection: string, position: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await rm.query<{ position: number | string }>('SELECT position FROM trunkline_projections WHERE name = ?', [projection]);
    if (row && Number(row.position) >= position) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
