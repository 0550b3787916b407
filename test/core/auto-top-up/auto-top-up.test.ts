import { DomainError } from '../../../core/decider';
import type { AccountStreamEvent, WalletCommand } from '../../../core/wallet';
import { funded, opened, stateOf, stripe, when } from '../wallet/given';

const saved: WalletCommand = {
  type: 'save-payment-method',
  data: { ...stripe, customerId: 'cus_1', paymentMethodId: 'pm_1', setupId: 'seti_1', processorEventId: 'evt_s' },
};
const enable = (threshold = '5', amount = '20', monthlyCap = '50'): WalletCommand => ({
  type: 'enable-auto-top-up',
  data: { threshold, amount, monthlyCap, currency: 'EUR' },
});
const charge = (chargeId: string, amount: string, at = '2026-12-01T10:00:00.000Z'): WalletCommand => ({
  type: 'charge',
  data: { chargeId, chargeKind: 'call', reference: chargeId, destination: '+442079460000', amount, currency: 'EUR', at },
});
const purchase = (paymentId: string, amount: string): WalletCommand => ({
  type: 'record-purchase',
  data: { ...stripe, paymentId, processorEventId: `evt_${paymentId}`, amount, currency: 'EUR' },
});
const started = (triggerId: string, paymentId: string): WalletCommand => ({
  type: 'start-top-up',
  data: { ...stripe, paymentId, amount: '20', credit: '20', currency: 'EUR', requestKey: `k-${paymentId}`, autoTopUp: triggerId },
});

/** An account with `balance` EUR, a saved card and auto top-up on at 5 → 20, cap 50. */
const armed = (balance = '10', ...extra: WalletCommand[]): AccountStreamEvent[] => {
  const given = funded(balance);
  return [...given, ...when(given, saved, enable(), ...extra)];
};
const triggerOf = (events: readonly AccountStreamEvent[]) => {
  const t = events.find((e) => e.type === 'AutoTopUpTriggered');
  if (!t || t.type !== 'AutoTopUpTriggered') throw new Error('no trigger');
  return t.data;
};

describe('auto top-up: opting in', () => {
  test('needs a saved payment method, an open account, its currency and a cap of at least one top-up', () => {
    const refusal = (given: readonly AccountStreamEvent[], c: WalletCommand) => {
      try {
        when(given, c);
      } catch (error) {
        return (error as DomainError).code;
      }
      return null;
    };
    expect(refusal(opened, enable())).toBe('no-payment-method');
    const withCard = [...opened, ...when(opened, saved)];
    expect(refusal(withCard, { ...enable(), data: { ...enable().data, currency: 'USD' } } as WalletCommand)).toBe('currency-mismatch');
    expect(refusal(withCard, enable('5', '20', '19.99'))).toBe('invalid-amount');
    expect(refusal(withCard, enable('-1'))).toBe('invalid-amount');
    expect(refusal(withCard, enable('5', '0'))).toBe('invalid-amount');
    expect(when(withCard, enable('5.00', '20', '50'))[0]).toMatchObject({
      type: 'AutoTopUpEnabled',
      data: { threshold: '5', amount: '20', monthlyCap: '50', currency: 'EUR' },
    });
  });

  test('the same settings or the same card again record nothing', () => {
    const given = armed();
    expect(when(given, enable('5', '20.0', '50'), saved)).toEqual([]);
    expect(when(given, enable('6'))).toHaveLength(1);
  });
});

