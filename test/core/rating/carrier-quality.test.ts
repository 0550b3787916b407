import fc from 'fast-check';
import {
  acdSeconds,
  asrPercent,
  demoteRoutes,
  minuteOf,
  nextDemoted,
  windowStart,
  type QualityThresholds,
  type WindowCounts,
} from '../../../core/rating/carrier-quality';
import type { Route } from '../../../core/rating/lcr';

const t: QualityThresholds = {
  asrBelowPercent: '40',
  asrMarginPercent: '10',
  acdBelowSeconds: null,
  acdMarginSeconds: '10',
  minAttempts: 20,
};
const w = (attempts: number, answered: number, seconds = answered * 60): WindowCounts => ({ attempts, answered, seconds });

describe('carrier quality over a window', () => {
  test('ASR and ACD as decimal strings, null when there is nothing to divide', () => {
    expect(asrPercent(w(3, 1))).toBe('33.33');
    expect(asrPercent(w(0, 0))).toBeNull();
    expect(acdSeconds(w(3, 2, 91))).toBe('45.5');
    expect(acdSeconds(w(3, 0))).toBeNull();
  });

  test.each([
    ['below the threshold with enough calls: demoted', false, w(20, 7), true],
    ['exactly at the threshold: not demoted', false, w(20, 8), false],
    ['below it with too few calls: not judged', false, w(19, 0), false],
    ['demoted, back at the threshold: stays demoted (hysteresis)', true, w(20, 8), true],
    ['demoted, just under threshold + margin: stays demoted', true, w(20, 9), true],
    ['demoted, at threshold + margin: restored', true, w(20, 10), false],
    ['demoted, the window holds too few calls: restored, probed again', true, w(19, 0), false],
  ])('%s', (_name, was, counts, expected) => {
    expect(nextDemoted(was, counts, t)).toBe(expected);
  });

  test('ASR is compared exactly, not in floating point', () => {
    // 1/3 = 33.333…%: below 33.34, not below 33.33
    const third = { ...t, minAttempts: 3 };
    expect(nextDemoted(false, w(3, 1), { ...third, asrBelowPercent: '33.34' })).toBe(true);
    expect(nextDemoted(false, w(3, 1), { ...third, asrBelowPercent: '33.33' })).toBe(false);
  });

  test('ACD: demoted below acdBelowSeconds, restored at acdBelowSeconds + margin', () => {
    const acd = { ...t, asrBelowPercent: '0', acdBelowSeconds: '30' };
    expect(nextDemoted(false, w(20, 20, 20 * 29), acd)).toBe(true);
    expect(nextDemoted(false, w(20, 20, 20 * 30), acd)).toBe(false);
    expect(nextDemoted(true, w(20, 20, 20 * 39), acd)).toBe(true);
    expect(nextDemoted(true, w(20, 20, 20 * 40), acd)).toBe(false);
  });

  test('hysteresis: a carrier never flips on the same counts twice in a row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), (a, b) => {
        const counts = w(Math.max(a, b), Math.min(a, b));
        const once = nextDemoted(false, counts, t);
        expect(nextDemoted(once, counts, t)).toBe(once);
      }),
    );
  });

  test('the window is whole minutes of event time, the current one included', () => {
    expect(minuteOf(new Date('2026-12-04T10:05:59.999Z'))).toBe('2026-12-04T10:05:00.000Z');
    expect(windowStart(new Date('2026-12-04T10:05:30Z'), 10)).toBe('2026-12-04T09:56:00.000Z');
    expect(windowStart(new Date('2026-12-04T10:05:30Z'), 1)).toBe('2026-12-04T10:05:00.000Z');
  });
});

describe('demoting routes', () => {
  const route = (carrierId: string) => ({ carrier: { carrierId }, prefix: '44' }) as unknown as Route;
  const ids = (routes: readonly Route[]) => routes.map((r) => r.carrier.carrierId);

  test('demoted routes go after the others, each group in its cost order; nothing added or removed', () => {
    const routes = ['a', 'b', 'c', 'd'].map(route);
    const r = demoteRoutes(routes, (x) => ['a', 'c'].includes(x.carrier.carrierId));
    expect(ids(r.routes)).toEqual(['b', 'd', 'a', 'c']);
    expect(r.demoted).toEqual(['a', 'c']);
  });

  test('nothing demoted: the very same array', () => {
    const routes = ['a', 'b'].map(route);
    expect(demoteRoutes(routes, () => false).routes).toBe(routes);
  });

  test('any demotion is a stable partition of the same routes', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 12 }), (flags) => {
        const routes = flags.map((_, i) => route(`c${i}`));
        const down = new Set(routes.filter((_, i) => flags[i]));
        const r = demoteRoutes(routes, (x) => down.has(x));
        expect(ids(r.routes).sort()).toEqual(ids(routes).sort());
        expect(r.routes).toEqual([...routes.filter((x) => !down.has(x)), ...routes.filter((x) => down.has(x))]);
      }),
    );
  });
});
