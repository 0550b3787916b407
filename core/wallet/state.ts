import { Decimal } from '../money';
import type { AccountStatus } from '../accounts/account';
import type { AccountStreamEvent, Restriction } from './events';
import { closeCall, initialCalls, withCall, withoutCall, type CallsState } from '../calls/state';
import { initialSms, withoutSms, withRecent, type SmsState } from '../sms/state';

/** A grant's credit still unspent: spent before paid credit, only where its restriction allows. */
export interface GrantLot {
  readonly grantId: string;
  readonly remaining: Decimal;
  readonly expiresAt: string | null;
  readonly restriction: Restriction | null;
}

export interface PaymentRecord {
  /** What the top-up request asked for, when this engine started the payment. */
  readonly started: { readonly amount: string; readonly credit: string } | null;
  /** Credited, or recorded as a mismatch: either way the payment's success is settled. */
  readonly settled: 'credited' | 'mismatch' | null;
  /** The processor's running refund total seen so far. */
  readonly refunded: Decimal;
  /** What the payment credited (decimal string), and how much of it refunds and chargebacks took back. */
  readonly credited: string;
  readonly reversed: string;
}

export interface DisputeRecord {
  readonly debited: boolean;
  readonly reversed: boolean;
  /** What the chargeback took from the customer (at most what the payment credited): what a reversal gives back. */
  readonly debitedAmount: string;
}

export interface WalletState extends CallsState, SmsState {
  readonly status: AccountStatus;
  readonly accountId: string;
  readonly number: string;
  readonly currency: string;
  /** Money the customer paid for and has not spent; below zero after a refund or chargeback of spent credit. */
  readonly paid: Decimal;
  readonly grants: readonly GrantLot[];
  readonly payments: Readonly<Record<string, PaymentRecord>>;
  readonly disputes: Readonly<Record<string, DisputeRecord>>;
  readonly vouchers: Readonly<Record<string, true>>;
}

export const initialWallet: WalletState = {
  status: 'none',
  accountId: '',
  number: '',
  currency: '',
  paid: new Decimal(0),
  grants: [],
  payments: {},
  disputes: {},
  vouchers: {},
  ...initialCalls,
  ...initialSms,
};

const payment = (s: WalletState, id: string): PaymentRecord =>
  s.payments[id] ?? { started: null, settled: null, refunded: new Decimal(0), credited: '0', reversed: '0' };

const withPayment = (s: WalletState, id: string, change: Partial<PaymentRecord>): WalletState => ({
  ...s,
  payments: { ...s.payments, [id]: { ...payment(s, id), ...change } },
});

const dispute = (s: WalletState, id: string): DisputeRecord => s.disputes[id] ?? { debited: false, reversed: false, debitedAmount: '0' };
const plus = (a: string, b: string) => new Decimal(a).plus(b).toFixed();

const spendGrant = (grants: readonly GrantLot[], grantId: string, amount: Decimal): GrantLot[] =>
  grants.map((g) => (g.grantId === grantId ? { ...g, remaining: g.remaining.minus(amount) } : g));

