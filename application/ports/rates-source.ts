import type { CompiledDeck } from '../../core/rating/deck';
import type { RatingPlan } from '../../core/rating/tariff';
import type { RatingProfile } from '../../core/rating/profile';
import type { JsonObject } from '../../core/json';

export interface LiveSettings {
  readonly blockedPrefixes: readonly string[] | null;
  readonly pricing: JsonObject | null;
}

/** Everything rating needs, immutable: a refresh builds a new one and swaps the reference. */
export interface RatingSnapshot {
  readonly carriers: ReadonlyMap<string, CompiledDeck>;
  readonly plans: ReadonlyMap<string, RatingPlan>;
  readonly profiles: ReadonlyMap<string, RatingProfile>;
  /** carrier/plan id → version: what this snapshot was built from. */
  readonly versions: ReadonlyMap<string, number>;
  /** Settings recorded in the log (null: the configured value holds). */
  readonly settings: LiveSettings;
  /**
   * The catalog revision (a log position) this snapshot was built at, -1 before the first load:
   * a later revision that changed nothing rating uses keeps this snapshot and its number.
   */
  readonly revision: number;
}

/** The rates read model as rating sees it: a current snapshot, and a way to catch up with the log. */
export interface RatesSource {
  current(): RatingSnapshot;
  /** Brings the rates read model and the snapshot up to the log's head (one-shot commands). */
  sync(): Promise<void>;
}
