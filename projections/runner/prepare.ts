import type { Projection } from '../../application/ports/projection';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../checkpoints';
import type { RunnerContext } from './context';

/** Creates tables and checkpoint; resets when the code's version differs from the stored one. */
export async function prepare(ctx: RunnerContext, p: Projection, forceReset = false): Promise<Checkpoint> {
  const { readModels, clock } = ctx.options;
  return readModels.migrate(async (tx) => {
    await p.setup(tx);
    const current = await readCheckpoint(tx, readModels, p.name);
    if (current && current.version === p.version && !forceReset) return current;
    if (current) await p.reset(tx);
    const fresh = {
      name: p.name,
      version: p.version,
      generation: (current?.generation ?? 0) + 1,
      position: 0,
      updatedAt: clock.now().toISOString(),
    };
    await writeCheckpoint(tx, fresh);
    return fresh;
  });
}
