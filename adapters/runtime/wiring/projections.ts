import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock';
import type { EventStore } from '../../../core/event-store';
import type { Projection } from '../../../application/ports/projection';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { projectionRunner, type ProjectionRunner } from '../../../projections/runner';

/** The runner of every registered projection; it starts only when a command or `serve` starts it. */
export function projectionsRunner(deps: {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly projections: readonly Projection[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Told after each batch a projection commits, with the number of events it applied. */
  readonly onBatch: (projection: string, applied: number) => void;
}): ProjectionRunner {
  const { logger } = deps;
  return projectionRunner({
    store: deps.store,
    readModels: deps.readModels,
    projections: deps.projections,
    clock: deps.clock,
    onError: (projection, error) => logger.error({ projection, err: error }, 'projection failed; retrying'),
    onStop: (projection, error) =>
      logger.error(
        { projection, position: error.event.position, eventId: error.event.id, type: error.event.type, reason: error.reason },
        'projection stopped: it cannot apply this event; the others go on (fix, then `trunkline projections rebuild`)',
      ),
    onBatch: (projection, _position, applied) => deps.onBatch(projection, applied),
  });
}
