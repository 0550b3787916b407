/**
 * npm run bench:rating — a generated 250,000-prefix carrier deck imported end to end (parse,
 * events, projection, lookup ready), then in-process longest-prefix lookups, quotes and LCR
 * over 5 carriers. Writes the "rating" section of docs/benchmarks.md (BENCH_WRITE=0: print
 * only). BENCH_SCALE=0.1 for a quick run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rateCall } from '../core/rating/cost';
import { compileDeck, priceOnDeck } from '../core/rating/deck';
import { buildPlan } from '../core/rating/plan-builder';
import { NS_PER_SECOND } from '../core/rating/duration';
import { leastCostRoutes } from '../core/rating/lcr';
import { seeded } from '../test/support/random';
import { alternate, versus } from './compare';
import { floorImport, type ImportTimes } from './import-floor';
import { deckRows, generatePrefixes, writeDeckCsv } from './rating-deck';
import { engineImport, engineWithCarrier, type Engine } from './rating-import';
import { fmt, machine, writeSection } from './report';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const PREFIXES = Math.round(250_000 * SCALE);
const ROUNDS = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 3));

const heapMiB = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The 1-minute load average: on a shared 2-core machine, what else ran shows in it. */
const load = () => loadavg()[0]!.toFixed(1);

/** A digit trie in two flat arrays, built and walked inline: the floor a lookup is compared with. */
function rawTrie(prefixes: readonly string[]): (digits: string) => number {
  let children = new Int32Array(10 * 1024).fill(-1);
  let values = new Int32Array(1024).fill(-1);
  let nodes = 1;
  prefixes.forEach((prefix, value) => {
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const slot = node * 10 + prefix.charCodeAt(i) - 48;
      if (children[slot] === -1) {
        if (nodes === values.length) {
          const c = new Int32Array(children.length * 2).fill(-1);
          c.set(children);
          const v = new Int32Array(values.length * 2).fill(-1);
          v.set(values);
          [children, values] = [c, v];
        }
        children[slot] = nodes++;
      }
      node = children[slot]!;
    }
    values[node] = value;
  });
  const [next, value] = [children.slice(0, nodes * 10), values.slice(0, nodes)];
  return (digits) => {
    let node = 0;
    let best = -1;
    for (let i = 0; i < digits.length; i++) {
      node = next[node * 10 + digits.charCodeAt(i) - 48]!;
      if (node === -1) break;
      if (value[node] !== -1) best = value[node]!;
    }
    return best;
  };
}

