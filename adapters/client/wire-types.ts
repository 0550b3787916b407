/**
 * The API's JSON as the SDK hands it back. Written out here, not imported from the engine, so the
 * published package stands alone; `test/adapters/client/wire-types.test.ts` fails to compile when
 * the engine's views and these drift apart.
 */

/** Where a grant may be spent: countries, number types, digit prefixes of the called number. */
export interface Restriction {
  readonly countries?: string[];
  readonly numberTypes?: ('landline' | 'mobile' | 'toll-free')[];
  readonly prefixes?: string[];
}

export interface GrantView {
  readonly grantId: string;
  readonly amount: string;
  readonly remaining: string;
  readonly expiresAt: string | null;
  readonly restriction: Restriction | null;
  readonly reason: string;
}

export interface BalanceView {
  readonly number: string;
  readonly accountId: string;
  readonly status: string;
  readonly currency: string;
  /** What can be spent now: paid credit plus unexpired grants, less reservations; nothing while in debt. */
  readonly available: string;
  readonly paid: string;
  readonly granted: string;
  readonly reserved: string;
  readonly balance: string;
  readonly inDebt: boolean;
  readonly paidServices: 'allowed' | 'suspended';
  readonly grants: readonly GrantView[];
  /** Log position of the last event this view includes for the account. */
  readonly position: number;
}

export interface LedgerLine {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  /** Signed: credit positive, debit negative. */
  readonly amount: string;
  readonly paidChange: string;
  readonly grantedChange: string;
  readonly balance: string;
  readonly paidBalance: string;
  readonly grantedBalance: string;
  readonly reference: string;
  readonly recordedAt: string;
}

export interface Redemption {
  readonly outcome: 'redeemed' | 'already-yours';
  readonly batchId: string;
  readonly amount: string;
  readonly currency: string;
  readonly funding: 'paid' | 'granted';
  readonly position: number | null;
}

/** A page of records, newest first; pass `next` back as `cursor` for the following page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export interface CallRecord {
  readonly callId: string;
  readonly caller: string;
  readonly callee: string;
  readonly route: 'pstn' | 'on-net' | 'emergency' | 'on-net-inbound';
  readonly authorizedAt: string;
  readonly answeredAt: string | null;
  readonly endedAt: string | null;
  readonly durationSeconds: number | null;
  readonly billedSeconds: number | null;
  readonly prefix: string | null;
  readonly ratePerMinute: string | null;
  readonly connectFee: string | null;
  readonly sheetVersion: number | null;
  readonly price: string | null;
  readonly fromGrants: string | null;
  readonly fromPaid: string | null;
  readonly shortfall: string | null;
  readonly currency: string;
  readonly carrier: string | null;
  readonly outcome: 'open' | 'answered' | 'failed' | 'no-cdr' | 'received';
  readonly cause: string | null;
  readonly rerated: number;
}

export interface OperatorCallRecord extends CallRecord {
  readonly accountId: string;
  readonly trunk: string | null;
  readonly carrierPrefix: string | null;
  readonly carrierRate: string | null;
  readonly carrierCost: string | null;
  readonly carrierCurrency: string | null;
  readonly deckVersion: number | null;
  readonly origin: string | null;
  readonly position: number;
}

export interface TextStep {
  readonly status: string;
  readonly at: string;
  readonly detail: string | null;
}

export interface TextRecord {
  readonly smsId: string;
  readonly from: string;
  readonly to: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly encoding: string;
  readonly segments: number;
  readonly characters: number;
  readonly price: string;
  readonly refunded: string | null;
  readonly currency: string;
  readonly gateway: string | null;
  readonly status: 'accepted' | 'submitted' | 'delivered' | 'failed' | 'refunded';
  readonly reason: string | null;
  readonly history: readonly TextStep[];
}

export interface AccountSummary {
  readonly number: string;
  readonly accountId: string;
  readonly status: string;
  readonly currency: string;
  readonly paid: string;
  readonly granted: string;
  readonly reserved: string;
  readonly updatedAt: string;
}

/** Auto top-up as `GET|PUT|DELETE /v1/accounts/me/auto-top-up` answer it (`position`: the change's, on PUT and DELETE). */
export interface AutoTopUp {
  readonly enabled: boolean;
  readonly threshold: string | null;
  readonly amount: string | null;
  readonly monthlyCap: string | null;
  readonly currency: string;
  readonly month: string;
  readonly toppedUpThisMonth: string;
  readonly pending: {
    readonly triggerId: string;
    readonly amount: string;
    readonly since: string;
    readonly paymentId: string | null;
  } | null;
  readonly paymentMethod: { readonly processor: string; readonly id: string } | null;
  readonly disabledReason: 'customer' | 'payment-failed' | null;
}

/** A payment method setup to complete in the app (Stripe.js `confirmSetup` with `clientSecret`). */
export interface PaymentMethodSetup {
  readonly processor: string;
  readonly setupId: string;
  readonly clientSecret: string;
  readonly customerId: string;
}

/** The app's webhook endpoint as registered: `secret` is shown here only (Standard Webhooks `whsec_…`). */
export interface ClientWebhookRegistration {
  readonly url: string;
  readonly version: number;
  readonly secret: string;
  readonly events: readonly string[];
}
