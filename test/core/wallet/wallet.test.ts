import { DomainError } from '../../../core/decider';
import { balanceOf, grantedOf, inDebt, spendable } from '../../../core/wallet';
import { NUMBER, opened, stateOf, stripe, when } from './given';

const purchase = (paymentId: string, amount: string, eventId = `evt_${paymentId}`, currency = 'EUR') =>
  ({ type: 'record-purchase', data: { ...stripe, paymentId, processorEventId: eventId, amount, currency } }) as const;
const start = (paymentId: string, amount: string) =>
  ({
    type: 'start-top-up',
    data: { ...stripe, paymentId, amount, credit: amount, currency: 'EUR', requestKey: `k-${paymentId}` },
  }) as const;
const grant = (grantId: string, amount: string, extra: { expiresAt?: string | null; restriction?: object | null } = {}) =>
  ({
    type: 'grant',
    data: {
      grantId,
      amount,
      currency: 'EUR',
      reason: 'trial',
      source: 'test',
      expiresAt: extra.expiresAt ?? null,
      restriction: (extra.restriction ?? null) as never,
    },
  }) as const;
const charge = (chargeId: string, amount: string, destination: string | null = '+442079460000', at = '2026-12-01T00:00:00Z') =>
  ({ type: 'charge', data: { chargeId, chargeKind: 'call', reference: chargeId, destination, amount, currency: 'EUR', at } }) as const;

