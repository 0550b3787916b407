import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import type { Checkpoint } from '../checkpoints';
import { EventNotAppliedError, type ProjectionStop } from '../stops';
import { applyBatch, applyTogether } from './apply';
import type { RunnerContext } from './context';
import type { Progress } from './options';
import { stopAtCulprit } from './stop-at-culprit';

/** What a shared pass did for one projection. */
export type Fed =
  | { readonly reached: number }
  /** Reset under the pass (another generation): it must start again from its checkpoint. */
  | { readonly restart: true }
  /** An event it cannot apply (`EventNotAppliedError`, with its stop, recorded), or a failure that was not an event's. */
  | { readonly error: unknown; readonly stop?: ProjectionStop };

interface Member {
  readonly p: Projection;
  readonly cp: Checkpoint;
  position: number;
  applied: number;
}

/** What applying a batch did for one member: the `applyTogether` outcome, or what its own transaction threw. */
type Applied = { readonly ok: 'applied' | 'restart' } | { readonly error: unknown };

/** Settles one member after a batch; the outcome when it leaves the pass, else null. */
async function settle(
  ctx: RunnerContext,
  m: Member,
  batch: readonly RecordedEvent[],
  target: number,
  applied: Applied,
): Promise<Fed | null> {
  if ('error' in applied) {
    const stop = await stopAtCulprit(ctx, m.p, m.cp.generation, batch);
    if (!stop) return { error: applied.error };
    // what came before the culprit committed with the checkpoint
    const before = batch.filter((e) => e.position > m.position && e.position < stop.position);
    if (before.length > 0) [m.applied, m.position] = [m.applied + before.length, before[before.length - 1]!.position];
    return {
      error: new EventNotAppliedError(
        m.p.name,
        batch.find((e) => e.position === stop.position)!,
        stop.error,
      ),
    };
  }
  if (applied.ok === 'restart') return { restart: true };
  m.applied += batch.filter((e) => e.position > m.position).length;
  m.position = batch[batch.length - 1]!.position;
  return m.position >= target ? { reached: m.position } : null;
}

/**
 * Applies one batch to every member due in one transaction, each in a savepoint of its own (a
 * member that throws is rolled back alone); one commit a batch instead of one per member. When
 * the shared transaction itself fails, each member tries again in a transaction of its own.
 */
async function applyDue(ctx: RunnerContext, due: readonly Member[], batch: readonly RecordedEvent[]): Promise<Applied[]> {
  try {
    return await applyTogether(
      ctx,
      due.map((m) => ({ p: m.p, generation: m.cp.generation })),
      batch,
    );
  } catch {
    const each: Applied[] = [];
    for (const m of due) {
      try {
        each.push({ ok: await applyBatch(ctx, m.p, m.cp.generation, batch) });
      } catch (error) {
        each.push({ error });
      }
    }
    return each;
  }
}

/**
 * One pass over the log from the lowest checkpoint up to `target`, for many projections: each
 * batch is read and decoded once, then every projection still in the pass applies it with its
 * own checkpoint, all in one transaction (batches at or below its checkpoint skip it).
 * A projection that fails or is reset under the pass leaves it with that outcome; the others go
 * on. Holds one batch at a time, whatever the length of the log.
 */
export async function feedTogether(
  ctx: RunnerContext,
  starts: readonly { readonly p: Projection; readonly cp: Checkpoint }[],
  target: number,
  onProgress?: (p: Progress) => void,
  /** Ends the pass between two batches; those still in it keep what they reached. */
  signal?: AbortSignal,
): Promise<Map<string, Fed>> {
  const outcomes = new Map<string, Fed>();
  const active: Member[] = [];
  for (const { p, cp } of starts) {
    onProgress?.({ projection: p.name, position: cp.position, target, applied: 0 });
    if (cp.position >= target) outcomes.set(p.name, { reached: cp.position });
    else active.push({ p, cp, position: cp.position, applied: 0 });
  }
  if (active.length === 0) return outcomes;
  const feed = async (batch: readonly RecordedEvent[]) => {
    const last = batch[batch.length - 1]!.position;
    const due = active.filter((m) => last > m.position);
    const applied = await applyDue(ctx, due, batch);
    for (const [i, m] of due.entries()) {
      const left = await settle(ctx, m, batch, target, applied[i]!);
      onProgress?.({ projection: m.p.name, position: m.position, target, applied: m.applied });
      if (left) {
        outcomes.set(m.p.name, left);
        active.splice(active.indexOf(m), 1);
      }
    }
  };
  let batch: RecordedEvent[] = [];
  const from = Math.min(...active.map((m) => m.position));
  for await (const e of ctx.options.store.readAll(from, ctx.batchSize)) {
    if (e.position > target) break;
    batch.push(e);
    if (batch.length >= ctx.batchSize) {
      await feed(batch);
      batch = [];
      if (active.length === 0 || signal?.aborted) break;
    }
  }
  if (batch.length > 0 && !signal?.aborted) await feed(batch);
  // stopped, or the log ended below the target (a store whose positions skip): each has what it reached
  for (const m of active) outcomes.set(m.p.name, { reached: m.position });
  return outcomes;
}
