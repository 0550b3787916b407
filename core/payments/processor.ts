/**
 * The payment processor port: what the engine asks of Stripe or any other processor, and the
 * facts it reports back (webhooks), already verified and reduced to what the wallet needs.
 * Amounts are integers in the currency's minor unit, as processors count them.
 */
export interface TopUpRequest {
  readonly accountNumber: string;
  readonly accountId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  /** The same key for the same request: the processor returns the same payment. */
  readonly idempotencyKey: string;
  readonly description: string;
}

export interface CreatedPayment {
  readonly paymentId: string;
  /** What the client app completes the payment with (Stripe's PaymentIntent client secret). */
  readonly clientSecret: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly status: string;
}

interface Fact {
  readonly eventId: string;
  readonly paymentId: string;
  /** The account the payment was made for (from the payment's metadata), if the processor knows it. */
  readonly accountNumber: string | null;
}

export type PaymentFact =
  | (Fact & {
      readonly kind: 'succeeded';
      readonly amountMinor: bigint;
      readonly currency: string;
      /** The auto top-up the payment was made for (its metadata), when the engine charged it off-session. */
      readonly autoTopUp?: string;
    })
  | (Fact & { readonly kind: 'failed'; readonly reason: string })
  | (Fact & { readonly kind: 'refunded'; readonly refundedTotalMinor: bigint; readonly currency: string })
  | (Fact & {
      readonly kind: 'chargeback' | 'chargeback-reversed';
      readonly disputeId: string;
      readonly amountMinor: bigint;
      readonly currency: string;
    })
  | (Fact & {
      /** A payment method saved for use without the customer (a succeeded Stripe SetupIntent); `paymentId` is the setup's id. */
      readonly kind: 'payment-method-saved';
      readonly customerId: string;
      readonly paymentMethodId: string;
    });

/** What the client app completes to save a payment method (Stripe: a SetupIntent's client secret). */
export interface CreatedSetup {
  readonly setupId: string;
  readonly clientSecret: string;
  readonly customerId: string;
}

/** A top-up charged to a saved payment method with the customer absent (Stripe: an off-session PaymentIntent). */
export interface SavedMethodCharge extends TopUpRequest {
  readonly customerId: string;
  readonly paymentMethodId: string;
  /** The auto top-up this pays for, kept in the payment's metadata. */
  readonly triggerId: string;
}

/**
 * How an off-session charge came out: started (succeeded or processing: the webhook settles it),
 * or declined for good (a card error, or the bank wants the customer: 3-D Secure).
 */
export type SavedMethodOutcome =
  | {
      readonly outcome: 'started';
      readonly paymentId: string;
      readonly status: string;
      readonly amountMinor: bigint;
      readonly currency: string;
    }
  | { readonly outcome: 'declined'; readonly paymentId: string | null; readonly code: string; readonly reason: string };

/** The processor refused or could not be reached; `kind` says which, for the API's answer. */
export class PaymentProcessorError extends Error {
  override readonly name = 'PaymentProcessorError';
  constructor(
    readonly kind: 'unavailable' | 'idempotency-conflict' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

/** A webhook the processor's signature does not vouch for. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

export interface PaymentProcessor {
  readonly name: string;
  createTopUp(request: TopUpRequest): Promise<CreatedPayment>;
  /** Starts saving a payment method for later off-session top-ups; `customerId` reuses the customer saved before. */
  createSetup?(request: {
    readonly accountNumber: string;
    readonly accountId: string;
    readonly customerId: string | null;
    readonly idempotencyKey: string;
  }): Promise<CreatedSetup>;
  /** Charges a saved payment method; the same idempotency key gives the same payment (or the same refusal). */
  chargeSavedMethod?(request: SavedMethodCharge): Promise<SavedMethodOutcome>;
  /**
   * Verifies a webhook on its raw bytes and reduces it to facts; an event that is not about
   * money this engine tracks gives none. `eventId` is the processor's own event id.
   */
  readWebhook(
    rawBody: Buffer,
    headers: Readonly<Record<string, string | undefined>>,
  ): Promise<{ readonly eventId: string; readonly type: string; readonly facts: readonly PaymentFact[] }>;
  /** Payments that succeeded at the processor, created in [from, to): what reconciliation compares the credits with. */
  listSucceeded?(period: { readonly from: Date; readonly to: Date }): AsyncIterable<SettledPayment>;
  /** The money payments put in the provider's balance (gross, fee, net), created in [from, to). */
  listBalance?(period: { readonly from: Date; readonly to: Date }): AsyncIterable<BalanceEntry>;
}

export interface BalanceEntry {
  readonly paymentId: string;
  readonly amountMinor: bigint;
  readonly feeMinor: bigint;
  readonly netMinor: bigint;
  readonly currency: string;
}

export interface SettledPayment {
  readonly paymentId: string;
  readonly accountNumber: string | null;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly created: string;
}
