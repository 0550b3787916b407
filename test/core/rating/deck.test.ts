import { compileDeck, matchDeck, priceOnDeck, type Carrier } from '../../../core/rating/deck';
import { NS_PER_SECOND } from '../../../core/rating/duration';
import { leastCostRoutes } from '../../../core/rating/lcr';
import { buildLcrIndex } from '../../../core/rating/lcr-index';
import { Decimal } from '../../../core/money';
import { seeded } from '../../support/random';
import { deckRow } from '../../support/deck-rows';

const carrier = (carrierId: string, preference = 10, currency = 'EUR'): Carrier => ({
  carrierId,
  name: carrierId,
  currency,
  preference,
  trunks: [],
  service: 'voice',
});
const row = deckRow;
const NOW = new Date('2026-11-25T12:00:00Z');
const sec = (n: number) => n * NS_PER_SECOND;

describe('carrier decks', () => {
  test('property: billed seconds are i + ⌈max(0, d − i) / s⌉ × s and the cost is billed × rate / 60', () => {
    const rnd = seeded(7);
    for (let k = 0; k < 500; k++) {
      const i = rnd.pick([1, 6, 30, 60]);
      const s = rnd.pick([1, 6, 30, 60]);
      const rate = `0.${rnd.digits(4)}`;
      const deck = compileDeck(carrier('c'), 1, [row('1', rate, { initial: i, subsequent: s })]);
      const d = rnd.int(1, 3600);
      const priced = priceOnDeck(deck, '1555', NOW, sec(d))!;
      const billed = i + Math.ceil(Math.max(0, d - i) / s) * s;
      expect(priced.billedSeconds).toBe(billed);
      expect(priced.cost.toFixed()).toBe(new Decimal(rate).times(billed).dividedBy(60).toFixed());
    }
  });

  test('connect fee once and the minimum duration', () => {
    const deck = compileDeck(carrier('c'), 1, [row('44', '0.6', { connectFee: '0.02', minimum: 30, initial: 6, subsequent: 6 })]);
    const short = priceOnDeck(deck, '4420', NOW, sec(4))!;
    expect(short.billedSeconds).toBe(30);
    expect(short.cost.toFixed()).toBe('0.32'); // 0.02 + 30 s × 0.01
    expect(priceOnDeck(deck, '4420', NOW, sec(61))!.cost.toFixed()).toBe('0.68'); // 0.02 + 66 s × 0.01
  });

  test('rows are chosen by their effective dates; an expired longest prefix is not routed through a shorter one', () => {
    const deck = compileDeck(carrier('c'), 1, [
      row('44', '0.1'),
      row('447', '0.2', { effectiveTo: '2026-11-01T00:00:00.000Z' }),
      row('4479', '0.3', { effectiveFrom: '2026-01-01T00:00:00.000Z' }),
      row('4479', '0.35', { effectiveFrom: '2026-12-01T00:00:00.000Z' }),
    ]);
    expect(matchDeck(deck, '447912345678', NOW)?.row.rate).toBe('0.3');
    expect(matchDeck(deck, '447912345678', new Date('2026-12-02T00:00:00Z'))?.row.rate).toBe('0.35');
    expect(matchDeck(deck, '447112345678', NOW)).toBeNull();
    expect(matchDeck(deck, '447112345678', new Date('2026-10-01T00:00:00Z'))?.row.rate).toBe('0.2');
    expect(matchDeck(deck, '441', NOW)?.prefix).toBe('44');
  });

  test('rows in prefix order and the same rows shuffled compile to the same deck', () => {
    const rnd = seeded(11);
    const rows = Array.from({ length: 400 }, (_, i) =>
      row(String(rnd.int(1, 60)) + rnd.digits(rnd.int(0, 2)), `0.${rnd.digits(3)}`, {
        effectiveFrom: `2026-0${1 + (i % 9)}-01T00:00:00.000Z`,
      }),
    );
    const unique = [...new Map(rows.map((r) => [r.prefix + r.effectiveFrom, r])).values()];
    const sorted = [...unique].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
    const shuffled = [...unique].sort(() => rnd.next() - 0.5);
    const a = compileDeck(carrier('c'), 1, sorted);
    const b = compileDeck(carrier('c'), 1, shuffled);
    expect(a.rows.some((group) => group.length > 1)).toBe(true); // prefixes with several dated rows
    expect(new Map(b.prefixes.map((p, i) => [p, b.rows[i]]))).toEqual(new Map(a.prefixes.map((p, i) => [p, a.rows[i]])));
    for (let k = 0; k < 300; k++) {
      const number = String(rnd.int(1, 60)) + rnd.digits(8);
      const at = new Date(Date.UTC(2026, rnd.int(0, 11), 15));
      const duration = sec(rnd.int(1, 600));
      expect(priceOnDeck(b, number, at, duration)?.cost.toFixed()).toBe(priceOnDeck(a, number, at, duration)?.cost.toFixed());
    }
  });
});

