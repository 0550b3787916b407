import { catalogCodec, type CatalogEvent } from '../../core/rating/catalog-events';
import { insertDeckRows } from './deck-rows';
import type { RecordedEvent } from '../../core/events/envelope';
import { settingsCodec } from '../../core/settings/live-settings';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx } from '../../application/ports/read-model-store';

/**
 * The catalog revision: the log position of the last event that changed what rating loads. Every
 * serving engine compares it with the revision its in-memory rates were built from, so a change
 * made by any process (a CLI import, another node's projector) is noticed with one small read.
 */
async function bumpRevision(tx: SqlTx, position: number): Promise<void> {
  await tx.run(
    `INSERT INTO rate_catalog (id, revision) VALUES (1, ?)
     ON CONFLICT (id) DO UPDATE SET revision = excluded.revision WHERE rate_catalog.revision < excluded.revision`,
    [position],
  );
}

/** The catalog revision the rates read model holds now (0 before the first carrier or plan). */
export async function catalogRevision(query: (sql: string) => Promise<{ revision: number | string }[]>): Promise<number> {
  const [row] = await query('SELECT revision FROM rate_catalog WHERE id = 1');
  return row ? Number(row.revision) : 0;
}

/**
 * Carriers, their current deck, and rating plans. Staged chunks are written under their version
 * as they arrive; a publication makes that version current and drops older ones, so readers
 * (the in-memory lookup) only ever load a complete version.
 */
export const ratesProjection: Projection = {
  name: 'rates',
  // 2: carriers carry their service (voice or sms); 3: the catalog revision
  version: 3,
  handles: [
    'CarrierRegistered',
    'DeckRowsStaged',
    'DeckPublished',
    'RatingPlanChunkStaged',
    'RatingPlanPublished',
    'RatingProfilePublished',
    'BlockedPrefixesSet',
    'PricingOptionsSet',
  ],
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS rate_carriers (
      carrier_id TEXT PRIMARY KEY, name TEXT NOT NULL, currency TEXT NOT NULL, preference INTEGER NOT NULL,
      trunks TEXT NOT NULL, service TEXT NOT NULL DEFAULT 'voice', deck_version INTEGER NOT NULL, deck_rows INTEGER NOT NULL,
      deck_published_at TEXT)`);
    await tx.run(`CREATE TABLE IF NOT EXISTS rate_deck_rows (
      carrier_id TEXT NOT NULL, version INTEGER NOT NULL, prefix TEXT NOT NULL, destination TEXT NOT NULL,
      rate TEXT NOT NULL, initial INTEGER NOT NULL, subsequent INTEGER NOT NULL, connect_fee TEXT NOT NULL,
      minimum INTEGER NOT NULL, effective_from TEXT NOT NULL, effective_to TEXT,
      PRIMARY KEY (carrier_id, version, prefix, effective_from))`);
    await tx.run(`CREATE TABLE IF NOT EXISTS rate_plans (
      plan_id TEXT PRIMARY KEY, version INTEGER NOT NULL, currency TEXT NOT NULL, time_zone TEXT NOT NULL,
      entries TEXT NOT NULL, published_at TEXT NOT NULL)`);
    await tx.run(`CREATE TABLE IF NOT EXISTS rate_plan_destinations (
      plan_id TEXT NOT NULL, version INTEGER NOT NULL, destination_id TEXT NOT NULL, prefixes TEXT NOT NULL,
      PRIMARY KEY (plan_id, version, destination_id))`);
    await tx.run(`CREATE TABLE IF NOT EXISTS rate_profiles (
      profile_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, activations TEXT NOT NULL, published_at TEXT NOT NULL)`);
    await tx.run(`CREATE TABLE IF NOT EXISTS rate_catalog (id INTEGER PRIMARY KEY, revision BIGINT NOT NULL)`);
    await tx.run(`CREATE TABLE IF NOT EXISTS rate_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  },
  async reset(tx) {
    // dropped, not emptied: a version-1 table has no service column
    await tx.run('DROP TABLE IF EXISTS rate_carriers');
    for (const t of ['rate_deck_rows', 'rate_plans', 'rate_plan_destinations', 'rate_profiles']) await tx.run(`DELETE FROM ${t}`);
    await tx.run('DROP TABLE IF EXISTS rate_catalog');
    await tx.run('DROP TABLE IF EXISTS rate_settings');
    await ratesProjection.setup(tx);
  },
  async apply(recorded, tx: SqlTx) {
    if (settingsCodec.types.has(recorded.type)) {
      const e = settingsCodec.decode(recorded);
      const [key, value] = e.type === 'BlockedPrefixesSet' ? ['blockedPrefixes', e.data.prefixes] : ['pricing', e.data.options];
      await tx.run('INSERT INTO rate_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        key,
        JSON.stringify(value),
      ]);
      return bumpRevision(tx, recorded.position);
    }
    const e = catalogCodec.decode(recorded);
    await applyCatalog(e, recorded, tx);
    // after the change, never before: a reader sharing this connection (projections in process)
    // sees uncommitted rows, and must never see a revision whose tables it could not load yet;
    // staged rows change nothing a reader loads
    if (e.type !== 'DeckRowsStaged' && e.type !== 'RatingPlanChunkStaged') await bumpRevision(tx, recorded.position);
  },
};

