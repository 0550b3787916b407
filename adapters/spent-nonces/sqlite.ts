import { openTrunklineSqlite } from '../event-store/sqlite-file';
import { sqliteWriteProbe } from '../event-store/sqlite-write-probe';
import type { WriteProbed } from '../event-store/write-probed';
import { SpentNoncesUnavailableError, type SpentNonces } from '../../application/ports/spent-nonces';

const SCHEMA = `CREATE TABLE IF NOT EXISTS spent_nonces (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS spent_nonces_expiry ON spent_nonces (expires_at);`;
/** Expired rows are deleted at most this often, in one statement, on the path of a spend. */
const SWEEP_MS = 30_000;

/**
 * Spent nonces in their own SQLite file beside the log: WAL with synchronous=NORMAL survives a
 * killed process (the commit is in the WAL before the request is answered), and every process
 * on this host that opens the same data directory shares it.
 */
export function sqliteSpentNonces(path: string): SpentNonces & WriteProbed {
  const db = openTrunklineSqlite(path, 'spent-nonces', SCHEMA);
  db.pragma('synchronous = NORMAL');
  // a spent nonce whose time is over may be spent again: its request is refused on `created` anyway
  const insert = db.prepare(
    `INSERT INTO spent_nonces (key, expires_at) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE spent_nonces.expires_at <= ?`,
  );
  const purge = db.prepare('DELETE FROM spent_nonces WHERE expires_at <= ?');
  let nextSweep = 0;
  return {
    async spend(key, expiresAtMs, nowMs) {
      try {
        if (nowMs >= nextSweep) {
          purge.run(nowMs);
          nextSweep = nowMs + SWEEP_MS;
        }
        return insert.run(key, expiresAtMs, nowMs).changes === 1;
      } catch (error) {
        throw new SpentNoncesUnavailableError(`cannot record the nonce: ${(error as Error).message}`, { cause: error });
      }
    },
    probeWrite: sqliteWriteProbe(db, path),
    async close() {
      if (db.open) db.close();
    },
  };
}
