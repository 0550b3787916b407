import type pg from 'pg';
import { connectPool } from '../event-store/postgres-pool';
import { migrateUnderLock, SCHEMA_LOCK_KEY } from '../event-store/postgres-migrate';
import type { ReadModelStore, SqlTx, SqlValue } from '../../application/ports/read-model-store';
import { CHECKPOINT_SCHEMA } from '../../projections/checkpoints';

/** `?` → `$1, $2…`; read-model SQL never has a literal `?`. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function txOf(client: pg.PoolClient | pg.Pool): SqlTx {
  return {
    dialect: 'postgres',
    async run(sql, params = []) {
      await client.query(numbered(sql), params as SqlValue[]);
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return (await client.query(numbered(sql), params as SqlValue[])).rows as T[];
    },
    async get<T>(sql: string, params: readonly SqlValue[] = []) {
      return (await client.query(numbered(sql), params as SqlValue[])).rows[0] as T | undefined;
    },
  };
}

/** Read models in PostgreSQL, shared by every engine node; checkpoint rows are locked FOR UPDATE. */
export async function postgresReadModelStore(url: string): Promise<ReadModelStore> {
  const pool = await connectPool(url, 5);
  await migrateUnderLock(pool, CHECKPOINT_SCHEMA);
  const transaction = async <T>(fn: (tx: SqlTx) => Promise<T>, lockSchema: boolean): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (lockSchema) await client.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})`);
      const result = await fn(txOf(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    dialect: 'postgres',
    description: `postgres:${new URL(url).host}${new URL(url).pathname}`,
    transaction: (fn) => transaction(fn, false),
    migrate: (fn) => transaction(fn, true),
    query: (sql, params) => txOf(pool).all(sql, params),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
