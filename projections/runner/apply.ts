import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx } from '../../application/ports/read-model-store';
import { readCheckpoint, readCheckpoints, writeCheckpoint, writeCheckpoints, type Checkpoint } from '../checkpoints';
import type { RunnerContext } from './context';

/** Where a batch left a projection: its new position, how many of the batch's events it applied, and its checkpoint to write (null: unmoved). */
interface Reached {
  readonly position: number;
  readonly applied: number;
  readonly moved: Checkpoint | null;
}

/** What applying one batch did for a member of a shared pass. */
type Outcome = { readonly ok: 'applied' | 'restart' } | { readonly error: unknown };

/**
 * Applies a batch inside `tx` from `cp`, the checkpoint read in the same transaction; the
 * caller writes the checkpoint it returns. Events at or below the stored checkpoint are skipped
 * (another node or process applied them); a changed generation means the projection was reset
 * under us, and the caller must start again from the checkpoint.
 */
async function applyFrom(
  ctx: RunnerContext,
  p: Projection,
  generation: number,
  events: readonly RecordedEvent[],
  tx: SqlTx,
  cp: Checkpoint | null,
): Promise<Reached | 'restart'> {
  if (!cp || cp.generation !== generation || cp.version !== p.version) return 'restart';
  const handles = ctx.handled.get(p) ?? null;
  const fresh = events.filter((e) => e.position > cp.position);
  const wanted = handles ? fresh.filter((e) => handles.has(e.type)) : fresh;
  const position = fresh.length > 0 ? fresh[fresh.length - 1]!.position : cp.position;
  if (p.applyBatch) await p.applyBatch(wanted, tx, { generation: cp.generation, after: cp.position, through: position });
  else for (const e of wanted) await p.apply(e, tx);
  const moved = position !== cp.position ? { ...cp, position, updatedAt: ctx.options.clock.now().toISOString() } : null;
  return { position, applied: wanted.length, moved };
}

/** Applies a batch in a transaction of its own. */
export async function applyBatch(
  ctx: RunnerContext,
  p: Projection,
  generation: number,
  events: readonly RecordedEvent[],
): Promise<'applied' | 'restart'> {
  const reached = await ctx.options.readModels.transaction(async (tx) => {
    const r = await applyFrom(ctx, p, generation, events, tx, await readCheckpoint(tx, ctx.options.readModels, p.name));
    if (r !== 'restart' && r.moved) await writeCheckpoint(tx, r.moved);
    return r;
  });
  if (reached === 'restart') return 'restart';
  // after the commit: a listener in another thread or process reads what the batch wrote
  ctx.options.onBatch?.(p.name, reached.position, reached.applied);
  return 'applied';
}

/**
 * Applies one batch for several projections in a single transaction, each in a savepoint of
 * its own: a projection whose apply throws is rolled back alone (its outcome is the error)
 * and the others commit. One commit per live batch instead of one per projection, and the
 * checkpoints read in one statement and written in one: under load most projections want few
 * of a batch's events, and their bookkeeping cost the event loop more than the work itself.
 */
export async function applyTogether(
  ctx: RunnerContext,
  members: readonly { readonly p: Projection; readonly generation: number }[],
  events: readonly RecordedEvent[],
): Promise<Outcome[]> {
  const { readModels } = ctx.options;
  const outcomes = await readModels.transaction(async (tx) => {
    const cps = await readCheckpoints(
      tx,
      readModels,
      members.map((m) => m.p.name),
    );
    const outcomes: ({ ok: Reached | 'restart' } | { error: unknown })[] = [];
    for (const [i, m] of members.entries()) {
      await tx.run(`SAVEPOINT member_${i}`);
      try {
        outcomes.push({ ok: await applyFrom(ctx, m.p, m.generation, events, tx, cps.get(m.p.name) ?? null) });
      } catch (error) {
        await tx.run(`ROLLBACK TO SAVEPOINT member_${i}`);
        outcomes.push({ error });
      }
      await tx.run(`RELEASE SAVEPOINT member_${i}`);
    }
    await writeCheckpoints(
      tx,
      outcomes.flatMap((o) => ('ok' in o && o.ok !== 'restart' && o.ok.moved ? [o.ok.moved] : [])),
    );
    return outcomes;
  });
  return outcomes.map((o, i) => {
    if ('error' in o) return o;
    if (o.ok === 'restart') return { ok: 'restart' as const };
    ctx.options.onBatch?.(members[i]!.p.name, o.ok.position, o.ok.applied);
    return { ok: 'applied' as const };
  });
}
