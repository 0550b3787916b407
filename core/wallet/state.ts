import { Decimal } from '../money';
import type { AccountStatus } from '../accounts/account';
import type { AccountStreamEvent, Restriction } from './events';
import { moneyEffect, type MoneyEffect } from './money-effect';
import { closeCall, initialCalls, withCall, withoutCall, type CallsState } from '../calls/state';
import { initialSms, withoutSms, withRecent, type SmsState } from '../sms/state';
import { evolveAutoTopUp, initialAutoTopUp, type AutoTopUpState } from '../auto-top-up/state';
import { isSettingEvent } from './setting-events';
import { chargeOf, initialSpend, withSpend, type SpendTotals } from './spend';
import { withRecentCall } from '../calls/recent-calls';
import type { CallLimits } from '../calls/limits';
import { evolveFraudHold, noFraudHold, type FraudHold } from '../fraud/hold';
import { emergencyCallRecord } from '../calls/emergency-record';
import type { AccountSpendCaps } from '../accounts/spend-caps-events';
import { evolveAccountSettings } from './account-settings';

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
  readonly autoTopUp: AutoTopUpState;
  /** The operator's call limits for this account (null: the provider's defaults). */
  readonly callLimits: CallLimits | null;
  /** Destination risk classes an operator allowed this account. */
  readonly riskClassesAllowed: readonly string[];
  /** The operator's spend caps for this account (null: the provider's). */
  readonly spendCaps: AccountSpendCaps | null;
  /** What was charged on the latest day and month: what the spend caps count. */
  readonly spend: SpendTotals;
  /** Open suspicions of fraud (paid services held while any is) and the reviews so far. */
  readonly fraud: FraudHold;
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
  autoTopUp: initialAutoTopUp,
  callLimits: null,
  riskClassesAllowed: [],
  spendCaps: null,
  spend: initialSpend,
  fraud: noFraudHold,
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

/** Applies an event's money effect: paid credit, each grant's remainder, and what is held. */
function applyMoney(s: WalletState, effect: MoneyEffect | null): WalletState {
  if (!effect) return s;
  // the hot path (an authorization folds every event of the stream): allocate only what changes
  let grants: readonly GrantLot[] = s.grants;
  for (const c of effect.grantChanges) grants = spendGrant(grants, c.grantId, c.change.negated());
  if (effect.newGrant) {
    const g = effect.newGrant;
    grants = [...grants, { grantId: g.grantId, remaining: g.amount, expiresAt: g.expiresAt, restriction: g.restriction }];
  }
  return {
    ...s,
    paid: effect.paid.isZero() ? s.paid : s.paid.plus(effect.paid),
    grants,
    reserved: effect.reserved.isZero() ? s.reserved : s.reserved.plus(effect.reserved),
  };
}

/** The wallet after `e`: money through `moneyEffect`, the one definition of it; the rest here. */
export function evolveWallet(s: WalletState, e: AccountStreamEvent): WalletState {
  const recorded = evolveRecords(applyMoney(s, moneyEffect(e)), e);
  const charge = chargeOf(e);
  const next = charge ? { ...recorded, spend: withSpend(recorded.spend, charge.at, charge.amount) } : recorded;
  const autoTopUp = evolveAutoTopUp(next.autoTopUp, e, next.payments);
  const fraud = evolveFraudHold(next.fraud, e);
  return autoTopUp === next.autoTopUp && fraud === next.fraud ? next : { ...next, autoTopUp, fraud };
}

