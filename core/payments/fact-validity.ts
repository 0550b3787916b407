import { currency, MoneyError } from '../money';
import type { PaymentFact } from './processor';

/**
 * Why a processor's fact cannot be recorded as money, or null when it can: a payment, refund
 * or chargeback moves more than nothing, in a currency this engine knows. A fact refused here
 * is kept for review as a rejected fact (see core/facts/rejected.ts), never credited or debited.
 */
export function invalidPaymentFact(fact: PaymentFact): string | null {
  if (fact.kind === 'failed' || fact.kind === 'payment-method-saved') return null;
  try {
    currency(fact.currency);
  } catch (error) {
    if (error instanceof MoneyError) return error.message;
    throw error;
  }
  const [what, minor] =
    fact.kind === 'succeeded'
      ? ['amount received', fact.amountMinor]
      : fact.kind === 'refunded'
        ? ['refunded total', fact.refundedTotalMinor]
        : ['disputed amount', fact.amountMinor];
  return minor > 0n ? null : `${what} ${minor} (minor units) is not greater than 0`;
}
