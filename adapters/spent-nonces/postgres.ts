import type pg from 'pg';
import { connectPool } from '../event-store/postgres-pool';
import { migrateUnderLock } from '../event-store/postgres-migrate';
import { postgresWriteProbe } from '../event-store/postgres-write-probe';
import type { WriteProbed } from '../event-store/write-probed';
import { SpentNoncesUnavailableError, type SpentNonces } from '../../application/ports/spent-nonces';

const SCHEMA = `CREATE TABLE IF NOT EXISTS trunkline_spent_nonces (key text PRIMARY KEY, expires_at bigint NOT NULL);
CREATE INDEX IF NOT EXISTS trunkline_spent_nonces_expiry ON trunkline_spent_nonces (expires_at);`;
const SWEEP_MS = 30_000;

/**
 * Spent nonces in one table every node shares: a request accepted by one node is a replay on all
 * of them. The table is logged and committed synchronously, so a crash of PostgreSQL itself
 * cannot reopen a window.
 */
export async function postgresSpentNonces(url: string): Promise<SpentNonces & WriteProbed> {
  const pool: pg.Pool = await connectPool(url, 8);
  await migrateUnderLock(pool, SCHEMA);
  let nextSweep = 0;
  return {
    async spend(key, expiresAtMs, nowMs) {
      try {
        if (nowMs >= nextSweep) {
          nextSweep = nowMs + SWEEP_MS;
          await pool.query('DELETE FROM trunkline_spent_nonces WHERE expires_at <= $1', [nowMs]);
        }
        const result = await pool.query(
          `INSERT INTO trunkline_spent_nonces (key, expires_at) VALUES ($1, $2)
           ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE trunkline_spent_nonces.expires_at <= $3`,
          [key, expiresAtMs, nowMs],
        );
        return result.rowCount === 1;
      } catch (error) {
        throw new SpentNoncesUnavailableError(`cannot record the nonce: ${(error as Error).message}`, { cause: error });
      }
    },
    probeWrite: postgresWriteProbe(pool),
    async close() {
      await pool.end();
    },
  };
}
