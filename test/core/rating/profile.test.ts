import { UnratedDestinationError } from '../../../core/rating/cost';
import { NS_PER_SECOND } from '../../../core/rating/duration';
import { buildPlan } from '../../../core/rating/plan-builder';
import { rateOnProfile, type RatingProfile } from '../../../core/rating/profile';

const plan = (id: string, rate: string, destinations: Record<string, string[]> = { UK: ['44'] }, increment = '1s') =>
  buildPlan({
    id,
    currency: 'EUR',
    destinations,
    entries: Object.keys(destinations).map((d) => ({ destination: d, slots: [{ rate, rateIncrement: increment }] })),
  });
const plans = new Map([
  ['OLD', plan('OLD', '0.1')],
  ['NEW', plan('NEW', '0.2')],
  ['FR_ONLY', plan('FR_ONLY', '0.5', { FR: ['33'] })],
  ['MINUTES', plan('MINUTES', '0.6', { UK: ['44'] }, '60s')],
]);
const at = (iso: string) => Date.parse(iso);
const profiles = new Map<string, RatingProfile>([
  [
    'acme:call:bob',
    {
      id: 'acme:call:bob',
      activations: [
        { at: at('2026-01-01T00:00:00Z'), planId: 'OLD', fallbackSubject: '' },
        { at: at('2026-12-01T00:00:00Z'), planId: 'NEW', fallbackSubject: '' },
      ],
    },
  ],
  [
    'acme:call:carol',
    { id: 'acme:call:carol', activations: [{ at: at('2026-01-01T00:00:00Z'), planId: 'FR_ONLY', fallbackSubject: 'bob' }] },
  ],
  ['acme:call:dave', { id: 'acme:call:dave', activations: [{ at: at('2026-11-30T23:59:00Z'), planId: 'MINUTES', fallbackSubject: '' }] }],
]);
const s = (n: number) => n * NS_PER_SECOND;

describe('rating profiles (plan activations)', () => {
  test('a call across an activation is split there, each side on its own plan', () => {
    // 30 s at 0.1/min (OLD) + 30 s at 0.2/min (NEW) = 0.05 + 0.1
    const r = rateOnProfile(profiles, plans, 'acme:call:bob', '442079460958', new Date('2026-11-30T23:59:30Z'), s(60));
    expect(r.parts.map((p) => [p.destinationRate.id.split(':')[0], p.duration / NS_PER_SECOND])).toEqual([
      ['OLD', 30],
      ['NEW', 30],
    ]);
    expect(r.cost.toFixed()).toBe('0.15');
  });

  test('before the first activation there is no plan; after the last, the last one rates', () => {
    expect(() => rateOnProfile(profiles, plans, 'acme:call:bob', '44', new Date('2025-06-01T00:00:00Z'), s(60))).toThrow(
      /no plan active at 2025-06-01/,
    );
    expect(rateOnProfile(profiles, plans, 'acme:call:bob', '44', new Date('2027-01-01T00:00:00Z'), s(60)).cost.toFixed()).toBe('0.2');
  });

  test('a number the plan does not rate goes to the fallback subject', () => {
    expect(rateOnProfile(profiles, plans, 'acme:call:carol', '33123', new Date('2026-06-01T00:00:00Z'), s(60)).cost.toFixed()).toBe('0.5');
    const viaBob = rateOnProfile(profiles, plans, 'acme:call:carol', '44123', new Date('2026-06-01T00:00:00Z'), s(60));
    expect([viaBob.planId, viaBob.cost.toFixed()]).toEqual(['OLD', '0.1']);
    expect(() => rateOnProfile(profiles, plans, 'acme:call:carol', '49123', new Date('2026-06-01T00:00:00Z'), s(60))).toThrow(
      UnratedDestinationError,
    );
    expect(() => rateOnProfile(profiles, plans, 'acme:call:nobody', '44', new Date(), s(60))).toThrow(/no rating profile/);
  });

  test('slots keep counting from the call start across the activation, and increments still round up', () => {
    // dave's MINUTES plan starts at 23:59:00; a call from 23:58:30 has no plan for its first 30 s
    expect(() => rateOnProfile(profiles, plans, 'acme:call:dave', '44', new Date('2026-11-30T23:58:30Z'), s(60))).toThrow(/no plan active/);
    const r = rateOnProfile(profiles, plans, 'acme:call:dave', '44', new Date('2026-11-30T23:59:00Z'), s(61));
    expect([r.billed / NS_PER_SECOND, r.cost.toFixed()]).toEqual([120, '1.2']);
  });
});
