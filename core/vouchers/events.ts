import { z } from 'zod';
import { eventCodec, type EventsOf } from '../events/codec';
import { restrictionSchema } from '../wallet/events';

const amount = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/);

export const voucherEvents = {
  /** A batch of single-use codes; only their hashes are kept. Stream `voucher-batch-<tag>`. */
  VoucherBatchIssued: {
    schemaVersion: 1,
    schema: z.object({
      batchId: z.string(),
      tag: z.string(),
      amount,
      currency: z.string(),
      /** `paid`: prepaid cards sold for money; `granted`: a promotion, spent like a grant. */
      funding: z.enum(['paid', 'granted']),
      /** After this instant no code of the batch can be redeemed. */
      expiresAt: z.string(),
      /** Promotional credit lasts this many days from its redemption (null: until spent). */
      grantValidDays: z.number().int().nullable(),
      restriction: restrictionSchema.nullable(),
      note: z.string(),
      issuedBy: z.string(),
      codeHashes: z.array(z.string()),
    }),
  },
  /** The first account to claim a code owns it. Stream `voucher-<hash>`, appended only when no such stream exists. */
  VoucherClaimed: {
    schemaVersion: 1,
    schema: z.object({ codeHash: z.string(), batchId: z.string(), tag: z.string(), accountNumber: z.string(), at: z.string() }),
  },
} as const;

export const voucherCodec = eventCodec(voucherEvents);
export type VoucherEvent = EventsOf<typeof voucherEvents>;
export type VoucherBatch = Extract<VoucherEvent, { type: 'VoucherBatchIssued' }>['data'];

export const batchStream = (tag: string) => `voucher-batch-${tag}`;
export const claimStream = (hash: string) => `voucher-${hash}`;
