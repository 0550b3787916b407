import type { DeckRow, StoredEntrySpec, Trunk } from '../../core/rating/catalog-events';
import { compileDeck, type CompiledDeck } from '../../core/rating/deck';
import { buildPlan } from '../../core/rating/plan-builder';
import type { RatingPlan } from '../../core/rating/tariff';
import type { RatingProfile } from '../../core/rating/profile';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { catalogRevision } from './projection';
import type { LiveSettings, RatesSource, RatingSnapshot } from '../../application/ports/rates-source';

const NO_SETTINGS: LiveSettings = { blockedPrefixes: null, pricing: null };

interface CarrierRow {
  carrier_id: string;
  name: string;
  currency: string;
  preference: number;
  trunks: string;
  service: string;
  deck_version: number | string;
}
/**
 * The columns under DeckRow's names, in its order: the rows come out of the driver as deck rows,
 * with no second object per row. INTEGER columns are numbers in both stores (int4 in PostgreSQL).
 */
const DECK_ROW_COLUMNS = `prefix, destination, rate, initial, subsequent, connect_fee AS "connectFee", minimum,
  effective_from AS "effectiveFrom", effective_to AS "effectiveTo"`;

async function loadDeck(rm: ReadModelStore, c: CarrierRow): Promise<CompiledDeck> {
  const version = Number(c.deck_version);
  // in prefix order (the primary key's: no sort) so that compileDeck groups without a map
  const deckRows = await rm.query<DeckRow>(
    `SELECT ${DECK_ROW_COLUMNS} FROM rate_deck_rows WHERE carrier_id = ? AND version = ? ORDER BY prefix`,
    [c.carrier_id, version],
  );
  const carrier = {
    carrierId: c.carrier_id,
    name: c.name,
    currency: c.currency,
    preference: Number(c.preference),
    trunks: JSON.parse(c.trunks) as Trunk[],
    service: c.service === 'sms' ? ('sms' as const) : ('voice' as const),
  };
  return compileDeck(carrier, version, deckRows);
}

async function loadPlan(
  rm: ReadModelStore,
  p: { plan_id: string; version: number | string; currency: string; time_zone: string; entries: string },
): Promise<RatingPlan> {
  const destinations = await rm.query<{ destination_id: string; prefixes: string }>(
    'SELECT destination_id, prefixes FROM rate_plan_destinations WHERE plan_id = ? AND version = ?',
    [p.plan_id, Number(p.version)],
  );
  return buildPlan({
    id: p.plan_id,
    currency: p.currency,
    timeZone: p.time_zone,
    destinations: Object.fromEntries(destinations.map((d) => [d.destination_id, JSON.parse(d.prefixes) as string[]])),
    entries: JSON.parse(p.entries) as StoredEntrySpec[],
  });
}

export const EMPTY_SNAPSHOT: RatingSnapshot = {
  carriers: new Map(),
  plans: new Map(),
  profiles: new Map(),
  versions: new Map(),
  settings: NO_SETTINGS,
  revision: -1,
};

/**
 * Keeps a rating snapshot in step with the rates projection. `refresh` costs one small read when
 * the catalog revision has not moved; otherwise it reloads only what changed (by version) and
 * swaps the whole snapshot at once: a lookup running meanwhile keeps the old one, complete, and
 * never sees a deck half loaded.
 */
export function ratesLookup(readModels: ReadModelStore) {
  let snapshot = EMPTY_SNAPSHOT;
  /** The newest catalog revision read; the snapshot is current for it. */
  let seen = -1;
  /** Wall-clock ms when `seen` was read: the snapshot holds every change committed before then. */
  let seenAt = -Infinity;
  let refreshing: Promise<RatingSnapshot> | null = null;

  async function load(previous: RatingSnapshot): Promise<{ next: RatingSnapshot; revision: number; readAt: number }> {
    const readAt = Date.now();
    // read first: a change committed while the tables are read is at worst loaded twice, never missed
    const revision = await catalogRevision((sql) => readModels.query(sql));
    // lower: the projection is being rebuilt from the same log, and its tables hold an earlier
    // point of it; what was loaded at `seen` stays right until the rebuild passes it again
    if (revision <= seen) return { next: previous, revision: seen, readAt };
    const versions = new Map<string, number>();
    const carriers = new Map<string, CompiledDeck>();
    for (const c of await readModels.query<CarrierRow>('SELECT * FROM rate_carriers ORDER BY carrier_id')) {
      const key = `carrier:${c.carrier_id}`;
      versions.set(key, Number(c.deck_version));
      const old = previous.carriers.get(c.carrier_id);
      carriers.set(c.carrier_id, old && previous.versions.get(key) === Number(c.deck_version) ? old : await loadDeck(readModels, c));
    }
    const plans = new Map<string, RatingPlan>();
    for (const p of await readModels.query<{ plan_id: string; version: number; currency: string; time_zone: string; entries: string }>(
      'SELECT * FROM rate_plans ORDER BY plan_id',
    )) {
      const key = `plan:${p.plan_id}`;
      versions.set(key, Number(p.version));
      const old = previous.plans.get(p.plan_id);
      plans.set(p.plan_id, old && previous.versions.get(key) === Number(p.version) ? old : await loadPlan(readModels, p));
    }
    const profiles = new Map<string, RatingProfile>();
    for (const p of await readModels.query<{ profile_id: string; activations: string }>(
      'SELECT profile_id, activations FROM rate_profiles',
    )) {
      const activations = (JSON.parse(p.activations) as { at: string; planId: string; fallbackSubject: string }[]).map((a) => ({
        ...a,
        at: Date.parse(a.at),
      }));
      profiles.set(p.profile_id, { id: p.profile_id, activations });
    }
    const settings: LiveSettings = { ...NO_SETTINGS };
    for (const r of await readModels.query<{ key: string; value: string }>('SELECT key, value FROM rate_settings')) {
      if (r.key === 'blockedPrefixes' || r.key === 'pricing') Object.assign(settings, { [r.key]: JSON.parse(r.value) as unknown });
    }
    const unchanged =
      JSON.stringify(settings) === JSON.stringify(previous.settings) &&
      versions.size === previous.versions.size &&
      [...versions].every(([k, v]) => previous.versions.get(k) === v) &&
      profiles.size === previous.profiles.size &&
      [...profiles].every(([k, p]) => JSON.stringify(p.activations) === JSON.stringify(previous.profiles.get(k)?.activations));
    // the same snapshot object when nothing moved: whatever is built from it (the retail sheets) is kept
    return { next: unchanged ? previous : { carriers, plans, profiles, versions, settings, revision }, revision, readAt };
  }

  return {
    current: () => snapshot,
    /** The newest catalog revision a refresh has read (-1 before the first), and when it read it. */
    lastRead: () => ({ revision: seen, readAt: seenAt }),
    /** Reloads what changed; concurrent calls share one reload. */
    async refresh(): Promise<RatingSnapshot> {
      refreshing ??= load(snapshot)
        .then(({ next, revision, readAt }) => {
          seen = revision;
          seenAt = readAt;
          return (snapshot = next);
        })
        .finally(() => {
          refreshing = null;
        });
      return refreshing;
    },
  };
}

export type RatesLookup = ReturnType<typeof ratesLookup>;

/** The lookup as rating's port: `sync` first brings the rates projection to the log's head. */
export function ratesSource(runner: { catchUp(name: string): Promise<unknown> }, lookup: RatesLookup): RatesSource {
  return {
    current: () => lookup.current(),
    async sync() {
      await runner.catchUp('rates');
      await lookup.refresh();
    },
  };
}
