import { Decimal } from '../money';
import type { AccountStreamEvent } from '../wallet/events';

export interface SavedMethod {
  readonly processor: string;
  readonly customerId: string;
  readonly paymentMethodId: string;
}

export interface AutoTopUpSettings {
  readonly threshold: string;
  readonly amount: string;
  readonly monthlyCap: string;
}

/** A top-up set off and not yet settled: no other is set off until it is. */
export interface PendingTopUp {
  readonly triggerId: string;
  readonly amount: string;
  readonly month: string;
  readonly at: string;
  /** Known once the engine recorded the payment it started (`TopUpStarted`). */
  readonly paymentId: string | null;
}

export interface AutoTopUpState {
  readonly paymentMethod: SavedMethod | null;
  /** Null: off. */
  readonly settings: AutoTopUpSettings | null;
  readonly pending: PendingTopUp | null;
  /** What auto top-ups set off in `month` (UTC `YYYY-MM`), failed ones taken back out. */
  readonly month: string;
  readonly monthTotal: string;
  /** How many were ever set off: the next trigger's id derives from it. */
  readonly triggers: number;
  readonly disabledReason: 'customer' | 'payment-failed' | null;
}

export const initialAutoTopUp: AutoTopUpState = {
  paymentMethod: null,
  settings: null,
  pending: null,
  month: '',
  monthTotal: '0',
  triggers: 0,
  disabledReason: null,
};

/** What this month's auto top-ups have bought so far (nothing when the month has turned). */
export const spentInMonth = (a: AutoTopUpState, month: string): Decimal => new Decimal(a.month === month ? a.monthTotal : '0');

/**
 * Auto top-up after `e`. `payments` say whether a payment's success is already recorded: the
 * processor's webhook may credit a payment before the engine records having started it.
 */
export function evolveAutoTopUp(
  a: AutoTopUpState,
  e: AccountStreamEvent,
  payments: Readonly<Record<string, { readonly settled: string | null }>>,
): AutoTopUpState {
  switch (e.type) {
    case 'PaymentMethodSaved':
      return {
        ...a,
        paymentMethod: { processor: e.data.processor, customerId: e.data.customerId, paymentMethodId: e.data.paymentMethodId },
      };
    case 'AutoTopUpEnabled':
      return {
        ...a,
        settings: { threshold: e.data.threshold, amount: e.data.amount, monthlyCap: e.data.monthlyCap },
        disabledReason: null,
      };
    case 'AutoTopUpDisabled':
      return { ...a, settings: null, disabledReason: e.data.reason };
    case 'AutoTopUpTriggered':
      return {
        ...a,
        pending: { triggerId: e.data.triggerId, amount: e.data.amount, month: e.data.month, at: e.data.at, paymentId: null },
        month: e.data.month,
        monthTotal: spentInMonth(a, e.data.month).plus(e.data.amount).toFixed(),
        triggers: a.triggers + 1,
      };
    case 'AutoTopUpFailed': {
      const p = a.pending;
      if (!p || p.triggerId !== e.data.triggerId) return a;
      // a top-up that bought nothing does not count against the cap
      const monthTotal = a.month === p.month ? Decimal.max(0, new Decimal(a.monthTotal).minus(p.amount)).toFixed() : a.monthTotal;
      return { ...a, pending: null, monthTotal };
    }
    case 'TopUpStarted': {
      const p = a.pending;
      if (!p || e.data.autoTopUp !== p.triggerId) return a;
      return { ...a, pending: payments[e.data.paymentId]?.settled ? null : { ...p, paymentId: e.data.paymentId } };
    }
    case 'CreditPurchased':
      // by its payment, or by the trigger its metadata names: a payment whose start was never
      // recorded (the answer lost) still settles its trigger, so it is never charged again
      return a.pending && (a.pending.paymentId === e.data.paymentId || a.pending.triggerId === e.data.autoTopUp)
        ? { ...a, pending: null }
        : a;
    case 'TopUpMismatch':
      return a.pending?.paymentId === e.data.paymentId ? { ...a, pending: null } : a;
    default:
      return a;
  }
}
