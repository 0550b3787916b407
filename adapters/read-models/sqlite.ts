import type Database from 'better-sqlite3';
import { openTrunklineSqlite } from '../event-store/sqlite-file';
import { backgroundCheckpoints } from '../event-store/sqlite-checkpointer';
import { CHECKPOINT_SCHEMA, type ReadModelStore, type SqlTx, type SqlValue } from '../../projections/read-model-store';

/**
 * Read models in their own SQLite file. Transactions are BEGIN IMMEDIATE, so a checkpoint read
 * and its update cannot interleave with another process's; inside this process a queue keeps
 * async transactions on the one connection from overlapping.
 */
export function sqliteReadModelStore(path: string): ReadModelStore {
  const db = openTrunklineSqlite(path, 'read-model', `${CHECKPOINT_SCHEMA};`);
  // rebuildable from the log, and the checkpoint commits with the rows: a commit need not wait for the disk
  db.pragma('synchronous = NORMAL');
  const checkpoints = backgroundCheckpoints(db, path);
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
      await checkpoints.stop();
      db.close();
    },
  };
}
