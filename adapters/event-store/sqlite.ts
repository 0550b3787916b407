import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { AppendResult, EventStore, ExpectedVersion, Subscription } from '../../core/event-store';
import { EventStoreUnavailableError } from '../../core/event-store';
import type { EventToAppend, RecordedEvent } from '../../core/events/envelope';
import { systemClock, type Clock } from '../../core/clock';
import { checkExpected, dedupOutcome, validateBatch, validateExpected, type StoredId } from './append-rules';
import { liveSubscription, localChangeSignal, processChangeSignal } from './live-subscription';
import { openTrunklineSqlite } from './sqlite-file';
import { backgroundCheckpoints } from './sqlite-checkpointer';
import { sqliteWriteProbe } from './sqlite-write-probe';
import type { WriteProbed } from './write-probed';

export interface SqliteEventStoreOptions {
  readonly path: string;
  /** `normal` survives any process crash; `full` also survives power loss, at a third of the speed. */
  readonly synchronous?: 'normal' | 'full';
  readonly clock?: Clock;
  /** How often a subscription looks for events appended by another process. */
  readonly pollMs?: number;
  /**
   * Wake the subscriptions of other threads of this process on the same file at each commit
   * (a projection thread follows this one's appends). Every store hears such wake-ups; only
   * the writer whose readers live in another thread needs to send them.
   */
  readonly wakeOtherThreads?: boolean;
  /**
   * Checkpoint the WAL from a worker thread (default). A one-shot command turns it off: starting
   * a thread costs more than the few checkpoints its short life needs, which SQLite then runs itself.
   */
  readonly checkpointInBackground?: boolean;
  /** Given the connection once open: tests limit it (`max_page_count`) to stand for a full disk. */
  readonly onOpen?: (db: Database.Database) => void;
}

/** Rows come back as arrays (`raw` mode): a third faster than objects keyed by column name. */
type EventRow = [
  position: number,
  id: string,
  stream: string,
  version: number,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  recordedAt: string,
];
const COLUMNS = 'position, id, stream, version, type, schema_version, data, metadata, recorded_at';

