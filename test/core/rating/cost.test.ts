import { rateCall, UnratedDestinationError } from '../../../core/rating/cost';
import { parseCallDuration } from '../../../core/rating/duration';
import { buildPlan, type EntrySpec, type SlotSpec } from '../../../core/rating/plan-builder';

/** Golden cases: every expected figure below is worked out by hand from the rules in docs/rating.md. */
const s = (seconds: number) => parseCallDuration(String(seconds));
const MONDAY_NOON = new Date('2026-11-23T12:00:00Z');

function onePlan(slots: SlotSpec[], extra: Partial<EntrySpec> = {}) {
  return buildPlan({ id: 'P', currency: 'EUR', destinations: { UK: ['44'] }, entries: [{ destination: 'UK', slots, ...extra }] });
}
const cost = (plan: ReturnType<typeof onePlan>, seconds: number, at = MONDAY_NOON, digits = '442079460958') =>
  rateCall(plan, digits, at, s(seconds));

describe('increments', () => {
  test('per minute (60/60): 61 s bills two minutes', () => {
    const r = cost(onePlan([{ rate: '0.1', rateUnit: '60s', rateIncrement: '60s' }]), 61);
    expect(r.cost.toFixed()).toBe('0.2');
    expect(r.billed).toBe(s(120));
  });

  test('per second is exact: 180 s at 0.1/min is 0.3 (CGRateS says 0.3001)', () => {
    expect(cost(onePlan([{ rate: '0.1', rateIncrement: '1s' }]), 180).cost.toFixed()).toBe('0.3');
  });

  test('120 s at 0.2/min per second plus a 0.3 connect fee is 0.7 (CGRateS says 0.7002)', () => {
    expect(cost(onePlan([{ rate: '0.2', rateIncrement: '1s', connectFee: '0.3' }]), 120).cost.toFixed()).toBe('0.7');
  });

  test('first minute whole, then per second', () => {
    const plan = onePlan([
      { groupIntervalStart: '0s', rate: '0.6', rateIncrement: '60s' },
      { groupIntervalStart: '60s', rate: '0.6', rateIncrement: '1s' },
    ]);
    expect(cost(plan, 30).cost.toFixed()).toBe('0.6');
    expect(cost(plan, 75).cost.toFixed()).toBe('0.75');
    expect(cost(plan, 75).parts.map((p) => [p.billed / 1e9, p.slot.groupIntervalStart / 1e9])).toEqual([
      [60, 0],
      [15, 60],
    ]);
  });

  test('30/6 billing: 31 s bills 36 s', () => {
    const plan = onePlan([
      { groupIntervalStart: '0s', rate: '0.12', rateIncrement: '30s' },
      { groupIntervalStart: '30s', rate: '0.12', rateIncrement: '6s' },
    ]);
    const r = cost(plan, 31);
    expect(r.billed).toBe(s(36));
    expect(r.cost.toFixed()).toBe('0.072');
  });

  test('an increment that overshoots the next slot is charged at its own slot, and the next part starts later', () => {
    const plan = onePlan([
      { groupIntervalStart: '0s', rate: '0.6', rateIncrement: '45s' },
      { groupIntervalStart: '30s', rate: '0.3', rateIncrement: '1s' },
    ]);
    const r = cost(plan, 50);
    // 0–30 s is one 45 s increment at 0.6/min = 0.45; billing resumes at 45 s: 5 s at 0.3/min = 0.025
    expect(r.parts.map((p) => [p.offset / 1e9, p.billed / 1e9, p.cost.toFixed()])).toEqual([
      [0, 45, '0.45'],
      [45, 5, '0.025'],
    ]);
    expect(r.cost.toFixed()).toBe('0.475');
  });

  test('a zero-length call costs nothing, connect fee included', () => {
    const r = cost(onePlan([{ rate: '1', connectFee: '0.5' }]), 0);
    expect(r.cost.toFixed()).toBe('0');
    expect(r.parts).toEqual([]);
  });
});

