import pino from 'pino';
import { webhookDispatcher } from '../../../adapters/webhooks/dispatcher';
import { trunklineClient } from '../../../adapters/client/index';
import { startWebhookReceiver, type WebhookReceiver } from '../../beds/webhook-receiver';
import { testEngine, type TestEngine } from '../../support/test-engine';
import { signedFetch, signer, type Signer } from '../../support/signed-fetch';

/** A client app's own endpoint: registered through the signed API, told its own account's notifications only. */
describe('client webhook endpoints', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  const admin = signer('ops-1');
  const secret = 'client-webhooks-master-secret-for-tests-0123456789';
  let t: TestEngine;
  let plain: TestEngine;
  let receiver: WebhookReceiver;
  let dispatcher: ReturnType<typeof webhookDispatcher>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await testEngine({
      numbers: [alice, bob],
      operators: [{ who: admin, roles: ['admin'] }],
      // a lab: the receiver is on loopback, over http
      config: { clientWebhookSecret: secret, clientWebhookTargets: 'any' },
    });
    plain = await testEngine({ numbers: [alice], config: { clientWebhookSecret: secret } });
    await t.engine.runner.start();
    for (const who of [alice, bob]) expect((await signedFetch(t.base, who, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    dispatcher = webhookDispatcher({
      readModels: t.engine.readModels,
      endpoints: [],
      clients: { secret, policy: 'any' },
      clock: { now: () => new Date() },
      logger: pino({ level: 'silent' }),
      maxAttempts: 3,
      retryMaxSeconds: 1,
    });
  });
  afterAll(async () => {
    await t.close();
    await plain.close();
    await receiver.close();
  });

  const register = async (who: Signer, url: string, key?: string) => {
    const r = await signedFetch(t.base, who, 'PUT', '/v1/accounts/me/webhook', { url }, key ? { 'idempotency-key': key } : {});
    return {
      status: r.status,
      body: (await r.json()) as { url: string; version: number; secret: string; events: string[]; type?: string },
    };
  };
  const suspend = async (who: Signer) => {
    const path = `/v1/accounts/${encodeURIComponent(who.keyid)}`;
    expect((await signedFetch(t.base, admin, 'POST', `${path}/suspend`, { reason: 'review' })).status).toBe(200);
    expect((await signedFetch(t.base, admin, 'POST', `${path}/reinstate`, {})).status).toBe(200);
  };
  const deliverAll = async () => {
    await t.engine.runner.catchUp('notifications');
    for (let i = 0; i < 5 && (await dispatcher.runOnce()) > 0; i++);
  };

  test('registering answers a secret once; the same request again answers the same one', async () => {
    const first = await register(alice, receiver.url, 'alice-hook-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ url: receiver.url, version: 1, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) });
    expect(first.body.events).toContain('balance.low');
    expect((await register(alice, receiver.url, 'alice-hook-1')).body.secret).toBe(first.body.secret);
    const shown = (await (await signedFetch(t.base, alice, 'GET', '/v1/accounts/me/webhook')).json()) as Record<string, unknown>;
    expect(shown).toEqual({ url: receiver.url, version: 1 });
    receiver.useSecret(first.body.secret);
  });

  test('the endpoint hears its own account, signed with its secret, and nobody else’s', async () => {
    await suspend(alice);
    await suspend(bob);
    await deliverAll();
    const got = [...receiver.unique().values()];
    // delivered in parallel: in any order
    expect(got.map((r) => [r.type, r.data['number'], r.valid]).sort()).toEqual([
      ['account.reinstated', alice.keyid, true],
      ['account.suspended', alice.keyid, true],
    ]);
  });

  test('registering again rotates the secret: the old one no longer verifies', async () => {
    const first = (await register(alice, receiver.url, 'alice-hook-1')).body.secret;
    const rotated = await register(alice, receiver.url, 'alice-hook-2');
    expect(rotated.body).toMatchObject({ version: 2, secret: expect.not.stringMatching(first) });
    const before = receiver.received.length;
    await suspend(alice);
    await deliverAll();
    // the receiver still verifies with the first secret: what came now is signed with the new one
    const fresh = receiver.received.slice(before);
    expect(fresh.map((r) => r.valid)).toEqual([false, false]);
    receiver.useSecret(rotated.body.secret);
    await suspend(alice);
    await deliverAll();
    expect(receiver.received.slice(before + 2).map((r) => r.valid)).toEqual([true, true]);
  });

  test('removed, it hears nothing more', async () => {
    expect((await signedFetch(t.base, alice, 'DELETE', '/v1/accounts/me/webhook')).status).toBe(200);
    const before = receiver.received.length;
    await suspend(alice);
    await deliverAll();
    expect(receiver.received.length).toBe(before);
  });

  test('under the default policy, private, loopback and http targets are problems that record nothing', async () => {
    const r = await signedFetch(plain.base, alice, 'POST', '/v1/accounts', { currency: 'EUR' });
    expect(r.status).toBe(201);
    for (const url of [
      'http://hooks.example.com/h',
      'https://127.0.0.1/h',
      'https://2130706433/h',
      'https://[::1]/h',
      'https://169.254.169.254/',
      'https://localhost/h',
    ]) {
      const res = await signedFetch(plain.base, alice, 'PUT', '/v1/accounts/me/webhook', { url });
      expect([url, res.status, res.headers.get('content-type')]).toEqual([url, 422, expect.stringMatching(/application\/problem\+json/)]);
      expect(((await res.json()) as { type: string }).type).toMatch(/unsafe-webhook-url$/);
    }
    for (const body of [
      { url: 'https://hooks.example.com/h', extra: 1 },
      JSON.parse('{"__proto__": {"x": 1}, "url": "https://hooks.example.com/h"}'),
    ])
      expect((await signedFetch(plain.base, alice, 'PUT', '/v1/accounts/me/webhook', body)).status).toBe(400);
    let n = 0;
    for await (const e of plain.engine.store.readStream(`account-${alice.keyid}`)) if (e.type === 'ClientWebhookSet') n++;
    expect(n).toBe(0);
    const ok = await signedFetch(plain.base, alice, 'PUT', '/v1/accounts/me/webhook', { url: 'https://hooks.example.com/h' });
    expect(ok.status).toBe(200);
  });

  test('the SDK registers, shows and removes it', async () => {
    const client = trunklineClient({ baseUrl: t.base, keyid: bob.keyid, privateKey: bob.privateKey });
    const hook = await client.setWebhook(receiver.url);
    expect(hook).toMatchObject({ url: receiver.url, version: 1, secret: expect.stringMatching(/^whsec_/) });
    expect(await client.webhook()).toEqual({ url: receiver.url, version: 1 });
    expect(await client.removeWebhook()).toEqual({ url: null, version: null });
    expect(await client.webhook()).toEqual({ url: null, version: null });
  });

  test('an engine without clientWebhookSecret answers 503', async () => {
    const off = await testEngine({ numbers: [bob] });
    try {
      expect((await signedFetch(off.base, bob, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
      const r = await signedFetch(off.base, bob, 'PUT', '/v1/accounts/me/webhook', { url: 'https://hooks.example.com/h' });
      expect(r.status).toBe(503);
      expect(((await r.json()) as { type: string }).type).toMatch(/client-webhooks-disabled$/);
    } finally {
      await off.close();
    }
  });
});
