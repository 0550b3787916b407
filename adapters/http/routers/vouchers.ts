import { Router } from 'express';
import { z } from 'zod';
import { problem } from '../problem';
import { callerOf, requireRole } from '../signatures/middleware';
import type { VoucherService } from '../../../application/vouchers/service';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { listBatches } from '../../../projections/vouchers/projection';
import { batchCsv } from '../../../application/vouchers/batch-csv';
import { issueBody } from './voucher-issue-body';

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
