import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore } from '../core/event-store';
import { eventCodec } from '../core/events/codec';
import { engineEvents } from '../core/events/registry';
import { systemClock } from '../core/clock';
import type { Projection } from '../application/ports/projection';
import type { SqlTx, SqlValue } from '../application/ports/read-model-store';
import { sqliteReadModelStore } from '../adapters/read-models/sqlite';
import { insertRows } from '../projections/sql-rows';
import { projectionRunner } from '../projections/runner';
import { schemaOf } from './rebuild-floor';

interface Table {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly SqlValue[][];
  written: number;
}

/** The tables (and their indexes) a rebuild left in `dir`'s read models whose names start with one of `prefixes`, or all of them. */
function rebuiltTables(dir: string, prefixes?: readonly string[]): { schema: string[]; tables: Table[] } {
  const source = new Database(join(dir, 'read-models.sqlite'), { readonly: true });
  try {
    // the engine's own tables (checkpoints, stops) are the runner's to write, not the projection's
    const entries = schemaOf(source, 'main', prefixes).filter((s) => !s.tbl_name.startsWith('trunkline_'));
    const tables = entries
      .filter((s) => s.type === 'table')
      .map((s) => {
        const read = source.prepare(`SELECT * FROM "${s.name}" ORDER BY rowid`).raw(true);
        return { name: s.name, columns: read.columns().map((c) => c.name), rows: read.all() as SqlValue[][], written: 0 };
      });
    // as stored, `CREATE TABLE t (…)`: made repeatable for setup
    const schema = entries.map((s) => s.sql.replace(/^CREATE (UNIQUE )?(TABLE|INDEX) /, 'CREATE $1$2 IF NOT EXISTS '));
    return { schema, tables };
  } finally {
    source.close();
  }
}

function eventsOfTypes(dir: string, handles?: readonly string[]): number {
  const log = new Database(join(dir, 'events.sqlite'), { readonly: true });
  try {
    const where = handles ? `WHERE type IN (${handles.map(() => '?').join(', ')})` : '';
    return log.prepare<SqlValue[], { n: number }>(`SELECT count(*) AS n FROM events ${where}`).get(...(handles ?? []))!.n;
  } finally {
    log.close();
  }
}

/**
 * The ceiling of a rebuild: seconds a rebuild takes whose projection computes nothing. The runner
 * reads the log as every rebuild does, in batches each committed with its checkpoint; the
 * projection validates each event of the types given (every type when none are) with the engine's
 * schemas, as a projection must before it reads an event's data, and writes rows known before it
 * started: the rows the rebuild of the projections in question left in `dir`'s read models (of
 * the tables whose names start with one of `prefixes`, or of every table), each once, through the
 * engine's multi-row INSERTs, spread over the batches in step with the events applied. Into an
 * empty read-model file, opened as the engine opens its own. No rebuild that validates what it
 * reads and writes its rows through SQL statements can beat it; what lies between a rebuild and
 * its ceiling is the computing of its rows.
 */
export async function ceilingSeconds(
  dir: string,
  store: EventStore,
  options: { readonly handles?: readonly string[]; readonly prefixes?: readonly string[] } = {},
): Promise<{ seconds: number; rows: number }> {
  const { schema, tables } = rebuiltTables(dir, options.prefixes);
  const total = eventsOfTypes(dir, options.handles);
  const scratch = mkdtempSync(join(tmpdir(), 'trunkline-bench-ceiling-'));
  const readModels = sqliteReadModelStore(join(scratch, 'read-models.sqlite'));
  // a codec of its own: the engine's remember what they decoded on the event, and a fresh read must not find that
  const codec = eventCodec(engineEvents);
  let applied = 0;
  const setup = async (tx: SqlTx) => {
    for (const sql of schema) await tx.run(sql);
  };
  const computesNothing: Projection = {
    name: 'bench_ceiling',
    version: 1,
    ...(options.handles ? { handles: options.handles } : {}),
    setup,
    async reset(tx) {
      for (const t of tables) await tx.run(`DROP TABLE IF EXISTS "${t.name}"`);
      await setup(tx);
    },
    async apply(event, tx) {
      await computesNothing.applyBatch!([event], tx);
    },
    async applyBatch(events, tx) {
      for (const e of events) codec.decode(e);
      applied += events.length;
      for (const t of tables) {
        const upTo = Math.floor((t.rows.length * applied) / total);
        await insertRows(tx, t.name, t.columns, t.rows.slice(t.written, upTo));
        t.written = upTo;
      }
    },
  };
  try {
    const runner = projectionRunner({ store, readModels, projections: [computesNothing], clock: systemClock });
    const started = performance.now();
    const outcomes = await runner.rebuildTogether([computesNothing.name]);
    const seconds = (performance.now() - started) / 1000;
    const failed = outcomes.find((o) => 'error' in o);
    if (failed) throw new Error(`the ceiling's rebuild failed: ${String((failed as { error: unknown }).error)}`);
    const short = tables.find((t) => t.written !== t.rows.length);
    if (short) throw new Error(`the ceiling wrote ${short.written} of ${short.rows.length} rows of ${short.name}`);
    return { seconds, rows: tables.reduce((n, t) => n + t.rows.length, 0) };
  } finally {
    await readModels.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