async function applyCatalog(e: CatalogEvent, recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  switch (e.type) {
    case 'CarrierRegistered':
      await tx.run(
        `INSERT INTO rate_carriers (carrier_id, name, currency, preference, trunks, service, deck_version, deck_rows)
           VALUES (?, ?, ?, ?, ?, ?, 0, 0) ON CONFLICT (carrier_id) DO NOTHING`,
        [e.data.carrierId, e.data.name, e.data.currency, e.data.preference, JSON.stringify(e.data.trunks), e.data.service],
      );
      return;
    case 'DeckRowsStaged':
      await insertDeckRows(tx, e.data.carrierId, e.data.version, e.data.rows);
      return;
    case 'DeckPublished':
      await tx.run('DELETE FROM rate_deck_rows WHERE carrier_id = ? AND version < ?', [e.data.carrierId, e.data.version]);
      await tx.run('UPDATE rate_carriers SET deck_version = ?, deck_rows = ?, deck_published_at = ? WHERE carrier_id = ?', [
        e.data.version,
        e.data.rows,
        recorded.recordedAt,
        e.data.carrierId,
      ]);
      return;
    case 'RatingPlanChunkStaged':
      for (const [destination, prefixes] of Object.entries(e.data.destinations)) {
        await tx.run('INSERT INTO rate_plan_destinations (plan_id, version, destination_id, prefixes) VALUES (?, ?, ?, ?)', [
          e.data.planId,
          e.data.version,
          destination,
          JSON.stringify(prefixes),
        ]);
      }
      return;
    case 'RatingPlanPublished':
      await tx.run('DELETE FROM rate_plan_destinations WHERE plan_id = ? AND version < ?', [e.data.planId, e.data.version]);
      await tx.run(
        `INSERT INTO rate_plans (plan_id, version, currency, time_zone, entries, published_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (plan_id) DO UPDATE SET version = excluded.version, currency = excluded.currency,
             time_zone = excluded.time_zone, entries = excluded.entries, published_at = excluded.published_at`,
        [e.data.planId, e.data.version, e.data.currency, e.data.timeZone, JSON.stringify(e.data.entries), recorded.recordedAt],
      );
      return;
    case 'RatingProfilePublished':
      await tx.run(
        `INSERT INTO rate_profiles (profile_id, sha256, activations, published_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (profile_id) DO UPDATE SET sha256 = excluded.sha256, activations = excluded.activations, published_at = excluded.published_at`,
        [e.data.profileId, e.data.sha256, JSON.stringify(e.data.activations), recorded.recordedAt],
      );
      return;
  }
}
