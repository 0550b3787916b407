import { emptyPages, pruneActivity, touchActivity, type AccountPages, type ActivityRecord } from '../../../projections/fraud/velocity-book';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A Map that counts the walks over it: what pruning costs an event. */
class CountedMap<K, V> extends Map<K, V> {
  walks = 0;
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.walks++;
    return super[Symbol.iterator]();
  }
}

function pages(): AccountPages & { activity: CountedMap<string, ActivityRecord> } {
  return { ...emptyPages(), activity: new CountedMap() };
}

const openCall = (at: number): ActivityRecord => ({
  kind: 'call',
  at,
  destination: '44',
  country: 'GB',
  seconds: null,
  amount: '0',
  charged: null,
});

describe('velocity activity pruning', () => {
  test('rows no rule can see go, the rest stay; a call still up stays a day', () => {
    const p = pages();
    const t0 = 10 * DAY;
    touchActivity(p, 'open', openCall(t0));
    touchActivity(p, 'charged', { ...openCall(t0), seconds: 60, amount: '0.1', charged: t0 + 60_000 });
    touchActivity(p, 'failed-text', { ...openCall(t0), kind: 'sms-failed' });
    pruneActivity(p, t0 + 2 * HOUR);
    expect([...p.activity.keys()]).toEqual(['open']);
    expect([...p.activityGone].sort()).toEqual(['charged', 'failed-text']);
    pruneActivity(p, t0 + DAY + 1);
    expect(p.activity.size).toBe(0);
  });

  test('an event whose cutoff no row can reach walks none of the rows', () => {
    const p = pages();
    const t0 = 10 * DAY;
    for (let i = 0; i < 1000; i++) touchActivity(p, `call-${i}`, openCall(t0 + i * 1000));
    // an account with many calls up: each new call's cutoff is hours below every row's day
    for (let i = 0; i < 100; i++) pruneActivity(p, t0 + i * 1000 - 2 * HOUR);
    expect(p.activity.walks).toBeLessThanOrEqual(1);
    expect(p.activity.size).toBe(1000);
  });

  test('in steady traffic, where a row comes due with each call, only the rows due are visited', () => {
    const p = pages();
    const t0 = 10 * DAY;
    // calls charged a minute in, one a minute for a day: each new call's cutoff passes one more of them
    for (let i = 0; i < 1440; i++)
      touchActivity(p, `call-${i}`, { ...openCall(t0 + i * 60_000), seconds: 60, charged: t0 + i * 60_000 + 60_000 });
    const walksBefore = p.activity.walks;
    for (let i = 0; i < 100; i++) {
      pruneActivity(p, t0 + i * 60_000 + 60_001);
      expect(p.activity.has(`call-${i}`)).toBe(false);
      expect(p.activity.has(`call-${i + 1}`)).toBe(true);
    }
    expect(p.activity.walks - walksBefore).toBeLessThanOrEqual(1);
    expect(p.activity.size).toBe(1340);
  });

  test('a row changed to move earlier is still pruned when its time comes', () => {
    const p = pages();
    const t0 = 10 * DAY;
    touchActivity(p, 'a', openCall(t0));
    touchActivity(p, 'b', openCall(t0 + HOUR));
    pruneActivity(p, t0);
    // charged a minute after it started: it last moved then, not a day after
    touchActivity(p, 'a', { ...openCall(t0), seconds: 60, amount: '0.1', charged: t0 + 60_000 });
    pruneActivity(p, t0 + 3 * HOUR);
    expect([...p.activity.keys()]).toEqual(['b']);
  });
});
