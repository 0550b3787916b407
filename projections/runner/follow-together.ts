import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import { batches } from '../batches';
import type { Checkpoint } from '../checkpoints';
import type { ProjectionStop } from '../stops';
import { applyTogether } from './apply';
import type { RunnerContext } from './context';
import { feedTogether } from './feed-together';
import { follow } from './follow';
import type { Live } from './live';
import { prepare } from './prepare';
import { stopAtCulprit } from './stop-at-culprit';
import { waitWhileStopped } from './wait-while-stopped';

/**
 * How long a live batch waits for more events after its first. Each batch costs a commit of the
 * read models, and the pages every batch rewrites (checkpoints, account rows) are written once a
 * commit: gathering events cuts that work several times over. While the log is quiet a batch
 * waits LIVE_LINGER_MS; once one held BUSY_BATCH events or more, the next waits BUSY_LINGER_MS,
 * and read-your-writes waits at most that much longer under load.
 */
const LIVE_LINGER_MS = 10;
const BUSY_LINGER_MS = 50;
const BUSY_BATCH = 4;
const liveLinger = (previousSize: number): number => (previousSize >= BUSY_BATCH ? BUSY_LINGER_MS : LIVE_LINGER_MS);

interface Group {
  readonly members: Projection[];
  readonly states: ReadonlyMap<string, Live>;
  readonly checkpoints: Map<string, Checkpoint>;
}

/**
 * Takes a projection whose apply failed out of the group: from here it follows on its own.
 * `stopped` finds the event it cannot apply (null when the fault was not an event's).
 */
function leave(ctx: RunnerContext, group: Group, p: Projection, error: unknown, stopped: () => Promise<ProjectionStop | null>): void {
  const state = group.states.get(p.name)!;
  state.lastError = (error as Error).message;
  group.members.splice(group.members.indexOf(p), 1);
  // on its own from here: stopped at the event it cannot apply, or retrying with backoff
  state.done = (async () => {
    const stop = await stopped();
    if (stop) await waitWhileStopped(ctx, p, state, stop);
    else ctx.options.onError?.(p.name, error);
    await follow(ctx, p, state);
  })().finally(() => (state.running = false));
}

/** Applies one live batch for the members it is due to; true when one was reset and all must restart. */
async function applyLive(ctx: RunnerContext, group: Group, batch: readonly RecordedEvent[], target: number): Promise<boolean> {
  const { members, states, checkpoints } = group;
  let restart = false;
  const last = batch[batch.length - 1]!.position;
  const due = members.filter((p) => last > checkpoints.get(p.name)!.position);
  const outcomes = await applyTogether(
    ctx,
    due.map((p) => ({ p, generation: checkpoints.get(p.name)!.generation })),
    batch,
  );
  for (const [i, p] of due.entries()) {
    const outcome = outcomes[i]!;
    const state = states.get(p.name)!;
    if ('error' in outcome) {
      const generation = checkpoints.get(p.name)!.generation;
      leave(ctx, group, p, outcome.error, () => stopAtCulprit(ctx, p, generation, batch));
    } else if (outcome.ok === 'restart') restart = true;
    else {
      checkpoints.set(p.name, { ...checkpoints.get(p.name)!, position: last });
      if (last >= target) state.caughtUp = true;
      state.lastError = null;
    }
  }
  return restart;
}

/**
 * Brings the members behind the head (a projection rebuilt because its version changed, one
 * that was down) up to `target` in one shared pass of large batches, each member in its own
 * transactions; true when one was reset under it and all must restart.
 */
async function catchUpFirst(ctx: RunnerContext, group: Group, target: number, stop: AbortSignal): Promise<boolean> {
  const { members, states, checkpoints } = group;
  const behind = members.filter((p) => checkpoints.get(p.name)!.position < target);
  if (behind.length === 0) return false;
  const fed = await feedTogether(
    ctx,
    behind.map((p) => ({ p, cp: checkpoints.get(p.name)! })),
    target,
    (progress) => void checkpoints.set(progress.projection, { ...checkpoints.get(progress.projection)!, position: progress.position }),
    stop,
  );
  let restart = false;
  for (const p of behind) {
    const f = fed.get(p.name)!;
    if ('restart' in f) restart = true;
    else if ('error' in f) leave(ctx, group, p, f.error, async () => f.stop ?? null);
    else if (f.reached >= target) {
      states.get(p.name)!.caughtUp = true;
      states.get(p.name)!.lastError = null;
    }
  }
  return restart;
}

/** Subscribes once from the lowest checkpoint of the group and feeds it until a restart is due. */
async function followOnce(ctx: RunnerContext, members: Projection[], states: ReadonlyMap<string, Live>, stop: AbortSignal): Promise<void> {
  const { store } = ctx.options;
  const checkpoints = new Map<string, Checkpoint>();
  for (const p of members) checkpoints.set(p.name, await prepare(ctx, p));
  const target = await store.head();
  for (const p of members) if (checkpoints.get(p.name)!.position >= target) states.get(p.name)!.caughtUp = true;
  if ((await catchUpFirst(ctx, { members, states, checkpoints }, target, stop)) || members.length === 0 || stop.aborted) return;
  const sub = store.subscribe(Math.min(...members.map((p) => checkpoints.get(p.name)!.position)));
  const close = () => void sub.close();
  stop.addEventListener('abort', close, { once: true });
  if (stop.aborted) close();
  try {
    for await (const batch of batches(sub, ctx.batchSize, liveLinger)) {
      const restart = await applyLive(ctx, { members, states, checkpoints }, batch, target);
      if (restart || members.length === 0) break;
    }
  } finally {
    stop.removeEventListener('abort', close);
    await sub.close();
  }
}

/**
 * Follows the log once for many projections: each event is read and decoded once, then each
 * projection applies the batch in its own transaction with its own checkpoint. A projection
 * whose apply fails leaves the group and follows on its own (with backoff), so one broken
 * plugin never holds the others back.
 */
export async function followTogether(
  ctx: RunnerContext,
  members: Projection[],
  states: ReadonlyMap<string, Live>,
  stop: AbortSignal,
): Promise<void> {
  let backoff = 500;
  while (!stop.aborted && members.length > 0) {
    try {
      await followOnce(ctx, members, states, stop);
      backoff = 500;
    } catch (error) {
      // the log or the read-model store failed (not one projection): every member waits and retries
      for (const p of members) {
        states.get(p.name)!.lastError = (error as Error).message;
        ctx.options.onError?.(p.name, error);
      }
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 30_000);
    }
  }
}
