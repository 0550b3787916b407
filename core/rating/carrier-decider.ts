import { DomainError, type Decider } from '../decider';
import { deriveId } from '../ids';
import { currency } from '../money';
import { toStagedRow, type CarrierService, type CatalogEvent, type DeckRow, type Trunk } from './catalog-events';
import { chunk, ROWS_PER_CHUNK } from './chunks';

export type CarrierCommand =
  | {
      readonly type: 'register';
      readonly data: {
        readonly carrierId: string;
        readonly name: string;
        readonly currency: string;
        readonly preference: number;
        readonly trunks: readonly Trunk[];
        readonly service?: CarrierService;
      };
    }
  | {
      readonly type: 'publish-deck';
      readonly data: { readonly rows: readonly DeckRow[]; readonly sha256: string; readonly source: string };
    };

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
    switch (command.type) {
      case 'register': {
        if (!CARRIER_ID.test(command.data.carrierId)) {
          throw new DomainError(
            'invalid-carrier-id',
            `carrier id must be lowercase letters, digits, - or _: ${JSON.stringify(command.data.carrierId)}`,
          );
        }
        currency(command.data.currency);
        if (state.registered) {
          if (state.currency === command.data.currency) return [];
          throw new DomainError('carrier-exists', `carrier ${command.data.carrierId} is registered already, in ${state.currency}`);
        }
        return [
          {
            type: 'CarrierRegistered',
            id: deriveId('carrier-registered', command.data.carrierId),
            data: {
              carrierId: command.data.carrierId,
              name: command.data.name,
              currency: command.data.currency,
              preference: command.data.preference,
              trunks: [...command.data.trunks],
              service: command.data.service ?? 'voice',
            },
          },
        ];
      }
      case 'publish-deck': {
        if (!state.registered) throw new DomainError('unknown-carrier', 'register the carrier before publishing a deck for it');
        if (state.deckSha256 === command.data.sha256) return [];
        const version = state.deckVersion + 1;
        const chunks = chunk(command.data.rows, ROWS_PER_CHUNK);
        const key = (part: string) => deriveId('deck', state.carrierId, command.data.sha256, String(version), part);
        return [
          ...chunks.map((rows, i) => ({
            type: 'DeckRowsStaged' as const,
            id: key(`chunk-${i}`),
            data: { carrierId: state.carrierId, version, chunk: i, rows: rows.map(toStagedRow) },
          })),
          {
            type: 'DeckPublished' as const,
            id: key('published'),
            data: {
              carrierId: state.carrierId,
              version,
              rows: command.data.rows.length,
              chunks: chunks.length,
              sha256: command.data.sha256,
              source: command.data.source,
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
