import { accountStreamCodec } from '../../core/wallet';
import type { Projection } from '../../application/ports/projection';
import type { ReadModelStore } from '../../application/ports/read-model-store';

/** Suspicions of fraud as operators review them: open until cleared, with the rule's evidence. */
export const fraudSuspicionsProjection: Projection = {
  name: 'fraud-suspicions',
  version: 1,
  handles: ['FraudSuspected', 'FraudCleared'],
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS fraud_suspicions (number TEXT NOT NULL, suspicion_id TEXT NOT NULL, rule TEXT NOT NULL,
      summary TEXT NOT NULL, evidence TEXT NOT NULL, suspected_at TEXT NOT NULL, status TEXT NOT NULL, cleared_at TEXT,
      cleared_by TEXT, note TEXT, position BIGINT NOT NULL, PRIMARY KEY (number, suspicion_id))`);
    await tx.run('CREATE INDEX IF NOT EXISTS fraud_suspicions_status ON fraud_suspicions (status, suspected_at)');
  },
  async reset(tx) {
    await tx.run('DELETE FROM fraud_suspicions');
  },
  async apply(recorded, tx) {
    const e = accountStreamCodec.decode(recorded);
    const number = recorded.stream.slice('account-'.length);
    if (e.type === 'FraudSuspected')
      await tx.run(
        `INSERT INTO fraud_suspicions (number, suspicion_id, rule, summary, evidence, suspected_at, status, position)
         VALUES (?, ?, ?, ?, ?, ?, 'open', ?) ON CONFLICT (number, suspicion_id) DO NOTHING`,
        [number, e.data.suspicionId, e.data.rule, e.data.summary, JSON.stringify(e.data.evidence), e.data.at, recorded.position],
      );
    if (e.type === 'FraudCleared')
      for (const id of e.data.suspicionIds)
        await tx.run(
          `UPDATE fraud_suspicions SET status = 'cleared', cleared_at = ?, cleared_by = ?, note = ?, position = ?
           WHERE number = ? AND suspicion_id = ?`,
          [e.data.at, e.data.by, e.data.note, recorded.position, number, id],
        );
  },
};

export interface SuspicionRow {
  readonly number: string;
  readonly suspicionId: string;
  readonly rule: string;
  readonly summary: string;
  readonly evidence: Record<string, unknown>;
  readonly suspectedAt: string;
  readonly status: 'open' | 'cleared';
  readonly clearedAt: string | null;
  readonly clearedBy: string | null;
  readonly note: string | null;
}

/** Suspicions newest first: the open ones, or all of them; at most `limit`. */
export async function listSuspicions(
  rm: ReadModelStore,
  q: { readonly status: 'open' | 'cleared' | 'all'; readonly number?: string; readonly limit: number },
): Promise<SuspicionRow[]> {
  const where: string[] = [];
  const params: string[] = [];
  if (q.status !== 'all') {
    where.push('status = ?');
    params.push(q.status);
  }
  if (q.number) {
    where.push('number = ?');
    params.push(q.number);
  }
  const rows = await rm.query<{
    number: string;
    suspicion_id: string;
    rule: string;
    summary: string;
    evidence: string;
    suspected_at: string;
    status: string;
    cleared_at: string | null;
    cleared_by: string | null;
    note: string | null;
  }>(
    `SELECT number, suspicion_id, rule, summary, evidence, suspected_at, status, cleared_at, cleared_by, note FROM fraud_suspicions
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY suspected_at DESC, number, suspicion_id LIMIT ${Math.trunc(q.limit)}`,
    params,
  );
  return rows.map((r) => ({
    number: r.number,
    suspicionId: r.suspicion_id,
    rule: r.rule,
    summary: r.summary,
    evidence: JSON.parse(r.evidence) as Record<string, unknown>,
    suspectedAt: r.suspected_at,
    status: r.status === 'cleared' ? 'cleared' : 'open',
    clearedAt: r.cleared_at,
    clearedBy: r.cleared_by,
    note: r.note,
  }));
}
