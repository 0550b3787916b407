import { DomainError } from '../../core/decider';
import { carrierStream, catalogCodec, fromStagedRow, type DeckRow } from '../../core/rating/catalog-events';
import type { RatingServiceDeps } from './deps';

/** What changed in a carrier's deck, read from the log. */
export function deckDiff(deps: RatingServiceDeps) {
  return {
    /** Added, removed and changed prefixes between a carrier's last two deck versions, read from the log. */
    async diffDeck(
      carrierId: string,
    ): Promise<{ from: number; to: number; added: DeckRow[]; removed: DeckRow[]; changed: { before: DeckRow; after: DeckRow }[] }> {
      const versions = new Map<number, DeckRow[]>();
      let latest = 0;
      for await (const recorded of deps.store.readStream(carrierStream(carrierId))) {
        if (recorded.type === 'DeckPublished') latest = Number(recorded.data['version']);
      }
      if (latest === 0) throw new DomainError('no-deck', `carrier ${carrierId} has no published deck`);
      for await (const recorded of deps.store.readStream(carrierStream(carrierId))) {
        if (recorded.type !== 'DeckRowsStaged') continue;
        const version = Number(recorded.data['version']);
        if (version !== latest && version !== latest - 1) continue;
        const e = catalogCodec.decode(recorded);
        if (e.type === 'DeckRowsStaged') versions.set(version, [...(versions.get(version) ?? []), ...e.data.rows.map(fromStagedRow)]);
      }
      const key = (r: DeckRow) => `${r.prefix}@${r.effectiveFrom}`;
      const before = new Map((versions.get(latest - 1) ?? []).map((r) => [key(r), r]));
      const after = new Map((versions.get(latest) ?? []).map((r) => [key(r), r]));
      const added = [...after].filter(([k]) => !before.has(k)).map(([, r]) => r);
      const removed = [...before].filter(([k]) => !after.has(k)).map(([, r]) => r);
      const changed = [...after]
        .filter(([k, r]) => before.has(k) && JSON.stringify(before.get(k)) !== JSON.stringify(r))
        .map(([k, r]) => ({ before: before.get(k)!, after: r }));
      return { from: latest - 1, to: latest, added, removed, changed };
    },
  };
}
