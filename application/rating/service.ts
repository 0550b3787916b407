import type { ReadModelStore } from '../ports/read-model-store';
import { currentRates } from './current-rates';
import { deckDiff } from './deck-diff';
import { deckImport } from './deck-import';
import type { RatingServiceDeps } from './deps';
import { liveSettings } from './live-settings';
import { quotes } from './quotes';
import { smsRouting } from './sms-routes';
import type { RiskPrefixes } from '../../core/rating/risk-classes';
import { tariffImport } from './tariff-import';

export type { RatingServiceDeps } from './deps';
export type { ImportResult } from './deck-import';
export type { SmsRoutes } from './sms-routes';

const NO_RISK_PREFIXES: RiskPrefixes = {};

export function ratingService(deps: RatingServiceDeps) {
  const rates = currentRates(deps);
  return {
    current: rates.current,
    ensureCurrent: (): Promise<void> => deps.ensureCurrent?.() ?? Promise.resolve(),
    /** The provider's destination risk lists (core/rating/risk-classes.ts). */
    riskPrefixes: (): RiskPrefixes => deps.riskPrefixes ?? NO_RISK_PREFIXES,
    /** Brings the rates projection and the lookup up to the log's head (one-shot commands). */
    async sync(): Promise<void> {
      await deps.rates.sync();
    },
    /** Lets each route policy reload what it decides from (`trunkline rates lcr`; serving engines refresh from a job). */
    async refreshRoutePolicies(readModels: ReadModelStore): Promise<void> {
      for (const p of deps.routePolicies ?? []) await p.refresh?.(readModels);
    },
    ...liveSettings(deps),
    ...deckImport(deps),
    ...tariffImport(deps),
    ...deckDiff(deps),
    ...quotes(deps, rates),
    ...smsRouting(rates),
  };
}

export type RatingService = ReturnType<typeof ratingService>;
