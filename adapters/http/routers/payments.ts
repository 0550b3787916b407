import express, { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AmountLimits } from '../../../core/amount-limits';
import { WebhookSignatureError, type PaymentProcessor } from '../../../core/payments/processor';
import type { EventStore } from '../../../core/event-store';
import type { AccountService } from '../../../application/accounts/service';
import type { WalletService } from '../../../application/wallet/service';
import { startTopUp } from '../../../application/payments/top-up';
import { recordWebhookFacts } from '../../../application/payments/webhook-facts';
import { problem, sendProblem } from '../problem';
import { callerOf, requireSignature, type SignatureDeps } from '../signatures/middleware';

export interface PaymentsRouterDeps {
  readonly processors: ReadonlyMap<string, PaymentProcessor>;
  readonly accounts: AccountService;
  readonly wallet: WalletService;
  readonly signatures: SignatureDeps;
  readonly logger: Logger;
  /** Smallest and largest top-up, in the account's currency. */
  readonly topUpMinimum: string;
  readonly topUpMaximum: string;
  /** Per currency, the largest amount and the most decimal places anything taken from outside may have. */
  readonly amountLimits: AmountLimits;
  /** Where a fact that cannot be money is kept for review (see recordRejectedFact). */
  readonly store: EventStore;
  readonly now: () => Date;
  /** Test seam for crash tests: runs between reading a verified webhook and recording it. */
  readonly beforeRecord?: (processor: string, eventId: string) => Promise<void>;
}

const topUpBody = z
  .object({
    amount: z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "10.00"'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    processor: z.string().optional(),
  })
  .strict();

/** `POST /v1/accounts/me/top-ups`: a client buys credit; the processor holds the payment. */
export function topUpsRouter(deps: PaymentsRouterDeps): Router {
  const router = Router();
  router.post('/me/top-ups', ...requireSignature(deps.signatures), async (req, res) => {
    const caller = callerOf(res);
    if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'a number buys its own credit');
    const body = topUpBody.parse(req.body);
    const requestKey = req.get('idempotency-key') ?? `nonce:${caller.nonce}`;
    if (requestKey.length > 200) throw problem('invalid-request', 400, 'Bad Request', 'Idempotency-Key is longer than 200 characters');
    const topUp = await startTopUp(deps, { number: caller.keyid, ...body, requestKey });
    const money = { amount: topUp.credit, currency: topUp.currency };
    res.setHeader('Cache-Control', 'no-store');
    res.status(topUp.created ? 201 : 200).json({
      processor: topUp.processor,
      paymentId: topUp.paymentId,
      clientSecret: topUp.clientSecret,
      status: topUp.status,
      amount: money,
      credit: money,
      position: topUp.position,
    });
  });
  return router;
}

/**
 * `POST /v1/webhooks/:processor`: verified on the raw bytes, reduced to facts, each recorded on
 * its account under an id derived from the fact. A 2xx only after every fact is stored, so a
 * crash before that makes the processor retry, and the retry records each fact once.
 */
export function webhooksRouter(deps: PaymentsRouterDeps): Router {
  const router = Router();
  router.post('/:processor', express.raw({ type: () => true, limit: '512kb' }), async (req, res) => {
    const name = String(req.params['processor']);
    const processor = deps.processors.get(name);
    if (!processor) return sendProblem(res, problem('not-found', 404, 'Not Found', `no payment processor named ${name}`).problem);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event;
    try {
      event = await processor.readWebhook(raw, req.headers as Record<string, string | undefined>);
    } catch (error) {
      if (error instanceof WebhookSignatureError)
        return sendProblem(res, problem('webhook-signature', 400, 'Bad Request', error.message).problem);
      throw error;
    }
    await deps.beforeRecord?.(name, event.eventId);
    const r = await recordWebhookFacts(deps, { processor: name, eventId: event.eventId, facts: event.facts, raw: raw.toString('utf8') });
    res.json({
      received: event.eventId,
      type: event.type,
      recorded: r.recorded,
      ...(r.rejected.length ? { rejected: r.rejected } : {}),
      position: r.position,
    });
  });
  return router;
}
