import { Decimal } from '../money';
import type { AccountStreamEvent } from '../wallet/events';
import { isSettingEvent } from '../wallet/setting-events';

/** A charged PSTN call as rerating sees it: its charge now (after any corrections) and how it was paid. */
export interface ChargedCall {
  readonly callId: string;
  readonly destination: string;
  readonly answeredAt: string | null;
  readonly endedAt: string;
  /** The seconds the CDR reported (capped at the grant): what a new rate is applied to. */
  readonly seconds: number;
  /** The seconds the charge now counts (the increments of the rate it was last priced at). */
  readonly billedSeconds: number;
  readonly currency: string;
  readonly amount: Decimal;
  /** How much of `amount` paid credit carries (the rest came from promotional grants). */
  readonly paidShare: Decimal;
  /** How much of `amount` the provider absorbed (`ChargeShortfall`): nobody's credit, so never refunded as credit. */
  readonly absorbed: Decimal;
  /** Corrections recorded so far; the next one is `sequence + 1`. */
  readonly sequence: number;
  readonly lastRun: { readonly runId: string; readonly amountBefore: string; readonly billedSecondsBefore: number } | null;
}

export interface ChargedCallsState {
  readonly accountId: string;
  readonly calls: Readonly<Record<string, ChargedCall>>;
}

export const initialChargedCalls: ChargedCallsState = { accountId: '', calls: {} };

/**
 * What a correction changed in the part of the call the provider absorbed: the price's change
 * less what moved the customer's credit (paid back or taken, and a promotional grant).
 */
export function absorbedChange(d: { delta: string; paidChange: string; grant: { amount: string } | null }): Decimal {
  return new Decimal(d.delta).plus(d.paidChange).plus(d.grant?.amount ?? 0);
}

/** Folds an account stream into its charged calls; on-net and emergency calls are free and never rerated. */
export function evolveChargedCalls(s: ChargedCallsState, e: AccountStreamEvent): ChargedCallsState {
  switch (e.type) {
    case 'CallCharged': {
      if (e.data.route !== 'pstn') return s;
      const d = e.data;
      const call: ChargedCall = {
        callId: d.callId,
        destination: d.destination,
        answeredAt: d.answeredAt,
        endedAt: d.endedAt,
        seconds: d.seconds,
        billedSeconds: d.billedSeconds,
        currency: d.currency,
        amount: new Decimal(d.amount),
        paidShare: new Decimal(d.fromPaid),
        absorbed: new Decimal(0),
        sequence: 0,
        lastRun: null,
      };
      return { accountId: d.accountId, calls: { ...s.calls, [d.callId]: call } };
    }
    case 'ChargeShortfall': {
      const call = e.data.kind === 'call' ? s.calls[e.data.reference] : undefined;
      if (!call) return s;
      return { ...s, calls: { ...s.calls, [call.callId]: { ...call, absorbed: call.absorbed.plus(e.data.amount) } } };
    }
    case 'CallRerated': {
      const call = s.calls[e.data.callId];
      if (!call) return s;
      const next: ChargedCall = {
        ...call,
        absorbed: call.absorbed.plus(absorbedChange(e.data)),
        amount: new Decimal(e.data.amountAfter),
        // a charge taken from paid credit (paidChange < 0) is carried by paid credit from now on
        paidShare: call.paidShare.minus(e.data.paidChange),
        billedSeconds: e.data.billedSeconds,
        sequence: e.data.sequence,
        lastRun: { runId: e.data.runId, amountBefore: e.data.amountBefore, billedSecondsBefore: call.billedSeconds },
      };
      return { ...s, calls: { ...s.calls, [e.data.callId]: next } };
    }
    // the rest change nothing this fold keeps
    case 'CreditPurchased':
    case 'CreditRefunded':
    case 'ChargebackDebited':
    case 'ChargebackReversed':
    case 'CreditGranted':
    case 'CreditExpired':
    case 'VoucherRedeemed':
    case 'WalletCharged':
    case 'SmsCharged':
    case 'SmsRefunded':
    case 'CallAuthorized':
    case 'CallExtended':
    case 'ReservationReleased':
    case 'ReservationExpired':
    case 'SmsAccepted':
    case 'SmsFailed':
    case 'AccountOpened':
    case 'AccountSuspended':
    case 'AccountReinstated':
    case 'AccountClosed':
    case 'LowBalanceThresholdSet':
    case 'CallRefused':
    case 'TopUpStarted':
    case 'TopUpFailed':
    case 'TopUpMismatch':
    case 'CallFailed':
    case 'CarrierCostRecorded':
    case 'CdrUnmatched':
    case 'ReversalUncovered':
    case 'SmsSubmitted':
    case 'SmsDelivered':
    case 'SmsReceiptRecorded':
      return s;
    default: {
      if (isSettingEvent(e) || e.type === 'EmergencyCallAuthorized' || e.type === 'PeerCallReceived') return s;
      const unhandled: never = e;
      return unhandled;
    }
  }
}
