/**
 * npm run bench:rebuild — rebuilding the read models against reading the log itself. Writes a
 * log of about 250,000 events as the engine writes them (accounts opened and funded, calls
 * authorized, charged, costed and released; bench/rebuild-log.ts), then alternates in rounds:
 * (a) better-sqlite3 reading the same rows, and reading plus `JSON.parse` of data and metadata
 * (the baseline), (b) `projections rebuild` of every projection in one pass, and the same
 * projections rebuilt one after another, a pass each, (c) the six projections of money, texts,
 * rates and the catalogue in one pass, (d) the finance projection alone, (e) each one's floor
 * (bench/rebuild-floor.ts) and ceiling (bench/rebuild-ceiling.ts), and for finance the same
 * ceiling with its traffic rows alone (a row a charged call) and with no rows. Prints events/s and each
 * figure's ratio to (a) read + parse of its round, and each rebuild's to its ceiling; medians over the rounds. Then the peak RSS of a rebuild of everything, in a fresh process, over
 * the log and over longer ones (BENCH_MEMORY_LOGS, multiples of the log: default 4 and 20, about
 * 1 and 5 million events), each beside the same rebuild with V8's own growth of the old
 * generation. Runs with the Node flags `trunkline projections rebuild` starts with (REBUILD_NODE_FLAGS). Writes the
 * "rebuild" section of docs/benchmarks.md. BENCH_SCALE=0.1 for a quick run; BENCH_ROUNDS (default 3).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';
import { fmt, machine, writeSection } from './report';
import { writeRebuildLog } from './rebuild-log';
import { median } from './compare';
import { readLogRate } from './read-log';
import { writeRowsSeconds } from './rebuild-floor';
import { ceilingSeconds } from './rebuild-ceiling';
import { financeProjection } from '../projections/finance/projection';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const ROUNDS = Math.max(3, Number(process.env['BENCH_ROUNDS'] ?? 3));
const EVENTS = Math.max(5_000, Math.round(250_000 * SCALE));
const ACCOUNTS = 500;
const MEMORY_LOGS = (process.env['BENCH_MEMORY_LOGS'] ?? '4,20').split(',').map(Number);
/** As bin/trunkline.js starts a rebuild; `npm run bench:rebuild` starts this process with them too. */
export const REBUILD_NODE_FLAGS = ['--max-semi-space-size=64', '--heap-growing-percent=50'];
/** The memory baseline: the same young generation, and V8's own growth of the old one. */
const DEFAULT_GROWTH_FLAGS = REBUILD_NODE_FLAGS.filter((f) => !f.startsWith('--heap-growing-percent'));

const ratio = (x: number) => x.toFixed(2);

/** The projections of money, texts, rates and the log's catalogue, with the prefixes of their tables. */
const SIX: Readonly<Record<string, string>> = {
  balances: 'wallet_',
  sms: 'sms_',
  finance: 'finance_',
  catalogue: 'catalogue_',
  rates: 'rate_',
  vouchers: 'voucher_',
};

interface Child {
  events: number;
  perSecond: number;
  peakMiB: number;
}

