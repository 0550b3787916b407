import type { Projection } from '../projection';

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
  async apply(e, tx) {
    await tx.run(
      `INSERT INTO catalogue_streams (stream, events, last_version, last_position, first_recorded_at, last_recorded_at)
       VALUES (?, 1, ?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET events = catalogue_streams.events + 1, last_version = excluded.last_version,
         last_position = excluded.last_position, last_recorded_at = excluded.last_recorded_at`,
      [e.stream, e.version, e.position, e.recordedAt, e.recordedAt],
    );
    await tx.run(
      `INSERT INTO catalogue_types (type, events, last_recorded_at) VALUES (?, 1, ?)
       ON CONFLICT (type) DO UPDATE SET events = catalogue_types.events + 1, last_recorded_at = excluded.last_recorded_at`,
      [e.type, e.recordedAt],
    );
  },
};