describe('timings', () => {
  const offPeak = { id: 'OFFPEAK', time: '00:00:00' };
  const peak = { id: 'PEAK', weekDays: [1, 2, 3, 4, 5], time: '08:00:00' };
  const plan = buildPlan({
    id: 'T',
    currency: 'EUR',
    destinations: { UK: ['44'] },
    entries: [
      { destination: 'UK', slots: [{ rate: '0.06', connectFee: '0.05' }], timing: offPeak, roundingDecimals: 4 },
      { destination: 'UK', slots: [{ rate: '0.12', connectFee: '0.05' }], timing: peak, roundingDecimals: 4 },
    ],
  });

  test('a call across the peak start is split there; the connect fee is charged once', () => {
    const r = rateCall(plan, '4420', new Date('2026-11-23T07:59:00Z'), s(120));
    expect(r.parts.map((p) => [p.timingId, p.duration / 1e9, p.cost.toFixed()])).toEqual([
      ['OFFPEAK', 60, '0.06'],
      ['PEAK', 60, '0.12'],
    ]);
    expect(r.connectFee.toFixed()).toBe('0.05');
    expect(r.cost.toFixed()).toBe('0.23');
  });

  test('at equal weight the timing that started last wins; on Sunday peak does not apply', () => {
    expect(rateCall(plan, '44', new Date('2026-11-23T09:00:00Z'), s(60)).parts[0]!.timingId).toBe('PEAK');
    expect(rateCall(plan, '44', new Date('2026-11-29T09:00:00Z'), s(60)).parts[0]!.timingId).toBe('OFFPEAK');
  });

  test('a call across midnight is split there (Friday → Saturday)', () => {
    const r = rateCall(plan, '44', new Date('2026-11-27T23:59:30Z'), s(60));
    expect(r.parts.map((p) => [p.timingId, p.startsAt.toISOString(), p.duration / 1e9])).toEqual([
      ['PEAK', '2026-11-27T23:59:30.000Z', 30],
      ['OFFPEAK', '2026-11-28T00:00:00.000Z', 30],
    ]);
    expect(r.cost.toFixed()).toBe('0.14'); // 0.05 + 30 s × 0.12/min + 30 s × 0.06/min
  });

  test('a call under one all-day rate is not cut at midnight (a cut would round up twice)', () => {
    const perMinute = onePlan([{ rate: '0.6', rateIncrement: '60s' }]);
    const r = rateCall(perMinute, '44', new Date('2026-11-27T23:59:30Z'), s(60));
    expect(r.parts).toHaveLength(1);
    expect(r.billed).toBe(s(60));
    expect(r.cost.toFixed()).toBe('0.6');
  });

  test('a timing start where the same entry stays in force is no boundary either', () => {
    const r = rateCall(plan, '44', new Date('2026-11-28T07:59:00Z'), s(120)); // Saturday: PEAK never applies
    expect(r.parts.map((p) => p.timingId)).toEqual(['OFFPEAK']);
  });

  test('the higher weight wins over a later start', () => {
    const weighted = buildPlan({
      id: 'W',
      currency: 'EUR',
      destinations: { UK: ['44'] },
      entries: [
        { destination: 'UK', slots: [{ rate: '1' }], timing: { id: 'ALLDAY' }, weight: 20 },
        { destination: 'UK', slots: [{ rate: '2' }], timing: { id: 'EVENING', time: '18:00:00' }, weight: 10 },
      ],
    });
    expect(rateCall(weighted, '44', new Date('2026-11-23T19:00:00Z'), s(60)).parts[0]!.timingId).toBe('ALLDAY');
  });

  test('timings are read in the plan time zone', () => {
    const london = buildPlan({
      id: 'L',
      currency: 'GBP',
      timeZone: 'Europe/London',
      destinations: { UK: ['44'] },
      entries: [
        { destination: 'UK', slots: [{ rate: '1' }], timing: { id: 'NIGHT' } },
        { destination: 'UK', slots: [{ rate: '2' }], timing: { id: 'DAY', time: '08:00:00' } },
      ],
    });
    // 07:30 UTC in July is 08:30 in London (BST); in January it is 07:30
    expect(rateCall(london, '44', new Date('2026-07-01T07:30:00Z'), s(60)).parts[0]!.timingId).toBe('DAY');
    expect(rateCall(london, '44', new Date('2026-01-05T07:30:00Z'), s(60)).parts[0]!.timingId).toBe('NIGHT');
    // and the split happens at 08:00 local = 07:00 UTC in summer
    const split = rateCall(london, '44', new Date('2026-07-01T06:59:00Z'), s(120));
    expect(split.parts.map((p) => p.startsAt.toISOString())).toEqual(['2026-07-01T06:59:00.000Z', '2026-07-01T07:00:00.000Z']);
  });
});

