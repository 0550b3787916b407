import type { ProjectionStatus } from '../../../projections/runner';

/**
 * What readiness says of projections stopped at an event they cannot apply: the event, never
 * the error (that is in the log and in `trunkline projections status`).
 */
export function stoppedProjections(projections: readonly ProjectionStatus[]): string[] {
  return projections.flatMap((p) =>
    p.stopped ? [`projection ${p.name} stopped at event ${p.stopped.position} (${p.stopped.eventId}, ${p.stopped.type})`] : [],
  );
}
