/**
 * npm run bench:rating — a generated 250,000-prefix carrier deck imported end to end (parse,
 * events, projection, lookup ready), then in-process longest-prefix lookups, quotes and LCR
 * over 5 carriers. Writes the "rating" section of docs/benchmarks.md (BENCH_WRITE=0: print
 * only). BENCH_SCALE=0.1 for a quick run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';
import type { DeckRow } from '../core/rating/catalog-events';
import { rateCall } from '../core/rating/cost';
import { compileDeck, priceOnDeck } from '../core/rating/deck';
import { buildPlan } from '../core/rating/plan-builder';
import { NS_PER_SECOND } from '../core/rating/duration';
import { leastCostRoutes } from '../core/rating/lcr';
import { seeded } from '../test/support/random';
import { fmt, machine, writeSection } from './report';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const PREFIXES = Math.round(250_000 * SCALE);
const COUNTRY_CODES = [
  '1',
  '7',
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '54',
  '55',
  '61',
  '81',
  '86',
  '91',
  '234',
  '254',
  '351',
  '353',
  '358',
  '380',
  '420',
  '880',
  '971',
];

function generatePrefixes(n: number, seed: number): string[] {
  const rnd = seeded(seed);
  const out = new Set<string>();
  while (out.size < n) out.add(rnd.pick(COUNTRY_CODES) + rnd.digits(rnd.int(1, 6)));
  return [...out];
}

function deckRows(prefixes: readonly string[], seed: number): DeckRow[] {
  const rnd = seeded(seed);
  return prefixes.map((prefix) => ({
    prefix,
    destination: `Destination ${prefix.slice(0, 3)}`,
    rate: `0.${rnd.digits(4)}`,
    initial: rnd.pick([1, 30, 60]),
    subsequent: rnd.pick([1, 6, 60]),
    connectFee: '0',
    minimum: 0,
    effectiveFrom: '2026-01-01T00:00:00.000Z',
    effectiveTo: null,
  }));
}

function perSecond(n: number, fn: (i: number) => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

const heapMiB = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rating-'));
  const prefixes = generatePrefixes(PREFIXES, 1);
  const rows = deckRows(prefixes, 2);
  const file = join(dir, 'deck.csv');
  writeFileSync(
    file,
    [
      'prefix,destination,rate,initial,subsequent,connect_fee,effective_from',
      ...rows.map((r) => `${r.prefix},${r.destination},${r.rate},${r.initial},${r.subsequent},0,2026-01-01`),
    ].join('\n'),
  );
  const config = loadConfig({ env: {}, flags: { dataDir: join(dir, 'data') }, cwd: dir });
  const engine = await createEngine(
    { ...config, pluginOptions: { pricing: { markupPercent: '20' } } },
    { logger: pino({ level: 'silent' }) },
  );
  const results: [string, string, string][] = [];
  try {
    await engine.rating.registerCarrier({ carrierId: 'big', name: 'Big', currency: 'EUR', preference: 1, trunks: [] });
    const heapBefore = heapMiB();
    const t0 = process.hrtime.bigint();
    const imported = await engine.rating.importDeck({ carrierId: 'big', file });
    const t1 = process.hrtime.bigint();
    console.error('heap after import', (heapMiB() - heapBefore).toFixed(0));
    await engine.runner.catchUp('rates');
    const t2 = process.hrtime.bigint();
    console.error('heap after projection', (heapMiB() - heapBefore).toFixed(0));
    await engine.lookup.refresh();
    const t3 = process.hrtime.bigint();
    const s = (a: bigint, b: bigint) => Number(b - a) / 1e9;
    const deck = engine.lookup.current().carriers.get('big')!;
    if (deck.prefixes.length !== PREFIXES || imported.rows !== PREFIXES)
      throw new Error(`imported ${imported.rows} rows, lookup has ${deck.prefixes.length}`);
    const heldMiB = heapMiB() - heapBefore;
    const t4 = process.hrtime.bigint();
    engine.rating.current(); // builds the retail sheet and its plan from the deck
    const t5 = process.hrtime.bigint();
    const sheetMiB = heapMiB() - heapBefore - heldMiB;
    results.push(
      [`import ${fmt(PREFIXES)}-prefix deck end to end`, `${s(t0, t3).toFixed(2)} s`, '< 10 s'],
      ['… parse + validate + events appended', `${s(t0, t1).toFixed(2)} s`, ''],
      ['… rates projection', `${s(t1, t2).toFixed(2)} s`, ''],
      ['… lookup built (trie + rows)', `${s(t2, t3).toFixed(2)} s`, ''],
      [
        "memory held by the loaded deck (JS heap after GC, plus the trie's typed arrays)",
        `${heldMiB.toFixed(0)} MiB + ${(deck.trie.bytes / 2 ** 20).toFixed(1)} MiB`,
        '',
      ],
      [
        'retail sheet (and the deck it is quoted on) built from the carrier decks',
        `${s(t4, t5).toFixed(2)} s, ${sheetMiB.toFixed(0)} MiB`,
        '',
      ],
    );
    console.error('import: done');

    const rnd = seeded(3);
    const numbers = Array.from({ length: 200_000 }, () => rnd.pick(prefixes) + rnd.digits(rnd.int(2, 8)));
    const at = new Date('2026-11-25T12:00:00Z');
    let sink = 0;
    perSecond(200_000, (i) => (sink += deck.trie.longest(numbers[i % numbers.length]!)));
    results.push([
      'longest-prefix lookups',
      `${fmt(perSecond(2_000_000, (i) => (sink += deck.trie.longest(numbers[i % numbers.length]!))))}/s`,
      '≥ 2,000,000/s',
    ]);
    // every quote reads its decimal cost as a string, as an API answer would
    const carrierQuote = (i: number) =>
      (sink += priceOnDeck(deck, numbers[i % numbers.length]!, at, (30 + (i % 600)) * NS_PER_SECOND)!.cost.toFixed().length);
    perSecond(20_000, carrierQuote);
    results.push([
      'carrier quotes (deck row, increments, exact decimal cost as a string)',
      `${fmt(perSecond(300_000, carrierQuote))}/s`,
      '≥ 200,000/s',
    ]);
    // a CGRateS-style plan over the same prefixes: one destination per country code and length,
    // peak and off-peak timings, first minute whole then per second, rounded *up to 4 decimals
    const destinations: Record<string, string[]> = {};
    for (const p of prefixes) (destinations[`D${p.slice(0, 3)}`] ??= []).push(p);
    const plan = buildPlan({
      id: 'bench',
      currency: 'EUR',
      destinations,
      entries: Object.keys(destinations).flatMap((d) => [
        {
          destination: d,
          timing: { id: 'OFFPEAK' },
          slots: [
            { rate: '0.05', rateIncrement: '60s' },
            { groupIntervalStart: '60s', rate: '0.05', rateIncrement: '1s' },
          ],
        },
        {
          destination: d,
          timing: { id: 'PEAK', weekDays: [1, 2, 3, 4, 5], time: '08:00:00' },
          slots: [
            { rate: '0.09', rateIncrement: '60s' },
            { groupIntervalStart: '60s', rate: '0.09', rateIncrement: '1s' },
          ],
        },
      ]),
    });
    const planQuote = (i: number) =>
      (sink += rateCall(plan, numbers[i % numbers.length]!, at, (30 + (i % 600)) * NS_PER_SECOND).cost.toFixed().length);
    perSecond(20_000, planQuote);
    results.push([
      'rating-plan quotes (peak/off-peak timings, two slots, exact total, rounding; cost as a string)',
      `${fmt(perSecond(200_000, planQuote))}/s`,
      '≥ 200,000/s',
    ]);
    console.error('quotes: done');

    const carriers = [
      deck,
      ...[4, 5, 6, 7].map((seed, k) =>
        compileDeck(
          { carrierId: `c${k}`, name: `c${k}`, currency: 'EUR', preference: k, trunks: [], service: 'voice' },
          1,
          deckRows(prefixes, seed),
        ),
      ),
    ];
    const rank = (i: number) => (sink += leastCostRoutes(carriers, numbers[i % numbers.length]!, at, 60 * NS_PER_SECOND).routes.length);
    perSecond(5_000, rank);
    results.push([
      'LCR over 5 carriers: each priced exactly (integer cost units), sorted',
      `${fmt(perSecond(100_000, rank))}/s`,
      '≥ 100,000/s',
    ]);
    const rankAndPrint = (i: number) => {
      for (const r of leastCostRoutes(carriers, numbers[i % numbers.length]!, at, 60 * NS_PER_SECOND).routes)
        sink += r.cost.toFixed().length;
    };
    results.push(["… and every route's decimal cost as a string", `${fmt(perSecond(50_000, rankAndPrint))}/s`, '']);
    if (sink === 42) console.log(''); // keeps the lookups from being optimized away
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const body = `## Rating (\`npm run bench:rating\`)

Machine: ${machine()}. Scale: ${SCALE}. A generated deck of ${fmt(PREFIXES)} distinct prefixes (1–6 digits after real
country codes), imported through \`carriers import-deck\`'s code path into SQLite; lookups and quotes on random numbers
under those prefixes, one thread. CGRateS users report 170,000 prefixes loading in 45–60 minutes.

| measure | result | target |
|---|---|---|
${results.map((r) => `| ${r.join(' | ')} |`).join('\n')}`;
  if (process.env['BENCH_WRITE'] !== '0') writeSection('rating', body);
  console.log(body);
}

void main();