export function evolveWallet(s: WalletState, e: AccountStreamEvent): WalletState {
  switch (e.type) {
    case 'AccountOpened':
      return { ...s, status: 'open', accountId: e.data.accountId, number: e.data.number, currency: e.data.currency };
    case 'AccountSuspended':
      return { ...s, status: 'suspended' };
    case 'AccountReinstated':
      return { ...s, status: 'open' };
    case 'AccountClosed':
      return { ...s, status: 'closed' };
    case 'TopUpStarted':
      return withPayment(s, e.data.paymentId, { started: { amount: e.data.amount, credit: e.data.credit } });
    case 'CreditPurchased':
      return { ...withPayment(s, e.data.paymentId, { settled: 'credited', credited: e.data.credit }), paid: s.paid.plus(e.data.credit) };
    case 'TopUpMismatch':
      return withPayment(s, e.data.paymentId, { settled: 'mismatch' });
    case 'TopUpFailed':
      return s;
    case 'CreditGranted':
      return {
        ...s,
        grants: [
          ...s.grants,
          {
            grantId: e.data.grantId,
            remaining: new Decimal(e.data.amount),
            expiresAt: e.data.expiresAt,
            restriction: e.data.restriction,
          },
        ],
      };
    case 'CreditExpired':
      return { ...s, grants: spendGrant(s.grants, e.data.grantId, new Decimal(e.data.amount)) };
    case 'CreditRefunded':
      return {
        ...withPayment(s, e.data.paymentId, {
          refunded: new Decimal(e.data.refundedTotal),
          reversed: plus(payment(s, e.data.paymentId).reversed, e.data.amount),
        }),
        paid: s.paid.minus(e.data.amount),
      };
    case 'ReversalUncovered':
      if (e.data.refundedTotal !== null) return withPayment(s, e.data.paymentId, { refunded: new Decimal(e.data.refundedTotal) });
      if (e.data.disputeId === null) return s;
      return { ...s, disputes: { ...s.disputes, [e.data.disputeId]: { ...dispute(s, e.data.disputeId), debited: true } } };
    case 'ChargebackDebited': {
      const d = dispute(s, e.data.disputeId);
      return {
        ...withPayment(s, e.data.paymentId, { reversed: plus(payment(s, e.data.paymentId).reversed, e.data.amount) }),
        paid: s.paid.minus(e.data.amount),
        disputes: { ...s.disputes, [e.data.disputeId]: { ...d, debited: true, debitedAmount: plus(d.debitedAmount, e.data.amount) } },
      };
    }
    case 'ChargebackReversed':
      return {
        ...withPayment(s, e.data.paymentId, {
          reversed: new Decimal(payment(s, e.data.paymentId).reversed).minus(e.data.amount).toFixed(),
        }),
        paid: s.paid.plus(e.data.amount),
        disputes: { ...s.disputes, [e.data.disputeId]: { ...dispute(s, e.data.disputeId), reversed: true } },
      };
    case 'VoucherRedeemed': {
      const next = { ...s, vouchers: { ...s.vouchers, [e.data.codeHash]: true as const } };
      if (e.data.funding === 'paid' || !e.data.grant) return { ...next, paid: s.paid.plus(e.data.amount) };
      const g = e.data.grant;
      return {
        ...next,
        grants: [
          ...s.grants,
          { grantId: g.grantId, remaining: new Decimal(e.data.amount), expiresAt: g.expiresAt, restriction: g.restriction },
        ],
      };
    }
    case 'WalletCharged': {
      let grants: readonly GrantLot[] = s.grants;
      for (const part of e.data.fromGrants) grants = spendGrant(grants, part.grantId, new Decimal(part.amount));
      return { ...s, grants, paid: s.paid.minus(e.data.fromPaid) };
    }
    case 'CallAuthorized': {
      const d = e.data;
      return {
        ...s,
        reserved: s.reserved.plus(d.reserved),
        calls: s.calls.set(d.callId, {
          status: 'open',
          route: d.route,
          destination: d.destination,
          onNetUri: d.onNetUri,
          grantedSeconds: d.grantedSeconds,
          reserved: d.reserved,
          retail: d.retail,
          carriers: d.carriers,
          expiresAt: d.expiresAt,
        }),
      };
    }
    case 'CallExtended': {
      const more = new Decimal(e.data.reserved);
      const call = s.calls.get(e.data.callId);
      const reserved = (call ? more.plus(call.reserved) : more).toFixed();
      return withCall(s, e.data.callId, { grantedSeconds: e.data.grantedSeconds, expiresAt: e.data.expiresAt, reserved }, more);
    }
    case 'CallCharged': {
      let grants: readonly GrantLot[] = s.grants;
      for (const part of e.data.fromGrants) grants = spendGrant(grants, part.grantId, new Decimal(part.amount));
      return closeCall({ ...s, grants, paid: s.paid.minus(e.data.fromPaid) }, e.data.callId);
    }
    case 'CallRerated': {
      const g = e.data.grant;
      const grants = g
        ? [...s.grants, { grantId: g.grantId, remaining: new Decimal(g.amount), expiresAt: null, restriction: null }]
        : s.grants;
      return { ...s, grants, paid: s.paid.plus(e.data.paidChange) };
    }
    case 'CallFailed':
      return closeCall(s, e.data.callId);
    case 'ReservationReleased': {
      const released = withCall(s, e.data.callId, { reserved: '0' }, new Decimal(e.data.amount).negated());
      return released.calls.get(e.data.callId)?.status === 'closed' ? withoutCall(released, e.data.callId) : released;
    }
    case 'ReservationExpired':
      return withCall(s, e.data.callId, { status: 'expired', reserved: '0' }, new Decimal(e.data.amount).negated());
    case 'ChargeShortfall':
    case 'CarrierCostRecorded':
    case 'CdrUnmatched':
    case 'SmsReceiptRecorded':
      return evolveReceipt(s, e);
    case 'SmsAccepted': {
      const amount = new Decimal(e.data.amount);
      return {
        ...s,
        reserved: s.reserved.plus(amount),
        smsRecent: withRecent(s.smsRecent, { smsId: e.data.smsId, ms: Date.parse(e.data.at), fingerprint: e.data.fingerprint }),
        sms: s.sms.set(e.data.smsId, {
          status: 'accepted',
          to: e.data.to,
          segments: e.data.segments,
          amount,
          charged: null,
          parts: 1,
          deliveredParts: [],
        }),
      };
    }
    case 'SmsSubmitted': {
      const sms = s.sms.get(e.data.smsId);
      if (!sms) return s;
      return { ...s, sms: s.sms.set(e.data.smsId, { ...sms, status: 'submitted', parts: e.data.messageIds.length }) };
    }
    case 'SmsCharged': {
      const sms = s.sms.get(e.data.smsId);
      let grants: readonly GrantLot[] = s.grants;
      for (const part of e.data.fromGrants) grants = spendGrant(grants, part.grantId, new Decimal(part.amount));
      const charged = {
        fromGrants: e.data.fromGrants.map((g) => ({ grantId: g.grantId, amount: new Decimal(g.amount) })),
        fromPaid: new Decimal(e.data.fromPaid),
      };
      return {
        ...s,
        grants,
        paid: s.paid.minus(e.data.fromPaid),
        reserved: sms && !sms.charged ? s.reserved.minus(sms.amount) : s.reserved,
        sms: sms ? s.sms.set(e.data.smsId, { ...sms, charged }) : s.sms,
      };
    }
    case 'SmsFailed':
      return s.sms.has(e.data.smsId) ? withoutSms({ ...s, reserved: s.reserved.minus(e.data.released) }, e.data.smsId) : s;
    case 'SmsDelivered':
      return withoutSms(s, e.data.smsId);
    case 'SmsRefunded': {
      let grants: readonly GrantLot[] = s.grants;
      for (const part of e.data.toGrants) grants = spendGrant(grants, part.grantId, new Decimal(part.amount).negated());
      return withoutSms({ ...s, grants, paid: s.paid.plus(e.data.toPaid) }, e.data.smsId);
    }
  }
}