describe('rounding', () => {
  test.each([
    ['*up', 2, '0.071', '0.08'],
    ['*middle', 2, '0.075', '0.08'],
    ['*middle', 2, '0.0749', '0.07'],
    ['*down', 2, '0.079', '0.07'],
    ['*up', 0, '0.0725', '0.0725'],
  ] as const)('%s to %i decimals: %s → %s', (method, decimals, exact, expected) => {
    // one second at `exact` per second, billed per second
    const r = cost(
      onePlan([{ rate: exact, rateUnit: '1s', rateIncrement: '1s' }], { roundingMethod: method, roundingDecimals: decimals }),
      1,
    );
    expect(r.exact.toFixed()).toBe(exact);
    expect(r.cost.toFixed()).toBe(expected);
    expect(r.rounding.applied).toBe(decimals > 0);
  });

  test('the total is rounded once, by the part with the most decimals', () => {
    const plan = buildPlan({
      id: 'R',
      currency: 'EUR',
      destinations: { UK: ['44'] },
      entries: [
        {
          destination: 'UK',
          slots: [{ rate: '0.01111', rateUnit: '1s' }],
          timing: { id: 'A' },
          roundingMethod: '*up',
          roundingDecimals: 2,
        },
        {
          destination: 'UK',
          slots: [{ rate: '0.01111', rateUnit: '1s' }],
          timing: { id: 'B', time: '12:00:01' },
          roundingMethod: '*down',
          roundingDecimals: 3,
        },
      ],
    });
    const r = rateCall(plan, '44', MONDAY_NOON, s(2));
    expect(r.parts).toHaveLength(2);
    expect(r.exact.toFixed()).toBe('0.02222');
    expect(r.rounding).toEqual({ method: '*down', decimals: 3, applied: true });
    expect(r.cost.toFixed()).toBe('0.022');
  });
});

describe('MaxCost', () => {
  const slots = [{ rate: '1', rateIncrement: '1s' }];
  test('*free caps the cost', () => {
    const r = cost(onePlan(slots, { maxCost: '0.5', maxCostStrategy: '*free' }), 120);
    expect(r.exact.toFixed()).toBe('2');
    expect(r.cost.toFixed()).toBe('0.5');
    expect(r.maxCost).toMatchObject({ capped: true, reached: true });
  });
  test('*disconnect does not cap the cost, it only says the maximum was reached', () => {
    const r = cost(onePlan(slots, { maxCost: '0.5', maxCostStrategy: '*disconnect' }), 120);
    expect(r.cost.toFixed()).toBe('2');
    expect(r.maxCost).toMatchObject({ capped: false, reached: true });
  });
  test('below the maximum nothing changes', () => {
    expect(cost(onePlan(slots, { maxCost: '5', maxCostStrategy: '*free' }), 120).maxCost).toMatchObject({ capped: false, reached: false });
  });
});

describe('destinations', () => {
  const plan = buildPlan({
    id: 'D',
    currency: 'EUR',
    destinations: { UK: ['44'], UK_MOBILE: ['447'], UK_MOBILE_VODA: ['4479'] },
    entries: [
      { destination: 'UK', slots: [{ rate: '0.1' }] },
      { destination: 'UK_MOBILE', slots: [{ rate: '0.2' }] },
      { destination: 'UK_MOBILE_VODA', slots: [{ rate: '0.3' }] },
    ],
  });

  test.each([
    ['447912345678', 'UK_MOBILE_VODA', '4479'],
    ['447112345678', 'UK_MOBILE', '447'],
    ['441234567890', 'UK', '44'],
  ])('%s matches its longest prefix', (digits, destination, prefix) => {
    const r = rateCall(plan, digits, MONDAY_NOON, s(60));
    expect([r.destinationId, r.matchedPrefix]).toEqual([destination, prefix]);
  });

  test('no match and no *any is an unrated destination', () => {
    expect(() => rateCall(plan, '33123456789', MONDAY_NOON, s(60))).toThrow(UnratedDestinationError);
  });

  test('*any catches what no prefix matches, and only that', () => {
    const withAny = buildPlan({
      id: 'A',
      currency: 'EUR',
      destinations: { UK: ['44'] },
      entries: [
        { destination: 'UK', slots: [{ rate: '0.1' }] },
        { destination: '*any', slots: [{ rate: '0.9' }] },
      ],
    });
    expect(rateCall(withAny, '33123456789', MONDAY_NOON, s(60))).toMatchObject({ destinationId: '*any', matchedPrefix: '' });
    expect(rateCall(withAny, '33123456789', MONDAY_NOON, s(60)).cost.toFixed()).toBe('0.9');
    expect(rateCall(withAny, '4412', MONDAY_NOON, s(60)).destinationId).toBe('UK');
  });
});
