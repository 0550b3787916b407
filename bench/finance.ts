/**
 * npm run bench:finance — the finance read model at scale: a month of 1,000,000 charged calls
 * (bench/finance-month.ts) written to a fresh SQLite log, then, alternated in BENCH_ROUNDS rounds
 * (at least 3), the finance projection rebuilt over it against reading and parsing the same log
 * (bench/read-log.ts), and each report (margin for the month by day, destination and carrier, as
 * of the head and as of a past position, the liability) against one bare `SELECT … GROUP BY`
 * over the same read-model rows (bench/finance-floor.ts). Medians and the median of the per-round
 * ratios. Writes the "finance" section of docs/benchmarks.md (BENCH_WRITE=0 prints only);
 * BENCH_SCALE=0.05 for a quick run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine, type Engine } from '../adapters/runtime/engine';
import { liabilityReport, marginReport } from '../projections/finance/reports';
import { alternate, benchRounds, median, versus } from './compare';
import { financeFloor, type By } from './finance-floor';
import { ACCOUNTS, PER_APPEND, writeMonth } from './finance-month';
import { readLogRate } from './read-log';
import { fmt, machine, writeSection } from './report';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const CALLS = Math.max(10_000, Math.round(1_000_000 * SCALE));
const ROUNDS = benchRounds();
/** Each report is asked this many times a round (and its floor too); the round's figure is the median. */
const ASKED = 7;
const MONTH = { from: '2026-12-01', to: '2027-01-01' };

/** The median ms of `ASKED` calls of `fn`; `check` sees every answer. */
async function askedMs<T>(fn: () => T | Promise<T>, check: (answer: T) => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ASKED; i++) {
    const t = performance.now();
    check(await fn());
    times.push(performance.now() - t);
  }
  return median(times);
}

/** The rebuild against read + parse of the same log, alternated: events/s of each round. */
async function rebuildRows(engine: Engine, dir: string, written: number): Promise<string[]> {
  // the rebuild holds the event loop for long stretches: RSS is read before and after it as well as sampled
  let peak = process.memoryUsage().rss;
  const figures = await alternate(
    ROUNDS,
    {
      parse: () => readLogRate(dir, true),
      rebuild: async () => {
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
        const t0 = performance.now();
        await engine.runner.rebuild('finance', (p) => {
          if (p.applied % 100_000 < 1000) process.stderr.write(`rebuild finance: ${fmt(p.applied)} / ${fmt(p.target)} events\r`);
        });
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        return (written / (performance.now() - t0)) * 1000;
      },
    },
    (round, f) =>
      process.stderr.write(
        `\nround ${round}: read + parse ${fmt(f.parse)} ev/s, finance rebuild ${fmt(f.rebuild)} ev/s (× ${(f.rebuild / f.parse).toFixed(3)})\n`,
      ),
  );
  const perSecond = (n: number) => `${fmt(n)} events/s`;
  return [
    `| finance rebuild over ${fmt(written)} call events (${fmt(CALLS)} calls); peak RSS of the bench process ${fmt(peak / 2 ** 20)} MiB | ${versus(figures.rebuild, figures.parse, perSecond)} |`,
  ];
}

/** Each report against its floor, alternated; every answer checked against the month written. */
async function reportRows(engine: Engine, dir: string): Promise<string[]> {
  const floor = financeFloor(dir);
  const asOf = Math.floor((await engine.store.head()) / 2);
  const counted = (what: string, expected: number | null) => (calls: number) => {
    if (expected !== null && calls !== expected) throw new Error(`${what} counted ${calls} calls, not ${expected}`);
  };
  const callsOf = (r: Awaited<ReturnType<typeof marginReport>>) => r.totals.reduce((n, x) => n + x.calls, 0);
  const cases: { what: string; report: () => Promise<number>; bare: () => number; expected: number | null }[] = [];
  for (const by of ['day', 'destination', 'carrier'] as const satisfies readonly By[])
    cases.push({
      what: `margin report for the month by ${by}, as of the head (daily sums)`,
      report: async () => callsOf(await marginReport(engine.readModels, { ...MONTH, by })),
      bare: () => floor.margin(by, MONTH.from, MONTH.to),
      expected: CALLS,
    });
  // as of a past position the daily sums cannot answer: the rows are scanned
  const half = callsOf(await marginReport(engine.readModels, { ...MONTH, by: 'day', asOf }));
  for (const by of ['day', 'destination'] as const satisfies readonly By[])
    cases.push({
      what: `margin report by ${by} as of log position ${fmt(asOf)} (half the month: ${fmt(half)} calls; the daily sums of the days closed by then, the rows of the others scanned)`,
      report: async () => callsOf(await marginReport(engine.readModels, { ...MONTH, by, asOf })),
      bare: () => floor.marginAsOf(by, MONTH.from, MONTH.to, asOf),
      expected: half,
    });
  const head = await engine.store.head();
  cases.push({
    what: 'liability (sum of paid balances)',
    report: async () => (await liabilityReport(engine.readModels, {})).rows.length,
    bare: () => floor.liability(head),
    expected: 1,
  });
  const rows: string[] = [];
  try {
    for (const c of cases) {
      const check = counted(c.what, c.expected);
      await c.report(); // warm: statements, pages
      const figures = await alternate(ROUNDS, { bare: () => askedMs(c.bare, check), report: () => askedMs(c.report, check) });
      process.stderr.write(
        `${c.what}: ${figures.report.map((x, i) => `${x.toFixed(1)} / ${figures.bare[i]!.toFixed(1)} ms`).join(', ')}\n`,
      );
      rows.push(`| ${c.what} | ${versus(figures.report, figures.bare, (n) => `${n.toFixed(1)} ms`)} |`);
    }
  } finally {
    floor.close();
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-bench-finance-'));
  const engine = await createEngine(loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir }), { logger: pino({ level: 'silent' }) });
  try {
    const start = performance.now();
    const written = await writeMonth(engine, CALLS);
    process.stderr.write(`\nwrote ${fmt(written)} events in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
    const rows = [...(await rebuildRows(engine, dir, written)), ...(await reportRows(engine, dir))];
    const body = [
      '## Finance: rebuild and reports (`npm run bench:finance`)',
      '',
      `${machine()}; SQLite log and read models, in process; a month of ${fmt(CALLS)} calls on ${fmt(ACCOUNTS)} accounts, 3 carriers, 40 destinations, written straight to the log (${PER_APPEND} calls per append). Scale ${SCALE}. ${ROUNDS} rounds, each the baseline first and then the figure; medians, and the median of the per-round ratios. The rebuild's baseline is better-sqlite3 reading every row of the same log and \`JSON.parse\` of its data and metadata (the floor of any pass over the log; a ratio of 1 would be a projection costing nothing beyond that). Each report's baseline is one bare \`SELECT … GROUP BY\` with better-sqlite3 over the same read-model rows (as of a past position: the daily sums of the days closed by then and the traffic rows of the others, as the report reads them; SQLite's floating-point SUM, no exact decimals, no merging of the two in JavaScript), each asked ${ASKED} times a round (the round's figure their median); a ratio above 1 is time the report takes beyond that query. Every report's answer is checked against the calls written.`,
      '',
      '| what | figure | baseline | ratio to the baseline |',
      '| --- | ---: | ---: | ---: |',
      ...rows,
    ].join('\n');
    writeSection('finance', body);
    process.stdout.write(`${body}\n`);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:finance: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
