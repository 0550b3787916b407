/**
 * npm run bench:wallet — credit end to end on the embedded default (SQLite), through HTTP with
 * signed requests and the real `stripe` client against the local Stripe API bed:
 * top-ups, success webhooks (first delivery and replays), voucher issue and redemption, balance
 * reads, each alternated with an express echo served the same way (bench/wallet-http.ts); then
 * wallet command latency as an account's stream grows, auto top-up's cost, and a balances rebuild
 * against reading the same log. BENCH_ROUNDS rounds (at least 3), medians and the median of the
 * per-round ratios. Writes the "wallet" section of docs/benchmarks.md (BENCH_WRITE=0 prints
 * only). BENCH_SCALE=0.1 for a quick run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';
import { startStripeBed } from '../test/beds/stripe-api';
import { listen } from '../test/support/listen';
import { rawPublicKey, signer } from '../test/support/signed-fetch';
import { autoTopUpRows } from './auto-top-up';
import { alternate, benchRounds, versus } from './compare';
import { readLogRate } from './read-log';
import { fmt, machine, writeSection } from './report';
import { listenEcho, walletHttpRows } from './wallet-http';
import { writeChargedAccounts } from './wallet-rebuild';
import { streamLengthRow } from './wallet-streams';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const ACCOUNTS = Math.max(10, Math.round(200 * SCALE));
const PAYMENTS = Math.max(50, Math.round(2000 * SCALE));
const VOUCHERS = Math.max(50, Math.round(2000 * SCALE));
const REBUILD_ACCOUNTS = Math.max(20, Math.round(1000 * SCALE));
const CHARGES_PER_ACCOUNT = 200;
const ROUNDS = benchRounds();

const progress = (what: string, done: number, total: number) => {
  if (done % Math.max(1, Math.floor(total / 10)) === 0 || done === total) process.stderr.write(`${what}: ${fmt(done)}/${fmt(total)}\n`);
};

async function main(): Promise<void> {
  const bed = await startStripeBed();
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-bench-wallet-'));
  const people = Array.from({ length: ACCOUNTS }, (_, i) => signer(`+44207946${String(1000 + i).padStart(4, '0')}`));
  writeFileSync(
    join(dir, 'directory.json'),
    JSON.stringify({ numbers: Object.fromEntries(people.map((p) => [p.keyid, { keys: [rawPublicKey(p.publicKey)] }])) }),
  );
  const config = loadConfig({
    env: {
      STRIPE_SECRET_KEY: bed.secretKey,
      STRIPE_WEBHOOK_SECRET: bed.webhookSecret,
      STRIPE_API_URL: bed.url,
      TRUNKLINE_TOP_UP_MINIMUM: '1',
    },
    flags: { dataDir: dir },
    cwd: dir,
  });
  const engine = await createEngine(
    { ...config, pluginOptions: { ...config.pluginOptions, 'trial-credit': { amounts: { EUR: '0.50' }, validDays: 30 } } },
    { logger: pino({ level: 'silent' }) },
  );
  await engine.runner.start();
  const { base, close } = await listen(engine.app);
  const echo = await listenEcho();
  const rows: string[] = [];
  try {
    rows.push(
      ...(await walletHttpRows({ engine, base, echo: echo.base, bed, people, payments: PAYMENTS, vouchers: VOUCHERS, rounds: ROUNDS })),
    );
    rows.push(await streamLengthRow(engine, people[0]!.keyid, SCALE));
    rows.push(...(await autoTopUpRows(engine, base, bed, people.slice(1))));
    await writeChargedAccounts(engine, REBUILD_ACCOUNTS, CHARGES_PER_ACCOUNT, (done) =>
      progress('rebuild fixture accounts', done, REBUILD_ACCOUNTS),
    );
    await engine.runner.stop();
    const head = await engine.store.head();
    // the rebuild holds the event loop for long stretches: RSS is read before and after it as well as sampled
    let peak = process.memoryUsage().rss;
    const rebuilt = await alternate(ROUNDS, {
      parse: () => readLogRate(dir, true),
      rebuild: async () => {
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
        const t = performance.now();
        await engine.runner.rebuild('balances');
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        return (head / (performance.now() - t)) * 1000;
      },
    });
    rows.push(
      `| balances rebuild: ${fmt(head)} events in the log (${fmt(REBUILD_ACCOUNTS)} accounts × ${CHARGES_PER_ACCOUNT} charges + the rest), against reading + parsing the same log; peak RSS ${fmt(peak / 2 ** 20)} MiB | ${fmt(head)} | ${versus(rebuilt.rebuild, rebuilt.parse, (n) => `${fmt(n)} ev/s`)} |`,
    );
  } finally {
    await echo.close();
    await close();
    await engine.close();
    await bed.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const body = [
    '## Wallet and credit (`npm run bench:wallet`)',
    '',
    `${machine()}; SQLite store and read models (the embedded default), engine in process, HTTP over loopback, the real \`stripe\` client against the local Stripe API bed. Scale ${SCALE}. Every HTTP phase is ${ROUNDS} rounds alternated, each round an equal share of its requests sent first to an express echo (express 5, \`express.json()\` and \`res.json(body)\` on every path, served in this process as the engine's app is) and then the same share to the engine, from the same client at the same concurrency (each request signed as it is sent, for both); medians, and the median of the per-round ratios (above 1 for latency: slower than the echo). The auto top-up rows set the charge on an account with auto top-up on against one without, alternated; the rebuild, against better-sqlite3 reading every row of the same log and \`JSON.parse\` of its data and metadata, alternated.`,
    '',
    '| what | count | figure | baseline | ratio to the baseline |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  writeSection('wallet', body);
  process.stdout.write(`${body}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:wallet: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
