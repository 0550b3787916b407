import { Decimal } from '../money';
import type { AccountStreamEvent } from './events';
import type { SpendCaps } from './spend-caps';

export type { SpendCaps } from './spend-caps';

/** What the account was charged on its latest UTC day and month (calls, texts, plugin charges). */
export interface SpendTotals {
  readonly day: string;
  readonly dayTotal: string;
  readonly month: string;
  readonly monthTotal: string;
}

export const initialSpend: SpendTotals = { day: '', dayTotal: '0', month: '', monthTotal: '0' };

/**
 * The totals after a charge of `amount` at `at`. A charge dated before the latest day (a late
 * CDR) counts only toward its own month if that is still the latest: a past day's cap is spent.
 */
export function withSpend(t: SpendTotals, at: string, amount: string): SpendTotals {
  const day = at.slice(0, 10);
  const month = at.slice(0, 7);
  const plus = (total: string) => new Decimal(total).plus(amount).toFixed();
  const days = day > t.day ? { day, dayTotal: amount } : day === t.day ? { day, dayTotal: plus(t.dayTotal) } : {};
  const months = month > t.month ? { month, monthTotal: amount } : month === t.month ? { month, monthTotal: plus(t.monthTotal) } : {};
  return { ...t, ...days, ...months };
}

/** The charge an event records and when, or null: what the spend caps count. */
export function chargeOf(e: AccountStreamEvent): { readonly at: string; readonly amount: string } | null {
  switch (e.type) {
    case 'CallCharged':
      return { at: e.data.endedAt, amount: e.data.amount };
    case 'SmsCharged':
    case 'WalletCharged':
      return { at: e.data.at, amount: e.data.amount };
    default:
      return null;
  }
}

/**
 * What the caps leave to spend at `at` once `held` (the account's reservations) is counted as
 * spent, and which cap binds; null when no cap is set.
 */
export function spendRoom(
  t: SpendTotals,
  caps: SpendCaps | undefined,
  at: string,
  held: Decimal,
): { room: Decimal; cap: 'day' | 'month' } | null {
  if (!caps) return null;
  const day = at.slice(0, 10);
  const month = at.slice(0, 7);
  let best: { room: Decimal; cap: 'day' | 'month' } | null = null;
  if (caps.perDay !== undefined) best = { room: new Decimal(caps.perDay).minus(t.day === day ? t.dayTotal : 0).minus(held), cap: 'day' };
  if (caps.perMonth !== undefined) {
    const room = new Decimal(caps.perMonth).minus(t.month === month ? t.monthTotal : 0).minus(held);
    if (!best || room.lessThan(best.room)) best = { room, cap: 'month' };
  }
  return best;
}
