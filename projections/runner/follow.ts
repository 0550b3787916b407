import type { Projection } from '../../application/ports/projection';
import { batches } from '../batches';
import type { ProjectionStop } from '../stops';
import { applyBatch } from './apply';
import type { RunnerContext } from './context';
import type { Live } from './live';
import { prepare } from './prepare';
import { stopAtCulprit } from './stop-at-culprit';
import { waitWhileStopped } from './wait-while-stopped';

/**
 * Subscribes from the checkpoint and applies live batches until the subscription ends, the
 * projection is reset under it, or it stops at an event it cannot apply (returned). Calls
 * `onApplied` after each applied batch; throws when the log or the store fails.
 */
async function followOnce(ctx: RunnerContext, p: Projection, state: Live, onApplied: () => void): Promise<ProjectionStop | null> {
  const { store } = ctx.options;
  const cp = await prepare(ctx, p);
  const target = await store.head();
  if (cp.position >= target) state.caughtUp = true;
  const sub = store.subscribe(cp.position);
  const stop = () => void sub.close();
  state.stop.signal.addEventListener('abort', stop, { once: true });
  if (state.stop.signal.aborted) stop(); // stopped while we were preparing
  try {
    for await (const batch of batches(sub, ctx.batchSize)) {
      let outcome: 'applied' | 'restart';
      try {
        outcome = await applyBatch(ctx, p, cp.generation, batch);
      } catch (error) {
        const stopped = await stopAtCulprit(ctx, p, cp.generation, batch);
        if (!stopped) throw error;
        return stopped;
      }
      if (outcome === 'restart') break;
      if (batch[batch.length - 1]!.position >= target) state.caughtUp = true;
      state.lastError = null;
      onApplied();
    }
  } finally {
    state.stop.signal.removeEventListener('abort', stop);
    await sub.close();
  }
  return null;
}

/** Follows the log live for one projection on its own, retrying with backoff until stopped. */
export async function follow(ctx: RunnerContext, p: Projection, state: Live): Promise<void> {
  let backoff = 500;
  while (!state.stop.signal.aborted) {
    try {
      const stopped = await followOnce(ctx, p, state, () => (backoff = 500));
      if (stopped) {
        await waitWhileStopped(ctx, p, state, stopped);
        backoff = 500;
      }
    } catch (error) {
      state.lastError = (error as Error).message;
      ctx.options.onError?.(p.name, error);
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 30_000);
    }
  }
}
