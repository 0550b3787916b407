import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Decimal } from '../../../core/money';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { startStripeBed, type StripeBed } from '../../beds/stripe-api';
import { listen } from '../../support/listen';
import { listRejectedFacts } from '../../../application/facts/rejected-facts';
import { rawPublicKey, signedFetch, signer, type Signer } from '../../support/signed-fetch';

/** The real `stripe` client against a local Stripe API; webhooks signed by stripe.webhooks.generateTestHeaderString. */
describe('credit through Stripe', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  const carol = signer('+33142685300');
  let dir: string;
  let engine: Engine;
  let base: string;
  let close: () => Promise<void>;
  let bed: StripeBed;
  const warnings: string[] = [];

  beforeAll(async () => {
    bed = await startStripeBed();
    dir = mkdtempSync(join(tmpdir(), 'trunkline-stripe-'));
    const numbers = Object.fromEntries([alice, bob, carol].map((s) => [s.keyid, { keys: [rawPublicKey(s.publicKey)] }]));
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers }));
    const config = loadConfig({
      env: { STRIPE_SECRET_KEY: bed.secretKey, STRIPE_WEBHOOK_SECRET: bed.webhookSecret, STRIPE_API_URL: bed.url },
      flags: { dataDir: dir },
      cwd: dir,
    });
    engine = await createEngine(
      {
        ...config,
        pluginOptions: {
          ...config.pluginOptions,
          'trial-credit': { amounts: { EUR: '0.50' }, validDays: 30, restriction: { countries: ['GB'], numberTypes: ['landline'] } },
        },
      },
      { logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) }) },
    );
    await engine.runner.start();
    ({ base, close } = await listen(engine.app));
    for (const who of [alice, bob, carol]) expect((await call(who, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
  });
  afterAll(async () => {
    await close();
    await engine.close();
    await bed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (who: Signer, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    signedFetch(base, who, method, path, body, headers);
  const json = async <T = Record<string, unknown>>(r: Response | Promise<Response>) => (await (await r).json()) as T;
  const topUp = async (who: Signer, amount: string, key?: string) => {
    const r = await call(who, 'POST', '/v1/accounts/me/top-ups', { amount, currency: 'EUR' }, key ? { 'idempotency-key': key } : {});
    return { status: r.status, body: (await r.json()) as { paymentId: string; clientSecret: string; position: number; type?: string } };
  };
  const deliver = async (hook: { body: string; headers: Record<string, string> }) => {
    const r = await fetch(`${base}/v1/webhooks/stripe`, { method: 'POST', headers: hook.headers, body: hook.body });
    return { status: r.status, body: (await r.json()) as { recorded?: string[]; type?: string } };
  };
  const balance = async (who: Signer) => {
    await engine.runner.catchUp('balances');
    return json<{ paid: string; granted: string; available: string; balance: string; inDebt: boolean; paidServices: string }>(
      call(who, 'GET', '/v1/accounts/me/balance'),
    );
  };
  const succeeded = (paymentId: string, received?: number, currency?: string) => {
    const pi = bed.intents.get(paymentId)!;
    return {
      ...pi,
      status: 'succeeded',
      amount_received: received ?? pi.amount,
      currency: currency ?? pi.currency,
    };
  };
  const eventsOfType = async (who: Signer, type: string) => {
    let n = 0;
    for await (const e of engine.store.readStream(`account-${who.keyid}`)) if (e.type === type) n++;
    return n;
  };

  test('opening grants the trial credit once, restricted and expiring; it shows in the balance', async () => {
    const b = await balance(carol);
    expect(b).toMatchObject({ paid: '0', granted: '0.5', available: '0.5', inDebt: false, paidServices: 'allowed' });
    expect((b as unknown as { grants: unknown[] }).grants).toEqual([
      expect.objectContaining({
        grantId: 'trial',
        remaining: '0.5',
        reason: 'trial',
        restriction: { countries: ['GB'], numberTypes: ['landline'] },
      }),
    ]);
    expect((await call(carol, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(200);
    expect(await eventsOfType(carol, 'CreditGranted')).toBe(1);
  });

  test('a top-up creates a PaymentIntent in exact minor units under a key derived from the request', async () => {
    const first = await topUp(alice, '12.34', 'alice-topup-1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      processor: 'stripe',
      credit: { amount: '12.34', currency: 'EUR' },
      amount: { amount: '12.34', currency: 'EUR' },
    });
    const pi = bed.intents.get(first.body.paymentId)!;
    expect([pi.amount, pi.currency, pi.metadata['trunkline_account'], first.body.clientSecret]).toEqual([
      1234,
      'eur',
      alice.keyid,
      pi.client_secret,
    ]);
    const again = await topUp(alice, '12.34', 'alice-topup-1');
    expect([again.status, again.body.paymentId]).toEqual([200, first.body.paymentId]);
    const keys = bed.requests.filter((r) => r.method === 'POST').map((r) => r.idempotencyKey);
    expect(keys[keys.length - 1]).toBe(keys[keys.length - 2]);
    // without Idempotency-Key the signature's nonce is the key: a new signed request is a new payment
    const other = await topUp(alice, '12.34');
    expect(other.body.paymentId).not.toBe(first.body.paymentId);
    expect(await eventsOfType(alice, 'TopUpStarted')).toBe(2);
  });

  test('bad top-ups are problems and change nothing', async () => {
    const head = await engine.store.head();
    const cases: [unknown, number, string][] = [
      [{ amount: '10.001', currency: 'EUR' }, 422, 'invalid-amount'],
      [{ amount: '10', currency: 'USD' }, 422, 'currency-mismatch'],
      [{ amount: '1', currency: 'EUR' }, 422, 'amount-out-of-range'],
      [{ amount: '5000', currency: 'EUR' }, 422, 'amount-out-of-range'],
      [{ amount: 10, currency: 'EUR' }, 400, 'invalid-request'],
      [{ amount: '1e3', currency: 'EUR' }, 400, 'invalid-request'],
    ];
    for (const [body, status, type] of cases) {
      const r = await call(bob, 'POST', '/v1/accounts/me/top-ups', body);
      expect([r.status, r.headers.get('content-type'), ((await r.json()) as { type: string }).type]).toEqual([
        status,
        expect.stringMatching(/^application\/problem\+json/),
        `https://trunkline.dev/problems/${type}`,
      ]);
    }
    expect(await engine.store.head()).toBe(head);
  });

  test('Stripe refusing the key reuse or failing: 409 and 502 problems, nothing recorded', async () => {
    const head = await engine.store.head();
    expect((await topUp(carol, '20.00', 'carol-1')).status).toBe(201);
    const after = await engine.store.head();
    const reused = await topUp(carol, '30.00', 'carol-1');
    expect([reused.status, reused.body.type]).toEqual([409, 'https://trunkline.dev/problems/idempotency-key-reused']);
    bed.failing = true;
    try {
      const down = await topUp(carol, '20.00', 'carol-2');
      expect([down.status, down.body.type]).toEqual([502, 'https://trunkline.dev/problems/payment-processor-unavailable']);
    } finally {
      bed.failing = false;
    }
    expect([head < after, await engine.store.head()]).toEqual([true, after]);
  });

  test('a success webhook replayed ten times credits once', async () => {
    const { body } = await topUp(bob, '10.00', 'bob-1');
    const hook = bed.webhook('payment_intent.succeeded', succeeded(body.paymentId));
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await deliver(hook));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers[0]!.body.recorded).toEqual(['CreditPurchased']);
    // read-your-write: the balance as of the webhook's position, without waiting by hand
    const seen = await json<{ paid: string; position: number }>(
      call(bob, 'GET', `/v1/accounts/me/balance?after=${(answers[0]!.body as { position: number }).position}`),
    );
    expect(seen.paid).toBe('10');
    expect(answers.slice(1).every((a) => a.body.recorded!.length === 0)).toBe(true);
    // Stripe may also send the same fact as another event (a resend): still once
    expect((await deliver(bed.webhook('payment_intent.succeeded', succeeded(body.paymentId)))).body.recorded).toEqual([]);
    expect(await balance(bob)).toMatchObject({ paid: '10', granted: '0.5', balance: '10.5' });
  });

  test('a webhook with a wrong signature is refused and records nothing', async () => {
    const head = await engine.store.head();
    const { body } = await topUp(bob, '20.00', 'bob-forged');
    const after = await engine.store.head();
    const forged = bed.webhook('payment_intent.succeeded', succeeded(body.paymentId), { secret: 'whsec_someone0else' });
    const r = await deliver(forged);
    expect([r.status, r.body.type]).toEqual([400, 'https://trunkline.dev/problems/webhook-signature']);
    const tampered = bed.webhook('payment_intent.succeeded', succeeded(body.paymentId));
    const r2 = await deliver({ ...tampered, body: tampered.body.replace('"amount_received":2000', '"amount_received":200000') });
    expect(r2.status).toBe(400);
    const unsigned = await fetch(`${base}/v1/webhooks/stripe`, { method: 'POST', body: tampered.body });
    expect(unsigned.status).toBe(400);
    expect(await engine.store.head()).toBe(after);
    expect(after).toBeGreaterThan(head);
  });

  test('an amount or currency other than the top-up asked for is recorded as a mismatch, not credited', async () => {
    const before = await balance(bob);
    const short = await topUp(bob, '15.00', 'bob-short');
    expect((await deliver(bed.webhook('payment_intent.succeeded', succeeded(short.body.paymentId, 1400)))).body.recorded).toEqual([
      'TopUpMismatch',
    ]);
    const foreign = await topUp(bob, '15.00', 'bob-foreign');
    expect(
      (await deliver(bed.webhook('payment_intent.succeeded', succeeded(foreign.body.paymentId, undefined, 'usd')))).body.recorded,
    ).toEqual(['TopUpMismatch']);
    expect((await balance(bob)).paid).toBe(before.paid);
  });

  test('a failed payment is recorded and credits nothing', async () => {
    const { body } = await topUp(bob, '7.00', 'bob-failed');
    const pi = { ...bed.intents.get(body.paymentId)!, status: 'requires_payment_method', last_payment_error: { code: 'card_declined' } };
    expect((await deliver(bed.webhook('payment_intent.payment_failed', pi))).body.recorded).toEqual(['TopUpFailed']);
    expect(await eventsOfType(bob, 'CreditPurchased')).toBe(1);
  });

  test('a refund that arrives before the success: in debt (paid services suspended) until the success settles it', async () => {
    const { body } = await topUp(alice, '10.00', 'alice-refund');
    const charge = {
      id: 'ch_refund1',
      object: 'charge',
      amount: 1000,
      amount_refunded: 400,
      currency: 'eur',
      payment_intent: body.paymentId,
    };
    expect((await deliver(bed.webhook('charge.refunded', charge))).body.recorded).toEqual(['CreditRefunded']);
    expect(await balance(alice)).toMatchObject({ paid: '-4', inDebt: true, paidServices: 'suspended', available: '0' });
    await deliver(bed.webhook('payment_intent.succeeded', succeeded(body.paymentId)));
    expect(await balance(alice)).toMatchObject({ paid: '6', inDebt: false, paidServices: 'allowed' });
    // the full refund later, then the stale partial one again: 10 refunded in all
    await deliver(bed.webhook('charge.refunded', { ...charge, amount_refunded: 1000 }));
    expect((await deliver(bed.webhook('charge.refunded', charge))).body.recorded).toEqual([]);
    expect((await balance(alice)).paid).toBe('0');
  });

  test('a dispute debits on funds_withdrawn and re-credits on funds_reinstated, once each', async () => {
    const { body } = await topUp(alice, '25.00', 'alice-dispute');
    await deliver(bed.webhook('payment_intent.succeeded', succeeded(body.paymentId)));
    const dispute = {
      id: 'dp_1',
      object: 'dispute',
      amount: 2500,
      currency: 'eur',
      charge: 'ch_x',
      payment_intent: body.paymentId,
      status: 'needs_response',
    };
    for (let i = 0; i < 3; i++) await deliver(bed.webhook('charge.dispute.funds_withdrawn', dispute));
    expect((await balance(alice)).paid).toBe('0');
    for (let i = 0; i < 3; i++) await deliver(bed.webhook('charge.dispute.funds_reinstated', { ...dispute, status: 'won' }));
    expect((await balance(alice)).paid).toBe('25');
    expect([await eventsOfType(alice, 'ChargebackDebited'), await eventsOfType(alice, 'ChargebackReversed')]).toEqual([1, 1]);
  });

  test('events about other money, or payments of no Trunkline account, are acknowledged and change nothing', async () => {
    const head = await engine.store.head();
    expect((await deliver(bed.webhook('customer.created', { id: 'cus_1', object: 'customer' }))).status).toBe(200);
    const foreign = {
      id: 'pi_elsewhere',
      object: 'payment_intent',
      amount: 500,
      amount_received: 500,
      currency: 'eur',
      status: 'succeeded',
      metadata: {},
    };
    expect((await deliver(bed.webhook('payment_intent.succeeded', foreign))).status).toBe(200);
    expect(await engine.store.head()).toBe(head);
  });

  test('a refund or dispute of a PaymentIntent Stripe does not know is acknowledged and changes nothing; Stripe down is a 502', async () => {
    const head = await engine.store.head();
    const refund = {
      id: 'ch_unknown',
      object: 'charge',
      amount: 900,
      amount_refunded: 900,
      currency: 'eur',
      payment_intent: 'pi_never_seen',
    };
    const dispute = {
      id: 'dp_unknown',
      object: 'dispute',
      amount: 900,
      currency: 'eur',
      charge: 'ch_unknown',
      payment_intent: 'pi_never_seen',
    };
    for (const [type, object] of [
      ['charge.refunded', refund],
      ['charge.dispute.funds_withdrawn', dispute],
    ] as const) {
      const r = await deliver(bed.webhook(type, object));
      expect([type, r.status, r.body.recorded]).toEqual([type, 200, []]);
    }
    expect(warnings.filter((w) => w.includes('"paymentId":"pi_never_seen"') && w.includes('"level":40'))).toHaveLength(2);
    bed.failing = true;
    try {
      // the lookup failed, not the payment: an answer other than 2xx makes Stripe deliver it again
      const down = await deliver(bed.webhook('charge.refunded', refund));
      expect([down.status, down.body.type]).toEqual([502, 'https://trunkline.dev/problems/payment-processor-unavailable']);
    } finally {
      bed.failing = false;
    }
    expect(await engine.store.head()).toBe(head);
  });

  test('a payment of a negative or zero amount is acknowledged (200), credits nothing and is kept once as a rejected fact', async () => {
    const before = await balance(bob);
    const headBefore = await engine.store.head();
    const money = ['CreditPurchased', 'TopUpMismatch', 'ChargebackDebited', 'ReversalUncovered'];
    const counts = async () => Promise.all(money.map((type) => eventsOfType(bob, type)));
    const countsBefore = await counts();
    // a payment this engine never started, as the tester sent it: it used to be credited 1:1, "-5"
    const negative = {
      id: 'pi_negative',
      object: 'payment_intent',
      amount: 500,
      amount_received: -500,
      currency: 'eur',
      status: 'succeeded',
      metadata: { trunkline_account: bob.keyid },
    };
    const hook = bed.webhook('payment_intent.succeeded', negative, { id: 'evt_negative' });
    for (let i = 0; i < 3; i++) {
      const r = await deliver(hook);
      expect([r.status, r.body.recorded, (r.body as { rejected?: string[] }).rejected]).toEqual([
        200,
        [],
        [expect.stringMatching(/amount received -500/)],
      ]);
    }
    // a top-up that was started, paid "back" by a negative amount, and a dispute of nothing on it
    const { body } = await topUp(bob, '5.00', 'bob-negative');
    expect((await deliver(bed.webhook('payment_intent.succeeded', succeeded(body.paymentId, -500)))).status).toBe(200);
    const dispute = { id: 'dp_zero', object: 'dispute', amount: 0, currency: 'eur', payment_intent: body.paymentId };
    expect((await deliver(bed.webhook('charge.dispute.funds_withdrawn', dispute))).status).toBe(200);
    expect(await counts()).toEqual(countsBefore);
    expect(await balance(bob)).toEqual(before);
    const rejected = await listRejectedFacts(engine.store, 'stripe');
    expect(rejected.map((f) => [f.externalId, f.reason])).toEqual([
      ['evt_negative', expect.stringMatching(/amount received -500/)],
      [expect.stringMatching(/^evt_/), expect.stringMatching(/amount received -500/)],
      [expect.stringMatching(/^evt_/), expect.stringMatching(/disputed amount 0/)],
    ]);
    expect(JSON.parse(rejected[0]!.payload)).toMatchObject({ id: 'evt_negative', data: { object: { amount_received: -500 } } });
    // the start of bob's top-up, and three rejected facts: nothing else
    expect(await engine.store.head()).toBe(headBefore + 4);
  });

  test('the ledger lists every movement newest first with a running balance, in cursor pages', async () => {
    type Page = { items: { amount: string; balance: string; type: string; position: number }[]; nextCursor: string | null };
    await engine.runner.catchUp('balances');
    const all: Page['items'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await json<Page>(call(alice, 'GET', `/v1/accounts/me/transactions?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      all.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(2);
    const positions = all.map((l) => l.position);
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
    // each line's balance is the one below it plus its amount; the newest equals the balance
    for (let i = 0; i < all.length - 1; i++) {
      expect(new Decimal(all[i + 1]!.balance).plus(all[i]!.amount).toFixed()).toBe(all[i]!.balance);
    }
    expect(all[0]!.balance).toBe((await balance(alice)).balance);
    const bad = await call(alice, 'GET', '/v1/accounts/me/transactions?cursor=abc');
    expect(bad.status).toBe(400);
  });
});
