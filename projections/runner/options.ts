import type { EventStore } from '../../core/event-store';
import type { Clock } from '../../core/clock';
import type { Projection } from '../../application/ports/projection';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import type { EventNotAppliedError } from '../stops';

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly projections: readonly Projection[];
  readonly clock: Clock;
  readonly batchSize?: number;
  readonly onError?: (projection: string, error: unknown) => void;
  /** Told once when a projection stops at an event it cannot apply. */
  readonly onStop?: (projection: string, error: EventNotAppliedError) => void;
  /** How often a stopped projection looks whether it was rebuilt (or moved on elsewhere); default 2000 ms. */
  readonly stoppedPollMs?: number;
  /**
   * Told after each committed batch: the position the projection reached and how many of the
   * batch's events it applied (0 when none was of a type it handles: nothing it shows changed).
   */
  readonly onBatch?: (projection: string, position: number, applied: number) => void;
}

export interface Progress {
  readonly projection: string;
  readonly position: number;
  readonly target: number;
  readonly applied: number;
}
