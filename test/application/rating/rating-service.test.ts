import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { ImportRejectedError } from '../../../application/rating/errors';
import { parseCallDuration } from '../../../core/rating/duration';
import { UnratedDestinationError } from '../../../core/rating/cost';

const DECKS = join(__dirname, '..', '..', 'fixtures', 'rating', 'decks');
const CGRATES = join(__dirname, '..', '..', 'fixtures', 'rating', 'cgrates');

describe('rating service on a real engine (SQLite)', () => {
  let dir: string;
  let engine: Engine;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-rating-'));
    const config = loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir });
    engine = await createEngine(
      {
        ...config,
        pluginOptions: {
          pricing: { markupPercent: '50', minMarginPerMinute: '0.002', freePrefixes: ['4420'], overrides: { '33': '0.5' } },
        },
      },
      { logger: pino({ level: 'silent' }) },
    );
    await engine.rating.registerCarrier({ carrierId: 'alpha', name: 'Alpha', currency: 'EUR', preference: 10, trunks: [] });
    await engine.rating.registerCarrier({ carrierId: 'beta', name: 'Beta', currency: 'EUR', preference: 5, trunks: [] });
  });
  afterEach(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a deck imported twice is one version; a changed deck is the next, and the diff names the changes', async () => {
    const first = await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'alpha-v1.csv') });
    expect(first).toMatchObject({ version: 1, rows: 4, unchanged: false });
    expect(await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'alpha-v1.csv') })).toMatchObject({
      version: 1,
      unchanged: true,
    });
    await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'alpha-v2.csv') });
    const diff = await engine.rating.diffDeck('alpha');
    expect(diff.added.map((r) => r.prefix)).toEqual(['49']);
    expect(diff.removed.map((r) => r.prefix)).toEqual(['4479']);
    expect(diff.changed.map((c) => [c.after.prefix, c.before.rate, c.after.rate])).toEqual([['44', '0.0100', '0.0090']]);
    await engine.rating.sync();
    expect(engine.rating.current().carriers.get('alpha')!.version).toBe(2);
  });

  test('a deck is staged in key order whatever the file order, and the same deck in another order is unchanged', async () => {
    const header = 'prefix,destination,rate,initial,subsequent,connect_fee,effective_from';
    const lines = [
      '4479,M,0.05,1,1,0,2026-01-01',
      '33,F,0.012,30,6,0,2026-01-01',
      '447,M,0.03,1,1,0,2026-02-01',
      '44,U,0.01,60,60,0,2026-01-01',
      '447,M,0.02,1,1,0,2026-01-01',
      '4,X,0.5,60,60,0,2026-01-01',
    ];
    const shuffled = join(dir, 'shuffled.csv');
    writeFileSync(shuffled, [header, ...lines].join('\n'));
    const reversed = join(dir, 'reversed.csv');
    writeFileSync(reversed, [header, ...[...lines].reverse()].join('\n'));
    expect(await engine.rating.importDeck({ carrierId: 'alpha', file: shuffled })).toMatchObject({ version: 1, rows: 6, unchanged: false });
    const staged: string[] = [];
    for await (const e of engine.store.readStream('carrier-alpha'))
      if (e.type === 'DeckRowsStaged')
        for (const row of (e.data as { rows: string[][] }).rows) staged.push(`${row[0]}@${row[7]!.slice(0, 7)}`);
    // prefix + effectiveFrom joined and compared as text: "33…" < "42026…" < "442026…" < "4472026-01…" < "4472026-02…" < "44792026…"
    expect(staged).toEqual(['33@2026-01', '4@2026-01', '44@2026-01', '447@2026-01', '447@2026-02', '4479@2026-01']);
    expect(await engine.rating.importDeck({ carrierId: 'alpha', file: reversed })).toMatchObject({ version: 1, unchanged: true });
    await engine.rating.sync();
    const deck = engine.rating.current().carriers.get('alpha')!;
    expect(deck.prefixes).toEqual(['33', '4', '44', '447', '4479']);
    expect(deck.rows[deck.prefixes.indexOf('447')]!.map((r) => r.rate)).toEqual(['0.03', '0.02']);
  });

  test('a deck with bad rows changes nothing unless told to skip them', async () => {
    const head = await engine.store.head();
    await expect(engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'bad.csv') })).rejects.toBeInstanceOf(
      ImportRejectedError,
    );
    expect(await engine.store.head()).toBe(head);
    const r = await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'bad.csv'), skipBadRows: true });
    expect(r).toMatchObject({ rows: 1, skipped: 7 });
    await expect(engine.rating.importDeck({ carrierId: 'nobody', file: join(DECKS, 'bad.csv') })).rejects.toMatchObject({
      code: 'unknown-carrier',
    });
  });

  test('the retail sheet follows the cheapest carrier through the pricing policy, and quotes on it', async () => {
    await engine.rating.importDeck({ carrierId: 'alpha', file: join(DECKS, 'alpha-v1.csv') });
    await engine.rating.importDeck({ carrierId: 'beta', file: join(DECKS, 'beta.csv') });
    await engine.rating.sync();
    const sheet = engine.rating.current().retail;
    const byPrefix = new Map(sheet.rows.map((r) => [r.prefix, r]));
    // 447: beta 0.02 is cheapest; ×1.5 = 0.03 beats +0.002
    expect(byPrefix.get('447')!.ratePerMinute).toBe('0.03');
    // 44: alpha 0.01; ×1.5 = 0.015 vs 0.012: 0.015
    expect(byPrefix.get('44')!.ratePerMinute).toBe('0.015');
    expect(byPrefix.get('33')!.ratePerMinute).toBe('0.5');
    const quote = engine.rating.quote({
      planId: 'retail',
      number: '+447400123456',
      start: new Date('2026-11-25T10:00:00Z'),
      duration: parseCallDuration('90'),
    });
    expect(quote.cost.toFixed()).toBe('0.045');
    const lcr = engine.rating.lcr({ number: '+447400123456', start: new Date('2026-11-25T10:00:00Z'), duration: parseCallDuration('60') });
    expect(lcr.routes.map((r) => [r.carrier.carrierId, r.cost.toFixed(), r.margin?.toFixed()])).toEqual([
      ['beta', '0.02', '0.01'],
      ['alpha', '0.03', '0'],
    ]);
  });

  test('CGRateS plans import and rate; an unrated number is a typed error', async () => {
    const r = await engine.rating.importTariffs({ path: CGRATES, format: 'cgrates', currency: 'EUR' });
    expect(r.plans).toEqual([{ planId: 'RP_RETAIL', version: 1, unchanged: false, destinations: 3 }]);
    expect(r.profiles).toBe(1);
    expect((await engine.rating.importTariffs({ path: CGRATES, format: 'cgrates', currency: 'EUR' })).plans[0]!.unchanged).toBe(true);
    await engine.rating.sync();
    const q = engine.rating.quote({
      planId: 'RP_RETAIL',
      number: '+447400123456',
      start: new Date('2026-11-25T10:00:00Z'),
      duration: parseCallDuration('75'),
    });
    expect([q.destinationId, q.cost.toFixed()]).toEqual(['DST_UK_MOBILE', '0.75']);
    expect(() => engine.rating.quote({ planId: 'RP_RETAIL', number: '+12025550143', start: new Date(), duration: 60e9 })).toThrow(
      UnratedDestinationError,
    );
    expect(() => engine.rating.quote({ planId: 'NOPE', number: '+12025550143', start: new Date(), duration: 60e9 })).toThrow(
      /no rating plan "NOPE"/,
    );
  });

  test('a column mapping reads another layout, per-second rates included', async () => {
    const file = join(dir, 'carrier-x.csv');
    writeFileSync(file, 'Code;Country;PerSec;Cur;Min\n+44;UK;0.0002;EUR;30\n');
    const mapping = join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        delimiter: ';',
        ratePer: 'second',
        columns: { prefix: 'Code', destination: 'Country', rate: 'PerSec', currency: 'Cur', minimum: 'Min' },
      }),
    );
    await engine.rating.importDeck({ carrierId: 'alpha', file, mappingFile: mapping });
    await engine.rating.sync();
    const deck = engine.rating.current().carriers.get('alpha')!;
    expect(deck.rows[0]![0]).toMatchObject({ prefix: '44', rate: '0.012', initial: 60, subsequent: 60, minimum: 30 });
  });
});
