import { createHash } from 'node:crypto';
import { Decimal } from '../../core/money';
import { matchDeck, type CompiledDeck } from '../../core/rating/deck';
import { buildPlan } from '../../core/rating/plan-builder';
import type { RatingPlan } from '../../core/rating/tariff';
import type { PricingPolicy } from '../../plugins/pricing/policy';

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
  /** The sheet as a rating plan (`--plan retail`), one destination per prefix. */
  readonly plan: RatingPlan;
  readonly builtAt: string;
}

export const RETAIL_PLAN_ID = 'retail';

/**
 * The public retail rate sheet: for every prefix any carrier quotes now, the cheapest carrier's
 * per-minute rate through the pricing policy. Carriers in another currency than the sheet's
 * are left out (no FX conversion is implied).
 */
export function buildRetailSheet(decks: Iterable<CompiledDeck>, policy: PricingPolicy, currency: string, at: Date): RetailSheet {
  const usable = [...decks].filter((d) => d.carrier.currency === currency);
  const prefixes = new Set<string>();
  for (const d of usable) for (const p of d.prefixes) prefixes.add(p);
  const rows: RetailSheetRow[] = [];
  for (const prefix of [...prefixes].sort()) {
    let best: { rate: Decimal; destination: string } | null = null;
    for (const d of usable) {
      const m = matchDeck(d, prefix, at);
      if (!m) continue;
      const rate = new Decimal(m.row.rate);
      if (!best || rate.lessThan(best.rate)) best = { rate, destination: m.row.destination };
    }
    if (!best) continue;
    const retail = policy.price({ prefix, destination: best.destination, costPerMinute: best.rate, currency });
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
  const plan = buildPlan({
    id: RETAIL_PLAN_ID,
    currency,
    destinations: Object.fromEntries(rows.map((r) => [r.prefix, [r.prefix]])),
    entries: rows.map((r) => ({
      destination: r.prefix,
      roundingDecimals: 0,
      slots:
        r.initial === r.subsequent
          ? [{ rate: r.ratePerMinute, rateUnit: '60s', rateIncrement: `${r.initial}s` }]
          : [
              { rate: r.ratePerMinute, rateUnit: '60s', rateIncrement: `${r.initial}s` },
              { groupIntervalStart: `${r.initial}s`, rate: r.ratePerMinute, rateUnit: '60s', rateIncrement: `${r.subsequent}s` },
            ],
    })),
  });
  return { currency, rows, etag, plan, builtAt: at.toISOString() };
}
