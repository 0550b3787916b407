import { deriveId } from '../ids';
import { Decimal } from '../money';
import type { WalletCommand } from '../wallet/commands';
import type { AccountStreamEvent } from '../wallet/events';
import { availableCredit, inDebt } from '../wallet/balance-figures';
import { liveGrants, type WalletState } from '../wallet/state';
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
export function autoTopUpTrigger(
  c: WalletCommand,
  before: WalletState,
  events: readonly AccountStreamEvent[],
  evolve: (s: WalletState, e: AccountStreamEvent) => WalletState,
): AccountStreamEvent | null {
  const a = before.autoTopUp;
  if (!a.settings || !a.paymentMethod || a.pending || events.length === 0) return null;
  const at = spendingInstant(c);
  if (at === null) return null;
  const after = events.reduce(evolve, before);
  if (after.status !== 'open' || inDebt(after.paid)) return null;
  const granted = liveGrants(after, at).reduce((sum, g) => sum.plus(g.remaining), new Decimal(0));
  const available = availableCredit(after.paid, granted, after.reserved);
  if (!available.lessThan(a.settings.threshold)) return null;
  const month = at.slice(0, 7);
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
