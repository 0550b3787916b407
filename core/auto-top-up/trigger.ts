import { deriveId } from '../ids';
import { Decimal } from '../money';
import type { WalletCommand } from '../wallet/commands';
import type { AccountStreamEvent } from '../wallet/events';
import { availableCredit, inDebt } from '../wallet/balance-figures';
import { moneyEffect } from '../wallet/money-effect';
import type { WalletState } from '../wallet/state';
import { spentInMonth } from './state';

/** The instant of a command that spends or holds credit; null for every other command. */
function spendingInstant(c: WalletCommand): string | null {
  switch (c.type) {
    case 'end-call':
      return c.data.endedAt;
    case 'authorize-call':
    case 'extend-call':
    case 'accept-sms':
    case 'charge':
      return c.data.at;
    default:
      return null;
  }
}

/**
 * The top-up a spend sets off, recorded in the same append as the spend: when auto top-up is on,
 * none is pending, the account is open and not in debt, the spend leaves available credit below
 * the threshold, and this month's top-ups plus this one stay within the cap. The id derives from
 * the account and the number of earlier triggers, and the append is fenced by the stream's
 * version, so concurrent spends on any number of engines set off exactly one.
 */
export function autoTopUpTrigger(c: WalletCommand, before: WalletState, events: readonly AccountStreamEvent[]): AccountStreamEvent | null {
  const a = before.autoTopUp;
  if (!a.settings || !a.paymentMethod || a.pending || events.length === 0 || before.status !== 'open') return null;
  const at = spendingInstant(c);
  if (at === null) return null;
  const available = availableAfter(before, events, at, a.settings.threshold);
  if (available === null || !available.lessThan(a.settings.threshold)) return null;
  // a spend recorded late (a CDR from last month) counts against the latest month, never reopens an earlier one's cap
  const month = at.slice(0, 7) < a.month ? a.month : at.slice(0, 7);
  if (spentInMonth(a, month).plus(a.settings.amount).greaterThan(a.settings.monthlyCap)) return null;
  const triggerId = deriveId('auto-top-up', before.accountId, String(a.triggers));
  return {
    type: 'AutoTopUpTriggered',
    id: deriveId('auto-top-up-triggered', triggerId),
    data: {
      accountId: before.accountId,
      triggerId,
      ...a.paymentMethod,
      amount: a.settings.amount,
      currency: before.currency,
      available: available.toFixed(),
      threshold: a.settings.threshold,
      month,
      at,
    },
  };
}

/**
 * Available credit once `events` are applied (null in debt; at least `threshold` when paid
 * credit alone covers it, without the grants counted), from their money effects alone:
 * the same figures the wallet's evolve reaches, without copying the state for a check that
 * every spend of an account with auto top-up on makes.
 */
function availableAfter(s: WalletState, events: readonly AccountStreamEvent[], at: string, threshold: string): Decimal | null {
  let paid = s.paid;
  let reserved = s.reserved;
  const changes = new Map<string, Decimal>();
  const added: { remaining: Decimal; expiresAt: string | null }[] = [];
  for (const e of events) {
    const effect = moneyEffect(e);
    if (!effect) continue;
    paid = paid.plus(effect.paid);
    reserved = reserved.plus(effect.reserved);
    for (const g of effect.grantChanges) changes.set(g.grantId, (changes.get(g.grantId) ?? new Decimal(0)).plus(g.change));
    if (effect.newGrant) added.push({ remaining: effect.newGrant.amount, expiresAt: effect.newGrant.expiresAt });
  }
  if (inDebt(paid)) return null;
  // paid credit alone covers the threshold (grants only add): the usual case, without summing grants
  const unheld = paid.minus(reserved);
  if (unheld.greaterThanOrEqualTo(threshold)) return unheld;
  const now = Date.parse(at);
  let granted = new Decimal(0);
  for (const g of [
    ...s.grants.map((g) => ({ remaining: g.remaining.plus(changes.get(g.grantId) ?? 0), expiresAt: g.expiresAt })),
    ...added,
  ])
    if (g.remaining.greaterThan(0) && (g.expiresAt === null || Date.parse(g.expiresAt) > now)) granted = granted.plus(g.remaining);
  return availableCredit(paid, granted, reserved);
}