describe('wallet: top-ups', () => {
  test('a started top-up moves no money; its success credits once, whatever the processor event id', () => {
    const events = when(opened, start('pi_1', '10.00'), purchase('pi_1', '10.00'), purchase('pi_1', '10.00', 'evt_again'));
    expect(events.map((e) => e.type)).toEqual(['TopUpStarted', 'CreditPurchased']);
    expect(balanceOf(stateOf([...opened, ...events])).toFixed()).toBe('10');
  });

  test('an amount or currency other than the one started is recorded as a mismatch and credits nothing', () => {
    const wrongAmount = when(opened, start('pi_1', '10.00'), purchase('pi_1', '9.99'));
    expect(wrongAmount.at(-1)).toMatchObject({
      type: 'TopUpMismatch',
      data: { expected: { amount: '10.00', currency: 'EUR' }, received: { amount: '9.99', currency: 'EUR' } },
    });
    const wrongCurrency = when(opened, start('pi_2', '10.00'), purchase('pi_2', '10.00', 'evt', 'USD'));
    expect(wrongCurrency.at(-1)!.type).toBe('TopUpMismatch');
    for (const e of [wrongAmount, wrongCurrency]) expect(balanceOf(stateOf([...opened, ...e])).isZero()).toBe(true);
    // and the mismatch settles the payment: a replay records nothing more
    expect(when([...opened, ...wrongAmount], purchase('pi_1', '9.99'))).toEqual([]);
  });

  test('a payment this engine did not start is credited 1:1 (the money was paid for this account)', () => {
    const e = when(opened, purchase('pi_x', '3.50'));
    expect(e[0]).toMatchObject({ type: 'CreditPurchased', data: { amount: '3.5', credit: '3.5' } });
  });

  test('refunds follow the running total, in any order, and may push paid credit below zero', () => {
    const refund = (total: string, evt: string) =>
      ({
        type: 'record-refund',
        data: { ...stripe, paymentId: 'pi_1', processorEventId: evt, refundedTotal: total, currency: 'EUR' },
      }) as const;
    // a refund before the success: debits at once, the success later restores
    const early = when(opened, refund('4.00', 'evt_r1'));
    expect(inDebt(stateOf([...opened, ...early]).paid)).toBe(true);
    const later = when([...opened, ...early], start('pi_1', '10.00'), purchase('pi_1', '10.00'), refund('4.00', 'evt_r1b'));
    const s = stateOf([...opened, ...early, ...later]);
    expect(s.paid.toFixed()).toBe('6');
    expect(inDebt(s.paid)).toBe(false);
    // 7 refunded in all, the 7 report arriving before a stale 5 report
    const more = when([...opened, ...early, ...later], refund('7.00', 'evt_r3'), refund('5.00', 'evt_r2'));
    expect(more.map((e) => e.data)).toEqual([expect.objectContaining({ amount: '3', refundedTotal: '7' })]);
  });

  test('a refund never turns granted credit into money: it takes paid credit below zero instead', () => {
    const events = when(
      opened,
      grant('trial', '2.00'),
      purchase('pi_1', '1.00'),
      { type: 'record-refund', data: { ...stripe, paymentId: 'pi_1', processorEventId: 'e', refundedTotal: '1.00', currency: 'EUR' } },
      charge('c1', '0.50'),
    );
    const s = stateOf([...opened, ...events]);
    expect(s.paid.toFixed()).toBe('0');
    expect(grantedOf(s).toFixed()).toBe('1.5');
    const debt = when([...opened, ...events], {
      type: 'record-refund',
      data: {
        ...stripe,
        paymentId: 'pi_2',
        processorEventId: 'e2',
        refundedTotal: '1',
        currency: 'EUR',
      },
    });
    const indebted = stateOf([...opened, ...events, ...debt]);
    expect(indebted.paid.toFixed()).toBe('-1');
    expect(spendable(indebted, '+442079460000', '2026-12-01T00:00:00Z').toFixed()).toBe('0');
  });

  test('a dispute debits on funds withdrawn and re-credits on funds reinstated, once each, in any order', () => {
    const dispute = (kind: 'record-chargeback' | 'reverse-chargeback', evt: string) =>
      ({
        type: kind,
        data: { ...stripe, paymentId: 'pi_1', processorEventId: evt, disputeId: 'dp_1', amount: '10.00', currency: 'EUR' },
      }) as const;
    const events = when(
      opened,
      purchase('pi_1', '10.00'),
      dispute('reverse-chargeback', 'e1'),
      dispute('record-chargeback', 'e2'),
      dispute('record-chargeback', 'e3'),
      dispute('reverse-chargeback', 'e4'),
    );
    expect(events.map((e) => e.type)).toEqual(['CreditPurchased', 'ChargebackReversed', 'ChargebackDebited']);
    expect(balanceOf(stateOf([...opened, ...events])).toFixed()).toBe('10');
  });

  describe('refunds and chargebacks take back at most what their payment credited', () => {
    const refund = (paymentId: string, total: string, evt: string) =>
      ({ type: 'record-refund', data: { ...stripe, paymentId, processorEventId: evt, refundedTotal: total, currency: 'EUR' } }) as const;
    const chargeback = (paymentId: string, amount: string) =>
      ({
        type: 'record-chargeback',
        data: {
          ...stripe,
          paymentId,
          processorEventId: `evt_dp_${paymentId}`,
          disputeId: `dp_${paymentId}`,
          amount,
          currency: 'EUR',
        },
      }) as const;

    test('a payment recorded as a mismatch credited nothing: its refund is uncovered, the account untouched', () => {
      const events = when(
        opened,
        start('pi_m', '10.00'),
        purchase('pi_m', '9.99'),
        refund('pi_m', '9.99', 'evt_r'),
        refund('pi_m', '9.99', 'evt_r2'),
      );
      expect(events.map((e) => e.type)).toEqual(['TopUpStarted', 'TopUpMismatch', 'ReversalUncovered']);
      expect(events.at(-1)).toMatchObject({ data: { kind: 'refund', amount: '9.99', refundedTotal: '9.99' } });
      const s = stateOf([...opened, ...events]);
      expect([s.paid.toFixed(), inDebt(s.paid)]).toEqual(['0', false]);
    });

    test('a refund beyond the credit debits the credit and records the excess; later growth is all excess', () => {
      const events = when(opened, purchase('pi_1', '10.00'), refund('pi_1', '12.50', 'evt_r1'), refund('pi_1', '13.00', 'evt_r2'));
      expect(events.map((e) => [e.type, (e.data as { amount: string }).amount])).toEqual([
        ['CreditPurchased', '10'],
        ['CreditRefunded', '10'],
        ['ReversalUncovered', '2.5'],
        ['ReversalUncovered', '0.5'],
      ]);
      expect(stateOf([...opened, ...events]).paid.toFixed()).toBe('0');
    });

    test('a chargeback on a mismatched payment, or after a full refund, is uncovered', () => {
      const mismatch = when(opened, start('pi_m', '10.00'), purchase('pi_m', '5.00'), chargeback('pi_m', '5.00'));
      expect(mismatch.at(-1)).toMatchObject({ type: 'ReversalUncovered', data: { kind: 'chargeback', disputeId: 'dp_pi_m', amount: '5' } });
      const refunded = when(opened, purchase('pi_2', '10.00'), refund('pi_2', '4.00', 'evt_r'), chargeback('pi_2', '10.00'));
      expect(refunded.slice(-2).map((e) => [e.type, (e.data as { amount: string }).amount])).toEqual([
        ['ChargebackDebited', '6'],
        ['ReversalUncovered', '4'],
      ]);
      for (const e of [mismatch, refunded]) expect(stateOf([...opened, ...e]).paid.toFixed()).toBe('0');
    });
  });

  test('wallet money in another currency than the account is refused', () => {
    expect(() => when(opened, { type: 'grant', data: { ...grant('g', '1').data, currency: 'USD' } })).toThrow(DomainError);
    expect(() => when(opened, { type: 'start-top-up', data: { ...start('pi', '5').data, currency: 'USD' } })).toThrow(/kept in EUR/);
    expect(() => when(opened, grant('g', '0'))).toThrow(/more than zero/);
    expect(() => when(opened, grant('g', '1e3'))).toThrow(/not a decimal/);
  });

  test('commands on an account that was never opened are refused', () => {
    expect(() => when([], purchase('pi', '1'))).toThrow(/no such account/);
  });
});

