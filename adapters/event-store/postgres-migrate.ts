import type pg from 'pg';

/** One lock for every schema change Trunkline makes, whichever tables: they may share a database. */
export const SCHEMA_LOCK_KEY = 7146213000;

/**
 * Runs DDL under a session advisory lock: PostgreSQL does not make CREATE … IF NOT EXISTS safe
 * between sessions (two nodes starting at once can both try to create the same type), so
 * schema changes take turns.
 */
export async function migrateUnderLock(pool: pg.Pool, ddl: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${SCHEMA_LOCK_KEY})`);
    await client.query(ddl);
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${SCHEMA_LOCK_KEY})`).catch(() => undefined);
    client.release();
  }
}
