import { currentRates } from './current-rates';
import { deckDiff } from './deck-diff';
import { deckImport } from './deck-import';
import type { RatingServiceDeps } from './deps';
import { liveSettings } from './live-settings';
import { quotes } from './quotes';
import { smsRouting } from './sms-routes';
import { tariffImport } from './tariff-import';

export type { RatingServiceDeps } from './deps';
export type { ImportResult } from './deck-import';
export type { SmsRoutes } from './sms-routes';

export function ratingService(deps: RatingServiceDeps) {
  const rates = currentRates(deps);
  return {
    current: rates.current,
    ensureCurrent: (): Promise<void> => deps.ensureCurrent?.() ?? Promise.resolve(),
    /** Brings the rates projection and the lookup up to the log's head (one-shot commands). */
    async sync(): Promise<void> {
      await deps.rates.sync();
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
