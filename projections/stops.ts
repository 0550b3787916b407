import type { RecordedEvent } from '../core/events/envelope';
import type { Checkpoint } from './checkpoints';
import type { ReadModelStore, SqlTx } from '../application/ports/read-model-store';

/** Where a projection stopped: the event it cannot apply, and why. */
export interface ProjectionStop {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly error: string;
  /** The checkpoint generation it stopped in: a rebuild starts another, and the projection tries again. */
  readonly generation: number;
  readonly stoppedAt: string;
}

/** A projection met an event it cannot apply: it stops there (the others go on) until a fix and a rebuild. */
export class EventNotAppliedError extends Error {
  override readonly name = 'EventNotAppliedError';
  constructor(
    readonly projection: string,
    readonly event: Pick<RecordedEvent, 'position' | 'id' | 'type'>,
    readonly reason: string,
  ) {
    super(`projection ${projection} stopped at event ${event.position} (${event.id}, ${event.type}): ${reason}`);
  }
}

interface Row {
  name: string;
  generation: number;
  position: number | string;
  event_id: string;
  event_type: string;
  error: string;
  stopped_at: string;
}

/** Kept in the read models, so `trunkline projections status` and every node see it, not only the runner that stopped. */
export async function writeStop(tx: SqlTx, name: string, s: ProjectionStop): Promise<void> {
  await tx.run(
    `INSERT INTO trunkline_projection_stops (name, generation, position, event_id, event_type, error, stopped_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET generation = excluded.generation, position = excluded.position,
       event_id = excluded.event_id, event_type = excluded.event_type, error = excluded.error, stopped_at = excluded.stopped_at`,
    [name, s.generation, s.position, s.eventId, s.type, s.error, s.stoppedAt],
  );
}

export async function listStops(store: ReadModelStore): Promise<Map<string, ProjectionStop>> {
  const rows = await store.query<Row>('SELECT * FROM trunkline_projection_stops');
  return new Map(
    rows.map((r) => [
      r.name,
      {
        generation: Number(r.generation),
        position: Number(r.position),
        eventId: r.event_id,
        type: r.event_type,
        error: r.error,
        stoppedAt: r.stopped_at,
      },
    ]),
  );
}

/** A stop still holds while the checkpoint is the one it stopped in and has not passed its event (a fixed runner elsewhere may have). */
export function stillStopped(stop: ProjectionStop | undefined, cp: Pick<Checkpoint, 'generation' | 'position'> | undefined): boolean {
  return stop !== undefined && cp !== undefined && cp.generation === stop.generation && cp.position < stop.position;
}
