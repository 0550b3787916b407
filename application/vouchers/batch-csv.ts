import type { VoucherBatch } from '../../core/vouchers/events';

/** One line per code, for printing cards or loading a shop: the only time the codes exist in clear. */
export function batchCsv(batch: VoucherBatch, codes: readonly string[]): string {
  const lines = ['code,amount,currency,funding,expires_at,batch_id'];
  for (const code of codes) lines.push([code, batch.amount, batch.currency, batch.funding, batch.expiresAt, batch.batchId].join(','));
  return `${lines.join('\n')}\n`;
}
