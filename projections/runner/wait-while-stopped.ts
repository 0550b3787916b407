import type { Projection } from '../../application/ports/projection';
import { listCheckpoints } from '../checkpoints';
import { stillStopped, type ProjectionStop } from '../stops';
import type { RunnerContext } from './context';
import type { Live } from './live';

/** How a stop reads as the projection's last error. */
export function stoppedMessage(stop: ProjectionStop): string {
  return `stopped at event ${stop.position} (${stop.eventId}, ${stop.type}): ${stop.error}`;
}

/** Waits `ms`, or less when `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * A stopped projection applies nothing until its checkpoint changes under it: a rebuild
 * (another generation or version) or a runner elsewhere that applied the event. It looks
 * every `stoppedPollMs`, and never retries the event on its own.
 */
export async function waitWhileStopped(ctx: RunnerContext, p: Projection, state: Live, stop: ProjectionStop): Promise<void> {
  state.stopped = stop;
  state.caughtUp = false;
  state.lastError = stoppedMessage(stop);
  const signal = state.stop.signal;
  while (!signal.aborted) {
    await pause(ctx.options.stoppedPollMs ?? 2000, signal);
    const cp = (await listCheckpoints(ctx.options.readModels).catch(() => [])).find((c) => c.name === p.name);
    if (cp && (cp.version !== p.version || !stillStopped(stop, cp))) break;
  }
  state.stopped = null;
  state.lastError = null;
}
