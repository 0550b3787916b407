import { Router } from 'express';
import { z } from 'zod';
import { autoTopUpView, disableAutoTopUp, enableAutoTopUp, setupPaymentMethod } from '../../../application/payments/auto-top-up';
import { problem } from '../problem';
import { callerOf, requireSignature } from '../signatures/middleware';
import type { PaymentsRouterDeps } from './payments';

const decimal = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "10.00"');
const settingsBody = z
  .object({
    threshold: decimal,
    amount: decimal,
    monthlyCap: decimal,
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  })
  .strict();
const setupBody = z.object({ processor: z.string().max(64).optional() }).strict();

function ownNumber(res: Parameters<typeof callerOf>[0]): { number: string; nonce: string } {
  const caller = callerOf(res);
  if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'this is a number’s own setting');
  return { number: caller.keyid, nonce: caller.nonce };
}

/**
 * Auto top-up for client apps: save a payment method (the processor's setup, completed by the
 * app), then opt in with a threshold, an amount and a monthly cap; read or turn it off.
 */
export function autoTopUpRouter(deps: PaymentsRouterDeps): Router {
  const router = Router();
  const signed = requireSignature(deps.signatures);
  const view = async (number: string, position: number | null = null) => ({
    ...autoTopUpView(await deps.wallet.state(number), deps.now()),
    position,
  });
  router.post('/me/payment-methods/setup', ...signed, async (req, res) => {
    const { number, nonce } = ownNumber(res);
    const body = setupBody.parse(req.body ?? {});
    const requestKey = req.get('idempotency-key') ?? `nonce:${nonce}`;
    if (requestKey.length > 200) throw problem('invalid-request', 400, 'Bad Request', 'Idempotency-Key is longer than 200 characters');
    const setup = await setupPaymentMethod(deps, { number, requestKey, ...body });
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(setup);
  });
  router.get('/me/auto-top-up', ...signed, async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await view(ownNumber(res).number));
  });
  router.put('/me/auto-top-up', ...signed, async (req, res) => {
    const { number } = ownNumber(res);
    const r = await enableAutoTopUp(deps, number, settingsBody.parse(req.body));
    res.json(await view(number, r.position));
  });
  router.delete('/me/auto-top-up', ...signed, async (_req, res) => {
    const { number } = ownNumber(res);
    const r = await disableAutoTopUp(deps, number);
    res.json(await view(number, r.position));
  });
  return router;
}
