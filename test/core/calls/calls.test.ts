import { DomainError } from '../../../core/decider';
import { Decimal } from '../../../core/money';
import type { CallCommand, CallPolicy } from '../../../core/calls/commands';
import { affordableSeconds, chargeFor } from '../../../core/pricing/charge';
import { balanceOf, spendable } from '../../../core/wallet';
import { opened, stateOf, when } from '../wallet/given';

const policy: CallPolicy = { grantSeconds: 3600, reservationTtlSeconds: 120, chargeDecimals: 6 };
const row = { rate: '0.0137', connectFee: '0.01', initial: 30, subsequent: 6, minimum: 0 };
const carrier = {
  carrierId: 'alpha',
  prefix: '44',
  currency: 'EUR',
  row: { rate: '0.0061', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 },
  uris: ['sip:44@127.0.0.1:5080'],
};
const pstn = { kind: 'pstn' as const, retail: { prefix: '44', row }, carriers: [carrier] };
const AT = '2026-12-01T10:00:00.000Z';
const authorize = (
  callId: string,
  extra: Partial<Extract<CallCommand, { readonly type: 'authorize-call' }>['data']> = {},
): CallCommand => ({
  type: 'authorize-call',
  data: {
    callId,
    destination: '+442079460000',
    route: pstn,
    at: AT,
    policy,
    ...extra,
  },
});
const end = (
  callId: string,
  seconds: number,
  extra: Partial<Extract<CallCommand, { readonly type: 'end-call' }>['data']> = {},
): CallCommand => ({
  type: 'end-call',
  data: {
    callId,
    origin: 'kamailio-1',
    answered: true,
    seconds,
    answeredAt: AT,
    endedAt: '2026-12-01T10:05:00.000Z',
    carrierId: 'alpha',
    reason: 'BYE',
    cdr: {},
    policy,
    ...extra,
  },
});
const funded = (amount: string) => [
  ...opened,
  ...when(opened, {
    type: 'record-purchase',
    data: { processor: 'stripe', paymentId: 'pi', processorEventId: 'e', amount, currency: 'EUR' },
  }),
];

