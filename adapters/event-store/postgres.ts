import pg from 'pg';
import {
  EventIdConflictError,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type EventStore,
  type ExpectedVersion,
  type Subscription,
} from '../../core/event-store';
import type { EventToAppend, RecordedEvent } from '../../core/events/envelope';
import { systemClock, type Clock } from '../../core/clock';
import { validateBatch, validateExpected } from './append-rules';
import { liveSubscription, localChangeSignal } from './live-subscription';
import { POSTGRES_EVENT_SCHEMA } from './postgres-schema';
import { connectPool } from './postgres-pool';
import { postgresWriteProbe } from './postgres-write-probe';
import type { WriteProbed } from './write-probed';
import { migrateUnderLock } from './postgres-migrate';

export interface PostgresEventStoreOptions {
  readonly url: string;
  readonly clock?: Clock;
  readonly poolSize?: number;
  /** Fallback poll for a missed notification; LISTEN/NOTIFY makes subscriptions prompt. */
  readonly pollMs?: number;
}

interface EventRow {
  position: string;
  id: string;
  stream: string;
  version: number;
  type: string;
  schema_version: number;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  recorded_at: Date;
}

const COLUMNS = 'position, id, stream, version, type, schema_version, data, metadata, recorded_at';

function toEvent(r: EventRow): RecordedEvent {
  return {
    id: r.id,
    type: r.type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    stream: r.stream,
    version: r.version,
    position: Number(r.position),
    recordedAt: r.recorded_at.toISOString(),
  };
}

function mapAppendError(error: unknown, stream: string, expected: ExpectedVersion, events: readonly EventToAppend[]): never {
  const e = error as { code?: string; detail?: string };
  if (e.code === 'TL003') throw new WrongExpectedVersionError(stream, expected, e.detail ? Number(e.detail) : null);
  if (e.code === 'TL002') throw new EventIdConflictError(events[0]!.id, `already stored in stream ${e.detail ?? '?'}, not ${stream}`);
  if (e.code === 'TL001')
    throw new EventIdConflictError(e.detail ?? events[0]!.id, 'this batch repeats some stored events and adds new ones');
  throw error;
}

/** The event store on PostgreSQL: one table, appends serialized by an advisory lock. */
export async function postgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore & WriteProbed> {
  const clock = options.clock ?? systemClock;
  const pool = await connectPool(options.url, options.poolSize ?? 10);
  await migrateUnderLock(pool, POSTGRES_EVENT_SCHEMA);
  const change = localChangeSignal();
  let listener: pg.Client | null = null;

  async function listen(): Promise<void> {
    if (listener) return;
    const client = new pg.Client({ connectionString: options.url });
    listener = client;
    client.on('notification', () => change.notify());
    client.on('error', () => {
      // a lost LISTEN connection only costs promptness: the poll still finds every event
      listener = null;
    });
    await client.connect();
    await client.query('LISTEN trunkline_events');
  }

  async function* readAll(after = 0, batchSize = 1000): AsyncGenerator<RecordedEvent> {
    let last = after;
    for (;;) {
      const { rows } = await pool.query<EventRow>(
        `SELECT ${COLUMNS} FROM trunkline_events WHERE position > $1 ORDER BY position LIMIT $2`,
        [last, batchSize],
      );
      for (const r of rows) yield toEvent(r);
      if (rows.length < batchSize) return;
      last = Number(rows[rows.length - 1]!.position);
    }
  }

  return {
    probeWrite: postgresWriteProbe(pool),
    description: `postgres:${new URL(options.url).host}${new URL(options.url).pathname}`,
    async append(stream, events, expected) {
      validateBatch(stream, events);
      validateExpected(expected);
      try {
        const { rows } = await pool.query<{ next_version: number; last_position: string; deduplicated: boolean }>(
          'SELECT * FROM trunkline_append($1, $2, $3, $4, $5, $6, $7, $8)',
          [
            stream,
            String(expected),
            events.map((e) => e.id),
            events.map((e) => e.type),
            events.map((e) => e.schemaVersion),
            events.map((e) => JSON.stringify(e.data)),
            events.map((e) => JSON.stringify(e.metadata)),
            clock.now(),
          ],
        );
        const r = rows[0]!;
        return { nextVersion: r.next_version, position: Number(r.last_position), deduplicated: r.deduplicated };
      } catch (error) {
        return mapAppendError(error, stream, expected, events);
      }
    },
    async *readStream(stream, fromVersion = 0) {
      let from = fromVersion;
      for (;;) {
        const { rows } = await pool.query<EventRow>(
          `SELECT ${COLUMNS} FROM trunkline_events WHERE stream = $1 AND version >= $2 ORDER BY version LIMIT 1000`,
          [stream, from],
        );
        for (const r of rows) yield toEvent(r);
        if (rows.length < 1000) return;
        from = rows[rows.length - 1]!.version + 1;
      }
    },
    readAll,
    subscribe(afterPosition = 0): Subscription {
      const ready = listen().catch(() => {
        listener = null;
      });
      return liveSubscription(
        (after) => readAll(after),
        {
          seq: change.seq,
          async wait(since, ms, abort) {
            await ready;
            await change.wait(since, ms, abort);
          },
        },
        afterPosition,
        options.pollMs ?? 500,
      );
    },
    async head() {
      try {
        const { rows } = await pool.query<{ p: string | null }>('SELECT max(position) AS p FROM trunkline_events');
        return Number(rows[0]?.p ?? 0);
      } catch (error) {
        throw new EventStoreUnavailableError(`postgres: ${(error as Error).message}`, { cause: error });
      }
    },
    async close() {
      change.notify();
      const l = listener;
      listener = null;
      await l?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
