import { Decimal } from '../../../core/money';
import { availableCredit, inDebt } from '../../../core/wallet/balance-figures';
import { HOLD_EVENT_TYPES, LEDGER_EVENT_TYPES, moneyEffect, type AccountStreamEvent } from '../../../core/wallet';

const event = (type: string, data: Record<string, unknown>) => ({ type, id: 'e', data }) as unknown as AccountStreamEvent;

describe('the money effect of an event', () => {
  test('a call held, extended and released moves no ledger line, only the hold', () => {
    const held = moneyEffect(event('CallAuthorized', { reserved: '0.30' }))!;
    const more = moneyEffect(event('CallExtended', { reserved: '0.20' }))!;
    const released = moneyEffect(event('ReservationReleased', { amount: '0.50' }))!;
    expect([held, more, released].map((e) => [e.reference, e.paid.toFixed(), e.granted.toFixed(), e.reserved.toFixed()])).toEqual([
      [null, '0', '0', '0.3'],
      [null, '0', '0', '0.2'],
      [null, '0', '0', '-0.5'],
    ]);
  });

  test("a text's charge spends grants then paid credit and lets go of its hold in one effect", () => {
    const e = moneyEffect(
      event('SmsCharged', { smsId: 's1', amount: '0.09', fromPaid: '0.04', fromGrants: [{ grantId: 'trial', amount: '0.05' }] }),
    )!;
    expect([e.reference, e.paid.toFixed(), e.granted.toFixed(), e.reserved.toFixed()]).toEqual(['sms:s1', '-0.04', '-0.05', '-0.09']);
    expect(e.grantChanges.map((g) => [g.grantId, g.change.toFixed()])).toEqual([['trial', '-0.05']]);
  });

  test("a free call moves nothing; a shortfall is the provider's, not the account's", () => {
    expect(moneyEffect(event('CallCharged', { callId: 'c', amount: '0', fromPaid: '0', fromGrants: [] }))).toBeNull();
    expect(moneyEffect(event('ChargeShortfall', { amount: '1.00' }))).toBeNull();
  });

  test('the ledger and hold lists name every type with an effect, and SmsCharged is in both', () => {
    expect(LEDGER_EVENT_TYPES.filter((t) => (HOLD_EVENT_TYPES as readonly string[]).includes(t))).toEqual(['SmsCharged']);
  });
});

describe('what an account can spend', () => {
  const d = (v: string) => new Decimal(v);
  test('paid plus live grants less holds, never below zero', () => {
    expect(availableCredit(d('1.00'), d('0.50'), d('0.25')).toFixed()).toBe('1.25');
    expect(availableCredit(d('0.10'), d('0'), d('0.25')).toFixed()).toBe('0');
  });

  test('nothing while in debt, whatever grants remain', () => {
    expect(inDebt(d('-0.01'))).toBe(true);
    expect(inDebt(d('0'))).toBe(false);
    expect(inDebt(d('-0'))).toBe(false);
    expect(availableCredit(d('-0.01'), d('5.00'), d('0')).toFixed()).toBe('0');
  });
});
