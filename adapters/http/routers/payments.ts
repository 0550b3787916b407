import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { acceptAmount, type AmountLimits } from '../../../core/amount-limits';
import { currency as checkCurrency, money, MoneyError, toJson, toMinor, compare } from '../../../core/money';
import { WebhookSignatureError, type PaymentProcessor } from '../../../core/payments/processor';
import type { EventStore } from '../../../core/event-store';
import { InvalidEventError } from '../../../core/events/codec';
import { invalidPaymentFact } from '../../../core/payments/fact-validity';
import { recordRejectedFact } from '../../../application/facts/rejected-facts';
import type { AccountService } from '../../../application/accounts/service';
import type { WalletService } from '../../../application/wallet/service';
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
    const name = body.processor ?? [...deps.processors.keys()][0];
    const processor = name ? deps.processors.get(name) : undefined;
    if (!processor)
      throw problem(
        'no-payment-processor',
        503,
        'Service Unavailable',
        name ? `no payment processor named ${name}` : 'no payment processor is configured',
      );
    const account = await deps.accounts.get(caller.keyid);
    if (account.status === 'none') throw problem('no-account', 404, 'Not Found', 'no account is open for this key');
    if (account.status !== 'open') throw problem('account-not-open', 403, 'Forbidden', `the account is ${account.status}`);
    if (body.currency !== account.currency)
      throw problem('currency-mismatch', 422, 'Unprocessable Content', `the account is kept in ${account.currency}, not ${body.currency}`);
    let amountMinor: bigint;
    try {
      checkCurrency(body.currency);
      acceptAmount(deps.amountLimits, body.amount, body.currency);
      amountMinor = toMinor(money(body.amount, body.currency));
    } catch (error) {
      if (error instanceof MoneyError) throw problem('invalid-amount', 422, 'Unprocessable Content', error.message);
      throw error;
    }
    const amount = money(body.amount, body.currency);
    const [min, max] = [money(deps.topUpMinimum, body.currency), money(deps.topUpMaximum, body.currency)];
    if (compare(amount, min) < 0 || compare(amount, max) > 0)
      throw problem(
        'amount-out-of-range',
        422,
        'Unprocessable Content',
        `a top-up is ${deps.topUpMinimum} to ${deps.topUpMaximum} ${body.currency}`,
        {
          minimum: deps.topUpMinimum,
          maximum: deps.topUpMaximum,
        },
      );
    const requestKey = req.get('idempotency-key') ?? `nonce:${caller.nonce}`;
    if (requestKey.length > 200) throw problem('invalid-request', 400, 'Bad Request', 'Idempotency-Key is longer than 200 characters');
    // the processor sees the same key for the same request, and never the client's raw key
    const idempotencyKey = `trunkline-top-up-${createHash('sha256').update(`${account.accountId}\n${requestKey}`).digest('hex')}`;
    const payment = await processor.createTopUp({
      accountNumber: account.number,
      accountId: account.accountId,
      amountMinor,
      currency: body.currency,
      idempotencyKey,
      description: `Trunkline credit for ${account.number}`,
    });
    if (payment.amountMinor !== amountMinor || payment.currency !== body.currency)
      throw problem('idempotency-key-reused', 409, 'Conflict', 'this Idempotency-Key was used for another top-up');
    const credit = toJson(amount).amount;
    const r = await deps.wallet.execute(
      account.number,
      {
        kind: 'start-top-up',
        processor: processor.name,
        paymentId: payment.paymentId,
        amount: credit,
        credit,
        currency: body.currency,
        requestKey,
      },
      account.number,
    );
    res.setHeader('Cache-Control', 'no-store');
    res.status(r.events.length > 0 ? 201 : 200).json({
      processor: processor.name,
      paymentId: payment.paymentId,
      clientSecret: payment.clientSecret,
      status: payment.status,
      amount: { amount: credit, currency: body.currency },
      credit: { amount: credit, currency: body.currency },
      position: r.position,
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
    const recorded: string[] = [];
    const rejected: string[] = [];
    let position: number | null = null;
    /** A fact that cannot be money is kept for review and acknowledged: delivered again, it would be refused again. */
    const reject = async (paymentId: string, reason: string) => {
      deps.logger.error({ processor: name, eventId: event.eventId, paymentId, reason }, 'payment fact rejected; kept for review');
      const r = await recordRejectedFact(deps.store, {
        source: name,
        externalId: event.eventId,
        key: [paymentId],
        reason,
        raw: raw.toString('utf8'),
        at: deps.now(),
      });
      position = r.position;
      rejected.push(reason);
    };
    for (const fact of event.facts) {
      if (!fact.accountNumber) {
        deps.logger.warn(
          { processor: name, eventId: event.eventId, paymentId: fact.paymentId },
          'payment names no Trunkline account; ignored',
        );
        continue;
      }
      const invalid = invalidPaymentFact(fact);
      if (invalid) {
        await reject(fact.paymentId, invalid);
        continue;
      }
      let r;
      try {
        r = await deps.wallet.applyFact(name, { ...fact, accountNumber: fact.accountNumber });
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        await reject(fact.paymentId, error.message);
        continue;
      }
      position = r.position ?? position;
      for (const e of r.events) {
        recorded.push(e.type);
        if (e.type === 'TopUpMismatch')
          deps.logger.error({ processor: name, eventId: event.eventId, data: e.data }, 'payment does not match its top-up; not credited');
      }
    }
    res.json({ received: event.eventId, type: event.type, recorded, ...(rejected.length ? { rejected } : {}), position });
  });
  return router;
}
