/**
 * npm run bench:finance — the finance read model at scale: a month of 1,000,000 charged calls
 * (CallCharged + CarrierCostRecorded on 1,000 accounts, 3 carriers, 40 destinations) written to
 * a fresh SQLite log, then the finance projection rebuilt over it (events/s, peak RSS), then the
 * margin report for the month by day, destination and carrier, and the liability, timed. Writes
 * the "finance" section of docs/benchmarks.md. BENCH_SCALE=0.05 for a quick run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';
import { deriveId } from '../core/ids';
import { liabilityReport, marginReport } from '../projections/finance/reports';
import { seeded } from '../test/support/random';
import { fmt, machine, writeSection } from './report';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const CALLS = Math.max(10_000, Math.round(1_000_000 * SCALE));
const ACCOUNTS = 1000;
const PER_APPEND = 250; // calls per append (500 events)
const CARRIERS = ['alpha', 'beta', 'gamma'];
const DESTINATIONS = Array.from({ length: 40 }, (_, i) => ({
  number: `+4420794${String(60000 + i).padStart(5, '0')}`,
  prefix: `4420${i % 10}`,
}));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-bench-finance-'));
  const engine = await createEngine(loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir }), { logger: pino({ level: 'silent' }) });
  try {
    const r = seeded(11);
    const month = Date.UTC(2026, 11, 1);
    const start = performance.now();
    let written = 0;
    for (let c = 0; c < CALLS; c += PER_APPEND) {
      const account = (c / PER_APPEND) % ACCOUNTS;
      const number = `+4420794${String(70000 + account).padStart(5, '0')}`;
      const events = [];
      for (let i = c; i < Math.min(CALLS, c + PER_APPEND); i++) {
        const d = DESTINATIONS[r.int(0, DESTINATIONS.length - 1)]!;
        const seconds = r.int(1, 600);
        const billed = Math.ceil(seconds / 6) * 6;
        const ended = new Date(month + Math.floor((i / CALLS) * 30 * 86_400_000)).toISOString();
        const amount = ((billed * 0.12) / 60).toFixed(6).replace(/\.?0+$/, '');
        const cost = ((billed * 0.05) / 60).toFixed(9).replace(/\.?0+$/, '');
        const base = { accountId: `acct-${account}`, callId: `call-${i}` };
        events.push(
          {
            id: deriveId('bench-charged', String(i)),
            type: 'CallCharged',
            schemaVersion: 1,
            metadata: {},
            data: {
              ...base,
              origin: 'k',
              destination: d.number,
              route: 'pstn',
              seconds,
              billedSeconds: billed,
              amount,
              currency: 'EUR',
              fromGrants: [],
              fromPaid: amount,
              answeredAt: ended,
              endedAt: ended,
            },
          },
          {
            id: deriveId('bench-cost', String(i)),
            type: 'CarrierCostRecorded',
            schemaVersion: 1,
            metadata: {},
            data: { ...base, carrierId: CARRIERS[i % 3]!, prefix: d.prefix, rate: '0.05', billedSeconds: billed, cost, currency: 'EUR' },
          },
        );
      }
      await engine.store.append(`account-${number}`, events, 'any');
      written += events.length;
      if ((c / PER_APPEND) % 400 === 0) process.stderr.write(`writing the month: ${fmt(written / 2)} / ${fmt(CALLS)} calls\r`);
    }
    process.stderr.write(`\nwrote ${fmt(written)} events in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    await engine.runner.rebuild('finance', (p) => {
      if (p.applied % 100_000 < 1000) process.stderr.write(`rebuild finance: ${fmt(p.applied)} / ${fmt(p.target)} events\r`);
    });
    const rebuildMs = performance.now() - t0;
    clearInterval(sampler);
    process.stderr.write(`\nrebuild: ${fmt((written / rebuildMs) * 1000)} ev/s, peak RSS ${fmt(peak / 2 ** 20)} MiB\n`);

    const rows: string[] = [
      `| finance rebuild over ${fmt(written)} call events (${fmt(CALLS)} calls) | ${(rebuildMs / 1000).toFixed(1)} s | ${fmt((written / rebuildMs) * 1000)} events/s, peak RSS of the bench process ${fmt(peak / 2 ** 20)} MiB |`,
    ];
    for (const by of ['day', 'destination', 'carrier'] as const) {
      const t = performance.now();
      const report = await marginReport(engine.readModels, { from: '2026-12-01', to: '2027-01-01', by });
      const ms = performance.now() - t;
      const calls = report.totals.reduce((n, x) => n + x.calls, 0);
      if (calls !== CALLS) throw new Error(`margin report counted ${calls} calls, not ${CALLS}`);
      process.stderr.write(`margin by ${by}: ${ms.toFixed(0)} ms (${report.rows.length} rows)\n`);
      rows.push(
        `| margin report for the month by ${by}, as of the head (${fmt(calls)} calls, ${report.rows.length} rows; daily sums) | ${fmt(ms)} ms | revenue ${report.totals[0]!.revenue}, margin ${report.totals[0]!.marginPercent} % |`,
      );
    }
    // as of a past position the daily sums cannot answer: the rows are scanned
    const asOf = Math.floor((await engine.store.head()) / 2);
    for (const by of ['day', 'destination'] as const) {
      const t = performance.now();
      const report = await marginReport(engine.readModels, { from: '2026-12-01', to: '2027-01-01', by, asOf });
      const ms = performance.now() - t;
      const calls = report.totals.reduce((n, x) => n + x.calls, 0);
      process.stderr.write(`margin by ${by} as of ${asOf}: ${ms.toFixed(0)} ms (${fmt(calls)} calls)\n`);
      rows.push(
        `| margin report by ${by} as of log position ${fmt(asOf)} (half the month: ${fmt(calls)} calls; rows scanned) | ${fmt(ms)} ms | revenue ${report.totals[0]!.revenue} |`,
      );
    }
    const t = performance.now();
    const liability = await liabilityReport(engine.readModels, {});
    rows.push(
      `| liability (sum of paid balances) | ${fmt(performance.now() - t)} ms | ${liability.rows.map((x) => `${x.paid} ${x.currency}`).join(', ')} |`,
    );

    const body = [
      '## Finance: rebuild and reports (`npm run bench:finance`)',
      '',
      `${machine()}; SQLite log and read models, in process; a month of calls on ${fmt(ACCOUNTS)} accounts, 3 carriers, 40 destinations, written straight to the log (${PER_APPEND} calls per append). Scale ${SCALE}.`,
      '',
      '| what | time | result |',
      '| --- | ---: | --- |',
      ...rows,
    ].join('\n');
    if (process.env['BENCH_WRITE'] !== '0') writeSection('finance', body);
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
