import { Decimal } from '../../../core/money';
import {
  manyCountries,
  shortCallsToOnePrefix,
  smsPumping,
  spendSpike,
  type Activity,
  type ActivityView,
} from '../../../core/fraud/velocity';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const MIN = 60_000;
const call = (minutesAgo: number, destination: string, country: string, seconds: number | null, amount = '0'): Activity => ({
  kind: 'call',
  at: NOW - minutesAgo * MIN,
  destination,
  country,
  seconds,
  amount,
  // charged when it ended
  chargedAt: seconds === null ? null : NOW - minutesAgo * MIN + seconds * 1000,
});
const text = (minutesAgo: number, destination: string): Activity => ({
  kind: 'sms',
  at: NOW - minutesAgo * MIN,
  destination,
  country: 'GB',
  seconds: null,
  amount: '0.05',
  chargedAt: NOW - minutesAgo * MIN,
});
const view = (recent: Activity[], history: ActivityView['history'] = null): ActivityView => ({
  number: '+442079460958',
  country: 'GB',
  currency: 'EUR',
  now: NOW,
  recent,
  history,
});

describe('spend spike', () => {
  const rule = spendSpike({ multiplier: 10, minimum: { EUR: '5' }, defaultMinimum: '10' });
  test('an hour over 10× the hourly average and over the minimum fires, with the figures', () => {
    // 30 days at 0.10 an hour, then 6.00 in the last hour
    const history = { spend: new Decimal('72'), hours: 720 };
    const hit = rule.evaluate(view([call(50, '447700900001', 'GB', 600, '3'), call(20, '447700900002', 'GB', 600, '3')], history));
    expect(hit?.evidence).toEqual({ lastHour: '6', hourlyAverage: '0.1', historyHours: 720, currency: 'EUR' });
  });
  test('below the minimum, at 10× exactly, spend older than an hour, or with no charge read: nothing', () => {
    const history = { spend: new Decimal('72'), hours: 720 };
    expect(rule.evaluate(view([call(5, '447700900001', 'GB', 600, '4.99')], { spend: new Decimal(0), hours: 0 }))).toBeNull();
    expect(rule.evaluate(view([call(5, '447700900001', 'GB', 600, '6')], { spend: new Decimal('432'), hours: 720 }))).toBeNull();
    expect(rule.evaluate(view([call(75, '447700900001', 'GB', 600, '9')], history))).toBeNull();
    expect(rule.evaluate(view([call(5, '447700900001', 'GB', 600, '9')], null))).toBeNull();
  });
  test('a call counts when it is charged: two hours long, ended five minutes ago, it is this hour’s spend', () => {
    const history = { spend: new Decimal('72'), hours: 720 };
    expect(rule.evaluate(view([call(125, '41441234567', 'CH', 7200, '180')], history))?.evidence).toMatchObject({ lastHour: '180' });
  });
  test('a new account has no average: its first hour over the minimum fires', () => {
    expect(rule.evaluate(view([call(5, '447700900001', 'GB', 600, '5')], { spend: new Decimal(0), hours: 0 }))).not.toBeNull();
  });
});

describe('many countries', () => {
  const rule = manyCountries({ countries: 6, minutes: 15 });
  const foreign = ['FR', 'DE', 'ES', 'IT', 'NL', 'BE'];
  test('calls to six foreign countries within 15 minutes fire', () => {
    const hit = rule.evaluate(view(foreign.map((c, i) => call(i, `${i}00000000`, c, null))));
    expect(hit?.evidence).toEqual({ countries: [...foreign].sort(), minutes: 15 });
  });
  test('five, the caller’s own country, or spread over more than 15 minutes: nothing', () => {
    expect(rule.evaluate(view(foreign.slice(0, 5).map((c, i) => call(i, `${i}0000`, c, null))))).toBeNull();
    expect(rule.evaluate(view([...foreign.slice(0, 5), 'GB'].map((c, i) => call(i, `${i}0000`, c, null))))).toBeNull();
    expect(rule.evaluate(view(foreign.map((c, i) => call(i * 4, `${i}0000`, c, null))))).toBeNull();
  });
});

describe('short calls to one prefix (IRSF)', () => {
  const rule = shortCallsToOnePrefix({ calls: 10, numbers: 5, maxSeconds: 10, prefixDigits: 6, minutes: 30 });
  test('ten calls under 10 s to five numbers of one range fire', () => {
    const calls = Array.from({ length: 10 }, (_, i) => call(i, `2399912345${i % 5}`, 'ST', i % 2 ? 0 : 4));
    expect(rule.evaluate(view(calls))?.evidence).toMatchObject({ prefix: '239991', calls: 10, numbers: 5 });
  });
  test('redialling one friend, long calls, calls still up, or other ranges: nothing', () => {
    expect(rule.evaluate(view(Array.from({ length: 12 }, (_, i) => call(i, '447700900001', 'GB', 0))))).toBeNull();
    expect(rule.evaluate(view(Array.from({ length: 12 }, (_, i) => call(i, `44770090000${i % 6}`, 'GB', 120))))).toBeNull();
    expect(rule.evaluate(view(Array.from({ length: 12 }, (_, i) => call(i, `44770090000${i % 6}`, 'GB', null))))).toBeNull();
    expect(rule.evaluate(view(Array.from({ length: 12 }, (_, i) => call(i, `4${i}7700900000`, 'GB', 0))))).toBeNull();
  });
});

describe('SMS pumping', () => {
  const rule = smsPumping({ texts: 10, rangeDigits: 3, minutes: 15 });
  test('texts to ten numbers of one thousand-number range within 15 minutes fire', () => {
    const texts = Array.from({ length: 10 }, (_, i) => text(i, `44770090${String(i * 7).padStart(4, '0')}`.slice(0, 12)));
    expect(rule.evaluate(view(texts))?.evidence).toMatchObject({ range: '447700900', numbers: 10 });
  });
  test('thirty texts to one friend, or to numbers all over the plan: nothing', () => {
    expect(rule.evaluate(view(Array.from({ length: 30 }, (_, i) => text(i % 15, '447700900123'))))).toBeNull();
    expect(rule.evaluate(view(Array.from({ length: 30 }, (_, i) => text(i % 15, `4477009${String(i).padStart(2, '0')}123`))))).toBeNull();
  });
});
