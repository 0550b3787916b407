import type { Decider } from '../decider';
import { deriveId } from '../ids';
import type { CatalogEvent } from './catalog-events';

export interface PublishProfile {
  readonly profileId: string;
  readonly activations: readonly { readonly at: string; readonly planId: string; readonly fallbackSubject: string }[];
  readonly sha256: string;
  readonly source: string;
}

/** A rating profile's versions; the same content again changes nothing. */
export const profileDecider: Decider<PublishProfile, CatalogEvent, { readonly sha256: string | null }> = {
  initialState: { sha256: null },
  decide(command, state) {
    if (state.sha256 === command.sha256) return [];
    return [
      {
        type: 'RatingProfilePublished',
        id: deriveId('profile', command.profileId, command.sha256),
        data: {
          profileId: command.profileId,
          activations: command.activations.map((a) => ({ ...a })),
          sha256: command.sha256,
          source: command.source,
        },
      },
    ];
  },
  evolvesOn: ['RatingProfilePublished'],
  evolve(state, event) {
    return event.type === 'RatingProfilePublished' ? { sha256: event.data.sha256 } : state;
  },
};
