import fc from 'fast-check';
import { DomainError } from '../../../core/decider';
import { Decimal } from '../../../core/money';
import type { CallCommand, CallPolicy } from '../../../core/calls/commands';
import { chargeFor } from '../../../core/pricing/charge';
import { balanceOf, type AccountStreamEvent } from '../../../core/wallet';
import { opened, stateOf, when } from '../wallet/given';
import { callCommands } from '../../support/call-commands';

// 0.005 a minute in whole minutes: 0.015 of credit pays for 180 s
const row = { rate: '0.005', connectFee: '0', initial: 60, subsequent: 60, minimum: 0 };
const policy: CallPolicy = { grantSeconds: 3600, reservationTtlSeconds: 120, chargeDecimals: 6 };
const pstn = { kind: 'pstn' as const, retail: { prefix: '44', row }, carriers: [] };
const { at, authorize, end } = callCommands({ route: pstn, policy });
const funded = (amount: string): AccountStreamEvent[] => [
  ...opened,
  ...when(opened, {
    type: 'record-purchase',
    data: { processor: 'stripe', paymentId: 'pi', processorEventId: 'e', amount, currency: 'EUR' },
  }),
];
const ofType = <T extends AccountStreamEvent['type']>(events: readonly AccountStreamEvent[], type: T) =>
  events.filter((e): e is Extract<AccountStreamEvent, { type: T }> => e.type === type);

describe('a call never creates debt', () => {
  test('a lapsed reservation spent twice: the balance stops at zero, the provider absorbs the rest', () => {
    const given = funded('0.015');
    // call 1 reserves 0.01 (a 120 s grant); its CDR is late, the reservation lapses; call 2 gets all 0.015
    const events = when(
      given,
      authorize('c1', 0, 120),
      { type: 'expire-reservations', data: { at: at(240) } },
      authorize('c2', 250),
      end('c1', 120, 300),
      end('c2', 180, 440),
    );
    expect(ofType(events, 'CallAuthorized').map((e) => e.data.reserved)).toEqual(['0.01', '0.015']);
    expect(ofType(events, 'ReservationExpired')).toHaveLength(1);
    // both calls are recorded at their full price; the split says what the customer paid
    const charged = ofType(events, 'CallCharged');
    expect(charged.map((e) => [e.data.amount, e.data.fromPaid])).toEqual([
      ['0.01', '0.01'],
      ['0.015', '0.005'],
    ]);
    expect(ofType(events, 'ChargeShortfall').map((e) => e.data)).toEqual([
      { accountId: stateOf(given).accountId, kind: 'call', reference: 'c2', amount: '0.01', currency: 'EUR', reason: 'credit-exhausted' },
    ]);
    const s = stateOf([...given, ...events]);
    expect(s.paid.toFixed()).toBe('0');
    expect(balanceOf(s).toFixed()).toBe('0');
    // not in debt: the next call is refused for want of credit, not for a debt
    expect(() => when([...given, ...events], authorize('c3', 500))).toThrow(
      expect.objectContaining({ code: 'insufficient-credit' }) as unknown as Error,
    );
  });

  test('the late CDR of a lapsed reservation is the one cut short when it comes last', () => {
    const given = funded('0.015');
    const events = when(
      given,
      authorize('c1', 0, 120),
      { type: 'expire-reservations', data: { at: at(240) } },
      authorize('c2', 250),
      end('c2', 180, 440),
      end('c1', 120, 450),
    );
    expect(ofType(events, 'CallCharged').map((e) => [e.data.callId, e.data.fromPaid])).toEqual([
      ['c2', '0.015'],
      ['c1', '0'],
    ]);
    expect(ofType(events, 'ChargeShortfall').map((e) => [e.data.reference, e.data.amount, e.data.reason])).toEqual([
      ['c1', '0.01', 'reservation-lapsed'],
    ]);
    expect(stateOf([...given, ...events]).paid.toFixed()).toBe('0');
  });

  test('a charge draws grants that allow the destination, then paid credit down to zero, never below', () => {
    const given = [
      ...funded('0.004'),
      ...when(funded('0.004'), {
        type: 'grant',
        data: {
          grantId: 'g',
          amount: '0.003',
          currency: 'EUR',
          expiresAt: null,
          restriction: null,
          reason: 'trial',
          source: 'test',
        },
      }),
    ];
    const events = when(given, authorize('c1', 0, 60), { type: 'expire-reservations', data: { at: at(200) } }, authorize('c2', 210, 60));
    const ended = when([...given, ...events], end('c1', 60, 300), end('c2', 60, 310));
    const charged = ofType(ended, 'CallCharged');
    expect(charged.map((e) => [e.data.fromGrants.map((g) => g.amount), e.data.fromPaid])).toEqual([
      [['0.003'], '0.002'],
      [[], '0.002'],
    ]);
    expect(ofType(ended, 'ChargeShortfall').map((e) => e.data.amount)).toEqual(['0.003']);
    expect(balanceOf(stateOf([...given, ...events, ...ended])).toFixed()).toBe('0');
  });
});

