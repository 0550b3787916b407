import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import type { Checkpoint } from '../checkpoints';
import { EventNotAppliedError } from '../stops';
import { applyBatch } from './apply';
import { projectionNamed, type RunnerContext } from './context';
import type { Progress } from './options';
import { prepare } from './prepare';
import { stopAtCulprit } from './stop-at-culprit';

/**
 * One pass over the log from the checkpoint up to `target`; returns the position reached, or
 * 'restart' when the projection was reset under it. Batches by count alone: the idle detection
 * of `batches` is for live feeds.
 */
async function catchUpFrom(
  ctx: RunnerContext,
  p: Projection,
  cp: Checkpoint,
  target: number,
  onProgress?: (p: Progress) => void,
): Promise<number | 'restart'> {
  const name = p.name;
  let position = cp.position;
  let applied = 0;
  onProgress?.({ projection: name, position, target, applied });
  let batch: RecordedEvent[] = [];
  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return true;
    let outcome: 'applied' | 'restart';
    try {
      outcome = await applyBatch(ctx, p, cp.generation, batch);
    } catch (error) {
      const stop = await stopAtCulprit(ctx, p, cp.generation, batch);
      if (!stop) throw error;
      throw new EventNotAppliedError(
        p.name,
        batch.find((e) => e.position === stop.position)!,
        stop.error,
      );
    }
    if (outcome === 'restart') return false;
    applied += batch.length;
    position = batch[batch.length - 1]!.position;
    batch = [];
    onProgress?.({ projection: name, position, target, applied });
    return true;
  };
  for await (const e of ctx.options.store.readAll(cp.position, ctx.batchSize)) {
    if (e.position > target) break;
    batch.push(e);
    if (batch.length >= ctx.batchSize && !(await flush())) return 'restart';
  }
  return (await flush()) ? position : 'restart';
}

/** Processes the log up to the head as it is now; returns the position reached. */
export async function catchUp(ctx: RunnerContext, name: string, onProgress?: (p: Progress) => void): Promise<number> {
  const p = projectionNamed(ctx, name);
  for (let attempt = 0; attempt < 5; attempt++) {
    const cp = await prepare(ctx, p);
    const target = await ctx.options.store.head();
    const reached = await catchUpFrom(ctx, p, cp, target, onProgress);
    if (reached !== 'restart') return reached;
  }
  throw new Error(`projection ${name} was reset repeatedly while catching up`);
}

/** Empties the projection and replays the whole log into it. */
export async function rebuild(ctx: RunnerContext, name: string, onProgress?: (p: Progress) => void): Promise<number> {
  await prepare(ctx, projectionNamed(ctx, name), true);
  return catchUp(ctx, name, onProgress);
}