/** A delivered segment's receipt counts toward the message's delivery; other no-money events change nothing. */
function evolveReceipt(s: WalletState, e: AccountStreamEvent): WalletState {
  if (e.type !== 'SmsReceiptRecorded' || e.data.status !== 'delivered') return s;
  const sms = s.sms.get(e.data.smsId);
  if (!sms || sms.deliveredParts.includes(e.data.messageId)) return s;
  return { ...s, sms: s.sms.set(e.data.smsId, { ...sms, deliveredParts: [...sms.deliveredParts, e.data.messageId] }) };
}

/** Granted credit recorded and not yet spent or expired (expired-but-unrecorded grants included). */
export const grantedOf = (s: WalletState): Decimal => s.grants.reduce((sum, g) => sum.plus(g.remaining), new Decimal(0));

/** The balance: the sum of the ledger. */
export const balanceOf = (s: WalletState): Decimal => s.paid.plus(grantedOf(s));

const live = (g: GrantLot, at: string): boolean =>
  g.remaining.greaterThan(0) && (g.expiresAt === null || Date.parse(g.expiresAt) > Date.parse(at));

/** Grants that can still be spent at `at`, soonest expiry first (the order charges draw them). */
export function liveGrants(s: WalletState, at: string): GrantLot[] {
  return s.grants
    .map((g, index) => ({ g, index }))
    .filter(({ g }) => live(g, at))
    .sort((a, b) => {
      const ea = a.g.expiresAt === null ? Infinity : Date.parse(a.g.expiresAt);
      const eb = b.g.expiresAt === null ? Infinity : Date.parse(b.g.expiresAt);
      return ea === eb ? a.index - b.index : ea - eb;
    })
    .map(({ g }) => g);
}

/** An account in debt (paid credit below zero after a refund or chargeback) makes no paid calls until it settles. */
export const inDebt = (s: WalletState): boolean => s.paid.isNegative() && !s.paid.isZero();
