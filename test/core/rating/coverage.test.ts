import fc from 'fast-check';
import { chargeFor, type RateRow } from '../../../core/pricing/charge';
import { Decimal } from '../../../core/money';
import { coversEveryDuration } from '../../../core/rating/coverage';

const row = (rate: string, initial: number, subsequent: number, connectFee = '0', minimum = 0): RateRow => ({
  rate,
  connectFee,
  initial,
  subsequent,
  minimum,
});

describe('does a retail row cover a carrier row at every duration', () => {
  test.each([
    ['the same shape, a higher rate and fee', row('0.025', 60, 60, '0.0025'), row('0.020', 60, 60, '0.002'), true],
    ['the same shape and price', row('0.02', 30, 6, '0.01', 30), row('0.02', 30, 6, '0.01', 30), true],
    ['per second against 60/60: a 1 s call sells below cost', row('0.012', 1, 1), row('0.01', 60, 60), false],
    ['no fee against a carrier fee', row('0.05', 1, 1), row('0.01', 1, 1, '0.001'), false],
    ['a coarser shape covers a finer one', row('0.01', 60, 60), row('0.01', 30, 6), true],
    ['a lower rate loses on long calls, however large the fee', row('0.0099', 1, 1, '100'), row('0.01', 1, 1), false],
    // a 1 s call: the carrier bills 30 s = 0.005; retail bills 1 s = 0.000166… plus its fee
    ['a fee makes up for the carrier’s minimum', row('0.01', 1, 1, '0.0049'), row('0.01', 1, 1, '0', 30), true],
    ['a fee just short of it does not', row('0.01', 1, 1, '0.0048'), row('0.01', 1, 1, '0', 30), false],
  ])('%s', (_, retail, carrier, covers) => {
    expect(coversEveryDuration(retail, carrier)).toBe(covers);
  });

  test('it agrees with charging every duration from 1 s to 2 h (property)', () => {
    const rate = fc.integer({ min: 0, max: 5000 }).map((n) => new Decimal(n).dividedBy(10_000).toFixed());
    const shape = fc.record({
      increments: fc.constantFrom([1, 1], [30, 6], [60, 60], [6, 6], [60, 1], [1, 60], [45, 15], [30, 30]),
      minimum: fc.constantFrom(0, 0, 10, 30, 60),
      fee: fc.oneof(
        fc.constant('0'),
        fc.integer({ min: 0, max: 200 }).map((n) => new Decimal(n).dividedBy(10_000).toFixed()),
      ),
    });
    const toRow = (r: string, s: { increments: readonly number[]; minimum: number; fee: string }) =>
      row(r, s.increments[0]!, s.increments[1]!, s.fee, s.minimum);
    fc.assert(
      fc.property(rate, shape, rate, shape, (rr, rs, cr, cs) => {
        const retail = toRow(rr, rs);
        const carrier = toRow(cr, cs);
        let shortAt: number | null = null;
        for (let d = 1; d <= 7200 && shortAt === null; d++)
          if (chargeFor(retail, d, 40).amount.lessThan(chargeFor(carrier, d, 40).amount)) shortAt = d;
        const losesLongCalls = new Decimal(retail.rate).lessThan(carrier.rate);
        expect(coversEveryDuration(retail, carrier)).toBe(shortAt === null && !losesLongCalls);
      }),
      { numRuns: 60, seed: 20261126 },
    );
  });
});
