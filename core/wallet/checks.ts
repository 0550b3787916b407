import { DomainError } from '../decider';
import { Decimal, parseDecimal } from '../money';
import type { WalletState } from './state';

export const positive = (text: string, what: string): Decimal => {
  const d = parseDecimal(text);
  if (!d.greaterThan(0)) throw new DomainError('invalid-amount', `${what} must be more than zero`);
  return d;
};

export function needAccount(s: WalletState, mustBeOpen: boolean): void {
  if (s.status === 'none') throw new DomainError('no-account', 'there is no such account');
  if (mustBeOpen && s.status !== 'open') throw new DomainError('account-not-open', `the account is ${s.status}`);
}

export function needCurrency(s: WalletState, code: string): void {
  if (code !== s.currency) {
    throw new DomainError('currency-mismatch', `the account is kept in ${s.currency}, not ${code}`, {
      expected: s.currency,
      received: code,
    });
  }
}
