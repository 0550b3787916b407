import type { ReadModelStore, SqlTx } from '../../../application/ports/read-model-store';
import type { RecordedEvent } from '../../../core/events/envelope';
import { toStagedRow, type DeckRow } from '../../../core/rating/catalog-events';
import { compileDeck } from '../../../core/rating/deck';
import { ratesLookup } from '../../../projections/rates/lookup';
import { ratesProjection } from '../../../projections/rates/projection';
import { seeded } from '../../support/random';

const CARRIER = { carrierId: 'big', name: 'Big', currency: 'EUR', preference: 1, trunks: [], service: 'voice' as const };

/** Chunks of sizes that exercise every statement size (128, 32, 8, 1) and their remainders. */
const CHUNK_SIZES = [1234, 3, 128, 41, 0, 2000];

function deck(seed: number): DeckRow[] {
  const rnd = seeded(seed);
  const total = CHUNK_SIZES.reduce((a, b) => a + b, 0);
  const rows: DeckRow[] = [];
  const taken = new Set<string>();
  while (rows.length < total) {
    const prefix = rnd.digits(rnd.int(1, 7));
    const effectiveFrom = `2026-0${rnd.int(1, 4)}-01T00:00:00.000Z`;
    if (taken.has(prefix + effectiveFrom)) continue;
    taken.add(prefix + effectiveFrom);
    rows.push({
      prefix,
      destination: rnd.pick(['Zone 1', 'Zóna "2"', '']),
      rate: `0.${rnd.digits(rnd.int(1, 10))}`,
      initial: rnd.pick([1, 30, 60]),
      subsequent: rnd.pick([1, 6, 60]),
      connectFee: rnd.pick(['0', '0.015']),
      minimum: rnd.int(0, 30),
      effectiveFrom,
      effectiveTo: rnd.pick([null, '2026-06-01T00:00:00.000Z']),
    });
  }
  return rows;
}

/**
 * The deck's events as the log holds them: staged rows as objects (schema version 1, written
 * before rows were tuples, read through the upcaster) or as tuples (version 2, written now).
 */
function events(rows: readonly DeckRow[], stagedVersion: 1 | 2): RecordedEvent[] {
  let from = 0;
  const data: [string, Record<string, unknown>][] = [
    ['CarrierRegistered', { ...CARRIER }],
    ...CHUNK_SIZES.map((size, chunk): [string, Record<string, unknown>] => {
      const part = rows.slice(from, (from += size));
      return ['DeckRowsStaged', { carrierId: 'big', version: 1, chunk, rows: stagedVersion === 1 ? part : part.map(toStagedRow) }];
    }),
    ['DeckPublished', { carrierId: 'big', version: 1, rows: rows.length, chunks: CHUNK_SIZES.length, sha256: 'x', source: 'deck.csv' }],
  ];
  return data.map(([type, d], i) => ({
    id: `e${i}`,
    type,
    schemaVersion: type === 'DeckRowsStaged' ? stagedVersion : 1,
    data: d as RecordedEvent['data'],
    metadata: {},
    stream: 'carrier-big',
    version: i,
    position: i + 1,
    recordedAt: '2026-12-01T00:00:00.000Z',
  }));
}

/** One INSERT per row, the statement the projection wrote each row with before it wrote many at once. */
async function insertRowByRow(tx: SqlTx, rows: readonly DeckRow[]): Promise<void> {
  for (const r of rows)
    await tx.run(
      `INSERT INTO rate_deck_rows (carrier_id, version, prefix, destination, rate, initial, subsequent, connect_fee, minimum, effective_from, effective_to)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ['big', 1, r.prefix, r.destination, r.rate, r.initial, r.subsequent, r.connectFee, r.minimum, r.effectiveFrom, r.effectiveTo],
    );
}

const TABLES = {
  rate_deck_rows: 'carrier_id, version, prefix, effective_from',
  rate_carriers: 'carrier_id',
  rate_catalog: 'id',
};
async function tables(rm: ReadModelStore): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [t, key] of Object.entries(TABLES)) out[t] = await rm.query(`SELECT * FROM ${t} ORDER BY ${key}`);
  return out;
}

/** A staged deck written by the rates projection, and loaded back by the lookup, the same on every store. */
export function deckRowsContract(open: () => Promise<ReadModelStore>): void {
  const rows = deck(23);
  const log = events(rows, 2);

  test.each([1, 2] as const)(
    'staged rows of schema version %s: one event per transaction, all in one, a rebuild, and one INSERT per row give the same tables',
    async (stagedVersion) => {
      const log = events(rows, stagedVersion);
      const [single, batch, reference] = [await open(), await open(), await open()];
      try {
        for (const rm of [single, batch, reference]) await rm.migrate((tx) => ratesProjection.setup(tx));
        for (const e of log) await single.transaction((tx) => ratesProjection.apply(e, tx));
        await batch.transaction(async (tx) => {
          for (const e of log) await ratesProjection.apply(e, tx);
        });
        // the reference reads the rows as objects, whatever version the log under test holds
        await reference.transaction(async (tx) => {
          for (const e of events(rows, 1))
            if (e.type === 'DeckRowsStaged') await insertRowByRow(tx, (e.data as { rows: DeckRow[] }).rows);
            else await ratesProjection.apply(e, tx);
        });
        const expected = await tables(reference);
        expect((expected['rate_deck_rows'] as unknown[]).length).toBe(rows.length);
        expect(await tables(single)).toEqual(expected);
        expect(await tables(batch)).toEqual(expected);
        await batch.transaction(async (tx) => {
          await ratesProjection.reset(tx);
          for (const e of log) await ratesProjection.apply(e, tx);
        });
        expect(await tables(batch)).toEqual(expected);
      } finally {
        for (const rm of [single, batch, reference]) await rm.close();
      }
    },
  );

  test('the lookup loads the deck the rows compile to, field for field and in the same key order', async () => {
    const rm = await open();
    try {
      await rm.migrate((tx) => ratesProjection.setup(tx));
      await rm.transaction(async (tx) => {
        for (const e of log) await ratesProjection.apply(e, tx);
      });
      const loaded = (await ratesLookup(rm).refresh()).carriers.get('big')!;
      // the rows in the order the table gives them, as the store's own SELECT does
      const stored = await rm.query<{ prefix: string; effective_from: string }>(
        'SELECT prefix, effective_from FROM rate_deck_rows WHERE carrier_id = ? AND version = ?',
        ['big', 1],
      );
      const byKey = new Map(rows.map((r) => [r.prefix + r.effectiveFrom, r]));
      const expected = compileDeck(
        CARRIER,
        1,
        stored.map((s) => byKey.get(s.prefix + s.effective_from)!),
      );
      expect(loaded.prefixes).toEqual(expected.prefixes);
      expect(JSON.stringify(loaded.rows)).toBe(JSON.stringify(expected.rows));
      expect(loaded.fast).toEqual(expected.fast);
      expect(loaded.rowCount).toBe(rows.length);
      for (const p of expected.prefixes.slice(0, 200)) expect(loaded.trie.longest(`${p}99`)).toBe(expected.trie.longest(`${p}99`));
    } finally {
      await rm.close();
    }
  });
}