/** What an event records besides money: the account's status, payments, disputes, calls and texts. */
function evolveRecords(s: WalletState, e: AccountStreamEvent): WalletState {
  // settings: the operator's for this account here; auto top-up and fraud holds have their own evolve
  if (isSettingEvent(e)) return evolveAccountSettings(s, e);
  switch (e.type) {
    case 'AccountOpened':
      return { ...s, status: 'open', accountId: e.data.accountId, number: e.data.number, currency: e.data.currency };
    case 'AccountSuspended':
      return { ...s, status: 'suspended' };
    case 'AccountReinstated':
      return { ...s, status: 'open' };
    case 'AccountClosed':
      return { ...s, status: 'closed' };
    case 'LowBalanceThresholdSet':
      // a notification setting: nothing the wallet decides on
      return s;
    case 'CallRefused':
      return { ...s, lastRefusalAt: e.data.at };
    case 'TopUpStarted':
      return withPayment(s, e.data.paymentId, { started: { amount: e.data.amount, credit: e.data.credit } });
    case 'CreditPurchased':
      return withPayment(s, e.data.paymentId, { settled: 'credited', credited: e.data.credit });
    case 'TopUpMismatch':
      return withPayment(s, e.data.paymentId, { settled: 'mismatch' });
    case 'CreditRefunded':
      return withPayment(s, e.data.paymentId, {
        refunded: new Decimal(e.data.refundedTotal),
        reversed: plus(payment(s, e.data.paymentId).reversed, e.data.amount),
      });
    case 'ReversalUncovered':
      if (e.data.refundedTotal !== null) return withPayment(s, e.data.paymentId, { refunded: new Decimal(e.data.refundedTotal) });
      if (e.data.disputeId === null) return s;
      return { ...s, disputes: { ...s.disputes, [e.data.disputeId]: { ...dispute(s, e.data.disputeId), debited: true } } };
    case 'ChargebackDebited': {
      const d = dispute(s, e.data.disputeId);
      return {
        ...withPayment(s, e.data.paymentId, { reversed: plus(payment(s, e.data.paymentId).reversed, e.data.amount) }),
        disputes: { ...s.disputes, [e.data.disputeId]: { ...d, debited: true, debitedAmount: plus(d.debitedAmount, e.data.amount) } },
      };
    }
    case 'ChargebackReversed':
      return {
        ...withPayment(s, e.data.paymentId, {
          reversed: new Decimal(payment(s, e.data.paymentId).reversed).minus(e.data.amount).toFixed(),
        }),
        disputes: { ...s.disputes, [e.data.disputeId]: { ...dispute(s, e.data.disputeId), reversed: true } },
      };
    case 'VoucherRedeemed':
      return { ...s, vouchers: { ...s.vouchers, [e.data.codeHash]: true as const } };
    case 'CallAuthorized':
    case 'CallExtended':
    case 'CallCharged':
    case 'CallFailed':
    case 'ReservationReleased':
    case 'ReservationExpired':
    case 'EmergencyCallAuthorized':
      return evolveCall(s, e);
    case 'SmsAccepted':
    case 'SmsSubmitted':
    case 'SmsCharged':
    case 'SmsFailed':
    case 'SmsDelivered':
    case 'SmsRefunded':
    case 'SmsReceiptRecorded':
      return evolveText(s, e);
    case 'TopUpFailed':
    case 'CreditGranted':
    case 'CreditExpired':
    case 'WalletCharged':
    case 'CallRerated':
    case 'ChargeShortfall':
    case 'CarrierCostRecorded':
    case 'CdrUnmatched':
    case 'PeerCallReceived':
      // a peer's call to this account holds nothing and keeps no open call
      return s;
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}

type CallEvent = Extract<
  AccountStreamEvent,
  {
    type:
      | 'CallAuthorized'
      | 'CallExtended'
      | 'CallCharged'
      | 'CallFailed'
      | 'ReservationReleased'
      | 'ReservationExpired'
      | 'EmergencyCallAuthorized';
  }
>;

/** A call's record: open, extended, closed, its hold released or lapsed. */
function evolveCall(s: WalletState, e: CallEvent): WalletState {
  switch (e.type) {
    case 'CallAuthorized': {
      const d = e.data;
      return {
        ...s,
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
        recentCalls: withRecentCall(s.recentCalls, Date.parse(d.at)),
      };
    }
    case 'CallExtended': {
      const call = s.calls.get(e.data.callId);
      const reserved = (call ? new Decimal(e.data.reserved).plus(call.reserved) : new Decimal(e.data.reserved)).toFixed();
      return withCall(s, e.data.callId, { grantedSeconds: e.data.grantedSeconds, expiresAt: e.data.expiresAt, reserved });
    }
    case 'CallCharged':
    case 'CallFailed':
      return closeCall(s, e.data.callId);
    case 'ReservationReleased': {
      const released = withCall(s, e.data.callId, { reserved: '0' });
      return released.calls.get(e.data.callId)?.status === 'closed' ? withoutCall(released, e.data.callId) : released;
    }
    case 'ReservationExpired':
      return withCall(s, e.data.callId, { status: 'expired', reserved: '0' });
    case 'EmergencyCallAuthorized':
      return { ...s, calls: s.calls.set(e.data.callId, emergencyCallRecord(e.data)) };
  }
}

type TextEvent = Extract<
  AccountStreamEvent,
  { type: 'SmsAccepted' | 'SmsSubmitted' | 'SmsCharged' | 'SmsFailed' | 'SmsDelivered' | 'SmsRefunded' | 'SmsReceiptRecorded' }
>;

/** A text's record from acceptance to delivery or refund. */
function evolveText(s: WalletState, e: TextEvent): WalletState {
  switch (e.type) {
    case 'SmsAccepted':
      return {
        ...s,
        smsRecent: withRecent(s.smsRecent, { smsId: e.data.smsId, ms: Date.parse(e.data.at), fingerprint: e.data.fingerprint }),
        sms: s.sms.set(e.data.smsId, {
          status: 'accepted',
          to: e.data.to,
          segments: e.data.segments,
          amount: new Decimal(e.data.amount),
          charged: null,
          parts: 1,
          deliveredParts: [],
        }),
      };
    case 'SmsSubmitted': {
      const sms = s.sms.get(e.data.smsId);
      if (!sms) return s;
      return { ...s, sms: s.sms.set(e.data.smsId, { ...sms, status: 'submitted', parts: e.data.messageIds.length }) };
    }
    case 'SmsCharged': {
      const sms = s.sms.get(e.data.smsId);
      const charged = {
        fromGrants: e.data.fromGrants.map((g) => ({ grantId: g.grantId, amount: new Decimal(g.amount) })),
        fromPaid: new Decimal(e.data.fromPaid),
      };
      return sms ? { ...s, sms: s.sms.set(e.data.smsId, { ...sms, charged }) } : s;
    }
    case 'SmsFailed':
    case 'SmsDelivered':
    case 'SmsRefunded':
      return withoutSms(s, e.data.smsId);
    case 'SmsReceiptRecorded':
      return evolveReceipt(s, e);
  }
}

/** A delivered segment's receipt counts toward the message's delivery; other no-money events change nothing. */
function evolveReceipt(s: WalletState, e: Extract<AccountStreamEvent, { type: 'SmsReceiptRecorded' }>): WalletState {
  if (e.data.status !== 'delivered') return s;
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
