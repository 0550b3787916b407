import { CHARGE_DECIMALS, chargeFor } from '../../../core/pricing/charge';
import { compileDeck, matchDeck } from '../../../core/rating/deck';
import { markupPolicy, markupOptions } from '../../../plugins/pricing/markup';
import { buildRetailSheet } from '../../../application/rating/retail-sheet';
import { deckRow } from '../../support/deck-rows';

const row = deckRow;
const carrier = (carrierId: string, currency = 'EUR') => ({
  carrierId,
  name: carrierId,
  currency,
  preference: 1,
  trunks: [],
  service: 'voice' as const,
});

describe('retail sheet', () => {
  const policy = markupPolicy(
    markupOptions.parse({
      markupPercent: '10',
      minMarginPerMinute: '0.002',
      sellDecimals: 3,
      freePrefixes: ['800'],
      overrides: { '4479': '0.2' },
    }),
  );
  const a = compileDeck(carrier('a'), 1, [
    row('44', '0.01'),
    row('447', '0.1', { effectiveTo: '2026-12-01T00:00:00.000Z' }),
    row('800', '0.05'),
  ]);
  const b = compileDeck(carrier('b'), 1, [
    row('44', '0.02'),
    row('447', '0.05', { effectiveFrom: '2026-12-15T00:00:00.000Z' }),
    row('4479', '0.03'),
  ]);
  const usd = compileDeck(carrier('u', 'USD'), 1, [row('1', '0.001')]);
  const sheet = buildRetailSheet([a, b, usd], policy, 'EUR', new Date('2026-11-25T00:00:00Z'));
  const rate = (p: string) => sheet.rows.find((r) => r.prefix === p)?.ratePerMinute;

  test('each prefix follows the cheapest carrier through the policy, rounded up to the sell precision', () => {
    expect(rate('44')).toBe('0.012'); // 0.01 × 1.1 = 0.011 < 0.01 + 0.002
    expect(rate('447')).toBe('0.11'); // only a's row is in force now: 0.1 × 1.1
    expect(rate('4479')).toBe('0.2'); // override
    expect(sheet.rows.find((r) => r.prefix === '800')).toMatchObject({ ratePerMinute: '0', free: true });
    expect(rate('1')).toBeUndefined(); // another currency is left out
  });

  test('it says when an effective date will change it, and the same content has the same ETag', () => {
    expect(new Date(sheet.validUntilMs).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(buildRetailSheet([a, b, usd], policy, 'EUR', new Date('2026-11-26T00:00:00Z')).etag).toBe(sheet.etag);
    const later = buildRetailSheet([a, b], policy, 'EUR', new Date('2026-12-20T00:00:00Z'));
    expect(later.rows.find((r) => r.prefix === '447')?.ratePerMinute).toBe('0.055');
    expect(later.etag).not.toBe(sheet.etag);
  });
});

describe('a retail sheet priced from the full carrier cost', () => {
  // a carrier at 0.020/min plus a 0.002 connect fee, billed 60/60, sold at 25 % markup
  const carrierRow = deckRow('44', '0.020', { connectFee: '0.002', initial: 60, subsequent: 60 });
  const at = new Date('2026-11-25T00:00:00Z');
  const sheet = buildRetailSheet(
    [compileDeck(carrier('a'), 1, [carrierRow])],
    markupPolicy(markupOptions.parse({ markupPercent: '25' })),
    'EUR',
    at,
  );

  test('carries the connect fee (marked up), the minimum and the increments onto the retail row', () => {
    expect(sheet.rows).toEqual([
      {
        prefix: '44',
        destination: 'dest 44',
        ratePerMinute: '0.025',
        connectFee: '0.0025',
        initial: 60,
        subsequent: 60,
        minimum: 0,
        free: false,
      },
    ]);
  });

  test('sells every call from 1 s to 2 h at no less than cost + 25 %', () => {
    const retail = matchDeck(sheet.deck, '4420', at)!.row;
    const short: string[] = [];
    for (let d = 1; d <= 7200; d++) {
      const charge = chargeFor(retail, d, CHARGE_DECIMALS).amount;
      const floor = chargeFor(carrierRow, d, 40).amount.times('1.25');
      if (charge.lessThan(floor)) short.push(`${d} s: ${charge.toFixed()} < ${floor.toFixed()}`);
    }
    expect(short.slice(0, 5)).toEqual([]); // the first few, if any
  });
});