describe('wallet: grants and charges', () => {
  const landlineUk = { countries: ['GB'], numberTypes: ['landline'] };

  test('granted credit is spent first, soonest expiry first, only where its restriction allows; the rest from paid', () => {
    const events = when(
      opened,
      purchase('pi_1', '5.00'),
      grant('later', '1.00', { expiresAt: '2027-06-01T00:00:00Z' }),
      grant('soon', '1.00', { expiresAt: '2027-01-01T00:00:00Z', restriction: landlineUk }),
      charge('to-uk-landline', '1.50', '+442079460000'),
      charge('to-uk-mobile', '1.00', '+447700900123'),
    );
    const charges = events.filter((e) => e.type === 'WalletCharged').map((e) => e.data);
    expect(charges[0]).toMatchObject({
      fromGrants: [
        { grantId: 'soon', amount: '1' },
        { grantId: 'later', amount: '0.5' },
      ],
      fromPaid: '0',
    });
    expect(charges[1]).toMatchObject({ fromGrants: [{ grantId: 'later', amount: '0.5' }], fromPaid: '0.5' });
    const s = stateOf([...opened, ...events]);
    expect([s.paid.toFixed(), grantedOf(s).toFixed()]).toEqual(['4.5', '0']);
  });

  test('an expired grant pays for nothing, and expiring records what was left of it once', () => {
    const given = [...opened, ...when(opened, grant('trial', '2.00', { expiresAt: '2026-12-01T00:00:00Z' }))];
    const late = when(given, charge('c', '0.10', '+442079460000', '2026-12-01T00:00:00Z'));
    expect(late[0]!.data).toMatchObject({ fromGrants: [], fromPaid: '0.1' });
    const expired = when(given, { type: 'expire', data: { at: '2026-12-02T00:00:00Z' } });
    expect(expired).toEqual([expect.objectContaining({ type: 'CreditExpired', data: expect.objectContaining({ amount: '2' }) })]);
    expect(when([...given, ...expired], { type: 'expire', data: { at: '2026-12-03T00:00:00Z' } })).toEqual([]);
    expect(when(given, { type: 'expire', data: { at: '2026-11-30T00:00:00Z' } })).toEqual([]);
  });

  test('granting the same grant id twice grants once; the event id derives from account and grant', () => {
    const a = when(opened, grant('trial', '1'), grant('trial', '1'));
    expect(a).toHaveLength(1);
    expect(when(opened, grant('trial', '1'))[0]!.id).toBe(a[0]!.id);
  });

  test('a restricted grant does not pay for a charge without a destination', () => {
    const given = [...opened, ...when(opened, grant('g', '1', { restriction: { prefixes: ['44'] } }))];
    expect(when(given, charge('c', '0.2', null))[0]!.data).toMatchObject({ fromGrants: [], fromPaid: '0.2' });
    expect(when(given, charge('c', '0.2', '+442079460000'))[0]!.data).toMatchObject({ fromPaid: '0' });
  });

  test('a voucher is redeemed once per account; a promotional one becomes a grant', () => {
    const voucher = {
      type: 'redeem-voucher',
      data: {
        codeHash: 'h1',
        batchId: 'b',
        amount: '5',
        currency: 'EUR',
        funding: 'granted',
        grant: { grantId: 'voucher:h1', expiresAt: null, restriction: null },
      },
    } as const;
    const events = when(opened, voucher, voucher);
    expect(events).toHaveLength(1);
    const s = stateOf([...opened, ...events]);
    expect([s.paid.toFixed(), grantedOf(s).toFixed()]).toEqual(['0', '5']);
    expect(s.number).toBe(NUMBER);
  });

  test('grants, vouchers and top-ups need an open account; processor facts are recorded on any account', () => {
    const suspended = [...opened, { type: 'AccountSuspended' as const, data: { accountId: 'a', reason: 'x' } }];
    expect(() => when(suspended, grant('g', '1'))).toThrow(/suspended/);
    expect(when(suspended, purchase('pi', '1'))).toHaveLength(1);
  });
});
