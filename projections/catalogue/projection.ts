import type { RecordedEvent } from '../../core/events/envelope';
import type { SqlTx } from '../../application/ports/read-model-store';
import type { Projection } from '../../application/ports/projection';

interface StreamDelta {
  events: number;
  lastVersion: number;
  lastPosition: number;
  first: string;
  last: string;
}

const upsertStream = `INSERT INTO catalogue_streams (stream, events, last_version, last_position, first_recorded_at, last_recorded_at)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (stream) DO UPDATE SET events = catalogue_streams.events + excluded.events, last_version = excluded.last_version,
    last_position = excluded.last_position, last_recorded_at = excluded.last_recorded_at`;
const upsertType = `INSERT INTO catalogue_types (type, events, last_recorded_at) VALUES (?, ?, ?)
  ON CONFLICT (type) DO UPDATE SET events = catalogue_types.events + excluded.events, last_recorded_at = excluded.last_recorded_at`;

/** Folds a batch into one upsert per stream and per type touched. */
async function applyBatch(events: readonly RecordedEvent[], tx: SqlTx): Promise<void> {
  const streams = new Map<string, StreamDelta>();
  const types = new Map<string, { events: number; last: string }>();
  for (const e of events) {
    const s = streams.get(e.stream);
    if (s) {
      s.events += 1;
      s.lastVersion = e.version;
      s.lastPosition = e.position;
      s.last = e.recordedAt;
    } else {
      streams.set(e.stream, { events: 1, lastVersion: e.version, lastPosition: e.position, first: e.recordedAt, last: e.recordedAt });
    }
    const t = types.get(e.type);
    if (t) {
      t.events += 1;
      t.last = e.recordedAt;
    } else types.set(e.type, { events: 1, last: e.recordedAt });
  }
  for (const [stream, d] of streams) await tx.run(upsertStream, [stream, d.events, d.lastVersion, d.lastPosition, d.first, d.last]);
  for (const [type, d] of types) await tx.run(upsertType, [type, d.events, d.last]);
}

/** Every stream with its event count and last version, and event counts by type. */
export const catalogueProjection: Projection = {
  name: 'catalogue',
  version: 1,
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS catalogue_streams (
      stream TEXT PRIMARY KEY, events BIGINT NOT NULL, last_version INTEGER NOT NULL,
      last_position BIGINT NOT NULL, first_recorded_at TEXT NOT NULL, last_recorded_at TEXT NOT NULL)`);
    await tx.run(
      'CREATE TABLE IF NOT EXISTS catalogue_types (type TEXT PRIMARY KEY, events BIGINT NOT NULL, last_recorded_at TEXT NOT NULL)',
    );
  },
  async reset(tx) {
    await tx.run('DELETE FROM catalogue_streams');
    await tx.run('DELETE FROM catalogue_types');
  },
  apply: (e, tx) => applyBatch([e], tx),
  applyBatch,
};
