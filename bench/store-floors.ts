/**
 * The bare floors bench:store compares the event stores with: the least any store can do to
 * append the same events to the same table (its columns, keys and uniqueness) and read them back,
 * with no expected-version check, no deduplication, no lock and no validation.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { SQLITE_EVENT_SCHEMA } from '../adapters/event-store/sqlite';
import { POSTGRES_EVENT_SCHEMA } from '../adapters/event-store/postgres-schema';
import type { EventToAppend } from '../core/events/envelope';

export interface BareStore {
  append(stream: string, events: readonly EventToAppend[]): void | Promise<void>;
  /** Between steps, untimed: what the store's own background work would have done meanwhile. */
  settle(): Promise<void>;
  /** Events per second of reading every event back, data and metadata parsed. */
  readRate(): Promise<{ events: number; perSecond: number }>;
  close(): Promise<void>;
}

/** Each stream's last version, kept in memory: the bare writer is the only one. */
function versions() {
  const last = new Map<string, number>();
  return (stream: string): number => {
    const next = (last.get(stream) ?? -1) + 1;
    last.set(stream, next);
    return next;
  };
}

/**
 * better-sqlite3 on a file in WAL mode, one transaction per append of one prepared INSERT a row.
 * It never checkpoints while a step runs (the store checkpoints on a thread of its own, which
 * still costs a core here), and checkpoints the whole WAL between steps, untimed, so that its
 * reads do not search a WAL of hundreds of megabytes the store's would not have.
 */
export function bareSqlite(path: string, synchronous: 'normal' | 'full'): BareStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec(SQLITE_EVENT_SCHEMA);
  const insert = db.prepare(
    'INSERT INTO events (id, stream, version, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const nextVersion = versions();
  const append = db.transaction((stream: string, events: readonly EventToAppend[]) => {
    const at = new Date().toISOString();
    for (const e of events)
      insert.run(e.id, stream, nextVersion(stream), e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), at);
  });
  return {
    append: (stream, events) => {
      append(stream, events);
    },
    async settle() {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async readRate() {
      const rows = db
        .prepare('SELECT position, id, stream, version, type, schema_version, data, metadata, recorded_at FROM events ORDER BY position')
        .raw(true);
      const started = process.hrtime.bigint();
      let events = 0;
      for (const r of rows.iterate() as Iterable<unknown[]>) {
        if (JSON.parse(r[6] as string) !== null && JSON.parse(r[7] as string) !== null) events++;
      }
      return { events, perSecond: events / (Number(process.hrtime.bigint() - started) / 1e9) };
    },
    async close() {
      db.close();
    },
  };
}

/** node-postgres: one prepared INSERT … SELECT FROM unnest(…) per append, its own implicit transaction. */
export async function barePostgres(url: string): Promise<BareStore> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(POSTGRES_EVENT_SCHEMA);
  const nextVersion = versions();
  let head = 0;
  return {
    async append(stream, events) {
      const at = new Date().toISOString();
      // a named statement: parsed and planned once, as the store's function is
      await client.query({
        name: 'bare-append',
        text: `INSERT INTO trunkline_events (position, id, stream, version, type, schema_version, data, metadata, recorded_at)
         SELECT u.position, u.id, $3, u.version, u.type, u.schema_version, u.data::json, u.meta::json, $4
         FROM unnest($1::bigint[], $2::uuid[], $5::integer[], $6::text[], $7::integer[], $8::text[], $9::text[])
           AS u(position, id, version, type, schema_version, data, meta)`,
        values: [
          events.map((_, i) => head + i + 1),
          events.map((e) => e.id),
          stream,
          at,
          events.map(() => nextVersion(stream)),
          events.map((e) => e.type),
          events.map((e) => e.schemaVersion),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
        ],
      });
      head += events.length;
    },
    async settle() {},
    async readRate() {
      const started = process.hrtime.bigint();
      let events = 0;
      for (let last = 0; ;) {
        // json columns come back parsed by the driver, as the store's reads do
        const { rows } = await client.query<{ position: string; data: unknown; metadata: unknown }>(
          'SELECT position, id, stream, version, type, schema_version, data, metadata, recorded_at FROM trunkline_events WHERE position > $1 ORDER BY position LIMIT 5000',
          [last],
        );
        for (const r of rows) if (r.data !== null && r.metadata !== null) events++;
        if (rows.length < 5000) break;
        last = Number(rows[rows.length - 1]!.position);
      }
      return { events, perSecond: events / (Number(process.hrtime.bigint() - started) / 1e9) };
    },
    async close() {
      await client.end();
    },
  };
}
