import { DomainError } from '../decider';
import { Decimal } from '../money';
import { spendRoom } from '../wallet/spend';
import { effectiveSpendCaps } from '../wallet/spend-caps';
import type { WalletState } from '../wallet/state';
import type { CallPolicy } from './commands';

/**
 * What a call may be granted against: the credit `available`, capped by the provider's
 * `maxCallCost` and by what the day's and month's spend caps leave once every hold is counted
 * as spent (`ownHold`, the call's own hold when it is extended, counted back in). `capped` is the
 * refusal to give when the grant comes to nothing because of a cap rather than the credit.
 */
export function callBudget(
  policy: CallPolicy,
  s: WalletState,
  available: Decimal,
  at: string,
  ownHold: Decimal,
): { readonly budget: Decimal; readonly capped: (() => DomainError) | null } {
  let budget = available;
  // made only when thrown: an error's stack trace is no cost every capped authorization should pay
  let capped: (() => DomainError) | null = null;
  const perCall = policy.maxCallCost?.[s.currency];
  if (perCall !== undefined && new Decimal(perCall).lessThan(budget)) {
    budget = new Decimal(perCall);
    const cap = budget.toFixed();
    capped = () => new DomainError('call-cost-cap', `a call may cost at most ${cap} ${s.currency}`, { maxCallCost: cap });
  }
  const caps = effectiveSpendCaps(policy.spendCaps?.[s.currency], s.spendCaps);
  const room = spendRoom(s.spend, caps, at, s.reserved);
  if (room) {
    const left = Decimal.max(0, room.room.plus(ownHold));
    if (left.lessThan(budget)) {
      budget = left;
      const cap = room.cap === 'day' ? caps!.perDay! : caps!.perMonth!;
      capped = () =>
        new DomainError('spend-cap-reached', `this account may be charged at most ${cap} ${s.currency} a ${room.cap}`, {
          cap: room.cap,
          limit: cap,
          left: left.toFixed(),
        });
    }
  }
  return { budget, capped };
}
