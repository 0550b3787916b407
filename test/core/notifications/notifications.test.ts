import { Decimal } from '../../../core/money';
import { notificationsOf } from '../../../core/notifications/notifications';
import type { AccountStreamEvent } from '../../../core/wallet';

const charged = { type: 'WalletCharged', data: { accountId: 'a1' } } as unknown as AccountStreamEvent;
const step = (before: string, after: string) => ({ before: new Decimal(before), after: new Decimal(after), currency: 'EUR' });
const ONE = new Decimal(1);

describe('notificationsOf', () => {
  test('balance.low fires on crossing below the threshold, not while below or without one', () => {
    expect(notificationsOf(charged, '+1', step('1.00', '0.99'), ONE)).toEqual([
      { type: 'balance.low', data: { number: '+1', accountId: 'a1', balance: '0.99', threshold: '1', currency: 'EUR' } },
    ]);
    expect(notificationsOf(charged, '+1', step('0.99', '0.50'), ONE)).toEqual([]);
    expect(notificationsOf(charged, '+1', step('1.50', '1.00'), ONE)).toEqual([]);
    expect(notificationsOf(charged, '+1', step('5', '0'), null)).toEqual([]);
    expect(notificationsOf(charged, '+1', null, ONE)).toEqual([]);
  });

  test('top-ups and status changes each tell their own type', () => {
    const of = (type: string, data: Record<string, unknown>) =>
      notificationsOf({ type, data: { accountId: 'a1', ...data } } as unknown as AccountStreamEvent, '+1', null, null).map((n) => n.type);
    expect(of('CreditPurchased', { paymentId: 'pi', processor: 'stripe', credit: '5', currency: 'EUR' })).toEqual(['topup.succeeded']);
    expect(of('TopUpFailed', { paymentId: 'pi', processor: 'stripe', reason: 'card_declined' })).toEqual(['topup.failed']);
    expect(of('AccountSuspended', { reason: 'r' })).toEqual(['account.suspended']);
    expect(of('AccountReinstated', {})).toEqual(['account.reinstated']);
    expect(of('AccountClosed', { reason: 'r' })).toEqual(['account.closed']);
    expect(of('CallAuthorized', {})).toEqual([]);
  });

  test('a failed auto top-up tells topup.failed, with its code and that auto top-up is now off', () => {
    const e = {
      type: 'AutoTopUpFailed',
      data: { accountId: 'a1', triggerId: 't1', paymentId: null, code: 'authentication_required', reason: 'needs 3-D Secure' },
    } as unknown as AccountStreamEvent;
    expect(notificationsOf(e, '+1', null, null)).toEqual([
      {
        type: 'topup.failed',
        data: {
          number: '+1',
          accountId: 'a1',
          paymentId: null,
          autoTopUp: 't1',
          code: 'authentication_required',
          reason: 'needs 3-D Secure',
          autoTopUpDisabled: true,
        },
      },
    ]);
  });
});