describe('least-cost routing', () => {
  const a = compileDeck(carrier('alpha', 20), 1, [row('44', '0.010'), row('4479', '0.050')]);
  const b = compileDeck(carrier('beta', 10), 1, [row('447', '0.020')]);
  const c = compileDeck(carrier('gamma', 5), 1, [row('44', '0.020')]);
  const d = compileDeck(carrier('delta', 1, 'USD'), 1, [row('44', '0.001')]);

  test('each carrier is priced on its own longest match, cheapest first, ties by preference', () => {
    const r = leastCostRoutes([a, b, c], '447912345678', NOW, sec(60));
    // alpha's longest match is 4479 (0.05), not its cheaper 44; beta and gamma tie at 0.02: gamma is preferred
    expect(r.routes.map((x) => [x.carrier.carrierId, x.prefix, x.cost.toFixed()])).toEqual([
      ['gamma', '44', '0.02'],
      ['beta', '447', '0.02'],
      ['alpha', '4479', '0.05'],
    ]);
  });

  test('routes dearer than the retail price are dropped unless allowed; other currencies and no-routes are reported', () => {
    const retail = { cost: new Decimal('0.03'), currency: 'EUR' };
    const r = leastCostRoutes([a, b, c, d], '447912345678', NOW, sec(60), { retail });
    expect(r.routes.map((x) => [x.carrier.carrierId, x.margin?.toFixed()])).toEqual([
      ['gamma', '0.01'],
      ['beta', '0.01'],
    ]);
    expect(r.dropped.map((x) => [x.carrierId, x.reason])).toEqual([
      ['alpha', 'negative-margin'],
      ['delta', 'currency-differs'],
    ]);
    expect(leastCostRoutes([a], '447912345678', NOW, sec(60), { retail, allowNegativeMargin: true }).routes).toHaveLength(1);
    expect(leastCostRoutes([b], '331234', NOW, sec(60)).dropped).toEqual([{ carrierId: 'beta', reason: 'no-route' }]);
  });
});

describe('LCR index', () => {
  test('property: one walk finds each carrier the same longest match as its own trie', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const rnd = seeded(seed);
      const decks = Array.from({ length: rnd.int(1, 6) }, (_, j) =>
        compileDeck(
          carrier(`c${j}`),
          1,
          Array.from({ length: rnd.int(1, 400) }, () => row(rnd.digits(rnd.int(1, 5)), '0.01')).filter(
            (r, i, all) => all.findIndex((x) => x.prefix === r.prefix) === i,
          ),
        ),
      );
      const index = buildLcrIndex(decks);
      const out = new Int32Array(decks.length);
      for (let q = 0; q < 200; q++) {
        const number = rnd.digits(rnd.int(1, 12));
        index.match(number, out);
        expect([...out]).toEqual(decks.map((d) => d.trie.longest(number)));
      }
    }
  });
});
