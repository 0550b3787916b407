import { Decimal } from '../money';

/**
 * An account is in debt when a refund or chargeback left its paid credit below zero: it makes
 * no paid calls or texts until it settles, whatever grants it holds.
 */
export const inDebt = (paid: Decimal): boolean => paid.isNegative() && !paid.isZero();

/**
 * What an account can spend now: paid credit plus the grants that are live (and, for one
 * destination, allow it), less what calls and texts in progress hold; never below zero, and
 * nothing while in debt, so promotions never pay a debt's way to paid services.
 */
export function availableCredit(paid: Decimal, liveGranted: Decimal, reserved: Decimal): Decimal {
  if (inDebt(paid)) return new Decimal(0);
  return Decimal.max(0, paid.plus(liveGranted).minus(reserved));
}
