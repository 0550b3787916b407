import type { VoucherBatch } from '../../core/vouchers/events';
import type { Projection } from '../../application/ports/projection';
import type { ReadModelStore } from '../../application/ports/read-model-store';

/** Batches (issued, claimed, redeemed counts) and claims, for finance and for settling interrupted redemptions. */
export const vouchersProjection: Projection = {
  name: 'vouchers',
  version: 1,
  handles: ['VoucherBatchIssued', 'VoucherClaimed', 'VoucherRedeemed'],
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS voucher_batches (
      batch_id TEXT PRIMARY KEY, tag TEXT NOT NULL, amount TEXT NOT NULL, currency TEXT NOT NULL, funding TEXT NOT NULL,
      expires_at TEXT NOT NULL, note TEXT NOT NULL, issued_by TEXT NOT NULL, issued_at TEXT NOT NULL,
      issued INTEGER NOT NULL, redeemed INTEGER NOT NULL)`);
    await tx.run(`CREATE TABLE IF NOT EXISTS voucher_claims (
      code_hash TEXT PRIMARY KEY, batch_id TEXT NOT NULL, tag TEXT NOT NULL, account_number TEXT NOT NULL,
      claimed_at TEXT NOT NULL, redeemed_position BIGINT)`);
    await tx.run('CREATE INDEX IF NOT EXISTS voucher_claims_open ON voucher_claims (redeemed_position, claimed_at)');
  },
  async reset(tx) {
    await tx.run('DELETE FROM voucher_claims');
    await tx.run('DELETE FROM voucher_batches');
  },
  async apply(event, tx) {
    if (event.type === 'VoucherBatchIssued') {
      const d = event.data as unknown as VoucherBatch;
      await tx.run(`INSERT INTO voucher_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (batch_id) DO NOTHING`, [
        d.batchId,
        d.tag,
        d.amount,
        d.currency,
        d.funding,
        d.expiresAt,
        d.note,
        d.issuedBy,
        event.recordedAt,
        d.codeHashes.length,
      ]);
    } else if (event.type === 'VoucherClaimed') {
      const d = event.data as { codeHash: string; batchId: string; tag: string; accountNumber: string; at: string };
      // a redemption may be projected before its claim was (claims and credits live in different streams)
      await tx.run(
        `INSERT INTO voucher_claims (code_hash, batch_id, tag, account_number, claimed_at, redeemed_position) VALUES (?, ?, ?, ?, ?, NULL)
         ON CONFLICT (code_hash) DO UPDATE SET batch_id = excluded.batch_id, tag = excluded.tag, claimed_at = excluded.claimed_at`,
        [d.codeHash, d.batchId, d.tag, d.accountNumber, d.at],
      );
    } else {
      const d = event.data as { codeHash: string; batchId: string };
      await tx.run(
        `INSERT INTO voucher_claims (code_hash, batch_id, tag, account_number, claimed_at, redeemed_position) VALUES (?, ?, '', ?, ?, ?)
         ON CONFLICT (code_hash) DO UPDATE SET redeemed_position = excluded.redeemed_position`,
        [d.codeHash, d.batchId, event.stream.slice('account-'.length), event.recordedAt, event.position],
      );
      await tx.run('UPDATE voucher_batches SET redeemed = redeemed + 1 WHERE batch_id = ?', [d.batchId]);
    }
  },
};

export interface BatchRow {
  batchId: string;
  tag: string;
  amount: string;
  currency: string;
  funding: string;
  expiresAt: string;
  note: string;
  issuedBy: string;
  issuedAt: string;
  issued: number;
  redeemed: number;
}

export async function listBatches(rm: ReadModelStore): Promise<BatchRow[]> {
  const rows = await rm.query<Record<string, string | number>>('SELECT * FROM voucher_batches ORDER BY issued_at, batch_id');
  return rows.map((r) => ({
    batchId: String(r['batch_id']),
    tag: String(r['tag']),
    amount: String(r['amount']),
    currency: String(r['currency']),
    funding: String(r['funding']),
    expiresAt: String(r['expires_at']),
    note: String(r['note']),
    issuedBy: String(r['issued_by']),
    issuedAt: String(r['issued_at']),
    issued: Number(r['issued']),
    redeemed: Number(r['redeemed']),
  }));
}

/** Claims older than `before` whose credit was never recorded: a redeemer stopped in between. */
export async function unsettledClaims(rm: ReadModelStore, before: Date, limit: number) {
  const rows = await rm.query<{ code_hash: string; tag: string; account_number: string; claimed_at: string }>(
    `SELECT code_hash, tag, account_number, claimed_at FROM voucher_claims
     WHERE redeemed_position IS NULL AND tag <> '' AND claimed_at < ? ORDER BY claimed_at LIMIT ?`,
    [before.toISOString(), limit],
  );
  return rows.map((r) => ({ hash: r.code_hash, tag: r.tag, accountNumber: r.account_number, at: r.claimed_at }));
}
