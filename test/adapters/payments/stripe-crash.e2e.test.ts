import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { Decimal } from '../../../core/money';
import { freePort } from '../../beds/free-port';
import { startStripeBed, type StripeBed } from '../../beds/stripe-api';
import { BIN, ROOT, childEnv, exited } from '../../support/cli';
import { rawPublicKey, signedFetch, signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

/**
 * `kill -9` while webhooks are between arriving and being stored, then Stripe's retries
 * (every event again, acknowledged or not): each payment is credited exactly once.
 */
describe('Stripe webhooks across a kill -9', () => {
  const alice = signer('+442079460958');
  let dir: string;
  let bed: StripeBed;
  let port: number;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    bed = await startStripeBed();
    dir = mkdtempSync(join(tmpdir(), 'trunkline-stripe-crash-'));
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers: { [alice.keyid]: { keys: [rawPublicKey(alice.publicKey)] } } }));
    port = await freePort();
  });
  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await bed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const base = () => `http://127.0.0.1:${port}`;
  async function start(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: childEnv({
        TRUNKLINE_DATA_DIR: dir,
        PORT: String(port),
        STRIPE_SECRET_KEY: bed.secretKey,
        STRIPE_WEBHOOK_SECRET: bed.webhookSecret,
        STRIPE_API_URL: bed.url,
        TRUNKLINE_TOP_UP_MINIMUM: '1',
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(async () => (await fetch(`${base()}/healthz`).catch(() => null))?.ok === true, 30_000, `server to listen (${stderr})`);
    return child;
  }
  const deliver = (hook: { body: string; headers: Record<string, string> }) =>
    fetch(`${base()}/v1/webhooks/stripe`, { method: 'POST', headers: hook.headers, body: hook.body }).then(
      (r) => r.status,
      () => 'lost' as const,
    );

  test('each payment is credited once, whatever was acknowledged before the kill', async () => {
    server = await start();
    expect((await signedFetch(base(), alice, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    const payments: { id: string; cents: number }[] = [];
    for (let i = 0; i < 200; i++) {
      const cents = 100 + ((i * 37) % 900);
      const amount = new Decimal(cents).dividedBy(100).toFixed(2);
      const r = await signedFetch(
        base(),
        alice,
        'POST',
        '/v1/accounts/me/top-ups',
        { amount, currency: 'EUR' },
        { 'idempotency-key': `t${i}` },
      );
      expect(r.status).toBe(201);
      payments.push({ id: ((await r.json()) as { paymentId: string }).paymentId, cents });
    }
    const hooks = payments.map((p) =>
      bed.webhook('payment_intent.succeeded', { ...bed.intents.get(p.id)!, status: 'succeeded', amount_received: p.cents }),
    );

    // all 200 at once; kill -9 once the first 20 are acknowledged
    let acknowledged = 0;
    const victim = server;
    const inFlight = hooks.map((h) =>
      deliver(h).then((status) => {
        if (status === 200 && ++acknowledged === 20) victim.kill('SIGKILL');
        return status;
      }),
    );
    const first = await Promise.all(inFlight);
    await exited(victim);
    const acked = first.filter((s) => s === 200).length;
    expect(acked).toBeGreaterThanOrEqual(20);
    expect(acked).toBeLessThan(200);

    // Stripe retries what was not acknowledged; here it resends every event, twice
    server = await start();
    for (let round = 0; round < 2; round++) {
      const statuses = await Promise.all(hooks.map(deliver));
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);

    const store = sqliteEventStore({ path: join(dir, 'events.sqlite') });
    try {
      const credited = new Map<string, number>();
      let total = new Decimal(0);
      for await (const e of store.readStream(`account-${alice.keyid}`)) {
        if (e.type !== 'CreditPurchased') continue;
        const data = e.data as { paymentId: string; credit: string };
        credited.set(data.paymentId, (credited.get(data.paymentId) ?? 0) + 1);
        total = total.plus(data.credit);
      }
      expect(credited.size).toBe(200);
      expect([...credited.values()].every((n) => n === 1)).toBe(true);
      const expected = payments.reduce((sum, p) => sum.plus(new Decimal(p.cents).dividedBy(100)), new Decimal(0));
      expect(total.toFixed()).toBe(expected.toFixed());
    } finally {
      await store.close();
    }
  }, 120_000);
});
