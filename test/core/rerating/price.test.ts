import { rateCall } from '../../../core/rating/cost';
import { NS_PER_SECOND } from '../../../core/rating/duration';
import { buildPlan } from '../../../core/rating/plan-builder';
import { repriceCall, rerateDuration } from '../../../core/rerating/price';

const plan = buildPlan({
  id: 'P',
  currency: 'EUR',
  destinations: { UK: ['44'] },
  // the plan does not round (0 decimals): what rerating charges is its own rounding
  entries: [{ destination: 'UK', slots: [{ rate: '0.0137', rateIncrement: '1s' }], roundingDecimals: 0 }],
});

describe('a charged call priced again', () => {
  test('for the seconds its CDR reported, to the millisecond', () => {
    expect(rerateDuration(95.4)).toBe(95_400 * 1_000_000);
    expect(rerateDuration(1.0004)).toBe(NS_PER_SECOND);
    expect(rerateDuration(0)).toBe(0);
  });

  test("the plan's cost rounded up once to the places charges are kept in, and the seconds it bills", () => {
    // 7 s at 0.0137/min = 0.0015983…: up to 0.001599 at 6 places, 0.0016 at 4
    const cost = rateCall(plan, '442079460000', new Date('2026-11-23T12:00:00Z'), rerateDuration(6.2));
    expect(repriceCall(cost, 6)).toEqual({ amount: '0.001599', billedSeconds: 7 });
    expect(repriceCall(cost, 4)).toEqual({ amount: '0.0016', billedSeconds: 7 });
  });
});
