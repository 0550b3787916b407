import type { RowError } from '../../core/imports/row-error';
import type { DeckRow, StoredEntrySpec } from '../../core/rating/catalog-events';

/** A carrier's deck as read from a file: the rows to publish and the rows refused, with where and why. */
export interface DeckParseResult {
  readonly rows: DeckRow[];
  readonly errors: RowError[];
  readonly records: number;
}

/** One tariff plan, ready to publish. */
export interface ImportedPlan {
  readonly planId: string;
  readonly destinations: Map<string, string[]>;
  readonly entries: StoredEntrySpec[];
}

/** A rating profile (a subject) and its plans over time (activation instants as ISO strings). */
export interface ImportedProfile {
  readonly profileId: string;
  readonly activations: { at: string; planId: string; fallbackSubject: string }[];
}

export interface TariffParseResult {
  readonly plans: ImportedPlan[];
  readonly profiles?: ImportedProfile[];
  readonly errors: RowError[];
  readonly records: number;
}

/** Reads a carrier's rate deck file in some format into deck rows (and row errors). */
export interface DeckImporter {
  readonly format: string;
  parse(
    file: string,
    options: { readonly carrierCurrency: string; readonly mappingFile?: string; readonly onProgress?: (records: number) => void },
  ): Promise<DeckParseResult>;
}

/** Reads a tariff plan (a folder or file) into rating plans. */
export interface TariffImporter {
  readonly format: string;
  parse(path: string, options: { readonly onProgress?: (records: number) => void }): Promise<TariffParseResult>;
}
