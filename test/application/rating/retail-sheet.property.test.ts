import fc from 'fast-check';
import { chargeFor } from '../../../core/pricing/charge';
import { Decimal } from '../../../core/money';
import type { DeckRow } from '../../../core/rating/catalog-events';
import { compileDeck, matchDeck } from '../../../core/rating/deck';
import { markupOptions, markupPolicy } from '../../../plugins/pricing/markup';
import { buildRetailSheet } from '../../../application/rating/retail-sheet';
import { deckRow } from '../../support/deck-rows';

const AT = new Date('2026-11-25T00:00:00Z');
const LONGEST = 7200;

/** A decimal string with up to `places` decimals, from 0 to `max` units of the last place. */
const decimal = (max: number, places: number) => fc.integer({ min: 0, max }).map((n) => new Decimal(n).dividedBy(10 ** places).toFixed());

const carrierRow = fc.record({
  rate: decimal(2_000_000, 6),
  connectFee: fc.oneof(fc.constant('0'), decimal(50_000, 6)),
  increments: fc.constantFrom([1, 1], [30, 6], [60, 60], [6, 6], [60, 1], [30, 30], [1, 60], [45, 15]),
  minimum: fc.constantFrom(0, 0, 10, 30, 60, 90),
  preference: fc.integer({ min: 1, max: 3 }),
});

const pricing = fc.record({
  markupPercent: fc.oneof(fc.constant('0'), decimal(10_000, 2)),
  minMarginPerMinute: fc.oneof(fc.constant('0'), decimal(10_000, 6)),
  sellDecimals: fc.integer({ min: 0, max: 6 }),
});

const costOf = (row: DeckRow, seconds: number) => chargeFor(row, seconds, 40).amount;

describe('the retail sheet covers the full carrier cost (property)', () => {
  test('for every duration from 1 s to 2 h, retail charge ≥ cost × (1 + markup) and ≥ cost + min margin per billed minute', () => {
    fc.assert(
      fc.property(
        fc.array(carrierRow, { minLength: 1, maxLength: 3 }),
        pricing,
        fc.integer({ min: 0, max: 8 }),
        (carriers, options, chargeDecimals) => {
          const rows = carriers.map((c) =>
            deckRow('44', c.rate, { connectFee: c.connectFee, initial: c.increments[0], subsequent: c.increments[1], minimum: c.minimum }),
          );
          const decks = carriers.map((c, i) =>
            compileDeck({ carrierId: `c${i}`, name: `c${i}`, currency: 'EUR', preference: c.preference, trunks: [], service: 'voice' }, 1, [
              rows[i]!,
            ]),
          );
          const sheet = buildRetailSheet(decks, markupPolicy(markupOptions.parse(options)), 'EUR', AT);
          const retail = matchDeck(sheet.deck, '44', AT)!.row;
          // the sheet is priced from the carrier a one-minute call goes to first (LCR's order)
          const order = rows
            .map((row, i) => ({ row, i, minute: costOf(row, 60), preference: carriers[i]!.preference }))
            .sort((a, b) => a.minute.comparedTo(b.minute) || a.preference - b.preference || a.i - b.i);
          const first = order[0]!.row;
          const factor = new Decimal(100).plus(options.markupPercent).dividedBy(100);
          for (let d = 1; d <= LONGEST; d++) {
            const charge = chargeFor(retail, d, chargeDecimals);
            const cost = costOf(first, d);
            if (charge.amount.lessThan(cost.times(factor)))
              throw new Error(`${d} s: ${charge.amount.toFixed()} < ${cost.toFixed()} × ${factor.toFixed()}`);
            const margin = new Decimal(options.minMarginPerMinute).times(charge.billedSeconds).dividedBy(60);
            if (charge.amount.lessThan(cost.plus(margin)))
              throw new Error(`${d} s: ${charge.amount.toFixed()} < ${cost.toFixed()} + ${margin.toFixed()}`);
          }
        },
      ),
      { numRuns: 30, seed: 20261125 },
    );
  });
});
