import type { Projection } from '../../application/ports/projection';
import { projectionNamed, type RunnerContext } from './context';
import { feedTogether } from './feed-together';
import type { Progress } from './options';
import { prepare } from './prepare';

/** Where a catch-up or rebuild left one projection: the position it reached, or why it did not. */
export type CaughtUp = { readonly name: string; readonly position: number } | { readonly name: string; readonly error: unknown };

const ATTEMPTS = 5;

/**
 * Brings projections up to the head as it is now in shared passes over the log (reset first when
 * `reset`). One reset under a pass (another generation) starts that projection alone again from
 * its checkpoint, in the next pass; the others are done. One that fails is done with its error.
 */
async function catchUpTogether(
  ctx: RunnerContext,
  projections: readonly Projection[],
  reset: boolean,
  onProgress?: (p: Progress) => void,
): Promise<CaughtUp[]> {
  const done = new Map<string, CaughtUp>();
  let pending = projections;
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
    const starts = [];
    for (const p of pending) {
      try {
        starts.push({ p, cp: await prepare(ctx, p, reset && attempt === 0) });
      } catch (error) {
        done.set(p.name, { name: p.name, error }); // its tables cannot be made: the others go on
      }
    }
    const target = await ctx.options.store.head();
    const fed = await feedTogether(ctx, starts, target, onProgress);
    const again: Projection[] = [];
    for (const { p } of starts) {
      const f = fed.get(p.name)!;
      if ('restart' in f) again.push(p);
      else done.set(p.name, 'error' in f ? { name: p.name, error: f.error } : { name: p.name, position: f.reached });
    }
    pending = again;
  }
  for (const p of pending)
    done.set(p.name, { name: p.name, error: new Error(`projection ${p.name} was reset repeatedly while catching up`) });
  return projections.map((p) => done.get(p.name)!);
}

function positionOrThrow(c: CaughtUp): number {
  if ('error' in c) throw c.error;
  return c.position;
}

/** Processes the log up to the head as it is now; returns the position reached. */
export async function catchUp(ctx: RunnerContext, name: string, onProgress?: (p: Progress) => void): Promise<number> {
  return positionOrThrow((await catchUpTogether(ctx, [projectionNamed(ctx, name)], false, onProgress))[0]!);
}

/** Empties the projection and replays the whole log into it. */
export async function rebuild(ctx: RunnerContext, name: string, onProgress?: (p: Progress) => void): Promise<number> {
  return positionOrThrow((await catchUpTogether(ctx, [projectionNamed(ctx, name)], true, onProgress))[0]!);
}

/**
 * Empties the projections named and replays the log into all of them in one pass: each event
 * is read and decoded once. One that fails stops alone (its outcome holds the error); the
 * others finish.
 */
export async function rebuildTogether(
  ctx: RunnerContext,
  names: readonly string[],
  onProgress?: (p: Progress) => void,
): Promise<CaughtUp[]> {
  return catchUpTogether(
    ctx,
    names.map((n) => projectionNamed(ctx, n)),
    true,
    onProgress,
  );
}
