import { DomainError, type Decider } from '../decider';
import { deriveId } from '../ids';
import { currency } from '../money';
import type { CarrierService, CatalogEvent, DeckRow, Trunk } from './catalog-events';
import { chunk, ROWS_PER_CHUNK } from './chunks';

export type CarrierCommand =
  | {
      readonly kind: 'register';
      readonly carrierId: string;
      readonly name: string;
      readonly currency: string;
      readonly preference: number;
      readonly trunks: readonly Trunk[];
      readonly service?: CarrierService;
    }
  | { readonly kind: 'publish-deck'; readonly rows: readonly DeckRow[]; readonly sha256: string; readonly source: string };

export interface CarrierState {
  readonly registered: boolean;
  readonly carrierId: string;
  readonly currency: string;
  readonly deckVersion: number;
  readonly deckSha256: string | null;
}

const CARRIER_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A carrier and its rate decks. Publishing the same deck content again changes nothing. */
export const carrierDecider: Decider<CarrierCommand, CatalogEvent, CarrierState> = {
  initialState: { registered: false, carrierId: '', currency: '', deckVersion: 0, deckSha256: null },
  decide(command, state) {
    switch (command.kind) {
      case 'register': {
        if (!CARRIER_ID.test(command.carrierId)) {
          throw new DomainError(
            'invalid-carrier-id',
            `carrier id must be lowercase letters, digits, - or _: ${JSON.stringify(command.carrierId)}`,
          );
        }
        currency(command.currency);
        if (state.registered) {
          if (state.currency === command.currency) return [];
          throw new DomainError('carrier-exists', `carrier ${command.carrierId} is registered already, in ${state.currency}`);
        }
        return [
          {
            type: 'CarrierRegistered',
            id: deriveId('carrier-registered', command.carrierId),
            data: {
              carrierId: command.carrierId,
              name: command.name,
              currency: command.currency,
              preference: command.preference,
              trunks: [...command.trunks],
              service: command.service ?? 'voice',
            },
          },
        ];
      }
      case 'publish-deck': {
        if (!state.registered) throw new DomainError('unknown-carrier', 'register the carrier before publishing a deck for it');
        if (state.deckSha256 === command.sha256) return [];
        const version = state.deckVersion + 1;
        const chunks = chunk(command.rows, ROWS_PER_CHUNK);
        const key = (part: string) => deriveId('deck', state.carrierId, command.sha256, String(version), part);
        return [
          ...chunks.map((rows, i) => ({
            type: 'DeckRowsStaged' as const,
            id: key(`chunk-${i}`),
            data: { carrierId: state.carrierId, version, chunk: i, rows },
          })),
          {
            type: 'DeckPublished' as const,
            id: key('published'),
            data: {
              carrierId: state.carrierId,
              version,
              rows: command.rows.length,
              chunks: chunks.length,
              sha256: command.sha256,
              source: command.source,
            },
          },
        ];
      }
    }
  },
  evolvesOn: ['CarrierRegistered', 'DeckPublished'],
  evolve(state, event) {
    switch (event.type) {
      case 'CarrierRegistered':
        return { ...state, registered: true, carrierId: event.data.carrierId, currency: event.data.currency };
      case 'DeckPublished':
        return { ...state, deckVersion: event.data.version, deckSha256: event.data.sha256 };
      // a deck's rows and other streams' events change nothing a carrier's commands decide on
      case 'DeckRowsStaged':
      case 'RatingPlanChunkStaged':
      case 'RatingPlanPublished':
      case 'RatingProfilePublished':
        return state;
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
