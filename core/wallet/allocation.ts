import { Decimal } from '../money';
import { destinationAllowed } from './restriction';
import { liveGrants, type GrantLot, type WalletState } from './state';
import { availableCredit } from './balance-figures';

/**
 * What a grant may pay toward one charge: what is left of it, at most its `maxPerCharge`. A
 * call's grants and extensions are budgeted against the same figure (reservations are not per
 * grant), so the whole call's price stays within it.
 */
function usable(g: GrantLot): Decimal {
  const cap = g.restriction?.maxPerCharge;
  return cap === undefined ? g.remaining : Decimal.min(g.remaining, cap);
}

export interface Allocation {
  readonly fromGrants: readonly { readonly grantId: string; readonly amount: Decimal }[];
  readonly fromPaid: Decimal;
}

/**
 * Splits a charge: live grants that allow the destination first (soonest expiry first), the
 * rest from paid credit. Paid credit may go below zero: a charge records what already happened
 * (a call that was made), so it is never refused here; authorization checks `spendable` before.
 */
export function allocate(s: WalletState, amount: Decimal, destination: string | null, at: string): Allocation {
  let left = amount;
  const fromGrants: { grantId: string; amount: Decimal }[] = [];
  for (const g of liveGrants(s, at)) {
    if (left.isZero()) break;
    if (!destinationAllowed(g.restriction, destination)) continue;
    const take = Decimal.min(left, usable(g));
    fromGrants.push({ grantId: g.grantId, amount: take });
    left = left.minus(take);
  }
  return { fromGrants, fromPaid: left };
}

/** A split that stops at what the account has: the part beyond it is nobody's credit. */
export interface CoveredAllocation extends Allocation {
  /** What neither grants nor paid credit (down to zero) cover: the provider absorbs it (`ChargeShortfall`). */
  readonly shortfall: Decimal;
}

/**
 * Splits the charge of something already delivered (a call, a text) like `allocate`, but never
 * takes paid credit below zero: a usage charge records a fact the customer cannot refuse, and a
 * lapsed reservation or an expired grant is the provider's risk, not the customer's debt. Paid
 * credit below zero already (a refund or chargeback) pays nothing more.
 */
export function allocateWithin(s: WalletState, amount: Decimal, destination: string | null, at: string): CoveredAllocation {
  const split = allocate(s, amount, destination, at);
  const fromPaid = Decimal.min(split.fromPaid, Decimal.max(s.paid, 0));
  return { fromGrants: split.fromGrants, fromPaid, shortfall: split.fromPaid.minus(fromPaid) };
}

/**
 * What the account can spend on `destination` at `at`: live grants that allow it plus paid
 * credit, less what calls in progress hold; nothing while the account is in debt (a refund or
 * chargeback left paid credit below zero), so promotions never pay a debt's way to paid calls.
 * Reservations count against every destination: conservative, so concurrent calls never
 * overdraw whichever grants their charges end up drawing.
 */
export function spendable(s: WalletState, destination: string | null, at: string): Decimal {
  const granted = liveGrants(s, at)
    .filter((g) => destinationAllowed(g.restriction, destination))
    .reduce((sum, g) => sum.plus(usable(g)), new Decimal(0));
  return availableCredit(s.paid, granted, s.reserved);
}
