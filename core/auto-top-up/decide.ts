import { DomainError } from '../decider';
import { deriveId } from '../ids';
import { parseDecimal } from '../money';
import type { AccountStreamEvent } from '../wallet/events';
import type { WalletState } from '../wallet/state';
import type { AutoTopUpCommand } from './commands';

function needAccount(s: WalletState): void {
  if (s.status === 'none') throw new DomainError('no-account', 'there is no such account');
}

function onEnable(c: AutoTopUpCommand & { readonly type: 'enable-auto-top-up' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s);
  if (s.status !== 'open') throw new DomainError('account-not-open', `the account is ${s.status}`);
  if (c.data.currency !== s.currency)
    throw new DomainError('currency-mismatch', `the account is kept in ${s.currency}, not ${c.data.currency}`);
  if (!s.autoTopUp.paymentMethod)
    throw new DomainError('no-payment-method', 'save a payment method first (POST /v1/accounts/me/payment-methods/setup)');
  const threshold = parseDecimal(c.data.threshold);
  const amount = parseDecimal(c.data.amount);
  const cap = parseDecimal(c.data.monthlyCap);
  if (threshold.isNegative()) throw new DomainError('invalid-amount', 'the threshold must not be below zero');
  if (!amount.greaterThan(0)) throw new DomainError('invalid-amount', 'the top-up amount must be more than zero');
  if (cap.lessThan(amount)) throw new DomainError('invalid-amount', 'the monthly cap must be at least one top-up');
  const settings = { threshold: threshold.toFixed(), amount: amount.toFixed(), monthlyCap: cap.toFixed() };
  const now = s.autoTopUp.settings;
  if (now && now.threshold === settings.threshold && now.amount === settings.amount && now.monthlyCap === settings.monthlyCap) return [];
  return [{ type: 'AutoTopUpEnabled', data: { accountId: s.accountId, ...settings, currency: s.currency } }];
}

/** Records that a top-up set off by `triggerId` bought nothing, and turns auto top-up off: the customer must act. */
export function failedTopUp(s: WalletState, data: { triggerId: string; paymentId: string | null; code: string; reason: string }) {
  const events: AccountStreamEvent[] = [];
  if (s.autoTopUp.pending?.triggerId !== data.triggerId) return events;
  events.push({
    type: 'AutoTopUpFailed',
    id: deriveId('auto-top-up-failed', s.accountId, data.triggerId),
    data: { accountId: s.accountId, ...data },
  });
  if (s.autoTopUp.settings) events.push({ type: 'AutoTopUpDisabled', data: { accountId: s.accountId, reason: 'payment-failed' } });
  return events;
}

export function decideAutoTopUp(c: AutoTopUpCommand, s: WalletState): AccountStreamEvent[] {
  switch (c.type) {
    case 'save-payment-method': {
      needAccount(s);
      const m = s.autoTopUp.paymentMethod;
      if (m && m.processor === c.data.processor && m.paymentMethodId === c.data.paymentMethodId) return [];
      return [
        {
          type: 'PaymentMethodSaved',
          id: deriveId('payment-method-saved', c.data.processor, c.data.setupId),
          data: { accountId: s.accountId, ...c.data },
        },
      ];
    }
    case 'enable-auto-top-up':
      return onEnable(c, s);
    case 'disable-auto-top-up':
      needAccount(s);
      return s.autoTopUp.settings ? [{ type: 'AutoTopUpDisabled', data: { accountId: s.accountId, reason: 'customer' } }] : [];
    case 'fail-auto-top-up':
      needAccount(s);
      return failedTopUp(s, c.data);
  }
}
