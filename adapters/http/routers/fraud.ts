import { Router } from 'express';
import { z } from 'zod';
import { parseE164 } from '../../../core/e164';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { WalletService } from '../../../application/wallet/service';
import { listSuspicions } from '../../../projections/fraud/suspicions';
import { callerOf, requireRole, requireSignature, type SignatureDeps } from '../signatures/middleware';

const listQuery = z
  .object({
    status: z.enum(['open', 'cleared', 'all']).default('open'),
    number: z
      .string()
      .max(20)
      .transform((n) => parseE164(n))
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
const clearBody = z
  .object({ note: z.string().min(1).max(500), suspicionIds: z.array(z.string().min(1).max(100)).max(100).optional() })
  .strict();

/**
 * Suspicions of fraud for review (admin, finance) and their clearing (admin): clearing releases
 * the hold on the account's paid services and starts its velocity rules afresh from that moment.
 */
export function fraudRouter(deps: {
  readonly readModels: ReadModelStore;
  readonly wallet: WalletService;
  readonly signatures: SignatureDeps;
  readonly now: () => Date;
}): Router {
  const router = Router();
  const signed = requireSignature(deps.signatures);
  router.get('/fraud', ...signed, requireRole('admin', 'finance'), async (req, res) => {
    const q = listQuery.parse(req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      items: await listSuspicions(deps.readModels, { status: q.status, limit: q.limit, ...(q.number ? { number: q.number } : {}) }),
    });
  });
  router.post('/accounts/:number/fraud/clear', ...signed, requireRole('admin'), async (req, res) => {
    const number = parseE164(String(req.params['number']));
    const body = clearBody.parse(req.body);
    const r = await deps.wallet.execute(
      number,
      {
        type: 'clear-fraud',
        data: {
          by: callerOf(res).keyid,
          note: body.note,
          at: deps.now().toISOString(),
          ...(body.suspicionIds ? { suspicionIds: body.suspicionIds } : {}),
        },
      },
      `operator:${callerOf(res).keyid}`,
    );
    const cleared = r.events.flatMap((e) => (e.type === 'FraudCleared' ? e.data.suspicionIds : []));
    res.json({ number, cleared, held: Object.keys(r.state.fraud.open).length > 0, position: r.position });
  });
  return router;
}
