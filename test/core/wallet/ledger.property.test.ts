import { Decimal } from '../../../core/money';
import { balanceOf, grantedOf, type AccountStreamEvent, type WalletCommand } from '../../../core/wallet';
import { DomainError } from '../../../core/decider';
import { seeded } from '../../support/random';
import { opened, stateOf, stripe, when } from './given';

const amountOf = (r: ReturnType<typeof seeded>) => `${r.int(0, 30)}.${r.digits(r.int(0, 4))}`.replace(/\.$/, '');
const DESTINATIONS = ['+442079460000', '+447700900123', '+33142685300', null];

function randomCommand(r: ReturnType<typeof seeded>, step: number): WalletCommand {
  const pi = `pi_${r.int(1, 6)}`;
  const at = new Date(Date.UTC(2026, 11, 1) + step * 3_600_000).toISOString();
  switch (r.int(0, 8)) {
    case 0:
      return { kind: 'start-top-up', ...stripe, paymentId: pi, amount: amountOf(r), credit: amountOf(r), currency: 'EUR', requestKey: pi };
    case 1:
      return {
        kind: 'record-purchase',
        ...stripe,
        paymentId: pi,
        processorEventId: `e${step}`,
        amount: amountOf(r),
        currency: r.pick(['EUR', 'EUR', 'USD']),
      };
    case 2:
      return { kind: 'record-refund', ...stripe, paymentId: pi, processorEventId: `e${step}`, refundedTotal: amountOf(r), currency: 'EUR' };
    case 3:
    case 4: {
      const kind = r.pick(['record-chargeback', 'reverse-chargeback'] as const);
      return {
        kind,
        ...stripe,
        paymentId: pi,
        processorEventId: `e${step}`,
        disputeId: `dp_${r.int(1, 3)}`,
        amount: amountOf(r),
        currency: 'EUR',
      };
    }
    case 5: {
      const expiresAt = r.pick([null, new Date(Date.parse(at) + r.int(-5, 30) * 3_600_000).toISOString()]);
      const restriction = r.pick([null, { countries: ['GB'] }, { prefixes: ['33'] }, { numberTypes: ['mobile' as const] }]);
      return {
        kind: 'grant',
        grantId: `g${r.int(1, 8)}`,
        amount: amountOf(r),
        currency: 'EUR',
        reason: 'promo',
        source: 'p',
        expiresAt,
        restriction,
      };
    }
    case 6: {
      const funding = r.pick(['paid', 'granted'] as const);
      const h = `h${r.int(1, 5)}`;
      return {
        kind: 'redeem-voucher',
        codeHash: h,
        batchId: 'b',
        amount: amountOf(r),
        currency: 'EUR',
        funding,
        grant: funding === 'granted' ? { grantId: `v:${h}`, expiresAt: null, restriction: null } : null,
      };
    }
    case 7:
      return { kind: 'expire', at };
    default:
      return {
        kind: 'charge',
        chargeId: `c${step}`,
        chargeKind: 'call',
        reference: 'r',
        destination: r.pick(DESTINATIONS),
        amount: amountOf(r),
        currency: 'EUR',
        at,
      };
  }
}

const sign: Partial<Record<AccountStreamEvent['type'], 1 | -1>> = {
  CreditGranted: 1,
  ChargebackReversed: 1,
  CreditExpired: -1,
  CreditRefunded: -1,
  ChargebackDebited: -1,
  WalletCharged: -1,
};

/** purchases + grants + vouchers + reversals − expiries − refunds − chargebacks − charges, from the events alone. */
function ledgerSum(events: readonly AccountStreamEvent[]): Decimal {
  let sum = new Decimal(0);
  for (const e of events) {
    if (e.type === 'CreditPurchased') sum = sum.plus(e.data.credit);
    else if (e.type === 'VoucherRedeemed') sum = sum.plus(e.data.amount);
    else if (sign[e.type] && 'amount' in e.data) sum = sum.plus(new Decimal(e.data.amount).times(sign[e.type]!));
  }
  return sum;
}

describe('wallet ledger (property)', () => {
  test('for any sequence of commands: balance = the signed sum of the ledger, exactly; no grant lot goes below zero', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = seeded(seed);
      const events: AccountStreamEvent[] = [...opened];
      for (let step = 0; step < 60; step++) {
        try {
          events.push(...when(events, randomCommand(r, step)));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
      }
      const s = stateOf(events);
      expect({ seed, balance: balanceOf(s).toFixed() }).toEqual({ seed, balance: ledgerSum(events).toFixed() });
      for (const g of s.grants) expect(g.remaining.isNegative() && !g.remaining.isZero()).toBe(false);
      expect(grantedOf(s).isNegative() && !grantedOf(s).isZero()).toBe(false);
      // every charge is split exactly: grants + paid = amount
      for (const e of events) {
        if (e.type !== 'WalletCharged') continue;
        const parts = e.data.fromGrants.reduce((sum, g) => sum.plus(g.amount), new Decimal(e.data.fromPaid));
        expect(parts.equals(e.data.amount)).toBe(true);
      }
    }
  });
});
