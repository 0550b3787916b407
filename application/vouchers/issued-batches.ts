import { batchStream, voucherCodec, type VoucherBatch } from '../../core/vouchers/events';
import type { VoucherServiceDeps } from './deps';

/** Issued batches read from the log by tag, with their code hashes. */
export function issuedBatches(deps: VoucherServiceDeps) {
  // batches never change once issued: cache their hash sets
  const batches = new Map<string, { batch: VoucherBatch; hashes: ReadonlySet<string> }>();
  return {
    async load(tag: string) {
      const cached = batches.get(tag);
      if (cached) return cached;
      for await (const recorded of deps.store.readStream(batchStream(tag))) {
        const e = voucherCodec.decode(recorded);
        if (e.type !== 'VoucherBatchIssued') continue;
        const entry = { batch: e.data, hashes: new Set(e.data.codeHashes) };
        if (batches.size > 1000) batches.clear();
        batches.set(tag, entry);
        return entry;
      }
      return null;
    },
  };
}

export type IssuedBatches = ReturnType<typeof issuedBatches>;
