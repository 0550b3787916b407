import express from 'express';
import type { Engine } from '../adapters/runtime/engine';
import type { StripeBed } from '../test/beds/stripe-api';
import { listen } from '../test/support/listen';
import { issueBatch } from '../test/support/vouchers';
import { signedFetch, type Signer } from '../test/support/signed-fetch';
import { alternate, chunks, versus } from './compare';
import { fmt, percentile } from './report';

type Target = 'echo' | 'engine';

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * An express 5 app that parses any JSON request and answers it back, served in this process the
 * way the engine's app is (test/support/listen.ts): the least an HTTP endpoint costs here.
 */
export async function listenEcho(): Promise<{ base: string; close: () => Promise<void> }> {
  const app = express();
  app.use(express.json(), (req, res) => void res.json((req.body as unknown) ?? {}));
  return listen(app);
}

/**
 * A phase alternated with the echo: `items` split in `rounds` equal shares, each round its share
 * sent to the echo and then the same share to the engine; items a second of each, every round.
 */
async function alternated<T>(rounds: number, items: readonly T[], send: (target: Target, share: readonly T[]) => Promise<void>) {
  const shares = chunks(items, rounds);
  const timed = async (target: Target, round: number) => {
    const t = performance.now();
    await send(target, shares[round]!);
    return (shares[round]!.length / (performance.now() - t)) * 1000;
  };
  return alternate(shares.length, { echo: (r) => timed('echo', r), engine: (r) => timed('engine', r) });
}

const perSecond = (n: number) => `${fmt(n)} /s`;
const drained = async (r: Response, expected?: number) => {
  if (expected !== undefined && r.status !== expected) throw new Error(`answered ${r.status}, not ${expected}`);
  await r.arrayBuffer();
};

/**
 * The wallet's HTTP phases (accounts opened, top-ups, Stripe webhooks and their replays, vouchers
 * redeemed, balances read), each against the echo under the same client, the same requests and
 * the same concurrency, alternated; rows of | what | count | figure | echo | ratio |.
 */
export async function walletHttpRows(o: {
  engine: Engine;
  base: string;
  echo: string;
  bed: StripeBed;
  people: readonly Signer[];
  payments: number;
  vouchers: number;
  rounds: number;
}): Promise<string[]> {
  const { base, echo, bed, people, rounds } = o;
  const to = (t: Target) => (t === 'echo' ? echo : base);
  const rows: string[] = [];
  const row = (what: string, count: string, f: { engine: number[]; echo: number[] }, show = perSecond) =>
    rows.push(`| ${what} | ${count} | ${versus(f.engine, f.echo, show)} |`);

  const opened = await alternated(rounds, people, (t, share) =>
    pool(share, 4, async (p) => drained(await signedFetch(to(t), p, 'POST', '/v1/accounts', { currency: 'EUR' }))),
  );
  row('open account (with trial grant), 4 clients', fmt(people.length), opened);

  const payments: { id: string; who: number }[] = [];
  const indices = Array.from({ length: o.payments }, (_, i) => i);
  const toppedUp = await alternated(rounds, indices, async (t, share) => {
    for (const i of share) {
      const r = await signedFetch(to(t), people[i % people.length]!, 'POST', '/v1/accounts/me/top-ups', {
        amount: '10.00',
        currency: 'EUR',
      });
      if (t === 'echo') await drained(r, 200);
      else payments.push({ id: ((await r.json()) as { paymentId: string }).paymentId, who: i % people.length });
    }
  });
  row('top-up: signed request → Stripe PaymentIntent → TopUpStarted, sequential', fmt(o.payments), toppedUp);

  const hooks = payments.map((p) =>
    bed.webhook('payment_intent.succeeded', { ...bed.intents.get(p.id)!, status: 'succeeded', amount_received: 1000 }),
  );
  const deliver = (t: Target) => async (h: { body: string; headers: Record<string, string> }) =>
    drained(await fetch(`${to(t)}/v1/webhooks/stripe`, { method: 'POST', headers: h.headers, body: h.body }), 200);
  const first = await alternated(rounds, hooks, (t, share) => pool(share, 8, deliver(t)));
  row('payment_intent.succeeded, first delivery (verify + credit), 8 concurrent', fmt(hooks.length), first);
  const replayed = await alternated(rounds, hooks, (t, share) => pool(share, 8, deliver(t)));
  row('the same webhooks replayed (verify + dedup, nothing written), 8 concurrent', fmt(hooks.length), replayed);

  const t0 = performance.now();
  const { codes } = await issueBatch(o.engine, { count: o.vouchers, note: 'bench', issuedBy: 'bench' });
  rows.push(`| voucher batch issue (codes + hashes + one event) | ${fmt(o.vouchers)} codes | ${fmt(performance.now() - t0)} ms | – | – |`);
  const numbered = codes.map((code, i) => ({ code, i }));
  const redeemed = await alternated(rounds, numbered, async (t, share) => {
    for (const { code, i } of share)
      await drained(
        await signedFetch(to(t), people[i % people.length]!, 'POST', '/v1/accounts/me/vouchers/redeem', { code }),
        t === 'echo' ? 200 : 201,
      );
  });
  row('voucher redemption: claim + credit, sequential', fmt(codes.length), redeemed);

  await o.engine.runner.catchUp('balances');
  const reads = Array.from({ length: Math.max(200, o.payments) }, (_, i) => i);
  const latencies: Record<Target, number[][]> = { echo: [], engine: [] };
  await alternated(rounds, reads, async (t, share) => {
    const times: number[] = [];
    for (const i of share) {
      const started = performance.now();
      await drained(await signedFetch(to(t), people[i % people.length]!, 'GET', '/v1/accounts/me/balance'), 200);
      times.push(performance.now() - started);
    }
    latencies[t].push(times.sort((a, b) => a - b));
  });
  const at = (q: number) => ({ engine: latencies.engine.map((l) => percentile(l, q)), echo: latencies.echo.map((l) => percentile(l, q)) });
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  row('GET /v1/accounts/me/balance (signed), p50', fmt(reads.length), at(0.5), ms);
  row('GET /v1/accounts/me/balance (signed), p99', fmt(reads.length), at(0.99), ms);
  return rows;
}
