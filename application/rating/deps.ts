import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import type { IdGenerator } from '../../core/ids';
import { catalogCodec } from '../../core/rating/catalog-events';
import type { PricingPolicy } from '../../core/rating/pricing-policy';
import type { DeckImporter, TariffImporter } from '../ports/importers';
import type { RatesSource } from '../ports/rates-source';
import type { RoutePolicy } from '../ports/route-policy';
import type { RiskPrefixes } from '../../core/rating/risk-classes';

export interface RatingServiceDeps {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly rates: RatesSource;
  readonly deckImporters: ReadonlyMap<string, DeckImporter>;
  readonly tariffImporters: ReadonlyMap<string, TariffImporter>;
  readonly pricing: PricingPolicy;
  readonly retailCurrency: string;
  /** The configured blocked prefixes, until an operator records others. */
  readonly blockedPrefixes: readonly string[];
  /** The provider's prefix lists per destination risk class; the rate sheet marks what they cover. */
  readonly riskPrefixes?: RiskPrefixes;
  readonly logger: Logger;
  /** What moves LCR's routes down (plugins' route policies); none: plain cost order. */
  readonly routePolicies?: readonly RoutePolicy[];
  /** A serving engine's guard: resolves once its rates are confirmed current (see rates-follower.ts). */
  readonly ensureCurrent?: () => Promise<void>;
}

/** The command handler for the rating catalogue's streams: carriers, plans and profiles. */
export function catalogHandler(deps: RatingServiceDeps) {
  return { store: deps.store, ids: deps.ids, codec: catalogCodec };
}
