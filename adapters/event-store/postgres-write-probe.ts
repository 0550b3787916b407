import type pg from 'pg';

/**
 * A small real write on PostgreSQL, for a store marked unhealthy: a temporary table filled with
 * some 100 KiB in a transaction that is rolled back. The server must be reachable, and able to
 * extend a table on its disk (a full one refuses with disk_full). Nothing of it stays.
 */
export function postgresWriteProbe(pool: pg.Pool): () => Promise<void> {
  return async () => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        await client.query('CREATE TEMP TABLE trunkline_write_probe (pad text) ON COMMIT DROP');
        await client.query('INSERT INTO trunkline_write_probe SELECT md5(i::text) FROM generate_series(1, 2000) AS i');
      } finally {
        await client.query('ROLLBACK');
      }
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // a connection that failed mid-transaction is not handed to the next query
      client.release(broken);
    }
  };
}
