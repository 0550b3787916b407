import type { Decimal } from '../money';
import type { Nanos } from './duration';
import { COST_KEY_SCALE, priceGroup, type CarrierCost, type CompiledDeck } from './deck';
import { buildLcrIndex, type LcrIndex } from './lcr-index';

export interface LcrOptions {
  /** What the customer pays for this call; routes costing more are dropped unless allowed. */
  readonly retail?: { readonly cost: Decimal; readonly currency: string };
  readonly allowNegativeMargin?: boolean;
}

/** A priced carrier route; its `margin` is retail − cost when a retail price was given. */
export type Route = CarrierCost;

export interface DroppedRoute {
  readonly carrierId: string;
  readonly reason: 'no-route' | 'negative-margin' | 'currency-differs';
  readonly cost?: Decimal;
}

export interface LcrResult {
  /** Cheapest first; equal costs by the provider's preference (lower first), then carrier id. */
  readonly routes: readonly Route[];
  readonly dropped: readonly DroppedRoute[];
}

/** Least-cost routing: each carrier's own longest match, priced for this call, sorted, margin-guarded. */
const indexes = new WeakMap<readonly CompiledDeck[], LcrIndex>();
let hitBuffer = new Int32Array(16);

/** The LCR index of a list of decks, built once per list (keep the list while the decks stay). */
export function lcrIndexOf(decks: readonly CompiledDeck[]): LcrIndex {
  let index = indexes.get(decks);
  if (!index) indexes.set(decks, (index = buildLcrIndex(decks)));
  return index;
}

export function leastCostRoutes(
  decks: readonly CompiledDeck[],
  digits: string,
  start: Date,
  duration: Nanos,
  options: LcrOptions = {},
): LcrResult {
  if (hitBuffer.length < decks.length) hitBuffer = new Int32Array(decks.length * 2);
  const hits = hitBuffer; // LCR is synchronous: one buffer serves every call
  lcrIndexOf(decks).match(digits, hits);
  const routes: Route[] = [];
  const dropped: DroppedRoute[] = [];
  const retail = options.retail;
  // the retail price on the integer cost scale, when exact, so the margin guard compares numbers
  const retailScaled = retail?.cost.times(COST_KEY_SCALE);
  const retailKey =
    retailScaled && retailScaled.isInteger() && retailScaled.abs().lessThan(Number.MAX_SAFE_INTEGER) ? retailScaled.toNumber() : null;
  for (let j = 0; j < decks.length; j++) {
    const deck = decks[j]!;
    const priced = hits[j]! >= 0 ? priceGroup(deck, hits[j]!, digits, start, duration) : null;
    if (!priced) {
      dropped.push({ carrierId: deck.carrier.carrierId, reason: 'no-route' });
      continue;
    }
    if (retail && retail.currency !== deck.carrier.currency) {
      dropped.push({ carrierId: deck.carrier.carrierId, reason: 'currency-differs', cost: priced.cost });
      continue;
    }
    const negative = retail
      ? retailKey !== null && priced.costKey !== null
        ? priced.costKey > retailKey
        : priced.cost.greaterThan(retail.cost)
      : false;
    if (negative && !options.allowNegativeMargin) {
      dropped.push({ carrierId: deck.carrier.carrierId, reason: 'negative-margin', cost: priced.cost });
      continue;
    }
    routes.push(priced.against(retail?.cost ?? null));
  }
  routes.sort(
    (a, b) =>
      (a.costKey !== null && b.costKey !== null ? a.costKey - b.costKey : a.cost.comparedTo(b.cost)) ||
      a.carrier.preference - b.carrier.preference ||
      (a.carrier.carrierId < b.carrier.carrierId ? -1 : a.carrier.carrierId > b.carrier.carrierId ? 1 : 0),
  );
  return { routes, dropped };
}
