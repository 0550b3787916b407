import { minuteOf, nextDemoted, windowStart, type QualityThresholds, type WindowCounts } from '../../core/rating/carrier-quality';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx } from '../../application/ports/read-model-store';
import { applyQualityBatch } from './batch';
import { OUTCOME_TYPES, PENDING_TABLE, outcomesOf, pendingTable, type Outcome } from './outcomes';

export const QUALITY_PROJECTION = 'carrier-quality';

/** What the quality-routing plugin demotes on: its thresholds over the last `windowMinutes` of event time. */
export interface DemotionPolicy extends QualityThresholds {
  readonly windowMinutes: number;
}

const TABLES = ['quality_pending', 'quality_buckets', 'quality_causes', 'quality_state'];
// 2: post-dial delay per bucket
const BASE_VERSION = 2;

/** A small stable number from the policy, so that changing a threshold rebuilds the demotions from the log. */
function fingerprint(policy: DemotionPolicy): number {
  let h = 2166136261;
  for (const ch of JSON.stringify(policy)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 999_983) + 1;
}

/**
 * Carrier quality per carrier, destination prefix and minute of event time (attempts, answered,
 * seconds, failure causes), and, with a demotion policy, each (carrier, prefix)'s demotion
 * decided with hysteresis as the events are applied: every engine sharing the read models reads
 * the same decisions, and a rebuild from the log decides them again identically.
 */
export function carrierQualityProjection(policy: DemotionPolicy | null): Projection {
  const projection: Projection = {
    name: QUALITY_PROJECTION,
    version: policy ? BASE_VERSION * 1_000_000 + fingerprint(policy) : BASE_VERSION,
    handles: OUTCOME_TYPES,
    async setup(tx) {
      await tx.run(PENDING_TABLE);
      await tx.run(`CREATE TABLE IF NOT EXISTS quality_buckets (carrier TEXT NOT NULL, prefix TEXT NOT NULL, minute TEXT NOT NULL,
        attempts BIGINT NOT NULL, answered BIGINT NOT NULL, seconds DOUBLE PRECISION NOT NULL,
        pdd_sum DOUBLE PRECISION NOT NULL DEFAULT 0, pdd_calls BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (carrier, prefix, minute))`);
      await tx.run('CREATE INDEX IF NOT EXISTS quality_buckets_minute ON quality_buckets (minute)');
      await tx.run(`CREATE TABLE IF NOT EXISTS quality_causes (carrier TEXT NOT NULL, prefix TEXT NOT NULL, minute TEXT NOT NULL,
        cause TEXT NOT NULL, calls BIGINT NOT NULL, PRIMARY KEY (carrier, prefix, minute, cause))`);
      await tx.run(`CREATE TABLE IF NOT EXISTS quality_state (carrier TEXT NOT NULL, prefix TEXT NOT NULL, demoted INTEGER NOT NULL,
        since TEXT NOT NULL, attempts BIGINT NOT NULL, answered BIGINT NOT NULL, seconds DOUBLE PRECISION NOT NULL, evaluated_at TEXT NOT NULL,
        PRIMARY KEY (carrier, prefix))`);
    },
    async reset(tx) {
      for (const t of TABLES) await tx.run(`DROP TABLE IF EXISTS ${t}`);
      await projection.setup(tx);
    },
    async apply(event, tx) {
      const outcomes = await outcomesOf(event, pendingTable(tx));
      if (outcomes.length === 0) return;
      for (const o of outcomes) await count(tx, o);
      if (policy) await judge(tx, policy, outcomes);
    },
    // with a policy, each event's outcomes are judged on the window the table holds after it
    ...(policy ? {} : { applyBatch: applyQualityBatch }),
  };
  return projection;
}

