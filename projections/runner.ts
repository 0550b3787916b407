import { catchUp, rebuild, rebuildTogether } from './runner/catch-up';
import { runnerContext } from './runner/context';
import { startFollowing, stopFollowing } from './runner/lifecycle';
import type { Live } from './runner/live';
import type { Progress, ProjectionRunnerOptions } from './runner/options';
import { projectionStatus } from './runner/status';

export { UnknownProjectionError } from './runner/context';
export type { CaughtUp } from './runner/catch-up';
export type { Progress, ProjectionRunnerOptions } from './runner/options';
export type { ProjectionStatus } from './runner/status';

/** Feeds projections from the log and keeps their checkpoints with their writes. */
export function projectionRunner(options: ProjectionRunnerOptions) {
  const ctx = runnerContext(options);
  const live = new Map<string, Live>();
  return {
    names: () => options.projections.map((p) => p.name),
    /** Processes the log up to the head as it is now; returns the position reached. */
    catchUp: (name: string, onProgress?: (p: Progress) => void) => catchUp(ctx, name, onProgress),
    /** Empties the projection and replays the whole log into it. */
    rebuild: (name: string, onProgress?: (p: Progress) => void) => rebuild(ctx, name, onProgress),
    /** Empties the projections named (all by default) and replays the log into them in one shared pass. */
    rebuildTogether: (names: readonly string[] = options.projections.map((p) => p.name), onProgress?: (p: Progress) => void) =>
      rebuildTogether(ctx, names, onProgress),
    /** Creates every projection's tables (rebuilding those whose version changed), then follows the log live. */
    start: () => startFollowing(ctx, live),
    stop: () => stopFollowing(live),
    status: () => projectionStatus(ctx, live),
  };
}

export type ProjectionRunner = ReturnType<typeof projectionRunner>;
