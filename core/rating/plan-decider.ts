import type { Decider } from '../decider';
import { deriveId } from '../ids';
import type { CatalogEvent, StoredEntrySpec } from './catalog-events';
import { chunk } from './chunks';

export interface PublishPlan {
  readonly type: 'publish-plan';
  readonly data: {
    readonly planId: string;
    readonly currency: string;
    readonly timeZone: string;
    readonly destinations: ReadonlyMap<string, readonly string[]>;
    readonly entries: readonly StoredEntrySpec[];
    readonly sha256: string;
    readonly source: string;
  };
}

export interface PlanState {
  readonly version: number;
  readonly sha256: string | null;
}

/** Destinations per staged chunk (each with its prefixes). */
const DESTINATIONS_PER_CHUNK = 2000;

/** A rating plan's versions. The same content published again changes nothing. */
export const planDecider: Decider<PublishPlan, CatalogEvent, PlanState> = {
  initialState: { version: 0, sha256: null },
  decide(command, state) {
    if (state.sha256 === command.data.sha256) return [];
    const version = state.version + 1;
    const key = (part: string) => deriveId('plan', command.data.planId, command.data.sha256, String(version), part);
    const chunks = chunk([...command.data.destinations], DESTINATIONS_PER_CHUNK);
    return [
      ...chunks.map((list, i) => ({
        type: 'RatingPlanChunkStaged' as const,
        id: key(`chunk-${i}`),
        data: { planId: command.data.planId, version, chunk: i, destinations: Object.fromEntries(list.map(([d, p]) => [d, [...p]])) },
      })),
      {
        type: 'RatingPlanPublished' as const,
        id: key('published'),
        data: {
          planId: command.data.planId,
          version,
          currency: command.data.currency,
          timeZone: command.data.timeZone,
          entries: [...command.data.entries],
          chunks: chunks.length,
          sha256: command.data.sha256,
          source: command.data.source,
        },
      },
    ];
  },
  evolvesOn: ['RatingPlanPublished'],
  evolve(state, event) {
    return event.type === 'RatingPlanPublished' ? { version: event.data.version, sha256: event.data.sha256 } : state;
  },
};
