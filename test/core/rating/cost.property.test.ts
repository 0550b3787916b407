import { rateCall } from '../../../core/rating/cost';
import { NS_PER_SECOND } from '../../../core/rating/duration';
import { buildPlan, type SlotSpec } from '../../../core/rating/plan-builder';
import { seeded } from '../../support/random';

/** Random plans with random slots, timings and increments; bounded: 40 plans × 60 calls. */
function randomPlan(seed: number) {
  const rnd = seeded(seed);
  const slots = (): SlotSpec[] => {
    const n = rnd.int(1, 3);
    let gis = 0;
    return Array.from({ length: n }, (_, i) => {
      gis += i === 0 ? 0 : rnd.pick([1, 6, 30, 60, 90]);
      return {
        groupIntervalStart: `${gis}s`,
        rate: `${rnd.int(0, 500)}.${rnd.digits(3)}`,
        rateUnit: rnd.pick(['1s', '60s', '7s']),
        rateIncrement: rnd.pick(['1s', '6s', '30s', '60s', '45s']),
        connectFee: i === 0 ? `0.${rnd.digits(2)}` : '0',
      };
    });
  };
  return {
    rnd,
    plan: buildPlan({
      id: `R${seed}`,
      currency: 'EUR',
      destinations: { X: ['1'] },
      entries: [
        {
          destination: 'X',
          slots: slots(),
          timing: { id: 'BASE' },
          roundingDecimals: rnd.int(0, 4),
          roundingMethod: rnd.pick(['*up', '*middle', '*down'] as const),
        },
        { destination: 'X', slots: slots(), timing: { id: 'LATE', time: `${rnd.int(0, 23)}:00:00` }, weight: rnd.pick([5, 10, 20]) },
      ],
    }),
  };
}

describe('rating properties', () => {
  test('cost never decreases as the call gets longer', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { rnd, plan } = randomPlan(seed);
      const start = new Date(Date.UTC(2026, 10, rnd.int(1, 28), rnd.int(0, 23), rnd.int(0, 59)));
      let previous = rateCall(plan, '1555', start, 0).cost;
      let seconds = 0;
      for (let i = 0; i < 60; i++) {
        seconds += rnd.int(0, 400);
        const c = rateCall(plan, '1555', start, seconds * NS_PER_SECOND).cost;
        expect([seed, seconds, c.greaterThanOrEqualTo(previous)]).toEqual([seed, seconds, true]);
        previous = c;
      }
    }
  });

  test('every part bills a whole number of its increments, and together they cover the call', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { rnd, plan } = randomPlan(seed);
      for (let i = 0; i < 60; i++) {
        const duration = rnd.int(1, 7200) * NS_PER_SECOND;
        const r = rateCall(plan, '1999', new Date(Date.UTC(2026, 10, 2, rnd.int(0, 23))), duration);
        for (const p of r.parts) expect(p.billed % p.slot.rateIncrement).toBe(0);
        expect(r.billed).toBeGreaterThanOrEqual(duration);
        expect(r.parts.reduce((n, p) => n + p.billed, 0)).toBe(r.billed);
      }
    }
  });
});
