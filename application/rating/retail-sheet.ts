import { createHash } from 'node:crypto';
import { Decimal, parseDecimal } from '../../core/money';
import type { CarrierService, DeckRow } from '../../core/rating/catalog-events';
import { compileDeck, matchDeck, priceOnDeck, type CarrierCost, type CompiledDeck } from '../../core/rating/deck';
import { NS_PER_SECOND } from '../../core/rating/duration';
import type { CostBasis, PricingPolicy } from '../../core/rating/pricing-policy';

export interface RetailSheetRow {
  readonly prefix: string;
  readonly destination: string;
  readonly ratePerMinute: string;
  /** Charged once per connected call, on top of the billed seconds. */
  readonly connectFee: string;
  readonly initial: number;
  readonly subsequent: number;
  /** Seconds billed at least once a call connects. */
  readonly minimum: number;
  readonly free: boolean;
}

export interface RetailSheet {
  readonly currency: string;
  readonly rows: readonly RetailSheetRow[];
  /** Strong validator of the content, for ETag / If-None-Match. */
  readonly etag: string;
  /**
   * The sheet as a deck (`--plan retail` quotes on it, calls are charged on it): per-minute rates
   * with connect fees, increments and minimums, like a carrier's, with no final rounding (the
   * rates are already at the sell precision).
   */
  readonly deck: CompiledDeck;
  readonly builtAt: string;
  /** The first instant after `builtAt` at which a deck row starts or stops being in force (Infinity: none). */
  readonly validUntilMs: number;
}

export const RETAIL_PLAN_ID = 'retail';

const MINUTE = 60 * NS_PER_SECOND;

/** LCR's order: the cheaper call first, then the lower preference, then the carrier id. */
function firstRoute(a: CarrierCost, b: CarrierCost): boolean {
  const byCost = a.costKey !== null && b.costKey !== null ? a.costKey - b.costKey : a.cost.comparedTo(b.cost);
  if (byCost !== 0) return byCost < 0;
  if (a.carrier.preference !== b.carrier.preference) return a.carrier.preference < b.carrier.preference;
  return a.carrier.carrierId < b.carrier.carrierId;
}

/** The row a one-minute call to `prefix` goes to first, in LCR's order. */
function firstCall(decks: readonly CompiledDeck[], prefix: string, at: Date): DeckRow | null {
  let best: CarrierCost | null = null;
  for (const d of decks) {
    const priced = priceOnDeck(d, prefix, at, MINUTE);
    if (priced && (!best || firstRoute(priced, best))) best = priced;
  }
  return best?.row ?? null;
}

const unitOf = (row: DeckRow) => parseDecimal(row.rate).plus(parseDecimal(row.connectFee));

/** The gateway row with the cheapest one-segment text, fee included (ties: the first deck). */
function cheapestText(decks: readonly CompiledDeck[], prefix: string, at: Date): DeckRow | null {
  let best: DeckRow | null = null;
  for (const d of decks) {
    const row = matchDeck(d, prefix, at)?.row;
    if (row && (!best || unitOf(row).lessThan(unitOf(best)))) best = row;
  }
  return best;
}

/**
 * What the policy prices. A text has no duration: a gateway's per-message fee is folded into its
 * one-segment price and the sheet prices segments only (SMS routing drops a gateway whose
 * segment-plus-fee exceeds it, so a many-segment text stays covered).
 */
function costBasis(row: DeckRow, service: CarrierService): CostBasis {
  if (service === 'sms')
    return {
      ratePerMinute: unitOf(row),
      connectFee: new Decimal(0),
      initial: 1,
      subsequent: 1,
      minimum: 0,
    };
  return {
    ratePerMinute: parseDecimal(row.rate),
    connectFee: parseDecimal(row.connectFee),
    initial: row.initial,
    subsequent: row.subsequent,
    minimum: row.minimum,
  };
}

/**
 * The public retail rate sheet: for every prefix any carrier quotes now, the whole cost row
 * (rate, connect fee, increments, minimum) of the carrier a call goes to first, through the
 * pricing policy. That carrier is the cheapest for a one-minute call, ties by preference then
 * id: the order LCR offers routes in when a call is authorized. Carriers in another currency
 * than the sheet's are left out (no FX conversion is implied).
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
    const best = service === 'sms' ? cheapestText(usable, prefix, at) : firstCall(usable, prefix, at);
    if (!best) continue;
    const retail = policy.price({ prefix, destination: best.destination, cost: costBasis(best, service), currency, service });
    rows.push({
      prefix,
      destination: best.destination,
      ratePerMinute: retail.ratePerMinute.toFixed(),
      connectFee: retail.connectFee.toFixed(),
      initial: retail.initial,
      subsequent: retail.subsequent,
      minimum: retail.minimum,
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
      connectFee: r.connectFee,
      minimum: r.minimum,
      effectiveFrom: '1970-01-01T00:00:00.000Z',
      effectiveTo: null,
    })),
  );
  return { currency, rows, etag, deck, builtAt: at.toISOString(), validUntilMs };
}
