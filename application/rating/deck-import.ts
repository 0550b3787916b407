import { handleCommand, readState } from '../../core/command-handler';
import { DomainError } from '../../core/decider';
import type { EventMetadata } from '../../core/events/envelope';
import { carrierDecider } from '../../core/rating/carrier-decider';
import { carrierStream, type CarrierService, type Trunk } from '../../core/rating/catalog-events';
import { canonicalDeck } from './deck-hash';
import { catalogHandler, type RatingServiceDeps } from './deps';
import { ImportRejectedError, UnknownFormatError } from './errors';

export interface ImportResult {
  readonly version: number | null;
  readonly rows: number;
  readonly skipped: number;
  /** True when this exact content was published already: nothing new was written. */
  readonly unchanged: boolean;
}

/** Carriers and the decks they publish. */
export function deckImport(deps: RatingServiceDeps) {
  const handler = catalogHandler(deps);
  return {
    async registerCarrier(
      input: {
        carrierId: string;
        name: string;
        currency: string;
        preference: number;
        trunks: readonly Trunk[];
        service?: CarrierService;
      },
      metadata: EventMetadata = {},
    ): Promise<{ created: boolean }> {
      const r = await handleCommand(
        handler,
        carrierDecider,
        carrierStream(input.carrierId),
        { type: 'register', data: { ...input } },
        { metadata },
      );
      return { created: r.events.length > 0 };
    },

    async importDeck(input: {
      carrierId: string;
      file: string;
      format?: string;
      mappingFile?: string;
      skipBadRows?: boolean;
      onProgress?: (records: number) => void;
      metadata?: EventMetadata;
    }): Promise<ImportResult & { errors: number }> {
      const importer = deps.deckImporters.get(input.format ?? 'csv');
      if (!importer)
        throw new UnknownFormatError(
          `no deck format ${JSON.stringify(input.format)} (known: ${[...deps.deckImporters.keys()].join(', ')})`,
        );
      const { state } = await readState(handler, carrierDecider, carrierStream(input.carrierId));
      if (!state.registered)
        throw new DomainError('unknown-carrier', `no carrier ${input.carrierId}; register it first (trunkline carriers add)`);
      const parsed = await importer.parse(input.file, {
        carrierCurrency: state.currency,
        mappingFile: input.mappingFile,
        onProgress: input.onProgress,
      });
      if (parsed.errors.length > 0 && !input.skipBadRows) throw new ImportRejectedError(parsed.errors, parsed.records);
      // staged in key order: the rates table is then written and read back in the order of its key
      const deck = canonicalDeck(parsed.rows);
      const result = await handleCommand(
        handler,
        carrierDecider,
        carrierStream(input.carrierId),
        { type: 'publish-deck', data: { rows: deck.rows, sha256: deck.sha256, source: input.file } },
        { metadata: input.metadata ?? {} },
      );
      return {
        version: result.state.deckVersion,
        rows: parsed.rows.length,
        skipped: parsed.errors.length,
        errors: parsed.errors.length,
        unchanged: result.events.length === 0,
      };
    },
  };
}