describe('auto top-up: the trigger', () => {
  test('a spend leaving available credit below the threshold sets off one top-up, in the same decision', () => {
    const given = armed();
    const above = when(given, charge('c1', '4'));
    expect(above.map((e) => e.type)).toEqual(['WalletCharged']);
    const events = when(given, charge('c1', '4'), charge('c2', '2'));
    expect(events.map((e) => e.type)).toEqual(['WalletCharged', 'WalletCharged', 'AutoTopUpTriggered']);
    expect(triggerOf(events)).toMatchObject({
      amount: '20',
      available: '4',
      threshold: '5',
      month: '2026-12',
      customerId: 'cus_1',
      paymentMethodId: 'pm_1',
    });
  });

  test('while one is pending no other is set off; once its payment is credited the next can be', () => {
    const given = armed();
    const first = when(given, charge('c1', '6'));
    const t = triggerOf(first);
    const pending = [...given, ...first];
    expect(when(pending, charge('c2', '1'), charge('c3', '1')).map((e) => e.type)).toEqual(['WalletCharged', 'WalletCharged']);
    // the engine records the payment it started, the processor credits it: the trigger is settled
    const settled = [...pending, ...when(pending, started(t.triggerId, 'pi_auto1'), purchase('pi_auto1', '20'))];
    expect(stateOf(settled).autoTopUp.pending).toBeNull();
    const next = when(settled, charge('c4', '21'));
    expect(triggerOf(next).triggerId).not.toBe(t.triggerId);
  });

  test('a credit that arrives before the engine records the start still settles the trigger', () => {
    const given = armed();
    const first = when(given, charge('c1', '6'));
    const t = triggerOf(first);
    const all = [...given, ...first];
    const settled = [...all, ...when(all, purchase('pi_auto1', '20'), started(t.triggerId, 'pi_auto1'))];
    expect(stateOf(settled).autoTopUp.pending).toBeNull();
  });

  test('a spend recorded late, dated last month, counts against this month: the cap is never reopened', () => {
    const given = armed('10');
    const dec = when(given, charge('c1', '6', '2026-12-05T00:00:00.000Z'));
    let log = [...given, ...dec];
    const t = triggerOf(dec);
    log = [...log, ...when(log, started(t.triggerId, 'pi_d'), purchase('pi_d', '20'))];
    // 24 left; a November CDR arriving now takes it to 4
    const late = when(log, charge('c2', '20', '2026-11-30T23:59:00.000Z'));
    expect(triggerOf(late)).toMatchObject({ month: '2026-12' });
    expect(stateOf([...log, ...late]).autoTopUp.monthTotal).toBe('40');
  });

  test('a payment naming its trigger settles it though its start was never recorded (the answer lost)', () => {
    const given = armed();
    const first = when(given, charge('c1', '6'));
    const t = triggerOf(first);
    const all = [...given, ...first];
    const credited = when(all, {
      type: 'record-purchase',
      data: { ...stripe, paymentId: 'pi_lost', processorEventId: 'evt_lost', amount: '20', currency: 'EUR', autoTopUp: t.triggerId },
    });
    expect(credited[0]).toMatchObject({ type: 'CreditPurchased', data: { autoTopUp: t.triggerId } });
    expect(stateOf([...all, ...credited]).autoTopUp.pending).toBeNull();
  });

  test('the monthly cap stops top-ups until the month turns', () => {
    let log = armed('10');
    let spent = 0;
    for (let i = 0; i < 4; i++) {
      // 10 → 4, then each 24 → 4
      const events = when(log, charge(`c${i}`, i === 0 ? '6' : '20'));
      log = [...log, ...events];
      const t = events.find((e) => e.type === 'AutoTopUpTriggered');
      if (!t || t.type !== 'AutoTopUpTriggered') break;
      spent += 20;
      log = [...log, ...when(log, started(t.data.triggerId, `pi_${i}`), purchase(`pi_${i}`, '20'))];
    }
    // 20 + 20 fits a cap of 50, a third would not
    expect(spent).toBe(40);
    expect(stateOf(log).autoTopUp.monthTotal).toBe('40');
    const january = when(log, charge('jan', '1', '2027-01-01T00:00:01.000Z'));
    expect(triggerOf(january).month).toBe('2027-01');
  });

  test('granted credit counts while live: spending a grant below the threshold triggers, an expired one is not credit', () => {
    const grant = (grantId: string, amount: string, expiresAt: string | null): WalletCommand => ({
      type: 'grant',
      data: { grantId, amount, currency: 'EUR', reason: 'promo', source: 'test', expiresAt, restriction: null },
    });
    const given = [...opened, ...when(opened, saved, grant('g1', '10', null), grant('old', '50', '2026-11-01T00:00:00.000Z'), enable())];
    expect(when(given, charge('c1', '4')).map((e) => e.type)).toEqual(['WalletCharged']);
    expect(triggerOf(when(given, charge('c1', '6')))).toMatchObject({ available: '4' });
  });

  test('refunds, grants and failures of other payments set nothing off; nor does an account in debt', () => {
    const given = armed('10');
    expect(when(given, { type: 'expire', data: { at: '2027-01-01T00:00:00Z' } })).toEqual([]);
    const debt = [
      ...given,
      ...when(given, {
        type: 'record-refund',
        data: { ...stripe, paymentId: 'pi', processorEventId: 'r', refundedTotal: '10', currency: 'EUR' },
      }),
    ];
    expect(when(debt, charge('c1', '1')).some((e) => e.type === 'AutoTopUpTriggered')).toBe(false);
  });
});

describe('auto top-up: failure', () => {
  test('a refused top-up is recorded, turns auto top-up off and does not count against the cap', () => {
    const given = armed();
    const first = when(given, charge('c1', '6'));
    const t = triggerOf(first);
    const all = [...given, ...first];
    const failed = when(all, {
      type: 'fail-auto-top-up',
      data: { triggerId: t.triggerId, paymentId: 'pi_x', code: 'authentication_required', reason: 'needs 3-D Secure' },
    });
    expect(failed.map((e) => e.type)).toEqual(['AutoTopUpFailed', 'AutoTopUpDisabled']);
    const after = stateOf([...all, ...failed]).autoTopUp;
    expect(after).toMatchObject({ settings: null, pending: null, monthTotal: '0', disabledReason: 'payment-failed' });
    // the same failure again, or a charge now: nothing
    expect(
      when([...all, ...failed], { type: 'fail-auto-top-up', data: { ...failed[0]!.data, code: 'x', reason: 'y' } } as WalletCommand),
    ).toEqual([]);
  });

  test('the processor reporting the started payment failed does the same', () => {
    const given = armed();
    const first = when(given, charge('c1', '6'));
    const all = [...given, ...first, ...when([...given, ...first], started(triggerOf(first).triggerId, 'pi_auto'))];
    const failed = when(all, {
      type: 'record-payment-failure',
      data: { ...stripe, paymentId: 'pi_auto', processorEventId: 'evt_f', reason: 'card_declined' },
    });
    expect(failed.map((e) => e.type)).toEqual(['TopUpFailed', 'AutoTopUpFailed', 'AutoTopUpDisabled']);
  });

  test('turned off by the customer, spends set nothing off', () => {
    const given = armed('10', { type: 'disable-auto-top-up', data: {} });
    expect(stateOf(given).autoTopUp.disabledReason).toBe('customer');
    expect(when(given, charge('c1', '9')).map((e) => e.type)).toEqual(['WalletCharged']);
  });
});
