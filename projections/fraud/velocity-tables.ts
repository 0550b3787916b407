import type { SqlTx } from '../../application/ports/read-model-store';

/** The velocity projection's own tables; `fraud_hits` outlives a rebuild (what was raised is not the projection's to forget). */
export const VELOCITY_TABLES = ['velocity_accounts', 'velocity_activity', 'velocity_hourly'] as const;

export async function createTables(tx: SqlTx): Promise<void> {
  await tx.run(`CREATE TABLE IF NOT EXISTS velocity_accounts (number TEXT PRIMARY KEY, country TEXT NOT NULL, currency TEXT NOT NULL,
    opened_ms BIGINT NOT NULL, clears INTEGER NOT NULL, cleared_ms BIGINT NOT NULL)`);
  await tx.run(`CREATE TABLE IF NOT EXISTS velocity_activity (number TEXT NOT NULL, ref TEXT NOT NULL, kind TEXT NOT NULL, at_ms BIGINT NOT NULL,
    destination TEXT NOT NULL, country TEXT NOT NULL, seconds DOUBLE PRECISION, amount TEXT NOT NULL, charged_ms BIGINT,
    PRIMARY KEY (number, ref))`);
  // the rules read an account's rows by number, which the key serves: an index on time cost every paid call a write and was never read
  await tx.run('DROP INDEX IF EXISTS velocity_activity_time');
  await tx.run(`CREATE TABLE IF NOT EXISTS velocity_hourly (number TEXT NOT NULL, hour_ms BIGINT NOT NULL, spend TEXT NOT NULL,
    PRIMARY KEY (number, hour_ms))`);
  // what the rules found, for the engine to record on the accounts' streams (adapters/fraud/suspicion-raiser.ts)
  await tx.run(`CREATE TABLE IF NOT EXISTS fraud_hits (number TEXT NOT NULL, suspicion_id TEXT NOT NULL, rule TEXT NOT NULL,
    epoch INTEGER NOT NULL, summary TEXT NOT NULL, evidence TEXT NOT NULL, at TEXT NOT NULL, status TEXT NOT NULL,
    PRIMARY KEY (number, suspicion_id))`);
  await tx.run('CREATE INDEX IF NOT EXISTS fraud_hits_status ON fraud_hits (status, at)');
}
