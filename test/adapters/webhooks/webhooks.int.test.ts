import pino from 'pino';
import { webhookDispatcher } from '../../../adapters/webhooks/dispatcher';
import { listDeliveries } from '../../../projections/notifications/outbox';
import { enqueueExpiringGrants } from '../../../projections/notifications/expiring-grants';
import { runCliAsync } from '../../support/cli';
import { startWebhookReceiver, type WebhookReceiver } from '../../beds/webhook-receiver';
import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { signedFetch, signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

const UK = '+442079460000';

describe('notifications as signed webhooks, from the log, at least once', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  const carol = signer('+33142685300');
  const dave = signer('+442079460777');
  const admin = signer('ops-1');
  let receiver: WebhookReceiver;
  let broken: WebhookReceiver;
  let bed: CallsEngine;
  let dispatcher: ReturnType<typeof webhookDispatcher>;
  let webhooks: { id: string; url: string; secret: string; events?: 'account.suspended'[] }[];
  /** Delivery rounds, as the serving job runs them every second, until `check` holds. */
  const deliverUntil = (check: () => boolean, what: string) => waitFor(async () => (await dispatcher.runOnce(), check()), 15_000, what);

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    broken = await startWebhookReceiver();
    broken.setFailing(true);
    webhooks = [
      { id: 'billing', url: receiver.url, secret: receiver.secret },
      { id: 'pager', url: broken.url, secret: broken.secret, events: ['account.suspended' as const] },
    ];
    bed = await callsEngine({
      people: [alice, bob, carol, dave],
      operators: [{ who: admin, roles: ['admin'] }],
      config: { webhooks, lowBalanceThresholds: { EUR: '1.00' }, webhookMaxAttempts: 3 },
    });
    await bed.engine.runner.start();
    dispatcher = webhookDispatcher({
      readModels: bed.engine.readModels,
      endpoints: webhooks,
      clients: null,
      clock: { now: () => new Date() },
      logger: pino({ level: 'silent' }),
      maxAttempts: 3,
      retryMaxSeconds: 1,
    });
  });
  afterAll(async () => {
    await bed?.close();
    await receiver?.close();
    await broken?.close();
  });

  test('a top-up, then a call that takes the balance below the threshold: topup.succeeded, balance.low, signed', async () => {
    await bed.fund(alice.keyid, '1.01', 'pi_alice_1');
    expect((await bed.hook('authorize', { call_id: 'c-1', caller: alice.keyid, callee: UK })).status).toBe(200);
    const cdr = { call_id: 'c-1', caller: alice.keyid, disposition: 'ANSWERED', answer_ts: 1_796_000_000, end_ts: 1_796_000_030 };
    expect((await bed.hook('cdr', cdr)).status).toBe(200);
    await deliverUntil(() => receiver.received.some((r) => r.type === 'balance.low'), 'balance.low');
    // sent in parallel, so they may arrive in either order; the payload's timestamp orders them
    const mine = receiver.received.filter((r) => r.data['number'] === alice.keyid).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    expect(mine.map((r) => r.type)).toEqual(['topup.succeeded', 'balance.low']);
    expect(mine.every((r) => r.valid)).toBe(true);
    expect(mine[0]!.data).toMatchObject({ paymentId: 'pi_alice_1', credit: '1.01', currency: 'EUR' });
    // 1.01 less a minute at 0.015: below 1.00 once; the next charge does not fire again
    expect(mine[1]!.data).toMatchObject({ balance: '0.995', threshold: '1', currency: 'EUR' });
    expect((await bed.hook('authorize', { call_id: 'c-2', caller: alice.keyid, callee: UK })).status).toBe(200);
    expect((await bed.hook('cdr', { ...cdr, call_id: 'c-2' })).status).toBe(200);
    await bed.engine.runner.catchUp('notifications');
    for (let i = 0; i < 3; i++) await dispatcher.runOnce();
    expect(receiver.received.filter((r) => r.type === 'balance.low')).toHaveLength(1);
  });

  test('a receiver that is down gets the notification once it is back; each webhook-id arrives once', async () => {
    await receiver.down();
    expect(
      (await signedFetch(bed.base, admin, 'POST', `/v1/accounts/${encodeURIComponent(bob.keyid)}/suspend`, { reason: 'review' })).status,
    ).toBe(200);
    await bed.engine.runner.catchUp('notifications');
    for (let i = 0; i < 2; i++) await dispatcher.runOnce();
    const waiting = (await listDeliveries(bed.engine.readModels, 'pending', 10)).find((d) => d.endpoint === 'billing');
    expect(waiting).toMatchObject({
      type: 'account.suspended',
      attempts: 1,
      lastError: expect.stringMatching(/^(ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)$/),
    });
    await receiver.up();
    await deliverUntil(() => receiver.received.some((r) => r.type === 'account.suspended'), 'the suspension after the outage');
    const ids = receiver.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receiver.received.find((r) => r.type === 'account.suspended')!.data).toEqual({
      number: bob.keyid,
      accountId: expect.any(String),
      reason: 'review',
    });
  });

  test('an endpoint that keeps failing: dead after maxAttempts, sent again by replay; it only gets the types it asked for', async () => {
    await waitFor(
      async () => (await dispatcher.runOnce(), (await listDeliveries(bed.engine.readModels, 'dead', 10)).length > 0),
      15_000,
      'the dead letter',
    );
    // the operator's view of it, from the CLI on the same data directory
    const cli = (...args: string[]) => runCliAsync(['--data-dir', bed.dir, 'webhooks', ...args]);
    const listed = await cli('list', '--status', 'dead', '--json');
    const [dead] = JSON.parse(listed.stdout) as { id: string }[];
    expect(dead).toMatchObject({ endpoint: 'pager', type: 'account.suspended', attempts: 3, lastError: 'HTTP 503' });
    expect((await cli('list')).stdout).toMatch(/^id\s+endpoint\s+type\s+status\s+attempts/);
    broken.setFailing(false);
    expect((await cli('replay', '--dead')).stdout).toBe('1 notification queued again; the serving engine sends it within seconds\n');
    await deliverUntil(() => broken.received.length === 1, 'the replayed notification');
    expect(broken.received.map((r) => [r.id, r.type, r.valid])).toEqual([[dead!.id, 'account.suspended', true]]);
    expect(await cli('replay', 'msg_nope')).toMatchObject({ status: 1, stderr: 'trunkline: no notification msg_nope in the outbox\n' });
    expect((await listDeliveries(bed.engine.readModels, 'dead', 10)).length).toBe(0);
  });

  test('grant.expiring: once per grant with credit left that lapses within the notice, however often the sweep runs', async () => {
    const grant = (grantId: string, hours: number) =>
      signedFetch(bed.base, admin, 'POST', `/v1/accounts/${encodeURIComponent(alice.keyid)}/grants`, {
        grantId,
        amount: '0.50',
        currency: 'EUR',
        expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
      });
    expect((await grant('soon', 2)).status).toBe(201);
    expect((await grant('later', 24 * 10)).status).toBe(201);
    await bed.engine.runner.catchUp('balances');
    for (let i = 0; i < 3; i++) await enqueueExpiringGrants(bed.engine.readModels, webhooks, new Date(), 72);
    await deliverUntil(() => receiver.received.some((r) => r.type === 'grant.expiring'), 'grant.expiring');
    for (let i = 0; i < 3; i++) await dispatcher.runOnce();
    const told = receiver.received.filter((r) => r.type === 'grant.expiring');
    expect(told.map((r) => [r.data['grantId'], r.data['remaining'], r.data['currency'], r.valid])).toEqual([['soon', '0.5', 'EUR', true]]);
  });

  test('an account sets its own threshold through the signed API; it replaces the provider’s', async () => {
    await bed.fund(carol.keyid, '10.00', 'pi_carol_1');
    const set = (who: typeof carol, body: unknown) => signedFetch(bed.base, who, 'PUT', '/v1/accounts/me/notifications', body);
    for (const bad of [
      { lowBalanceThreshold: '-1' },
      { lowBalanceThreshold: '1e3' },
      { lowBalanceThreshold: 5 },
      { other: 1 },
      {},
      JSON.parse('{"lowBalanceThreshold":"1","__proto__":{"x":1}}'),
    ])
      expect((await set(carol, bad)).status).toBe(400);
    expect((await set(admin, { lowBalanceThreshold: '1' })).status).toBe(403);
    const r = await set(carol, { lowBalanceThreshold: '9.990' });
    expect([r.status, await r.json()]).toEqual([200, { lowBalanceThreshold: '9.99' }]);
    expect((await bed.hook('authorize', { call_id: 'k-1', caller: carol.keyid, callee: UK })).status).toBe(200);
    const cdr = { call_id: 'k-1', caller: carol.keyid, disposition: 'ANSWERED', answer_ts: 1_796_000_000, end_ts: 1_796_000_030 };
    expect((await bed.hook('cdr', cdr)).status).toBe(200);
    await deliverUntil(
      () => receiver.received.some((n) => n.type === 'balance.low' && n.data['number'] === carol.keyid),
      'carol’s balance.low',
    );
    expect(receiver.received.find((n) => n.type === 'balance.low' && n.data['number'] === carol.keyid)!.data).toMatchObject({
      balance: '9.985',
      threshold: '9.99',
    });
  });

  test('call.refused: a call refused for want of credit is told once, not once per retry', async () => {
    for (const id of ['d-1', 'd-2', 'd-3'])
      expect((await bed.hook('authorize', { call_id: id, caller: dave.keyid, callee: UK })).status).toBe(402);
    await deliverUntil(() => receiver.received.some((n) => n.type === 'call.refused'), 'call.refused');
    for (let i = 0; i < 3; i++) await dispatcher.runOnce();
    expect(receiver.received.filter((n) => n.type === 'call.refused').map((n) => n.data)).toEqual([
      { number: dave.keyid, accountId: expect.any(String), callId: 'd-1', destination: UK, reason: 'insufficient-credit' },
    ]);
  });
});
