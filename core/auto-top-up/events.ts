import { z } from 'zod';

const amount = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'a non-negative decimal string');
const positive = amount.regex(/[1-9]/, 'must be greater than 0');

/** A payment method the processor keeps for the account, usable without the customer present. */
const savedMethod = {
  processor: z.string(),
  /** The processor's customer (a Stripe Customer id) that holds the method. */
  customerId: z.string(),
  /** The processor's payment method id (a Stripe PaymentMethod id). */
  paymentMethodId: z.string(),
};

/**
 * Auto top-up on an account's stream: a saved payment method, the customer's opt-in (threshold,
 * amount, monthly cap), each top-up a spend below the threshold set off, and how it ended.
 * None of them moves money: the credit comes with the processor's `CreditPurchased`.
 */
export const autoTopUpEvents = {
  /** The processor confirmed a payment method saved for off-session use (a succeeded SetupIntent). */
  PaymentMethodSaved: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      ...savedMethod,
      /** The processor's setup (a SetupIntent id) and the event that reported it. */
      setupId: z.string(),
      processorEventId: z.string(),
    }),
  },
  AutoTopUpEnabled: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      /** Available credit below which a spend starts a top-up. */
      threshold: amount,
      /** What each top-up buys. */
      amount: positive,
      /** The most auto top-ups may buy in one calendar month (UTC). */
      monthlyCap: positive,
      currency: z.string(),
    }),
  },
  AutoTopUpDisabled: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      /** `customer`: turned off through the API; `payment-failed`: a top-up failed or needed the customer. */
      reason: z.enum(['customer', 'payment-failed']),
    }),
  },
  /** A spend took available credit below the threshold: one top-up is due (recorded with that spend). */
  AutoTopUpTriggered: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      /** Derived from the account and the count of earlier triggers: two writers racing derive the same. */
      triggerId: z.string(),
      ...savedMethod,
      amount: positive,
      currency: z.string(),
      /** Available credit after the spend, and the threshold it went below. */
      available: amount,
      threshold: amount,
      /** The calendar month (UTC, `YYYY-MM`) whose cap it counts against. */
      month: z.string().regex(/^\d{4}-\d{2}$/),
      at: z.string(),
    }),
  },
  /** The processor refused the top-up or it needs the customer (3-D Secure): nothing was bought. */
  AutoTopUpFailed: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      triggerId: z.string(),
      paymentId: z.string().nullable(),
      /** The processor's code (`authentication_required`, `card_declined`, `requires_action`, …). */
      code: z.string(),
      reason: z.string(),
    }),
  },
} as const;

export type AutoTopUpEventType = keyof typeof autoTopUpEvents;
