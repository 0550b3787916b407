import { Router } from 'express';
import { z } from 'zod';
import { problem } from '../problem';
import { callerOf, requireRole } from '../signatures/middleware';
import type { VoucherService } from '../../../application/vouchers/service';
import { MAX_BATCH } from '../../../application/vouchers/service';
import { restrictionSchema } from '../../../core/wallet';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { listBatches } from '../../../projections/vouchers/projection';
import { batchCsv } from '../../../application/vouchers/batch-csv';

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
const redeemBody = z.object({ code: z.string().min(1).max(64) }).strict();

/** `POST /v1/voucher-batches` (admin), `GET /v1/voucher-batches` (admin, finance); the engine verifies the signature. */
export function voucherBatchesRouter(deps: { vouchers: VoucherService; readModels: ReadModelStore }): Router {
  const router = Router();
  router.post('/', requireRole('admin'), async (req, res) => {
    const body = issueBody.parse(req.body);
    const key = req.get('idempotency-key');
    const { batch, codes } = await deps.vouchers.issue({ ...body, issuedBy: callerOf(res).keyid, ...(key ? { idempotencyKey: key } : {}) });
    res.setHeader('Cache-Control', 'no-store');
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv')
      return void res.status(201).type('text/csv').send(batchCsv(batch, codes));
    const { codeHashes: _hashes, ...summary } = batch;
    res.status(201).json({ ...summary, count: codes.length, codes });
  });
  router.get('/', requireRole('admin', 'finance'), async (_req, res) => {
    res.json({ batches: await listBatches(deps.readModels) });
  });
  return router;
}

/** `POST /v1/accounts/me/vouchers/redeem`: a number redeems a code for itself (the engine verifies the signature). */
export function redeemRouter(deps: { vouchers: VoucherService }): Router {
  const router = Router();
  router.post('/me/vouchers/redeem', async (req, res) => {
    const caller = callerOf(res);
    if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'a number redeems vouchers for itself');
    const { code } = redeemBody.parse(req.body);
    const result = await deps.vouchers.redeem(caller.keyid, code);
    res.status(result.outcome === 'redeemed' ? 201 : 200).json(result);
  });
  return router;
}
