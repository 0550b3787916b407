import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../adapters/runtime/config';
import { createEngine, type Engine } from '../../adapters/runtime/engine';
import { matchDeck } from '../../core/rating/deck';

const DECKS = join(__dirname, '..', 'fixtures', 'rating', 'decks');
const AT = new Date('2026-11-25T12:00:00Z');

describe('rates lookup', () => {
  let dir: string;
  let engine: Engine;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-lookup-'));
    engine = await createEngine(loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir }), { logger: pino({ level: 'silent' }) });
    await engine.rating.registerCarrier({ carrierId: 'alpha', name: 'Alpha', currency: 'EUR', preference: 1, trunks: [] });
    await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'alpha-v1.csv') });
    await engine.rating.sync();
  });
  afterEach(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('while a new deck version loads, every lookup sees one whole version, never a mix', async () => {
    await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'alpha-v2.csv') });
    await engine.runner.catchUp('rates');
    const seen = new Set<number>();
    let done = false;
    const refreshing = engine.lookup.refresh().finally(() => (done = true));
    // observe the snapshot at every turn of the event loop until the swap has happened
    for (let i = 0; i < 10_000 && !done; i++) {
      const deck = engine.lookup.current().carriers.get('alpha')!;
      seen.add(deck.version);
      const uk = matchDeck(deck, '441234', AT)!.row.rate;
      const de = matchDeck(deck, '4930123', AT);
      // version 1: 44 at 0.0100 and no 49; version 2: 44 at 0.0090 and 49
      expect(deck.version === 1 ? [uk, de] : [uk, de?.row.rate]).toEqual(deck.version === 1 ? ['0.0100', null] : ['0.0090', '0.0110']);
      await new Promise((r) => setImmediate(r));
    }
    await refreshing;
    expect(engine.lookup.current().carriers.get('alpha')!.version).toBe(2);
    expect(seen.has(1)).toBe(true);
  });

  test('a refresh with nothing changed keeps the same deck objects', async () => {
    const snapshot = engine.lookup.current();
    const before = snapshot.carriers.get('alpha');
    const sheet = engine.rating.current().retail;
    await engine.lookup.refresh();
    expect(engine.lookup.current().carriers.get('alpha')).toBe(before);
    // the snapshot itself too, so the retail sheet built from it is not built again (servers refresh every 2 s)
    expect(engine.lookup.current()).toBe(snapshot);
    expect(engine.rating.current().retail).toBe(sheet);
  });

  test('while the rates projection is rebuilt, the lookup keeps what it loaded instead of an earlier point of the log', async () => {
    await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'alpha-v2.csv') });
    await engine.rating.sync();
    const loaded = engine.lookup.current();
    expect(loaded.carriers.get('alpha')!.version).toBe(2);
    // emptied, as a rebuild starts: revision 0, no carrier
    await engine.runner.rebuild('rates').catch(() => undefined);
    await engine.readModels.transaction(async (tx) => {
      await tx.run('DELETE FROM rate_carriers');
      await tx.run('DELETE FROM rate_catalog');
    });
    await engine.lookup.refresh();
    expect(engine.lookup.current()).toBe(loaded);
    expect(engine.lookup.lastRead().revision).toBe(loaded.revision);
  });

  test('the catalog revision moves only with the change it stands for, even to a reader inside the transaction', async () => {
    await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'alpha-v2.csv') });
    // replayed by hand, one event at a time in one transaction, as the in-process runner's
    // connection shows it to the lookup: a revision is never ahead of the tables
    const { ratesProjection } = await import('../../projections/rates/projection');
    await engine.readModels.transaction(async (tx) => {
      await ratesProjection.reset!(tx);
      for await (const e of engine.store.readAll(0)) {
        if (!ratesProjection.handles?.includes(e.type)) continue;
        await ratesProjection.apply(e, tx);
        const [rev] = await tx.all<{ revision: number }>('SELECT revision FROM rate_catalog WHERE id = 1');
        if (e.type === 'DeckPublished') {
          const [carrier] = await tx.all<{ deck_version: number }>('SELECT deck_version FROM rate_carriers');
          expect([Number(rev!.revision), Number(carrier!.deck_version)]).toEqual([e.position, (e.data as { version: number }).version]);
        }
      }
    });
  });
});
