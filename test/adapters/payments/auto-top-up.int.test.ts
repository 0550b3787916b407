import pino from 'pino';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { autoTopUpRunnerOf } from '../../support/auto-top-up-runner';
import { startStripeBed, type StripeBed } from '../../beds/stripe-api';
import { trunklineClient, TrunklineApiError } from '../../../adapters/client/index';
import { testEngine, type TestEngine } from '../../support/test-engine';
import { signedFetch, signer, type Signer } from '../../support/signed-fetch';

/** Auto top-up with the real `stripe` client against the local Stripe API, on one SQLite log shared by two engines. */
describe('auto top-up through Stripe', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  const carol = signer('+33142685300');
  const dave = signer('+12025550143');
  const erin = signer('+12025550144');
  const fay = signer('+12025550145');
  const gus = signer('+12025550146');
  let bed: StripeBed;
  let t: TestEngine;
  let other: Engine;

  beforeAll(async () => {
    bed = await startStripeBed();
    t = await testEngine({
      numbers: [alice, bob, carol, dave, erin, fay, gus],
      env: { STRIPE_SECRET_KEY: bed.secretKey, STRIPE_WEBHOOK_SECRET: bed.webhookSecret, STRIPE_API_URL: bed.url },
    });
    // a second engine on the same log: its commands race the first one's for real (no in-process queue between them)
    const config = loadConfig({
      env: { STRIPE_SECRET_KEY: bed.secretKey, STRIPE_WEBHOOK_SECRET: bed.webhookSecret, STRIPE_API_URL: bed.url },
      flags: { dataDir: t.dir },
      cwd: t.dir,
    });
    other = await createEngine(config, { logger: pino({ level: 'silent' }) });
    await t.engine.runner.start();
    for (const who of [alice, bob, carol, dave, erin, fay, gus])
      expect((await call(who, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
  });
  afterAll(async () => {
    await other.close();
    await t.close();
    await bed.close();
  });

  const call = (who: Signer, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    signedFetch(t.base, who, method, path, body, headers);
  const json = async <T = Record<string, unknown>>(r: Response | Promise<Response>) => (await (await r).json()) as T;
  const deliver = async (hook: { body: string; headers: Record<string, string> }) => {
    const r = await fetch(`${t.base}/v1/webhooks/stripe`, { method: 'POST', headers: hook.headers, body: hook.body });
    return (await r.json()) as { recorded: string[] };
  };
  const events = async (who: Signer, type: string) => {
    const found = [];
    for await (const e of t.engine.store.readStream(`account-${who.keyid}`)) if (e.type === type) found.push(e);
    return found;
  };
  // one read model (the first engine's): the runners of both engines lease from the same queue
  const runnerOf = (engine: Engine, now?: () => Date) => autoTopUpRunnerOf(engine, t.engine.readModels, now);
  /** Saves a card for `who` as a client app would: setup, Stripe.js confirms, Stripe's webhook. */
  const saveCard = async (who: Signer, paymentMethod: string) => {
    const r = await call(who, 'POST', '/v1/accounts/me/payment-methods/setup', {});
    expect(r.status).toBe(201);
    const setup = await json<{ setupId: string; clientSecret: string; customerId: string; processor: string }>(r);
    const si = bed.confirmSetup(setup.setupId, paymentMethod);
    expect((await deliver(bed.webhook('setup_intent.succeeded', si))).recorded).toEqual(['PaymentMethodSaved']);
    return setup;
  };
  const fund = async (who: Signer, amount: string, paymentId: string) =>
    t.engine.wallet.execute(
      who.keyid,
      { type: 'record-purchase', data: { processor: 'stripe', paymentId, processorEventId: `evt_${paymentId}`, amount, currency: 'EUR' } },
      'test',
    );
  const charge = (engine: Engine, who: Signer, id: string, amount: string) =>
    engine.wallet.execute(
      who.keyid,
      {
        type: 'charge',
        data: {
          chargeId: id,
          chargeKind: 'call',
          reference: id,
          destination: '+442079460000',
          amount,
          currency: 'EUR',
          at: new Date().toISOString(),
        },
      },
      'test',
    );
  const settings = { threshold: '5.00', amount: '20.00', monthlyCap: '60.00', currency: 'EUR' };

  test('a client saves a card through a SetupIntent for off-session use; Stripe’s webhook records it once', async () => {
    const setup = await saveCard(alice, 'pm_card_visa');
    expect(bed.customers.get(setup.customerId)?.metadata).toMatchObject({ trunkline_account: alice.keyid });
    expect(bed.setupIntents.get(setup.setupId)).toMatchObject({ usage: 'off_session', customer: setup.customerId });
    const again = bed.webhook('setup_intent.succeeded', bed.setupIntents.get(setup.setupId));
    expect((await deliver(again)).recorded).toEqual([]);
    // a second setup reuses the account's Stripe customer
    const second = await json<{ customerId: string }>(call(alice, 'POST', '/v1/accounts/me/payment-methods/setup', {}));
    expect(second.customerId).toBe(setup.customerId);
    expect(await json(call(alice, 'GET', '/v1/accounts/me/auto-top-up'))).toMatchObject({
      enabled: false,
      paymentMethod: { processor: 'stripe', id: 'pm_card_visa' },
    });
  });

  test('opting in needs a saved card; bad settings are problems that change nothing', async () => {
    const refused = await call(bob, 'PUT', '/v1/accounts/me/auto-top-up', settings);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await json(refused)).type).toMatch(/no-payment-method$/);
    const hostile: [unknown, number][] = [
      [{ ...settings, amount: '1e3' }, 400],
      [{ ...settings, amount: '-5' }, 400],
      [{ ...settings, extra: 1 }, 400],
      [JSON.parse('{"__proto__": {"enabled": true}, "threshold": "5", "amount": "20", "monthlyCap": "60", "currency": "EUR"}'), 400],
      [{ ...settings, amount: '100000000' }, 422],
      [{ ...settings, amount: '20.001' }, 422],
      [{ ...settings, currency: 'USD' }, 422],
      [{ ...settings, monthlyCap: '10' }, 422],
    ];
    for (const [body, status] of hostile) {
      const r = await call(alice, 'PUT', '/v1/accounts/me/auto-top-up', body);
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), status]);
    }
    expect(await events(alice, 'AutoTopUpEnabled')).toHaveLength(0);
    const ok = await json(call(alice, 'PUT', '/v1/accounts/me/auto-top-up', settings));
    expect(ok).toMatchObject({ enabled: true, threshold: '5', amount: '20', monthlyCap: '60', currency: 'EUR', pending: null });
  });

  test('50 concurrent charges on two engines crossing the threshold start exactly one PaymentIntent', async () => {
    await fund(alice, '10', 'pi_manual_alice');
    const before = bed.intents.size;
    // 50 charges of 0.11 from 10.00: available credit goes below the threshold (5) at the 46th
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => charge(i % 2 ? other : t.engine, alice, `alice-c${i}`, '0.11')));
    expect(results.every((r) => r.events.some((e) => e.type === 'WalletCharged'))).toBe(true);
    const triggers = await events(alice, 'AutoTopUpTriggered');
    expect(triggers).toHaveLength(1);
    // both engines' runners race for it
    await t.engine.runner.catchUp('auto-top-ups');
    await Promise.all([runnerOf(t.engine).runOnce(), runnerOf(other).runOnce(), runnerOf(t.engine).runOnce()]);
    const created = [...bed.intents.values()].slice(before);
    expect(created).toHaveLength(1);
    const pi = created[0]!;
    expect(pi).toMatchObject({ amount: 2000, currency: 'eur', status: 'succeeded' });
    const request = bed.requests.find((r) => r.path === '/v1/payment_intents' && r.params.get('off_session') === 'true')!;
    expect(Object.fromEntries(['confirm', 'customer', 'payment_method'].map((k) => [k, request.params.get(k)]))).toEqual({
      confirm: 'true',
      customer: [...bed.customers.keys()][0],
      payment_method: 'pm_card_visa',
    });
    expect(await events(alice, 'TopUpStarted')).toHaveLength(1);
    // Stripe's webhook credits it and settles the trigger
    expect((await deliver(bed.webhook('payment_intent.succeeded', pi))).recorded).toEqual(['CreditPurchased']);
    const view = await json<{ pending: unknown; toppedUpThisMonth: string }>(call(alice, 'GET', '/v1/accounts/me/auto-top-up'));
    expect(view).toMatchObject({ pending: null, toppedUpThisMonth: '20' });
    await t.engine.runner.catchUp('balances');
    expect(await json(call(alice, 'GET', '/v1/accounts/me/balance'))).toMatchObject({ paid: '24.5' });
  });

  test('a card that needs 3-D Secure off-session: the failure is recorded and auto top-up turns off', async () => {
    await saveCard(carol, 'pm_card_authenticationRequired');
    expect((await call(carol, 'PUT', '/v1/accounts/me/auto-top-up', settings)).status).toBe(200);
    await fund(carol, '6', 'pi_manual_carol');
    await charge(t.engine, carol, 'carol-c1', '2');
    expect(await events(carol, 'AutoTopUpTriggered')).toHaveLength(1);
    await t.engine.runner.catchUp('auto-top-ups');
    await runnerOf(t.engine).runOnce();
    const failed = await events(carol, 'AutoTopUpFailed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data).toMatchObject({ code: 'authentication_required' });
    expect(await json(call(carol, 'GET', '/v1/accounts/me/auto-top-up'))).toMatchObject({
      enabled: false,
      disabledReason: 'payment-failed',
      pending: null,
      toppedUpThisMonth: '0',
    });
    // nothing more is charged, however much is spent
    await charge(t.engine, carol, 'carol-c2', '3');
    expect(await events(carol, 'AutoTopUpTriggered')).toHaveLength(1);
  });

  test('the SDK covers it: setup, opt in, read, turn off', async () => {
    const client = trunklineClient({ baseUrl: t.base, keyid: bob.keyid, privateKey: bob.privateKey });
    await expect(client.enableAutoTopUp(settings)).rejects.toBeInstanceOf(TrunklineApiError);
    const setup = await client.setupPaymentMethod('bob-setup-1');
    expect(await client.setupPaymentMethod('bob-setup-1')).toEqual(setup);
    await deliver(bed.webhook('setup_intent.succeeded', bed.confirmSetup(setup.setupId, 'pm_card_visa')));
    expect(await client.enableAutoTopUp(settings)).toMatchObject({ enabled: true, paymentMethod: { id: 'pm_card_visa' } });
    expect(await client.autoTopUp()).toMatchObject({ enabled: true, amount: '20' });
    expect(await client.disableAutoTopUp()).toMatchObject({ enabled: false, disabledReason: 'customer' });
  });

  test('Stripe down: the trigger waits and is charged once it is back, under the same key', async () => {
    await saveCard(dave, 'pm_card_visa');
    expect((await call(dave, 'PUT', '/v1/accounts/me/auto-top-up', settings)).status).toBe(200);
    await fund(dave, '6', 'pi_manual_dave');
    await charge(t.engine, dave, 'dave-c1', '2');
    await t.engine.runner.catchUp('auto-top-ups');
    bed.failing = true;
    await runnerOf(t.engine).runOnce();
    bed.failing = false;
    expect(await events(dave, 'TopUpStarted')).toHaveLength(0);
    const row = await t.engine.readModels.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM auto_top_ups WHERE number = ?',
      [dave.keyid],
    );
    expect(row).toEqual([{ status: 'due', attempts: 1 }]);
    // the retry waits (≤ 1 s here); then it is charged
    await new Promise((r) => setTimeout(r, 1300));
    await runnerOf(t.engine).runOnce();
    expect(await events(dave, 'TopUpStarted')).toHaveLength(1);
    const keys = bed.requests
      .filter((r) => r.params.get('metadata[trunkline_account]') === dave.keyid && r.params.get('off_session'))
      .map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(1);
  });

  /** `who` with a card, auto top-up on, and a spend that has just set one off; its trigger id. */
  const triggered = async (who: Signer) => {
    await saveCard(who, 'pm_card_visa');
    expect((await call(who, 'PUT', '/v1/accounts/me/auto-top-up', settings)).status).toBe(200);
    await fund(who, '6', `pi_manual_${who.keyid}`);
    await charge(t.engine, who, `${who.keyid}-c1`, '2');
    const [trigger] = await events(who, 'AutoTopUpTriggered');
    await t.engine.runner.catchUp('auto-top-ups');
    return (trigger!.data as { triggerId: string }).triggerId;
  };
  const intentsOf = (who: Signer) =>
    [...bed.intents.values()].filter((i) => i.metadata['trunkline_account'] === who.keyid && i.metadata['trunkline_auto_top_up']);

  test('the answer lost, Stripe’s webhook names the trigger: it is settled, credited once and never charged again', async () => {
    const triggerId = await triggered(erin);
    // the PaymentIntent Stripe made for a request whose answer never reached the engine
    const pi = {
      ...bed.intents.values().next().value!,
      id: 'pi_lost_answer',
      amount: 2000,
      amount_received: 2000,
      status: 'succeeded',
      metadata: { trunkline_account: erin.keyid, trunkline_auto_top_up: triggerId },
    };
    bed.intents.set(pi.id, pi);
    expect((await deliver(bed.webhook('payment_intent.succeeded', pi))).recorded).toEqual(['CreditPurchased']);
    await runnerOf(t.engine).runOnce();
    expect(intentsOf(erin).map((i) => i.id)).toEqual(['pi_lost_answer']);
    expect(await json(call(erin, 'GET', '/v1/accounts/me/auto-top-up'))).toMatchObject({ pending: null, enabled: true });
  });

  test('turned off before the charge: recorded as failed (disabled), never charged', async () => {
    await triggered(fay);
    expect((await call(fay, 'DELETE', '/v1/accounts/me/auto-top-up')).status).toBe(200);
    await runnerOf(t.engine).runOnce();
    expect(intentsOf(fay)).toEqual([]);
    expect((await events(fay, 'AutoTopUpFailed'))[0]?.data).toMatchObject({ code: 'disabled' });
  });

  test('a trigger more than 12 hours old is recorded as failed (expired), never charged', async () => {
    await triggered(gus);
    await runnerOf(t.engine, () => new Date(Date.now() + 13 * 3_600_000)).runOnce();
    expect(intentsOf(gus)).toEqual([]);
    expect((await events(gus, 'AutoTopUpFailed'))[0]?.data).toMatchObject({ code: 'expired' });
    expect(await json(call(gus, 'GET', '/v1/accounts/me/auto-top-up'))).toMatchObject({
      enabled: false,
      disabledReason: 'payment-failed',
      pending: null,
    });
  });
});
