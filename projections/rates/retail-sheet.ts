import { createHash } from 'node:crypto';
import { Decimal } from '../../core/money';
import { compileDeck, matchDeck, type CompiledDeck } from '../../core/rating/deck';
import type { PricingPolicy } from '../../plugins/pricing/policy';
import type { CarrierService } from '../../core/rating/catalog-events';

export interface RetailSheetRow {
  readonly prefix: string;
  readonly destination: string;
  readonly ratePerMinute: string;
  readonly initial: number;
  readonly subsequent: number;
  readonly free: boolean;
}

export interface RetailSheet {
  readonly currency: string;
  readonly rows: readonly RetailSheetRow[];
  /** Strong validator of the content, for ETag / If-None-Match. */
  readonly etag: string;
  /**
   * The sheet as a deck (`--plan retail` quotes on it): per-minute rates with increments, like a
   * carrier's, with no final rounding (the rates are already at the sell precision).
   */
  readonly deck: CompiledDeck;
  readonly builtAt: string;
  /** The first instant after `builtAt` at which a deck row starts or stops being in force (Infinity: none). */
  readonly validUntilMs: number;
}

export const RETAIL_PLAN_ID = 'retail';

/**
 * The public retail rate sheet: for every prefix any carrier quotes now, the cheapest carrier's
 * per-minute rate through the pricing policy. Carriers in another currency than the sheet's
 * are left out (no FX conversion is implied).
 */
export function buildRetailSheet(
  decks: Iterable<CompiledDeck>,
  policy: PricingPolicy,
  currency: string,
  at: Date,
  service: CarrierService = 'voice',
): RetailSheet {
  const usable = [...decks].filter((d) => d.carrier.currency === currency && d.carrier.service === service);
  const now = at.getTime();
  let validUntilMs = Infinity;
  for (const d of usable) {
    for (let i = 0; i < d.fast.fromMs.length; i++) {
      const from = d.fast.fromMs[i]!;
      const to = d.fast.toMs[i]!;
      if (from > now && from < validUntilMs) validUntilMs = from;
      if (to > now && to < validUntilMs) validUntilMs = to;
    }
    // older rows of a prefix (not in the flat arrays) can come into force too
    for (const group of d.rows) {
      for (let k = 1; k < group.length; k++) {
        const from = Date.parse(group[k]!.effectiveFrom);
        if (from > now && from < validUntilMs) validUntilMs = from;
      }
    }
  }
  const prefixes = new Set<string>();
  for (const d of usable) for (const p of d.prefixes) prefixes.add(p);
  const rows: RetailSheetRow[] = [];
  for (const prefix of [...prefixes].sort()) {
    let best: { rate: Decimal; destination: string } | null = null;
    for (const d of usable) {
      const m = matchDeck(d, prefix, at);
      if (!m) continue;
      // a text's sheet price is per segment only: a gateway's per-message fee is folded in (its one-segment cost)
      const rate = service === 'sms' ? new Decimal(m.row.rate).plus(m.row.connectFee) : new Decimal(m.row.rate);
      if (!best || rate.lessThan(best.rate)) best = { rate, destination: m.row.destination };
    }
    if (!best) continue;
    const retail = policy.price({ prefix, destination: best.destination, costPerMinute: best.rate, currency, service });
    rows.push({
      prefix,
      destination: best.destination,
      ratePerMinute: retail.ratePerMinute.toFixed(),
      initial: retail.initial,
      subsequent: retail.subsequent,
      free: retail.free,
    });
  }
  const etag = `"${createHash('sha256').update(currency).update(JSON.stringify(rows)).digest('base64url').slice(0, 27)}"`;
  const deck = compileDeck(
    { carrierId: RETAIL_PLAN_ID, name: 'retail sheet', currency, preference: 0, trunks: [], service },
    1,
    rows.map((r) => ({
      prefix: r.prefix,
      destination: r.destination,
      rate: r.ratePerMinute,
      initial: r.initial,
      subsequent: r.subsequent,
      connectFee: '0',
      minimum: 0,
      effectiveFrom: '1970-01-01T00:00:00.000Z',
      effectiveTo: null,
    })),
  );
  return { currency, rows, etag, deck, builtAt: at.toISOString(), validUntilMs };
}