/** One account's life: its credit and a random interleaving of authorizations, lapses and CDRs. */
const account = fc.record({
  credit: fc.integer({ min: 1, max: 60 }).map((n) => new Decimal(n).dividedBy(1000)),
  steps: fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('authorize' as const), call: fc.integer({ min: 0, max: 4 }), cap: fc.constantFrom(60, 120, 600) }),
      fc.record({ op: fc.constant('expire' as const) }),
      fc.record({ op: fc.constant('end' as const), call: fc.integer({ min: 0, max: 4 }), lasted: fc.integer({ min: 1, max: 700 }) }),
    ),
    { maxLength: 25 },
  ),
  // seconds between steps: a lapse needs the grant and the TTL to pass
  gaps: fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 25, maxLength: 25 }),
});

describe('concurrent calls with lapsing reservations (property)', () => {
  test('paid credit never goes below zero from calls; charged + shortfall = the retail price of every call', () => {
    fc.assert(
      fc.property(fc.array(account, { minLength: 1, maxLength: 3 }), (accounts) => {
        for (const a of accounts) {
          const events: AccountStreamEvent[] = funded(a.credit.toFixed());
          let clock = 0;
          a.steps.forEach((step, i) => {
            clock += a.gaps[i]!;
            const command: CallCommand =
              step.op === 'authorize'
                ? authorize(`c${step.call}`, clock, step.cap)
                : step.op === 'expire'
                  ? { type: 'expire-reservations', data: { at: at(clock) } }
                  : end(`c${step.call}`, step.lasted, clock);
            try {
              for (const e of when(events, command)) {
                events.push(e);
                expect(stateOf(events).paid.lessThan(0)).toBe(false);
              }
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
          });
          let retail = new Decimal(0);
          let paidByCustomer = new Decimal(0);
          for (const e of ofType(events, 'CallCharged')) {
            expect(e.data.amount).toBe(chargeFor(row, e.data.seconds).amount.toFixed());
            retail = retail.plus(e.data.amount);
            paidByCustomer = e.data.fromGrants.reduce((sum, g) => sum.plus(g.amount), paidByCustomer.plus(e.data.fromPaid));
          }
          const absorbed = ofType(events, 'ChargeShortfall').reduce((sum, e) => sum.plus(e.data.amount), new Decimal(0));
          expect(paidByCustomer.plus(absorbed).toFixed()).toBe(retail.toFixed());
          expect(paidByCustomer.lessThanOrEqualTo(a.credit)).toBe(true);
          expect(balanceOf(stateOf(events)).toFixed()).toBe(a.credit.minus(paidByCustomer).toFixed());
        }
      }),
      { numRuns: 150, seed: 20261201 },
    );
  });
});