/** A rebuild of everything in a fresh process (on a copy of `dir`, left as it was): its peak RSS is the rebuild's alone. */
function rebuildInChild(dir: string, flags: readonly string[]): Child {
  const copy = `${dir}-rebuilt`;
  cpSync(dir, copy, { recursive: true });
  try {
    return JSON.parse(rebuildLine(copy, flags).trim()) as Child;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function rebuildLine(dir: string, flags: readonly string[]): string {
  return execFileSync(process.execPath, [...flags, '-r', 'tsx/cjs', join(__dirname, 'rebuild-all-child.ts'), dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The CLI's rebuild, then the baseline, each on a fresh copy of the same log. */
function memoryOf(dir: string, events: number): { cli: Child; baseline: Child } {
  const cli = rebuildInChild(dir, REBUILD_NODE_FLAGS);
  const baseline = rebuildInChild(dir, DEFAULT_GROWTH_FLAGS);
  process.stderr.write(`peak RSS over ${fmt(events)} events: ${fmt(cli.peakMiB)} MiB (V8's own growth: ${fmt(baseline.peakMiB)} MiB)\n`);
  return { cli, baseline };
}

async function main(): Promise<void> {
  if (!REBUILD_NODE_FLAGS.every((f) => process.execArgv.includes(f)))
    process.stderr.write(
      `bench:rebuild: started without ${REBUILD_NODE_FLAGS.join(' ')}: the rebuilds below are not as the CLI runs them\n`,
    );
  const started = performance.now();
  const progress = (label: string) => (n: number) => {
    if (n % 20_000 < 100) process.stderr.write(`${label}: ${fmt(n)} events\r`);
  };
  const log = await writeRebuildLog(ACCOUNTS, EVENTS, progress('writing the log'));
  process.stderr.write(`\nwrote ${fmt(log.events)} events in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const dirs = [log.dir];
  try {
    const engine = await createEngine(loadConfig({ env: {}, flags: { dataDir: log.dir }, cwd: log.dir }), {
      logger: pino({ level: 'silent' }),
    });
    const names = engine.runner.names();
    const rounds: {
      read: number;
      parse: number;
      all: number;
      alone: number;
      six: number;
      finance: number;
      floorAll: number;
      floorFinance: number;
      ceilingAll: number;
      ceilingSix: number;
      ceilingFinance: number;
      financeTraffic: number;
      financeValidating: number;
    }[] = [];
    let rowsAll = 0;
    let rowsFinance = 0;
    let rowsTraffic = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const read = readLogRate(log.dir, false);
        const parse = readLogRate(log.dir, true);
        let t = performance.now();
        const outcomes = await engine.runner.rebuildTogether(names);
        const all = log.events / ((performance.now() - t) / 1000);
        const failed = outcomes.filter((o) => 'error' in o).map((o) => o.name);
        if (failed.length > 0) throw new Error(`not rebuilt: ${failed.join(', ')}`);
        // what a rebuild of everything was before the shared pass: one full pass per projection
        t = performance.now();
        for (const name of names) await engine.runner.rebuild(name);
        const alone = log.events / ((performance.now() - t) / 1000);
        t = performance.now();
        const sixOutcomes = await engine.runner.rebuildTogether(Object.keys(SIX));
        const six = log.events / ((performance.now() - t) / 1000);
        if (sixOutcomes.some((o) => 'error' in o)) throw new Error('the six projections were not rebuilt');
        t = performance.now();
        await engine.runner.rebuild('finance');
        const finance = log.events / ((performance.now() - t) / 1000);
        // the floor: this round's read + parse, then SQLite alone writing the rows the rebuilds left
        const everything = writeRowsSeconds(log.dir);
        const financeRows = writeRowsSeconds(log.dir, ['finance_']);
        [rowsAll, rowsFinance] = [everything.rows, financeRows.rows];
        const floorAll = log.events / (log.events / parse + everything.seconds);
        const floorFinance = log.events / (log.events / parse + financeRows.seconds);
        // the ceilings: the same rows, each rebuild's, written by a rebuild that computes nothing
        const perSecond = (c: { seconds: number }) => log.events / c.seconds;
        const ceilingAll = perSecond(await ceilingSeconds(log.dir, engine.store));
        const ceilingSix = perSecond(await ceilingSeconds(log.dir, engine.store, { prefixes: Object.values(SIX) }));
        const ceilingFinance = perSecond(
          await ceilingSeconds(log.dir, engine.store, { handles: financeProjection.handles, prefixes: ['finance_'] }),
        );
        // below finance's ceiling: the least any finance read model writes (a row a charged call), then no rows at all
        const traffic = await ceilingSeconds(log.dir, engine.store, { handles: financeProjection.handles, prefixes: ['finance_traffic'] });
        rowsTraffic = traffic.rows;
        const financeTraffic = perSecond(traffic);
        const financeValidating = perSecond(
          await ceilingSeconds(log.dir, engine.store, { handles: financeProjection.handles, prefixes: [] }),
        );
        rounds.push({
          read,
          parse,
          all,
          alone,
          six,
          finance,
          floorAll,
          floorFinance,
          ceilingAll,
          ceilingSix,
          ceilingFinance,
          financeTraffic,
          financeValidating,
        });
        process.stderr.write(
          `round ${round + 1}: read ${fmt(read)}/s, read+parse ${fmt(parse)}/s, all ${fmt(all)}/s (${ratio(all / parse)}), one pass each ${fmt(alone)}/s (${ratio(alone / parse)}), six ${fmt(six)}/s (${ratio(six / parse)}), finance ${fmt(finance)}/s (${ratio(finance / parse)}); floors: all ${ratio(floorAll / parse)}, finance ${ratio(floorFinance / parse)}; ceilings: all ${ratio(ceilingAll / parse)}, six ${ratio(ceilingSix / parse)}, finance ${ratio(ceilingFinance / parse)}, finance's traffic rows alone ${ratio(financeTraffic / parse)}, finance validating alone ${ratio(financeValidating / parse)}\n`,
        );
      }
    } finally {
      await engine.close();
    }
    const m = (f: (r: (typeof rounds)[number]) => number) => median(rounds.map(f));
    const parse = m((r) => r.parse);

    // memory: the same rebuild over this log and over longer ones, each in a fresh process
    const memory = [memoryOf(log.dir, log.events)];
    for (const times of MEMORY_LOGS) {
      const long = await writeRebuildLog(ACCOUNTS, EVENTS * times, progress('writing a longer log'));
      dirs.push(long.dir);
      process.stderr.write('\n');
      memory.push(memoryOf(long.dir, long.events));
      rmSync(long.dir, { recursive: true, force: true });
    }
    const shortest = memory[0]!.cli.peakMiB;

    const body = [
      '## Rebuild: one pass for every projection (`npm run bench:rebuild`)',
      '',
      `${machine()}; SQLite log and read models, in process, with the Node flags \`trunkline projections rebuild\` runs with (\`${REBUILD_NODE_FLAGS.join(' ')}\`). A log of ${fmt(log.events)} events as the engine writes them: ${ACCOUNTS} accounts opened and funded, then calls authorized, charged, costed and released (one in ten failed), cloned from real ones with their ids, accounts, destinations, durations and prices varied. Each round measures the baseline and then the rebuilds, one after the other; medians of ${ROUNDS} rounds (ratios are medians of each round's ratio to its own read + parse). Scale ${SCALE}.`,
      '',
      '| what | events/s | ratio to reading + `JSON.parse` | against its ceiling |',
      '| --- | ---: | ---: | ---: |',
      `| baseline: better-sqlite3 reading the rows | ${fmt(m((r) => r.read))} | ${ratio(m((r) => r.read / r.parse))} | |`,
      `| baseline: reading + \`JSON.parse\` of data and metadata | ${fmt(parse)} | 1.00 | |`,
      `| \`projections rebuild\`: all ${names.length} projections in one pass | ${fmt(m((r) => r.all))} | ${ratio(m((r) => r.all / r.parse))} | ${ratio(m((r) => r.all / r.ceilingAll))} |`,
      `| the same projections rebuilt one after another, a pass each | ${fmt(m((r) => r.alone))} | ${ratio(m((r) => r.alone / r.parse))} | |`,
      `| the six projections of money, texts, rates and the catalogue (${Object.keys(SIX).join(', ')}) in one pass | ${fmt(m((r) => r.six))} | ${ratio(m((r) => r.six / r.parse))} | ${ratio(m((r) => r.six / r.ceilingSix))} |`,
      `| \`projections rebuild finance\` alone | ${fmt(m((r) => r.finance))} | ${ratio(m((r) => r.finance / r.parse))} | ${ratio(m((r) => r.finance / r.ceilingFinance))} |`,
      `| floor for everything: reading + \`JSON.parse\`, then SQLite alone writing the ${fmt(rowsAll)} rows the projections leave | ${fmt(m((r) => r.floorAll))} | ${ratio(m((r) => r.floorAll / r.parse))} | |`,
      `| floor for finance: the same, its ${fmt(rowsFinance)} rows | ${fmt(m((r) => r.floorFinance))} | ${ratio(m((r) => r.floorFinance / r.parse))} | |`,
      `| ceiling for everything: a rebuild that validates every event and writes the same rows, computing none | ${fmt(m((r) => r.ceilingAll))} | ${ratio(m((r) => r.ceilingAll / r.parse))} | 1.00 |`,
      `| ceiling for the six: the same, the six's rows | ${fmt(m((r) => r.ceilingSix))} | ${ratio(m((r) => r.ceilingSix / r.parse))} | 1.00 |`,
      `| ceiling for finance: the same, the events finance reads and its rows | ${fmt(m((r) => r.ceilingFinance))} | ${ratio(m((r) => r.ceilingFinance / r.parse))} | 1.00 |`,
      `| … the events finance reads, and its ${fmt(rowsTraffic)} traffic rows alone (a row a charged call) | ${fmt(m((r) => r.financeTraffic))} | ${ratio(m((r) => r.financeTraffic / r.parse))} | |`,
      `| … the events finance reads, validated, and no rows | ${fmt(m((r) => r.financeValidating))} | ${ratio(m((r) => r.financeValidating / r.parse))} | |`,
      '',
      "The floors are what a rebuild costs if computing the rows cost nothing: the round's read + parse of the log, then the rows the rebuild left in the read models written again by SQLite alone (`INSERT … SELECT` from the rebuilt file into an empty one with the same tables and indexes, WAL and `synchronous = NORMAL` as the read models, one transaction, every row once; bench/rebuild-floor.ts). A rebuild writes each row at least once and reads the log at least once, so it cannot beat its floor; what lies between them is the projections' own work.",
      '',
      "The ceilings are the same question asked of a rebuild as the engine must run one (bench/rebuild-ceiling.ts): the runner reads the log into a projection that computes nothing, in batches each committed with its checkpoint, so that a rebuild stopped half-way goes on from where it stopped; the projection validates each event with the engine's schemas, as a projection must before it reads an event's data, and writes the rows the rebuild left, each once, bound as parameters of the engine's multi-row INSERTs, in step with the events, into an empty read-model file. Reading the log through the store, validating, and writing rows through statements in batches each cost more than the floor's single `INSERT … SELECT`; no rebuild of these read models can beat its ceiling, and \"against its ceiling\" is the share of the rebuild's time that is not computing its rows. The last two rows ask the same of finance with fewer rows: its traffic rows alone, a row for each charged call (its revenue, cost, carrier and log position), the least a finance read model writes that reconciles a carrier's invoice call by call and answers \"as of\" a log position; then no rows at all, reading and validating alone.",
      '',
      `Memory: a rebuild of everything in a fresh process per log (its peak RSS, VmHWM, is the rebuild's own), as the CLI runs it (\`${REBUILD_NODE_FLAGS.join(' ')}\`), then the same with V8's own growth of the old generation (\`${DEFAULT_GROWTH_FLAGS.join(' ')}\`), one after the other on the same log.`,
      '',
      `| log | peak RSS, as the CLI rebuilds | against the ${fmt(log.events)}-event log | events/s | peak RSS with V8's own growth | events/s |`,
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...memory.map(
        ({ cli, baseline }) =>
          `| ${fmt(cli.events)} events | ${fmt(cli.peakMiB)} MiB | × ${ratio(cli.peakMiB / shortest)} | ${fmt(cli.perSecond)} | ${fmt(baseline.peakMiB)} MiB | ${fmt(baseline.perSecond)} |`,
      ),
    ].join('\n');
    writeSection('rebuild', body);
    process.stdout.write(`${body}\n`);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:rebuild: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
