import type Database from 'better-sqlite3';
import { addDecimals } from '../../core/decimal-text';
import { openTrunklineSqlite } from '../event-store/sqlite-file';
import { backgroundCheckpoints } from '../event-store/sqlite-checkpointer';
import type { ReadModelStore, SqlTx, SqlValue } from '../../application/ports/read-model-store';
import { CHECKPOINT_SCHEMA } from '../../projections/checkpoints';

/**
 * Read models in their own SQLite file. Transactions are BEGIN IMMEDIATE, so a checkpoint read
 * and its update cannot interleave with another process's; inside this process a queue keeps
 * async transactions on the one connection from overlapping.
 */
/** `checkpointInBackground`: as for the SQLite event store (a one-shot command turns it off). */
export function sqliteReadModelStore(path: string, options: { readonly checkpointInBackground?: boolean } = {}): ReadModelStore {
  const db = openTrunklineSqlite(path, 'read-model', `${CHECKPOINT_SCHEMA};`);
  // rebuildable from the log, and the checkpoint commits with the rows: a commit need not wait for the disk
  db.pragma('synchronous = NORMAL');
  const checkpoints = options.checkpointInBackground === false ? null : backgroundCheckpoints(db, path);
  registerDecimalFunctions(db);
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const tx: SqlTx = {
    dialect: 'sqlite',
    async run(sql, params = []) {
      prepare(sql).run(...(params as SqlValue[]));
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).all(...(params as SqlValue[])) as T[];
    },
    async get<T>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).get(...(params as SqlValue[])) as T | undefined;
    },
  };
  let queue: Promise<unknown> = Promise.resolve();

  return {
    dialect: 'sqlite',
    description: `sqlite:${path}`,
    transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
      const run = async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(tx);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
    // BEGIN IMMEDIATE already excludes every other writer of the file, schema changes included
    migrate<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
      return this.transaction(fn);
    },
    async query<T>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).all(...(params as SqlValue[])) as T[];
    },
    async ping() {
      prepare('SELECT 1').get();
    },
    async close() {
      await queue;
      await checkpoints?.stop();
      db.close();
    },
  };
}

/** A value SQLite hands a decimal function: a decimal string, or a whole number it stored as one. */
function decimalText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) return String(v);
  throw new TypeError(`not a decimal amount: ${String(v)}`);
}

/**
 * `decimal_sum(x)` and `decimal_add(a, b)`: exact sums of decimal strings (see
 * projections/decimal-sql.ts), where SQLite's own would overflow 64 bits or round through a double.
 */
function registerDecimalFunctions(db: Database.Database): void {
  db.function('decimal_add', { deterministic: true }, (a: unknown, b: unknown) =>
    a === null || b === null ? null : addDecimals(decimalText(a), decimalText(b)),
  );
  db.aggregate('decimal_sum', {
    start: () => null as string | null,
    step: (sum: string | null, v: unknown) => (v === null ? sum : sum === null ? decimalText(v) : addDecimals(sum, decimalText(v))),
  });
}
