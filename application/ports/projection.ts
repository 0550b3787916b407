import type { RecordedEvent } from '../../core/events/envelope';
import type { SqlTx } from './read-model-store';

/**
 * A read model fed from the log. `apply` runs inside the transaction that also moves the
 * projection's checkpoint, so each event's effect lands exactly once. Bump `version` when what
 * `apply` writes changes: the runner then resets and rebuilds it from the first event.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  /** Event types it reads; others only move its checkpoint. Omitted: every type. */
  readonly handles?: readonly string[];
  /** Creates its tables if they are missing. */
  setup(tx: SqlTx): Promise<void>;
  /** Empties its tables before a rebuild. */
  reset(tx: SqlTx): Promise<void>;
  apply(event: RecordedEvent, tx: SqlTx): Promise<void>;
  /**
   * Optional: applies a batch (already filtered by `handles`, in order) in one go, for
   * projections that can fold many events into few writes. Must equal applying each in turn.
   * `bounds`, when the runner knows them, say where the stored tables stand: a projection may
   * keep rows it read for the next batch that starts where this one ends (nothing else wrote
   * in between), and must not trust them after a call without bounds.
   */
  applyBatch?(events: readonly RecordedEvent[], tx: SqlTx, bounds?: BatchBounds): Promise<void>;
}

/**
 * The checkpoint a batch starts from and the one it leaves. A batch whose `after` equals the
 * last batch's `through`, in the same generation, finds the tables as that batch left them: any
 * other writer (another node, a rebuild, a rollback) would have moved or kept the checkpoint
 * elsewhere.
 */
export interface BatchBounds {
  readonly generation: number;
  readonly after: number;
  readonly through: number;
}