async function main(): Promise<void> {
  const loadAtStart = load();
  const dir = mkdtempSync(join(tmpdir(), 'bench-rating-'));
  const prefixes = generatePrefixes(PREFIXES, 1);
  const file = join(dir, 'deck.csv');
  writeDeckCsv(file, deckRows(prefixes, 2));
  const engines: Engine[] = [];
  const results: [string, string, string][] = [];
  const speedRows: [string, string, string][] = [];
  const importRows: string[][] = [];
  try {
    // A B A B …: each round imports into a fresh engine, then runs the floor on a fresh file
    const rounds: { engine: ImportTimes; floor: ImportTimes }[] = [];
    let heldMiB = 0;
    let heapBefore = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const engine = await engineWithCarrier(join(dir, `engine-${round}`));
      engines.push(engine);
      heapBefore = heapMiB();
      const times = await engineImport(engine, file);
      heldMiB = heapMiB() - heapBefore;
      if (times.rows !== PREFIXES) throw new Error(`imported ${times.rows} of ${PREFIXES} rows`);
      if (round < ROUNDS - 1) await engines.pop()!.close();
      rounds.push({ engine: times, floor: floorImport(file, join(dir, `floor-${round}.sqlite`)) });
      process.stderr.write(
        `round ${round + 1}/${ROUNDS}: ${times.total.toFixed(2)} s against ${rounds.at(-1)!.floor.total.toFixed(2)} s\n`,
      );
    }
    const engine = engines[0]!;
    const deck = engine.lookup.current().carriers.get('big')!;
    const figure = (pick: (t: ImportTimes) => number) => {
      const a = median(rounds.map((r) => pick(r.engine)));
      const b = median(rounds.map((r) => pick(r.floor)));
      const ratio = median(rounds.map((r) => pick(r.engine) / pick(r.floor)));
      return { a: `${a.toFixed(2)} s`, b: `${b.toFixed(2)} s`, ratio: `${ratio.toFixed(2)}×` };
    };
    const row = (label: string, pick: (t: ImportTimes) => number, target = '') => {
      const f = figure(pick);
      importRows.push([label, f.a, f.b, f.ratio, target]);
    };
    row(`import ${fmt(PREFIXES)}-prefix deck end to end`, (t) => t.total, '≤ 1.5× the floor, < 10 s');
    row('… parse + validate + events appended (floor: split lines into rows)', (t) => t.parse);
    row('… rates projection (floor: rows inserted in one transaction)', (t) => t.write);
    row('… lookup built: rows selected, trie (floor: the same)', (t) => t.lookup);
    const t4 = process.hrtime.bigint();
    engine.rating.current(); // builds the retail sheet and its plan from the deck
    const t5 = process.hrtime.bigint();
    const sheetMiB = heapMiB() - heapBefore - heldMiB;
    results.push(
      [
        "memory held by the loaded deck (JS heap after GC, plus the trie's typed arrays)",
        `${heldMiB.toFixed(0)} MiB + ${(deck.trie.bytes / 2 ** 20).toFixed(1)} MiB`,
        '',
      ],
      [
        'retail sheet (and the deck it is quoted on) built from the carrier decks',
        `${(Number(t5 - t4) / 1e9).toFixed(2)} s, ${sheetMiB.toFixed(0)} MiB`,
        '',
      ],
    );
    console.error('import: done');

    const rnd = seeded(3);
    const numbers = Array.from({ length: 200_000 }, () => rnd.pick(prefixes) + rnd.digits(rnd.int(2, 8)));
    const at = new Date('2026-11-25T12:00:00Z');
    let sink = 0;
    const raw = rawTrie(prefixes);
    // every quote reads its decimal cost as a string, as an API answer would
    const carrierQuote = (i: number) =>
      (sink += priceOnDeck(deck, numbers[i % numbers.length]!, at, (30 + (i % 600)) * NS_PER_SECOND)!.cost.toFixed().length);
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
    const rankAndPrint = (i: number) => {
      for (const r of leastCostRoutes(carriers, numbers[i % numbers.length]!, at, 60 * NS_PER_SECOND).routes)
        sink += r.cost.toFixed().length;
    };
    // each figure warmed up once, then rounds of the raw trie first and every figure after it
    // a loop of its own for each figure (one shared loop calling each in turn would make that call
    // megamorphic and slow them all); each warmed up once, then rounds of the raw trie first
    const rateOf = (count: number, started: bigint) => count / (Number(process.hrtime.bigint() - started) / 1e9);
    const figures = {
      raw: (count: number) => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < count; i++) sink += raw(numbers[i % numbers.length]!);
        return rateOf(count, started);
      },
      lookup: (count: number) => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < count; i++) sink += deck.trie.longest(numbers[i % numbers.length]!);
        return rateOf(count, started);
      },
      carrierQuote: (count: number) => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < count; i++) carrierQuote(i);
        return rateOf(count, started);
      },
      planQuote: (count: number) => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < count; i++) planQuote(i);
        return rateOf(count, started);
      },
      rank: (count: number) => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < count; i++) rank(i);
        return rateOf(count, started);
      },
      rankAndPrint: (count: number) => {
        const started = process.hrtime.bigint();
        for (let i = 0; i < count; i++) rankAndPrint(i);
        return rateOf(count, started);
      },
    };
    const counts: Record<keyof typeof figures, number> = {
      raw: 2_000_000,
      lookup: 2_000_000,
      carrierQuote: 300_000,
      planQuote: 200_000,
      rank: 100_000,
      rankAndPrint: 50_000,
    };
    const names = Object.keys(figures) as (keyof typeof figures)[];
    for (const name of names) figures[name](Math.ceil(counts[name] / 10));
    const speedRounds = await alternate(
      ROUNDS,
      Object.fromEntries(names.map((name) => [name, () => figures[name](counts[name])])) as Record<keyof typeof figures, () => number>,
    );
    const speed = (label: string, name: keyof typeof figures, target: string) =>
      speedRows.push([label, `${versus(speedRounds[name], speedRounds.raw, (x) => `${fmt(x)}/s`)}`, target]);
    speed('longest-prefix lookups', 'lookup', '≥ 2,000,000/s');
    speed('carrier quotes (deck row, increments, exact decimal cost as a string)', 'carrierQuote', '≥ 200,000/s');
    speed('rating-plan quotes (peak/off-peak timings, two slots, exact total, rounding; cost as a string)', 'planQuote', '≥ 200,000/s');
    speed('LCR over 5 carriers: each priced exactly (integer cost units), sorted', 'rank', '≥ 100,000/s');
    speed("… and every route's decimal cost as a string", 'rankAndPrint', '');
    console.error('quotes: done');
    if (sink === 42) console.log(''); // keeps the lookups from being optimized away
  } finally {
    for (const engine of engines) await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const body = `## Rating (\`npm run bench:rating\`)

Machine: ${machine()}; load average ${loadAtStart} at the start, ${load()} at the end. Scale: ${SCALE}. A generated deck of ${fmt(PREFIXES)} distinct prefixes (1–6 digits after real
country codes), imported through \`carriers import-deck\`'s code path into SQLite; lookups and quotes on random numbers
under those prefixes, one thread. CGRateS users report 170,000 prefixes loading in 45–60 minutes.

The import is measured against a floor (bench/import-floor.ts): the least any import can do with the same file on the
same SQLite — the file read and split into rows, the rows inserted with one prepared statement in one transaction into a
table shaped like the read model's (WAL, \`synchronous = NORMAL\`), selected back and a trie built over their prefixes; no
validation, no events, rows in the file's order. The engine stages a deck's rows in its canonical order (the order its
content hash is taken in, nearly the table's key order), so its table is written and read back from consecutive pages:
its lookup step reads faster than the floor's. ${ROUNDS} alternated rounds (engine, floor, engine, floor …), each on
fresh files; medians, and the ratio is the median of each round's ratio.

| import | engine | floor | ratio | target |
|---|---:|---:|---:|---|
${importRows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

| measure | result | target |
|---|---|---|
${results.map((r) => `| ${r.join(' | ')} |`).join('\n')}

Lookups and quotes: ${ROUNDS} alternated rounds, each first a raw digit trie in two flat arrays walked inline over the same
prefixes and numbers (the floor of any longest-prefix lookup), then every figure; medians, and the median of the rounds'
ratios to the raw trie. For the lookups it is their floor; for quotes and LCR, which each make one lookup or more, the
ratio is what pricing costs beside it, and it moves with the code rather than with the machine.

| measure | result | raw trie lookups, same rounds | ratio | target |
|---|---:|---:|---:|---|
${speedRows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`;
  if (process.env['BENCH_WRITE'] !== '0') writeSection('rating', body);
  console.log(body);
}

void main();
