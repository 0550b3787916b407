import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock';
import type { EventStore } from '../../../core/event-store';
import type { IdGenerator } from '../../../core/ids';
import { ratingService, type RatingService } from '../../../application/rating/service';
import type { ProjectionRunner } from '../../../projections/runner';
import { ratesLookup, ratesSource, type RatesLookup } from '../../../projections/rates/lookup';
import type { ServingNodes } from '../../../projections/rates/serving-nodes';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { Config } from '../config';
import { ratesFollower, type RatesFollower } from '../rates-follower';
import type { Extensions } from './plugins';

/**
 * Whether this engine follows the rates catalog live, as a serving engine does. A one-shot
 * command never does (it syncs the lookup itself), so rating asks this, not a follower, whether
 * its rates are current; the follower, when there is one, tells rating to rebuild its sheet.
 */
export interface RatesFollowing {
  ensureCurrent(): Promise<void>;
  /** Milliseconds since the rates were last known current; null when not following. */
  age(): number | null;
  /** The rates projection applied rate events: look now, not at the next tick. */
  poke(): void;
  start(deps: { lookup: RatesLookup; nodes: ServingNodes; rating: RatingService; logger: Logger }): Promise<void>;
  stop(): Promise<void>;
}

export function ratesFollowing(): RatesFollowing {
  // exists from `start` (serve, or an embedder's followRates) to `stop`
  let follower: RatesFollower | null = null;
  return {
    ensureCurrent: () => follower?.ensureCurrent() ?? Promise.resolve(),
    age: () => follower?.age() ?? null,
    poke: () => {
      if (follower) setImmediate(() => void follower?.poke());
    },
    async start({ lookup, nodes, rating, logger }) {
      if (follower) return;
      follower = ratesFollower({
        lookup,
        nodes,
        logger: logger.child({ component: 'rates' }),
        // the retail sheet is built here, off the request path
        onChange: () => void rating.current(),
      });
      await follower.start();
    },
    async stop() {
      await follower?.stop();
      follower = null;
    },
  };
}

export interface Rating {
  readonly lookup: RatesLookup;
  readonly rating: RatingService;
}

/** Quotes, least-cost routing and the catalog's commands, priced by the `markup` policy (else the first registered). */
export function wireRating(deps: {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly runner: ProjectionRunner;
  readonly ext: Extensions;
  readonly following: RatesFollowing;
}): Rating {
  const { config, ext } = deps;
  const pricing = ext.pricingPolicies.get('markup') ?? [...ext.pricingPolicies.values()][0];
  if (!pricing) throw new Error('no pricing policy registered');
  const lookup = ratesLookup(deps.readModels);
  const rating = ratingService({
    store: deps.store,
    ids: deps.ids,
    clock: deps.clock,
    rates: ratesSource(deps.runner, lookup),
    deckImporters: ext.deckImporters,
    tariffImporters: ext.tariffImporters,
    pricing,
    routePolicies: [...ext.routePolicies.values()],
    retailCurrency: config.retailCurrency,
    blockedPrefixes: config.blockedPrefixes,
    riskPrefixes: config.riskPrefixes,
    logger: deps.logger,
    ensureCurrent: () => deps.following.ensureCurrent(),
  });
  return { lookup, rating };
}
