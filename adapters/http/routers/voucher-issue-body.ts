import { z } from 'zod';
import { MAX_BATCH } from '../../../application/vouchers/service';
import { restrictionSchema } from '../../../core/wallet';

/** A voucher batch to issue, as `POST /v1/voucher-batches` and `trunkline vouchers issue` take it. */
export const issueBody = z
  .object({
    count: z.number().int().min(1).max(MAX_BATCH),
    amount: z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "5.00"'),
    currency: z.string().regex(/^[A-Z]{3}$/),
    expiresAt: z.iso.datetime({ offset: true }),
    funding: z.enum(['paid', 'granted']).default('paid'),
    grantValidDays: z.number().int().min(1).max(3650).nullable().default(null),
    restriction: restrictionSchema.nullable().default(null),
    note: z.string().max(500).default(''),
  })
  .strict();
