/**
 * npm run bench:wallet — credit end to end on the embedded default (SQLite), through HTTP with
 * signed requests and the real `stripe` client against the local Stripe API bed:
 * top-ups, success webhooks (first delivery and replays), voucher issue and redemption, balance
 * reads; then wallet command latency as an account's stream grows, and a balances rebuild.
 * Writes the "wallet" section of docs/benchmarks.md. BENCH_SCALE=0.1 for a quick run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';
import { accountDecider, accountStream } from '../core/accounts/account';
import { fold } from '../core/decider';
import { walletDecider, type AccountStreamEvent } from '../core/wallet';
import { startStripeBed } from '../test/beds/stripe-api';
import { walletService } from '../application/wallet/service';
import { listen } from '../test/support/listen';
import { issueBatch } from '../test/support/vouchers';
import { rawPublicKey, signedFetch, signer } from '../test/support/signed-fetch';
import { fmt, machine, percentile, writeSection } from './report';
import { autoTopUpRows } from './auto-top-up';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const ACCOUNTS = Math.max(10, Math.round(200 * SCALE));
const PAYMENTS = Math.max(50, Math.round(2000 * SCALE));
const VOUCHERS = Math.max(50, Math.round(2000 * SCALE));
const REBUILD_ACCOUNTS = Math.max(20, Math.round(1000 * SCALE));
const CHARGES_PER_ACCOUNT = 200;

const rate = (n: number, ms: number) => fmt((n / ms) * 1000);
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}
async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
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
  const rows: string[] = [];
  try {
    const [, openMs] = await timed(() =>
      pool(people, 4, async (p) => void (await signedFetch(base, p, 'POST', '/v1/accounts', { currency: 'EUR' })).arrayBuffer()),
    );
    rows.push(`| open account (with trial grant), 4 clients | ${fmt(ACCOUNTS)} | ${rate(ACCOUNTS, openMs)} /s |`);

    const payments: { id: string; who: number }[] = [];
    const [, topUpMs] = await timed(async () => {
      for (let i = 0; i < PAYMENTS; i++) {
        const r = await signedFetch(base, people[i % ACCOUNTS]!, 'POST', '/v1/accounts/me/top-ups', { amount: '10.00', currency: 'EUR' });
        payments.push({ id: ((await r.json()) as { paymentId: string }).paymentId, who: i % ACCOUNTS });
        progress('top-ups', i + 1, PAYMENTS);
      }
    });
    rows.push(
      `| top-up: signed request → Stripe PaymentIntent → TopUpStarted, sequential | ${fmt(PAYMENTS)} | ${rate(PAYMENTS, topUpMs)} /s |`,
    );

    const hooks = payments.map((p) =>
      bed.webhook('payment_intent.succeeded', { ...bed.intents.get(p.id)!, status: 'succeeded', amount_received: 1000 }),
    );
    const deliver = async (h: { body: string; headers: Record<string, string> }) => {
      const r = await fetch(`${base}/v1/webhooks/stripe`, { method: 'POST', headers: h.headers, body: h.body });
      if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
      await r.arrayBuffer();
    };
    const [, firstMs] = await timed(() => pool(hooks, 8, deliver));
    rows.push(
      `| payment_intent.succeeded, first delivery (verify + credit), 8 concurrent | ${fmt(PAYMENTS)} | ${rate(PAYMENTS, firstMs)} /s |`,
    );
    const [, replayMs] = await timed(() => pool(hooks, 8, deliver));
    rows.push(
      `| the same webhooks replayed (verify + dedup, nothing written), 8 concurrent | ${fmt(PAYMENTS)} | ${rate(PAYMENTS, replayMs)} /s |`,
    );

    const [{ codes }, issueMs] = await timed(() => issueBatch(engine, { count: VOUCHERS, note: 'bench', issuedBy: 'bench' }));
    rows.push(`| voucher batch issue (codes + hashes + one event) | ${fmt(VOUCHERS)} codes | ${fmt(issueMs)} ms |`);
    const [, redeemMs] = await timed(async () => {
      for (const [i, code] of codes.entries()) {
        const r = await signedFetch(base, people[i % ACCOUNTS]!, 'POST', '/v1/accounts/me/vouchers/redeem', { code });
        if (r.status !== 201) throw new Error(`redeem answered ${r.status}`);
        await r.arrayBuffer();
      }
    });
    rows.push(`| voucher redemption: claim + credit, sequential | ${fmt(VOUCHERS)} | ${rate(VOUCHERS, redeemMs)} /s |`);

    await engine.runner.catchUp('balances');
    const latencies: number[] = [];
    for (let i = 0; i < Math.max(200, PAYMENTS); i++) {
      const t = performance.now();
      const r = await signedFetch(base, people[i % ACCOUNTS]!, 'GET', '/v1/accounts/me/balance');
      await r.arrayBuffer();
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    rows.push(
      `| GET /v1/accounts/me/balance (signed), p50 / p99 | ${fmt(latencies.length)} | ${percentile(latencies, 0.5).toFixed(2)} / ${percentile(latencies, 0.99).toFixed(2)} ms |`,
    );

    // command latency as a stream grows: every command folds the account's stream (no snapshots yet)
    const heavy = people[0]!.keyid;
    const sizes: string[] = [];
    let appended = 0;
    for (const target of [100, 1000, 10000].map((n) => Math.max(10, Math.round(n * Math.max(SCALE, 0.1))))) {
      const state = await engine.wallet.state(heavy);
      const batch: AccountStreamEvent[] = [];
      let s = state;
      while (appended < target) {
        const events = walletDecider.decide(
          {
            type: 'charge',
            data: {
              chargeId: `bench-${heavy}-${appended}`,
              chargeKind: 'call',
              reference: 'bench',
              destination: '+442079460000',
              amount: '0.0001',
              currency: 'EUR',
              at: new Date().toISOString(),
            },
          },
          s,
        );
        s = fold({ initialState: s, evolve: walletDecider.evolve }, events);
        batch.push(...events);
        appended++;
      }
      let v = -1;
      for await (const e of engine.store.readStream(accountStream(heavy))) v = e.version;
      await engine.store.append(
        accountStream(heavy),
        batch.map((e) => ({ id: e.id!, type: e.type, schemaVersion: 1, data: e.data, metadata: {} })),
        v,
      );
      const uncached = walletService({ store: engine.store, ids: engine.ids, clock: { now: () => new Date() }, cachedAccounts: 0 });
      const median = async (wallet: typeof uncached, tag: string) => {
        const times: number[] = [];
        for (let i = 0; i < 20; i++) {
          const t = performance.now();
          await wallet.execute(
            heavy,
            {
              type: 'charge',
              data: {
                chargeId: `probe-${tag}-${target}-${i}`,
                chargeKind: 'call',
                reference: 'probe',
                destination: '+442079460000',
                amount: '0.01',
                currency: 'EUR',
                at: new Date().toISOString(),
              },
            },
            'bench',
          );
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        return percentile(times, 0.5).toFixed(2);
      };
      const cold = await median(uncached, 'cold');
      await engine.wallet.state(heavy);
      const warm = await median(engine.wallet, 'warm');
      sizes.push(`${fmt(target)} events: ${cold} / ${warm} ms`);
    }
    rows.push(
      `| wallet charge command (read + fold + decide + append), median of 20, uncached / with the state cache, by stream length | 20 each | ${sizes.join('; ')} |`,
    );

    rows.push(...(await autoTopUpRows(engine, base, bed, people.slice(1))));

    // a balances rebuild over many accounts of charges
    const rebuildIds = engine.ids;
    for (let a = 0; a < REBUILD_ACCOUNTS; a++) {
      const number = `+33142${String(100000 + a).padStart(6, '0')}`;
      const opened = accountDecider.decide(
        {
          type: 'open',
          data: {
            number,
            keyFingerprint: 'bench',
            currency: 'EUR',
            plan: 'retail',
            directory: { source: 'bench', authenticated: true, ttlSeconds: 60, at: new Date().toISOString() },
          },
        },
        accountDecider.initialState,
      ) as AccountStreamEvent[];
      let s = fold(walletDecider, opened);
      const events: AccountStreamEvent[] = [...opened];
      const add = (e: readonly AccountStreamEvent[]) => {
        events.push(...e);
        s = fold({ initialState: s, evolve: walletDecider.evolve }, e);
      };
      add(
        walletDecider.decide(
          {
            type: 'record-purchase',
            data: { processor: 'bench', paymentId: `pi-${number}`, processorEventId: 'e', amount: '20', currency: 'EUR' },
          },
          s,
        ),
      );
      add(
        walletDecider.decide(
          {
            type: 'grant',
            data: {
              grantId: 'g',
              amount: '1',
              currency: 'EUR',
              reason: 'trial',
              source: 'bench',
              expiresAt: null,
              restriction: null,
            },
          },
          s,
        ),
      );
      for (let c = 0; c < CHARGES_PER_ACCOUNT; c++) {
        add(
          walletDecider.decide(
            {
              type: 'charge',
              data: {
                chargeId: `r-${number}-${c}`,
                chargeKind: 'call',
                reference: 'r',
                destination: '+442079460000',
                amount: '0.0137',
                currency: 'EUR',
                at: new Date().toISOString(),
              },
            },
            s,
          ),
        );
      }
      await engine.store.append(
        accountStream(number),
        events.map((e) => ({ id: e.id ?? rebuildIds.next(), type: e.type, schemaVersion: 1, data: e.data, metadata: {} })),
        'no-stream',
      );
      progress('rebuild fixture accounts', a + 1, REBUILD_ACCOUNTS);
    }
    await engine.runner.stop();
    const head = await engine.store.head();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const [, rebuildMs] = await timed(() => engine.runner.rebuild('balances'));
    clearInterval(sampler);
    rows.push(
      `| balances rebuild: ${fmt(head)} events in the log (${fmt(REBUILD_ACCOUNTS)} accounts × ${CHARGES_PER_ACCOUNT} charges + the rest) | ${fmt(head)} | ${rate(head, rebuildMs)} ev/s, peak RSS ${fmt(peak / 2 ** 20)} MiB |`,
    );
  } finally {
    await close();
    await engine.close();
    await bed.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const body = [
    '## Wallet and credit (`npm run bench:wallet`)',
    '',
    `${machine()}; SQLite store and read models (the embedded default), engine in process, HTTP over loopback, the real \`stripe\` client against the local Stripe API bed. Scale ${SCALE}.`,
    '',
    '| what | count | result |',
    '| --- | ---: | ---: |',
    ...rows,
  ].join('\n');
  writeSection('wallet', body);
  process.stdout.write(`${body}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:wallet: ${(error as Error).message}\n`);
  process.exit(1);
});
