import { Decimal } from '../../../core/money';
import { affordableSeconds, billedSeconds, chargeFor, exactPrice, roundCharge } from '../../../core/pricing/charge';
import { billedNanos } from '../../../core/pricing/billed-duration';
import { smsPrice } from '../../../core/sms/pricing';
import { seeded } from '../../support/random';

const row = { rate: '0.0137', connectFee: '0.01', initial: 30, subsequent: 6, minimum: 0 };

describe('call charges', () => {
  test('increments: initial, then subsequent, at least the minimum once connected', () => {
    expect([0, 1, 30, 31, 36, 37].map((s) => billedSeconds(row, s))).toEqual([0, 30, 30, 36, 36, 42]);
    expect(billedSeconds({ ...row, minimum: 60 }, 5)).toBe(60);
    // 0.0137 × 36 / 60 + 0.01 = 0.01822 exactly; 7 s at 1/1 of 0.0137: 0.0015983… rounds up to 0.001599
    expect(chargeFor(row, 31).amount.toFixed()).toBe('0.01822');
    expect(chargeFor({ ...row, connectFee: '0', initial: 1, subsequent: 1 }, 7).amount.toFixed()).toBe('0.001599');
  });

  /** The definition, searched: a binary search over the increments, pricing each (what affordableSeconds solves directly). */
  function affordableBySearch(rr: Parameters<typeof chargeFor>[0], budget: Decimal, cap: number): number {
    const first = Math.max(rr.initial, rr.minimum);
    if (cap < first || chargeFor(rr, first).amount.greaterThan(budget)) return 0;
    const durationOf = (k: number) => billedSeconds(rr, rr.initial + k * rr.subsequent);
    let lo = 0;
    let hi = Math.max(0, Math.floor((cap - rr.initial) / rr.subsequent));
    if (durationOf(hi) > cap) hi = Math.max(0, hi - 1);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (chargeFor(rr, durationOf(mid)).amount.lessThanOrEqualTo(budget)) lo = mid;
      else hi = mid - 1;
    }
    return Math.min(cap, durationOf(lo));
  }

  test('affordable seconds equal the increment-by-increment search (property, incl. free rates and sub-cent budgets)', () => {
    const r = seeded(11);
    for (let i = 0; i < 3000; i++) {
      const rr = {
        rate: r.pick(['0', `0.${r.digits(4)}`, `${r.int(0, 2)}.${r.digits(6)}`]),
        connectFee: r.pick(['0', '0.01', '0.1', '0.0000005']),
        initial: r.pick([1, 6, 30, 60]),
        subsequent: r.pick([1, 6, 30, 60]),
        minimum: r.pick([0, 0, 60, 45]),
      };
      const budget = new Decimal(`${r.int(0, 2)}.${r.digits(8)}`);
      const cap = r.int(1, 7200);
      expect([i, affordableSeconds(rr, budget, cap)]).toEqual([i, affordableBySearch(rr, budget, cap)]);
    }
  });

  test('affordable seconds: the last increment the budget pays for, never past the cap (property)', () => {
    const r = seeded(7);
    for (let i = 0; i < 400; i++) {
      const rr = {
        rate: `0.${r.digits(4)}`,
        connectFee: r.pick(['0', '0.01', '0.1']),
        initial: r.pick([1, 6, 30, 60]),
        subsequent: r.pick([1, 6, 30, 60]),
        minimum: r.pick([0, 0, 60]),
      };
      const budget = new Decimal(`${r.int(0, 3)}.${r.digits(3)}`);
      const cap = r.int(1, 7200);
      const s = affordableSeconds(rr, budget, cap);
      if (s === 0) {
        expect(Math.max(rr.initial, rr.minimum) > cap || chargeFor(rr, Math.max(rr.initial, rr.minimum)).amount.greaterThan(budget)).toBe(
          true,
        );
        continue;
      }
      expect(s).toBeLessThanOrEqual(cap);
      expect(chargeFor(rr, s).amount.lessThanOrEqualTo(budget)).toBe(true);
      const next = billedSeconds(rr, s + 1);
      expect(next > cap || chargeFor(rr, next).amount.greaterThan(budget)).toBe(true);
    }
  });
});

describe('the pricing kernel, shared by quotes, charges, carrier costs, rerating and texts', () => {
  test('billed time in nanoseconds and in seconds agree on every whole second (property)', () => {
    const r = seeded(3);
    for (let i = 0; i < 2000; i++) {
      const inc = { initial: r.pick([1, 6, 30, 60]), subsequent: r.pick([1, 6, 30, 60]), minimum: r.pick([0, 0, 45, 60]) };
      const seconds = r.int(0, 7200);
      expect([i, billedNanos(inc, seconds * 1e9) / 1e9]).toEqual([i, billedSeconds(inc, seconds)]);
    }
  });

  test('a fraction of a second past an increment bills the next increment; exactly on it does not', () => {
    const inc = { initial: 60, subsequent: 60, minimum: 0 };
    expect(billedNanos(inc, 60e9)).toBe(60e9);
    expect(billedNanos(inc, 60e9 + 1)).toBe(120e9);
    expect(billedNanos(inc, 0)).toBe(0);
  });

  test('the exact price has the connect fee only when something is billed', () => {
    expect(exactPrice(new Decimal('0.0137'), new Decimal('0.01'), 36).toFixed()).toBe('0.01822');
    expect(exactPrice(new Decimal('0.0137'), new Decimal('0.01'), 0).toFixed()).toBe('0');
  });

  test('a charge rounds up once, to the charge decimals', () => {
    expect(roundCharge(new Decimal('0.0015983333'), 6).toFixed()).toBe('0.001599');
    expect(roundCharge(new Decimal('0.001599'), 6).toFixed()).toBe('0.001599');
    expect(roundCharge(new Decimal('0.0000000001'), 2).toFixed()).toBe('0.01');
  });

  test('a text costs per segment × segments + per message, rounded up by the same rule', () => {
    expect(smsPrice({ prefix: '44', perSegment: '0.0333', perMessage: '0.001' }, 3, 2).toFixed()).toBe('0.11');
    expect(smsPrice({ prefix: '44', perSegment: '0.05', perMessage: '0' }, 2, 6).toFixed()).toBe('0.1');
  });
});