async function count(tx: SqlTx, o: Outcome): Promise<void> {
  const minute = minuteOf(new Date(o.at));
  await tx.run(
    `INSERT INTO quality_buckets (carrier, prefix, minute, attempts, answered, seconds, pdd_sum, pdd_calls) VALUES (?, ?, ?, 1, ?, ?, ?, ?)
     ON CONFLICT (carrier, prefix, minute) DO UPDATE SET attempts = quality_buckets.attempts + 1,
       answered = quality_buckets.answered + excluded.answered, seconds = quality_buckets.seconds + excluded.seconds,
       pdd_sum = quality_buckets.pdd_sum + excluded.pdd_sum, pdd_calls = quality_buckets.pdd_calls + excluded.pdd_calls`,
    [o.carrier, o.prefix, minute, o.answered ? 1 : 0, o.seconds, o.pdd ?? 0, o.pdd === null ? 0 : 1],
  );
  if (o.cause !== null)
    await tx.run(
      `INSERT INTO quality_causes (carrier, prefix, minute, cause, calls) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (carrier, prefix, minute, cause) DO UPDATE SET calls = quality_causes.calls + 1`,
      [o.carrier, o.prefix, minute, o.cause],
    );
}

async function windowOf(tx: SqlTx, carrier: string, prefix: string, from: string, to: string): Promise<WindowCounts> {
  const row = await tx.get<{ attempts: number | string | null; answered: number | string | null; seconds: number | string | null }>(
    `SELECT SUM(attempts) AS attempts, SUM(answered) AS answered, SUM(seconds) AS seconds FROM quality_buckets
     WHERE carrier = ? AND prefix = ? AND minute >= ? AND minute <= ?`,
    [carrier, prefix, from, to],
  );
  return { attempts: Number(row?.attempts ?? 0), answered: Number(row?.answered ?? 0), seconds: Number(row?.seconds ?? 0) };
}

/**
 * Decides again, at the event's time, each (carrier, prefix) the event touched and each one
 * demoted now (its window slides even when it gets no traffic: once it holds fewer than
 * `minAttempts` calls the carrier is restored and probed with traffic again).
 */
async function judge(tx: SqlTx, policy: DemotionPolicy, outcomes: readonly Outcome[]): Promise<void> {
  const at = outcomes[0]!.at;
  const to = minuteOf(new Date(at));
  const from = windowStart(new Date(at), policy.windowMinutes);
  const keys = new Map<string, { carrier: string; prefix: string }>();
  for (const o of outcomes) keys.set(`${o.carrier}\u0000${o.prefix}`, { carrier: o.carrier, prefix: o.prefix });
  const demoted = await tx.all<{ carrier: string; prefix: string }>('SELECT carrier, prefix FROM quality_state WHERE demoted = 1');
  for (const d of demoted) keys.set(`${d.carrier}\u0000${d.prefix}`, d);
  for (const { carrier, prefix } of keys.values()) {
    const before = await tx.get<{ demoted: number | string; since: string }>(
      'SELECT demoted, since FROM quality_state WHERE carrier = ? AND prefix = ?',
      [carrier, prefix],
    );
    const was = Number(before?.demoted ?? 0) === 1;
    const w = await windowOf(tx, carrier, prefix, from, to);
    const now = nextDemoted(was, w, policy);
    const since = before && now === was ? before.since : at;
    await tx.run(
      `INSERT INTO quality_state (carrier, prefix, demoted, since, attempts, answered, seconds, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (carrier, prefix) DO UPDATE SET demoted = excluded.demoted, since = excluded.since, attempts = excluded.attempts,
         answered = excluded.answered, seconds = excluded.seconds, evaluated_at = excluded.evaluated_at`,
      [carrier, prefix, now ? 1 : 0, since, w.attempts, w.answered, w.seconds, at],
    );
  }
}

/** The (carrier, prefix) pairs demoted now, as `carrier prefix` keys (see `demotionKey`). */
export async function demotedNow(query: <T>(sql: string) => Promise<T[]>): Promise<Set<string>> {
  const rows = await query<{ carrier: string; prefix: string }>('SELECT carrier, prefix FROM quality_state WHERE demoted = 1');
  return new Set(rows.map((r) => demotionKey(r.carrier, r.prefix)));
}

export const demotionKey = (carrier: string, prefix: string) => `${carrier}\u0000${prefix}`;
