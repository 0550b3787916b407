import Stripe from 'stripe';
import { z } from 'zod';
import {
  PaymentProcessorError,
  WebhookSignatureError,
  type CreatedPayment,
  type PaymentFact,
  type PaymentProcessor,
  type SavedMethodOutcome,
  type TopUpRequest,
} from '../../../core/payments/processor';

export interface StripeSettings {
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** Another API endpoint than api.stripe.com (the tests' local one): `http://127.0.0.1:12111`. */
  readonly apiUrl?: string;
  /** Signature age Stripe's library accepts, in seconds (its default: 300). */
  readonly toleranceSeconds?: number;
}

/** Metadata keys this engine sets on every PaymentIntent it creates. */
export const METADATA = { account: 'trunkline_account', accountId: 'trunkline_account_id', autoTopUp: 'trunkline_auto_top_up' } as const;

const paymentIntent = z.object({
  id: z.string(),
  amount: z.number().int(),
  amount_received: z.number().int().optional(),
  currency: z.string(),
  status: z.string(),
  client_secret: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).default({}),
  last_payment_error: z.object({ code: z.string().optional(), message: z.string().optional() }).nullable().optional(),
});
const setupIntent = z.object({
  id: z.string(),
  status: z.string(),
  client_secret: z.string().nullable().optional(),
  customer: z.union([z.string(), z.object({ id: z.string() })]).nullable(),
  payment_method: z.union([z.string(), z.object({ id: z.string() })]).nullable(),
  metadata: z.record(z.string(), z.string()).default({}),
});
const charge = z.object({
  id: z.string(),
  amount_refunded: z.number().int(),
  currency: z.string(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullable(),
});
const dispute = z.object({
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullable(),
});

/** Stripe's error classes as the port's three kinds (the raw message stays in the log, not the answer). */
function processorError(error: unknown): PaymentProcessorError {
  const e = error as { type?: string; message?: string };
  if (e.type === 'StripeIdempotencyError')
    return new PaymentProcessorError('idempotency-conflict', 'this idempotency key was used for another request');
  if (e.type === 'StripeConnectionError' || e.type === 'StripeAPIError' || e.type === 'StripeRateLimitError')
    return new PaymentProcessorError('unavailable', `Stripe could not be reached or failed: ${e.message ?? 'unknown'}`);
  return new PaymentProcessorError('refused', `Stripe refused the payment: ${e.message ?? 'unknown'}`);
}

/**
 * An off-session charge Stripe refused for good: a card error (declined, 3-D Secure required) or
 * an invalid request (the method was detached). An outage is no answer: it is thrown, to retry.
 */
function declined(error: unknown): SavedMethodOutcome {
  const e = error as { type?: string; code?: string; decline_code?: string; message?: string; raw?: { payment_intent?: { id?: string } } };
  if (e.type !== 'StripeCardError' && e.type !== 'StripeInvalidRequestError') throw processorError(error);
  return {
    outcome: 'declined',
    paymentId: e.raw?.payment_intent?.id ?? null,
    code: e.code ?? e.decline_code ?? 'card_error',
    reason: e.message ?? 'Stripe declined the payment',
  };
}

const idOf = (ref: string | { id: string } | null): string | null => (ref === null ? null : typeof ref === 'string' ? ref : ref.id);
const upper = (currency: string) => currency.toUpperCase();

/** Stripe as the payment processor: PaymentIntents for top-ups, webhooks for what happened to them. */
export function stripeProcessor(settings: StripeSettings): PaymentProcessor {
  const url = settings.apiUrl ? new URL(settings.apiUrl) : null;
  const stripe = new Stripe(settings.secretKey, {
    telemetry: false,
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(url
      ? {
          host: url.hostname,
          port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          protocol: url.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });

  /**
   * The account a charge's or dispute's payment was made for, from the PaymentIntent's metadata;
   * null when Stripe has no such PaymentIntent: this engine never created it and never will, so
   * its event is acknowledged and ignored. A lookup that failed is an error: Stripe delivers again.
   */
  const accountOfPayment = async (paymentId: string): Promise<string | null> => {
    let found: unknown;
    try {
      found = await stripe.paymentIntents.retrieve(paymentId);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (e.code === 'resource_missing') return null;
      throw new PaymentProcessorError('unavailable', `Stripe could not look up PaymentIntent ${paymentId}: ${e.message ?? 'unknown'}`);
    }
    return paymentIntent.parse(found).metadata[METADATA.account] ?? null;
  };

  const factsOf = async (event: { id: string; type: string; data: { object: unknown } }): Promise<PaymentFact[]> => {
    const base = { eventId: event.id };
    switch (event.type) {
      case 'payment_intent.succeeded': {
        const pi = paymentIntent.parse(event.data.object);
        return [
          {
            ...base,
            kind: 'succeeded',
            paymentId: pi.id,
            accountNumber: pi.metadata[METADATA.account] ?? null,
            amountMinor: BigInt(pi.amount_received ?? pi.amount),
            currency: upper(pi.currency),
            ...(pi.metadata[METADATA.autoTopUp] ? { autoTopUp: pi.metadata[METADATA.autoTopUp] } : {}),
          },
        ];
      }
      case 'payment_intent.payment_failed': {
        const pi = paymentIntent.parse(event.data.object);
        const reason = pi.last_payment_error?.code ?? pi.last_payment_error?.message ?? 'payment failed';
        return [{ ...base, kind: 'failed', paymentId: pi.id, accountNumber: pi.metadata[METADATA.account] ?? null, reason }];
      }
      case 'setup_intent.succeeded': {
        const si = setupIntent.parse(event.data.object);
        const customerId = idOf(si.customer);
        const paymentMethodId = idOf(si.payment_method);
        // a setup for no customer cannot be charged later: nothing to record
        if (!customerId || !paymentMethodId) return [];
        return [
          {
            ...base,
            kind: 'payment-method-saved',
            paymentId: si.id,
            accountNumber: si.metadata[METADATA.account] ?? null,
            customerId,
            paymentMethodId,
          },
        ];
      }
      case 'charge.refunded': {
        const c = charge.parse(event.data.object);
        const paymentId = idOf(c.payment_intent);
        if (!paymentId) return [];
        return [
          {
            ...base,
            kind: 'refunded',
            paymentId,
            accountNumber: await accountOfPayment(paymentId),
            refundedTotalMinor: BigInt(c.amount_refunded),
            currency: upper(c.currency),
          },
        ];
      }
      case 'charge.dispute.funds_withdrawn':
      case 'charge.dispute.funds_reinstated': {
        const d = dispute.parse(event.data.object);
        const paymentId = idOf(d.payment_intent);
        if (!paymentId) return [];
        return [
          {
            ...base,
            kind: event.type === 'charge.dispute.funds_withdrawn' ? 'chargeback' : 'chargeback-reversed',
            paymentId,
            disputeId: d.id,
            accountNumber: await accountOfPayment(paymentId),
            amountMinor: BigInt(d.amount),
            currency: upper(d.currency),
          },
        ];
      }
      default:
        return [];
    }
  };

  return {
    name: 'stripe',
    async createTopUp(request: TopUpRequest): Promise<CreatedPayment> {
      const created = await stripe.paymentIntents
        .create(
          {
            amount: Number(request.amountMinor),
            currency: request.currency.toLowerCase(),
            description: request.description,
            automatic_payment_methods: { enabled: true },
            metadata: { [METADATA.account]: request.accountNumber, [METADATA.accountId]: request.accountId },
          },
          { idempotencyKey: request.idempotencyKey },
        )
        .catch((error: unknown) => {
          throw processorError(error);
        });
      const pi = paymentIntent.parse(created);
      if (!pi.client_secret) throw new Error(`Stripe returned PaymentIntent ${pi.id} without a client secret`);
      return {
        paymentId: pi.id,
        clientSecret: pi.client_secret,
        amountMinor: BigInt(pi.amount),
        currency: upper(pi.currency),
        status: pi.status,
      };
    },
    async createSetup(request) {
      const metadata = { [METADATA.account]: request.accountNumber, [METADATA.accountId]: request.accountId };
      const fail = (error: unknown): never => {
        throw processorError(error);
      };
      // one Stripe customer per account: the one saved before, else made under a key of its own
      const customerId =
        request.customerId ??
        (
          await stripe.customers
            .create(
              { description: `Trunkline account ${request.accountNumber}`, metadata },
              { idempotencyKey: `${request.idempotencyKey}-customer` },
            )
            .catch(fail)
        ).id;
      const created = await stripe.setupIntents
        .create(
          { customer: customerId, usage: 'off_session', automatic_payment_methods: { enabled: true }, metadata },
          { idempotencyKey: request.idempotencyKey },
        )
        .catch(fail);
      const si = setupIntent.parse(created);
      if (!si.client_secret) throw new Error(`Stripe returned SetupIntent ${si.id} without a client secret`);
      return { setupId: si.id, clientSecret: si.client_secret, customerId };
    },
    async chargeSavedMethod(request) {
      let created: unknown;
      try {
        created = await stripe.paymentIntents.create(
          {
            amount: Number(request.amountMinor),
            currency: request.currency.toLowerCase(),
            customer: request.customerId,
            payment_method: request.paymentMethodId,
            off_session: true,
            confirm: true,
            description: request.description,
            metadata: {
              [METADATA.account]: request.accountNumber,
              [METADATA.accountId]: request.accountId,
              [METADATA.autoTopUp]: request.triggerId,
            },
          },
          { idempotencyKey: request.idempotencyKey },
        );
      } catch (error) {
        return declined(error);
      }
      const pi = paymentIntent.parse(created);
      if (pi.status === 'succeeded' || pi.status === 'processing')
        return { outcome: 'started', paymentId: pi.id, status: pi.status, amountMinor: BigInt(pi.amount), currency: upper(pi.currency) };
      // off-session, anything else (requires_action, requires_payment_method) needs the customer
      return { outcome: 'declined', paymentId: pi.id, code: pi.status, reason: `the payment is ${pi.status}: it needs the customer` };
    },
    async *listSucceeded(period) {
      const created = { gte: Math.floor(period.from.getTime() / 1000), lt: Math.floor(period.to.getTime() / 1000) };
      // the library follows `has_more` page by page (100 a page)
      for await (const item of stripe.paymentIntents.list({ created, limit: 100 })) {
        const pi = paymentIntent.parse(item);
        if (pi.status !== 'succeeded') continue;
        yield {
          paymentId: pi.id,
          accountNumber: pi.metadata[METADATA.account] ?? null,
          amountMinor: BigInt(pi.amount_received ?? pi.amount),
          currency: upper(pi.currency),
          created: new Date((item as { created: number }).created * 1000).toISOString(),
        };
      }
    },
    async *listBalance(period) {
      const created = { gte: Math.floor(period.from.getTime() / 1000), lt: Math.floor(period.to.getTime() / 1000) };
      // charges' balance transactions, each with its charge expanded to name the PaymentIntent it paid
      for await (const item of stripe.balanceTransactions.list({ created, type: 'charge', limit: 100, expand: ['data.source'] })) {
        const source = item.source as { payment_intent?: string | { id: string } | null } | string | null;
        const pi = typeof source === 'object' && source ? source.payment_intent : null;
        if (!pi) continue;
        yield {
          paymentId: typeof pi === 'string' ? pi : pi.id,
          amountMinor: BigInt(item.amount),
          feeMinor: BigInt(item.fee),
          netMinor: BigInt(item.net),
          currency: upper(item.currency),
        };
      }
    },
    async readWebhook(rawBody, headers) {
      const signature = headers['stripe-signature'];
      if (!signature) throw new WebhookSignatureError('no Stripe-Signature header');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, settings.webhookSecret, settings.toleranceSeconds);
      } catch (error) {
        throw new WebhookSignatureError(`Stripe signature does not verify: ${(error as Error).message}`);
      }
      return { eventId: event.id, type: event.type, facts: await factsOf(event) };
    },
  };
}
