import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import { readCheckpoint, writeCheckpoint } from '../checkpoints';
import { EventNotAppliedError, writeStop, type ProjectionStop } from '../stops';
import type { RunnerContext } from './context';

/**
 * After a batch failed: applies it again one event at a time, to name the event the
 * projection cannot apply. What comes before that event commits with the checkpoint, so the
 * projection stops just before it; null (and nothing committed) when each event applies alone
 * or the store itself failed: then the failure is not an event's, and the runner retries.
 */
async function diagnose(
  ctx: RunnerContext,
  p: Projection,
  generation: number,
  events: readonly RecordedEvent[],
): Promise<EventNotAppliedError | null> {
  const { readModels, clock } = ctx.options;
  const handles = ctx.handled.get(p) ?? null;
  const rollback = new Error('each event applies alone');
  try {
    const found = await readModels.transaction(async (tx) => {
      const cp = await readCheckpoint(tx, readModels, p.name);
      if (!cp || cp.generation !== generation || cp.version !== p.version) throw rollback;
      let reached = cp.position;
      let applied = 0;
      for (const e of events) {
        if (e.position <= cp.position) continue;
        if (!handles || handles.has(e.type)) {
          await tx.run('SAVEPOINT one_event');
          try {
            if (p.applyBatch) await p.applyBatch([e], tx);
            else await p.apply(e, tx);
          } catch (error) {
            await tx.run('ROLLBACK TO SAVEPOINT one_event');
            await tx.run('RELEASE SAVEPOINT one_event');
            if (reached !== cp.position) await writeCheckpoint(tx, { ...cp, position: reached, updatedAt: clock.now().toISOString() });
            return {
              culprit: new EventNotAppliedError(p.name, e, error instanceof Error ? error.message : String(error)),
              reached,
              applied,
            };
          }
          await tx.run('RELEASE SAVEPOINT one_event');
          applied++;
        }
        reached = e.position;
      }
      throw rollback;
    });
    if (found.applied > 0) ctx.options.onBatch?.(p.name, found.reached, found.applied);
    return found.culprit;
  } catch {
    return null;
  }
}

/** Records the stop where every node and the CLI see it, and tells it once. */
async function recordStop(ctx: RunnerContext, p: Projection, generation: number, error: EventNotAppliedError): Promise<ProjectionStop> {
  const stop: ProjectionStop = {
    position: error.event.position,
    eventId: error.event.id,
    type: error.event.type,
    error: error.reason,
    generation,
    stoppedAt: ctx.options.clock.now().toISOString(),
  };
  await ctx.options.readModels.transaction((tx) => writeStop(tx, p.name, stop)).catch(() => undefined);
  ctx.options.onStop?.(p.name, error);
  return stop;
}

/**
 * After a batch failed: the event of it the projection cannot apply, its stop recorded; null
 * when every event applies on its own (the fault was not an event's: retry with backoff).
 */
export async function stopAtCulprit(
  ctx: RunnerContext,
  p: Projection,
  generation: number,
  batch: readonly RecordedEvent[],
): Promise<ProjectionStop | null> {
  const culprit = await diagnose(ctx, p, generation, batch);
  return culprit ? recordStop(ctx, p, generation, culprit) : null;
}
