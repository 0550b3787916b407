import type { Decimal } from '../money';
import type { Nanos } from './duration';
import { priceOnDeck, type CarrierCost, type CompiledDeck } from './deck';

export interface LcrOptions {
  /** What the customer pays for this call; routes costing more are dropped unless allowed. */
  readonly retail?: { readonly cost: Decimal; readonly currency: string };
  readonly allowNegativeMargin?: boolean;
}

export interface Route extends CarrierCost {
  /** retail − cost, when a retail price was given. */
  readonly margin: Decimal | null;
}

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
export function leastCostRoutes(
  decks: readonly CompiledDeck[],
  digits: string,
  start: Date,
  duration: Nanos,
  options: LcrOptions = {},
): LcrResult {
  const routes: Route[] = [];
  const dropped: DroppedRoute[] = [];
  for (const deck of decks) {
    const priced = priceOnDeck(deck, digits, start, duration);
    if (!priced) {
      dropped.push({ carrierId: deck.carrier.carrierId, reason: 'no-route' });
      continue;
    }
    const retail = options.retail;
    if (retail && retail.currency !== deck.carrier.currency) {
      dropped.push({ carrierId: deck.carrier.carrierId, reason: 'currency-differs', cost: priced.cost });
      continue;
    }
    const margin = retail ? retail.cost.minus(priced.cost) : null;
    if (margin && margin.isNegative() && !options.allowNegativeMargin) {
      dropped.push({ carrierId: deck.carrier.carrierId, reason: 'negative-margin', cost: priced.cost });
      continue;
    }
    routes.push({ ...priced, margin });
  }
  routes.sort(
    (a, b) =>
      a.cost.comparedTo(b.cost) ||
      a.carrier.preference - b.carrier.preference ||
      (a.carrier.carrierId < b.carrier.carrierId ? -1 : a.carrier.carrierId > b.carrier.carrierId ? 1 : 0),
  );
  return { routes, dropped };
}
