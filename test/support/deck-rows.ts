import type { DeckRow } from '../../core/rating/catalog-events';

/** A per-second deck row in force forever, unless `extra` says otherwise. */
export const deckRow = (prefix: string, rate: string, extra: Partial<DeckRow> = {}): DeckRow => ({
  prefix,
  destination: `dest ${prefix}`,
  rate,
  initial: 1,
  subsequent: 1,
  connectFee: '0',
  minimum: 0,
  effectiveFrom: '1970-01-01T00:00:00.000Z',
  effectiveTo: null,
  ...extra,
});