/** The log's table, for tools that must build the same one (the store bench's bare floor). */
export const SQLITE_EVENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,
  id             TEXT    NOT NULL UNIQUE,
  stream         TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  recorded_at    TEXT    NOT NULL,
  UNIQUE (stream, version)
);`;

function toEvent([position, id, stream, version, type, schemaVersion, data, metadata, recordedAt]: EventRow): RecordedEvent {
  return { id, type, schemaVersion, data: JSON.parse(data), metadata: JSON.parse(metadata), stream, version, position, recordedAt };
}

/** The embedded default: one SQLite file in WAL mode; positions are rowids, so gap-free. */
export function sqliteEventStore(options: SqliteEventStoreOptions): EventStore & WriteProbed {
  const clock = options.clock ?? systemClock;
  const db = openTrunklineSqlite(options.path, 'events', SQLITE_EVENT_SCHEMA);
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  const checkpoints = options.checkpointInBackground === false ? null : backgroundCheckpoints(db, options.path);
  options.onOpen?.(db);
  // a file is shared with the projection worker thread; an in-memory database with nobody
  const change =
    options.path === ':memory:'
      ? { ...localChangeSignal(), close: () => undefined }
      : processChangeSignal(`trunkline:sqlite:${resolve(options.path)}`, options.wakeOtherThreads ?? false);
  const byId = db.prepare<[string], StoredId>('SELECT id, stream, version, position FROM events WHERE id = ?');
  const streamVersion = db.prepare<[string], { v: number | null }>('SELECT max(version) AS v FROM events WHERE stream = ?');
  const headStmt = db.prepare<[], { p: number | null }>('SELECT max(position) AS p FROM events');
  const insert = db.prepare(
    `INSERT INTO events (position, id, stream, version, type, schema_version, data, metadata, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const readAllStmt = db
    .prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
    .raw(true);
  const readStreamStmt = db
    .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND version >= ? ORDER BY version LIMIT ?`)
    .raw(true);

  const appendTx = db.transaction((stream: string, events: readonly EventToAppend[], expected: ExpectedVersion): AppendResult => {
    const replay = dedupOutcome(stream, events, (id) => byId.get(id));
    if (replay) return replay;
    const current = streamVersion.get(stream)?.v ?? null;
    checkExpected(stream, expected, current);
    let position = headStmt.get()?.p ?? 0;
    let version = current ?? -1;
    const recordedAt = clock.now().toISOString();
    for (const e of events) {
      position += 1;
      version += 1;
      insert.run(position, e.id, stream, version, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), recordedAt);
    }
    return { nextVersion: version, position, deduplicated: false };
  });

  /**
   * Group commit: the appends that arrive in one turn of the event loop share one transaction,
   * each in its own savepoint (a conflict fails that append alone). BEGIN and COMMIT, and the
   * WAL frames of the index pages, are paid once per group instead of once per append; every
   * caller still hears back only after the COMMIT.
   */
  interface PendingAppend {
    readonly stream: string;
    readonly events: readonly EventToAppend[];
    readonly expected: ExpectedVersion;
    readonly resolve: (r: AppendResult) => void;
    readonly reject: (e: unknown) => void;
  }
  let pending: PendingAppend[] = [];
  const groupTx = db.transaction((group: readonly PendingAppend[]) =>
    group.map((p): { ok: AppendResult } | { error: unknown } => {
      try {
        return { ok: appendTx(p.stream, p.events, p.expected) };
      } catch (error) {
        // SQLITE_FULL, _IOERR and the like roll the whole transaction back: the group fails with that error, not a COMMIT's
        if (!db.inTransaction) throw error;
        return { error };
      }
    }),
  );
  function commitPending() {
    const group = pending;
    pending = [];
    let outcomes: ({ ok: AppendResult } | { error: unknown })[];
    try {
      outcomes = groupTx.immediate(group);
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    if (outcomes.some((o) => 'ok' in o && !o.ok.deduplicated)) change.notify();
    outcomes.forEach((o, i) => ('ok' in o ? group[i]!.resolve(o.ok) : group[i]!.reject(o.error)));
  }

  async function* readAll(after = 0, batchSize = 1000): AsyncGenerator<RecordedEvent> {
    let last = after;
    for (;;) {
      const rows = readAllStmt.all(last, batchSize);
      for (const r of rows) yield toEvent(r);
      if (rows.length < batchSize) return;
      last = rows[rows.length - 1]![0];
    }
  }

  return {
    description: `sqlite:${options.path}`,
    async append(stream, events, expected) {
      validateBatch(stream, events);
      validateExpected(expected);
      return new Promise<AppendResult>((resolve, reject) => {
        if (pending.push({ stream, events, expected, resolve, reject }) === 1) setImmediate(commitPending);
      });
    },
    async *readStream(stream, fromVersion = 0) {
      let from = fromVersion;
      for (;;) {
        const rows = readStreamStmt.all(stream, from, 1000);
        for (const r of rows) yield toEvent(r);
        if (rows.length < 1000) return;
        from = rows[rows.length - 1]![3] + 1;
      }
    },
    readAll,
    subscribe(afterPosition = 0): Subscription {
      // under load every append wakes the subscription: gathering 5 ms of them makes one read of many
      return liveSubscription((after) => readAll(after), change, afterPosition, options.pollMs ?? 200, 5);
    },
    async head() {
      try {
        return headStmt.get()?.p ?? 0;
      } catch (error) {
        throw new EventStoreUnavailableError(`sqlite ${options.path}: ${(error as Error).message}`, { cause: error });
      }
    },
    probeWrite: sqliteWriteProbe(db, options.path),
    async close() {
      change.notify();
      change.close();
      await checkpoints?.stop();
      db.close();
    },
  };
}
