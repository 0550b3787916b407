import { listCheckpoints } from '../checkpoints';
import { listStops, stillStopped, type ProjectionStop } from '../stops';
import type { RunnerContext } from './context';
import type { Live } from './live';
import { stoppedMessage } from './wait-while-stopped';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly position: number;
  readonly head: number;
  /** Positions between the log's head and the checkpoint (events, on the SQL backends). */
  readonly lag: number;
  readonly running: boolean;
  /** Reached the head at least once since this runner started it. */
  readonly caughtUp: boolean;
  readonly lastError: string | null;
  readonly updatedAt: string | null;
  /** The event it cannot apply, when it stopped at one; null while it runs. */
  readonly stopped: ProjectionStop | null;
}

export async function projectionStatus(ctx: RunnerContext, live: ReadonlyMap<string, Live>): Promise<ProjectionStatus[]> {
  const { store, readModels, projections } = ctx.options;
  const head = await store.head();
  const checkpoints = new Map((await listCheckpoints(readModels)).map((c) => [c.name, c]));
  const stops = await listStops(readModels);
  return projections.map((p) => {
    const cp = checkpoints.get(p.name);
    const l = live.get(p.name);
    const position = cp && cp.version === p.version ? cp.position : 0;
    // this runner's own stop, or one another runner recorded (a projector elsewhere, the CLI's rebuild)
    const stored = stops.get(p.name);
    const stopped = l?.stopped ?? (cp?.version === p.version && stillStopped(stored, cp) ? stored! : null);
    return {
      name: p.name,
      version: p.version,
      position,
      head,
      lag: Math.max(0, head - position),
      running: l?.running ?? false,
      caughtUp: stopped ? false : (l?.caughtUp ?? position >= head),
      lastError: stopped ? stoppedMessage(stopped) : (l?.lastError ?? null),
      updatedAt: cp?.updatedAt ?? null,
      stopped: stopped ?? null,
    };
  });
}
