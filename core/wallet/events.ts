import { z } from 'zod';
import { eventCodec, type EventsOf } from '../events/codec';
import { accountEvents } from '../accounts/account';
import { callEvents } from '../calls/events';
import { emergencyEvents } from '../calls/emergency-events';
import { inboundEvents } from '../calls/inbound-events';
import { fraudEvents } from '../fraud/events';
import { smsEvents } from '../sms/events';
import { autoTopUpEvents } from '../auto-top-up/events';

/** A positive amount as a decimal string in the account's currency (the event type says the sign). */
const amount = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'a non-negative decimal string');
/** Money a payment moves: a purchase, refund or chargeback of nothing (or less) is no fact. */
const positive = amount.regex(/[1-9]/, 'must be greater than 0');

/** Where granted credit may be spent; every listed dimension must match (an empty list matches nothing). */
export const restrictionSchema = z
  .object({
    /** ISO 3166-1 alpha-2 countries of the called number. */
    countries: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
    numberTypes: z.array(z.enum(['landline', 'mobile', 'toll-free'])).optional(),
    /** Digit prefixes of the called number (E.164 without +). */
    prefixes: z.array(z.string().regex(/^\d{1,15}$/)).optional(),
    /**
     * The most the grant pays toward one call, text or charge (a decimal string): trial credit
     * cannot all go into one long or dear call. The rest of the charge is paid credit's.
     */
    maxPerCharge: z
      .string()
      .regex(/^(0|[1-9]\d{0,11})(\.\d{1,12})?$/)
      .optional(),
  })
  .strict();
export type Restriction = z.infer<typeof restrictionSchema>;

const grantTerms = {
  grantId: z.string(),
  /** ISO instant after which what is left of the grant expires; null never. */
  expiresAt: z.string().nullable(),
  restriction: restrictionSchema.nullable(),
};

const processorFact = {
  processor: z.string(),
  /** The processor's payment id (a Stripe PaymentIntent id): the key of the credit. */
  paymentId: z.string(),
  /** The processor's event that reported the fact (a Stripe event id), for the audit trail. */
  processorEventId: z.string(),
};

export const walletEvents = {
  /** A client asked to buy credit; the processor holds a payment for it. Moves no money. */
  TopUpStarted: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      processor: z.string(),
      paymentId: z.string(),
      /** What the client pays, in the account's currency. */
      amount: positive,
      /** What the account will receive when the payment succeeds. */
      credit: positive,
      currency: z.string(),
      requestKey: z.string(),
      /** The auto top-up (its trigger id) this payment pays for; absent for a client's own top-up. */
      autoTopUp: z.string().optional(),
    }),
  },
  CreditPurchased: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      ...processorFact,
      amount: positive,
      credit: positive,
      currency: z.string(),
      /** The auto top-up the payment was for (the processor's metadata): it settles that top-up even unrecorded as started. */
      autoTopUp: z.string().optional(),
    }),
  },
  TopUpFailed: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), ...processorFact, reason: z.string() }),
  },
  /** The processor reported money this engine did not ask for (other amount or currency): recorded, not credited. */
  TopUpMismatch: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      ...processorFact,
      expected: z.object({ amount, currency: z.string() }).nullable(),
      received: z.object({ amount, currency: z.string() }),
    }),
  },
  CreditGranted: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      ...grantTerms,
      amount,
      currency: z.string(),
      /** Why: `trial`, `promotion`, `voucher`, an operator's note. */
      reason: z.string(),
      source: z.string(),
    }),
  },
  CreditExpired: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), grantId: z.string(), amount, currency: z.string() }),
  },
  CreditRefunded: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      ...processorFact,
      amount: positive,
      currency: z.string(),
      /** The processor's running total refunded on this payment, this event included. */
      refundedTotal: positive,
    }),
  },
  /**
   * The part of a refund or chargeback beyond what its payment credited (a payment recorded as a
   * mismatch, never credited, or refunded already): the provider's loss, for finance to review,
   * never the customer's debt.
   */
  ReversalUncovered: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      ...processorFact,
      kind: z.enum(['refund', 'chargeback']),
      disputeId: z.string().nullable(),
      amount: positive,
      currency: z.string(),
      /** For a refund: the processor's running total, this event included. */
      refundedTotal: positive.nullable(),
    }),
  },
  /**
   * The part of a call's or text's charge beyond what the account had (a reservation that
   * lapsed before its CDR, a grant that expired meanwhile): its charge event keeps the full
   * price and the split of what the customer paid; this is the rest, which the provider
   * absorbs. Paid credit stops at zero: usage never leaves a debt.
   */
  ChargeShortfall: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      kind: z.enum(['call', 'sms']),
      /** The call's or text's id. */
      reference: z.string(),
      amount,
      currency: z.string(),
      /** `reservation-lapsed`: the call's CDR came after its reservation expired; `credit-exhausted`: otherwise. */
      reason: z.enum(['reservation-lapsed', 'credit-exhausted']),
    }),
  },
  ChargebackDebited: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), ...processorFact, disputeId: z.string(), amount: positive, currency: z.string() }),
  },
  ChargebackReversed: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), ...processorFact, disputeId: z.string(), amount: positive, currency: z.string() }),
  },
  VoucherRedeemed: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      /** sha256 of the code, hex: the code itself is never stored. */
      codeHash: z.string(),
      batchId: z.string(),
      amount,
      currency: z.string(),
      /** `paid`: a prepaid card, money the provider received; `granted`: a promotion, spent like a grant. */
      funding: z.enum(['paid', 'granted']),
      grant: z.object(grantTerms).nullable(),
    }),
  },
  /** Spends credit: what was taken from which grant, and the rest from paid credit (which may go below zero). */
  WalletCharged: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      chargeId: z.string(),
      kind: z.string(),
      reference: z.string(),
      destination: z.string().nullable(),
      amount,
      currency: z.string(),
      fromGrants: z.array(z.object({ grantId: z.string(), amount })),
      fromPaid: amount,
      at: z.string(),
    }),
  },
} as const;

export type WalletEvent = EventsOf<typeof walletEvents>;
export const WALLET_EVENT_TYPES = Object.keys(walletEvents) as WalletEvent['type'][];

/** Everything an `account-<number>` stream holds. */
export const accountStreamEvents = {
  ...accountEvents,
  ...walletEvents,
  ...callEvents,
  ...emergencyEvents,
  ...inboundEvents,
  ...fraudEvents,
  ...smsEvents,
  ...autoTopUpEvents,
} as const;
export const accountStreamCodec = eventCodec(accountStreamEvents);
export type AccountStreamEvent = EventsOf<typeof accountStreamEvents>;