describe('call decider', () => {
  test('authorize grants what the credit pays for (capped) and reserves its price', () => {
    const [e] = when(funded('1.00'), authorize('c1'));
    // (1.00 − 0.01) / 0.0137 per minute = 4335.7 s → capped at 3600 s, reserving its price
    expect(e).toMatchObject({
      type: 'CallAuthorized',
      data: { grantedSeconds: 3600, reserved: chargeFor(row, 3600).amount.toFixed(), route: 'pstn' },
    });
    const small = when(funded('0.05'), authorize('c2'))[0]!;
    const granted = (small.data as { grantedSeconds: number }).grantedSeconds;
    expect(granted).toBe(affordableSeconds(row, new Decimal('0.05'), 3600));
    expect(granted).toBe(174);
  });

  test('no credit, in debt, suspended: refused with a reason; the same call id twice authorizes once', () => {
    expect(() => when(opened, authorize('c'))).toThrow(expect.objectContaining({ code: 'insufficient-credit' }) as unknown as Error);
    const indebted = [
      ...opened,
      ...when(opened, {
        type: 'record-refund',
        data: {
          processor: 'stripe',
          paymentId: 'pi',
          processorEventId: 'r',
          refundedTotal: '1',
          currency: 'EUR',
        },
      }),
    ];
    expect(() => when(indebted, authorize('c'))).toThrow(/in debt/);
    const suspended = [...funded('5'), { type: 'AccountSuspended' as const, data: { accountId: 'a', reason: 'x' } }];
    expect(() => when(suspended, authorize('c'))).toThrow(DomainError);
    expect(when(funded('5'), authorize('c'), authorize('c'))).toHaveLength(1);
  });

  test('each authorization sees the others’ reservations: credit for three calls allows three', () => {
    const price = chargeFor(row, 60).amount;
    const given = funded(price.times(3).toFixed());
    const small = { ...policy, grantSeconds: 60 };
    const events = when(given, authorize('a', { policy: small }), authorize('b', { policy: small }), authorize('c', { policy: small }));
    expect(events).toHaveLength(3);
    expect(() => when([...given, ...events], authorize('d', { policy: small }))).toThrow(/first increment/);
    expect(spendable(stateOf([...given, ...events]), '+442079460000', AT).isZero()).toBe(true);
  });

  test('end charges the real duration at the authorized rate, records the carrier cost, releases the reservation; once', () => {
    const given = [...funded('10'), ...when(funded('10'), authorize('c1'))];
    const ended = when(given, end('c1', 95.4));
    expect(ended.map((e) => e.type)).toEqual(['CallCharged', 'CarrierCostRecorded', 'ReservationReleased']);
    // the charged call has left the state; the same CDR again decides an event under the same id
    // (the CDR's outcome, derived from call id and origin), which the store drops as a replay
    const after = [...given, ...ended];
    expect(stateOf(after).calls.get('c1')).toBeUndefined();
    expect(when(after, end('c1', 95.4)).map((e) => e.id)).toEqual([ended[0]!.id]);
    // another proxy's CDR for it is another fact: kept for review, charging nothing
    const other = when(after, end('c1', 95.4, { origin: 'kamailio-2' }));
    expect(other.map((e) => e.type)).toEqual(['CdrUnmatched']);
    expect(other[0]!.id).not.toBe(ended[0]!.id);
    expect(ended[0]!.data).toMatchObject({
      billedSeconds: 96,
      amount: chargeFor(row, 95.4).amount.toFixed(),
      fromPaid: chargeFor(row, 95.4).amount.toFixed(),
    });
    expect(ended[1]!.data).toMatchObject({ carrierId: 'alpha', billedSeconds: 96, cost: '0.00976' });
    const s = stateOf([...given, ...ended]);
    expect(s.reserved.isZero()).toBe(true);
    expect(balanceOf(s).toFixed()).toBe(new Decimal(10).minus(chargeFor(row, 95.4).amount).toFixed());
  });

  test('never charged past the grant; a failed call charges nothing; a CDR without authorization is kept for review', () => {
    const given = [...funded('0.05'), ...when(funded('0.05'), authorize('c1'))];
    const [charged] = when(given, end('c1', 400));
    expect(charged!.data).toMatchObject({ seconds: 174 });
    expect(new Decimal((charged!.data as { amount: string }).amount).lessThanOrEqualTo('0.05')).toBe(true);
    expect(when(given, end('c1', 0, { answered: false, reason: '503' })).map((e) => e.type)).toEqual(['CallFailed', 'ReservationReleased']);
    expect(when(funded('1'), end('ghost', 10)).map((e) => e.type)).toEqual(['CdrUnmatched']);
  });

  test('a reservation without its CDR lapses after the grant and TTL; a late CDR still charges (once), without a second release', () => {
    const given = [...funded('1'), ...when(funded('1'), authorize('c1', { policy: { ...policy, grantSeconds: 60 } }))];
    expect(when(given, { type: 'expire-reservations', data: { at: '2026-12-01T10:02:59.000Z' } })).toEqual([]);
    const expired = when(given, { type: 'expire-reservations', data: { at: '2026-12-01T10:03:00.000Z' } });
    expect(expired.map((e) => e.type)).toEqual(['ReservationExpired']);
    expect(stateOf([...given, ...expired]).reserved.isZero()).toBe(true);
    expect(when([...given, ...expired], end('c1', 30)).map((e) => e.type)).toEqual(['CallCharged', 'CarrierCostRecorded']);
  });

  test('on-net calls reserve and charge nothing', () => {
    const events = when(opened, authorize('n1', { route: { kind: 'on-net', uri: 'sip:+442079460001@other.example' } }), end('n1', 42));
    expect(events.map((e) => e.type)).toEqual(['CallAuthorized', 'CallCharged']);
    expect(events[1]!.data).toMatchObject({ amount: '0', route: 'on-net' });
  });

  test('extend grants more from what is left, counting the call’s own reservation', () => {
    const p = { ...policy, grantSeconds: 60 };
    const given = [...funded('1'), ...when(funded('1'), authorize('c1', { policy: p }))];
    const [ext] = when(given, { type: 'extend-call', data: { callId: 'c1', at: AT, policy: p } });
    expect(ext!.data).toMatchObject({ grantedSeconds: 120 });
    const s = stateOf([...given, ext!]);
    expect(s.reserved.toFixed()).toBe(chargeFor(row, 120).amount.toFixed());
    // the call's own record holds both grants' reservations, and its end releases them all
    expect(s.calls.get('c1')?.reserved).toBe(chargeFor(row, 120).amount.toFixed());
    const ended = when([...given, ext!], end('c1', 30, { policy: p }));
    expect(ended.find((e) => e.type === 'ReservationReleased')?.data).toMatchObject({ amount: chargeFor(row, 120).amount.toFixed() });
    expect(stateOf([...given, ext!, ...ended]).reserved.isZero()).toBe(true);
    expect(() => when(given, { type: 'extend-call', data: { callId: 'nope', at: AT, policy: p } })).toThrow(/no such call/);
  });
});
