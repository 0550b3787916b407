import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { signedFetch, signer } from '../../support/signed-fetch';

const RESCUE_PORT = 5099;
const cdr = (node: CallsEngine, caller: string, callId: string, seconds: number) =>
  node.hook('cdr', {
    call_id: callId,
    caller,
    disposition: 'ANSWERED',
    answer_ts: 1_796_000_000,
    end_ts: 1_796_000_000 + seconds,
    carrier: 'rescue',
  });

describe('emergency calls at the authorize hook', () => {
  const guernsey = signer('+447911123470');
  const suspended = signer('+442079460971');
  const closed = signer('+442079460972');
  const berlin = signer('+4930901820');
  let node: CallsEngine;
  beforeAll(async () => {
    node = await callsEngine({
      people: [guernsey, suspended, closed, berlin],
      config: { emergencyCarrier: 'rescue', maxConcurrentCalls: 1 },
    });
    await node.engine.rating.registerCarrier({
      carrierId: 'rescue',
      name: 'Emergency trunk',
      currency: 'EUR',
      preference: 9,
      trunks: [{ host: '127.0.0.1', port: RESCUE_PORT, transport: 'udp', techPrefix: '', channels: 0, username: '', password: '' }],
    });
    await node.engine.rating.sync();
    await node.engine.runner.start();
  });
  afterAll(() => node.close());

  test('999 from a number with no credit: allowed, emergency, no time limit, the emergency trunk first, then LCR', async () => {
    const r = await node.hook('authorize', { call_id: 'em-1', caller: guernsey.keyid, callee: '999' });
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ allow: true, emergency: true, route: 'emergency', maxDuration: null, reserved: '0', rate: null });
    expect((body['routes'] as { carrierId: string; uri: string }[]).map((x) => [x.carrierId, x.uri])).toEqual([
      ['rescue', `sip:999@127.0.0.1:${RESCUE_PORT};transport=udp`],
      ['alpha', 'sip:999@127.0.0.1:5080;transport=udp'],
    ]);
    // the limit of one call at once does not stop a second emergency call, nor does the first take the paid call's slot
    expect((await node.hook('authorize', { call_id: 'em-2', caller: guernsey.keyid, callee: '112' })).status).toBe(200);
    expect((await cdr(node, guernsey.keyid, 'em-1', 3600)).status).toBe(200);
    const state = await node.engine.wallet.state(guernsey.keyid);
    expect(state.paid.toFixed()).toBe('0');
    await node.engine.runner.catchUp('call-records');
    const calls = (await (await signedFetch(node.base, guernsey, 'GET', '/v1/accounts/me/calls')).json()) as {
      items: Record<string, unknown>[];
    };
    expect(calls.items.find((c) => c['callId'] === 'em-1')).toMatchObject({
      callee: '999',
      route: 'emergency',
      outcome: 'answered',
      price: '0',
      durationSeconds: 3600,
    });
    // finance: no revenue, and the carrier's cost of the hour (rescue has no deck: nothing priced)
    await node.engine.runner.catchUp('finance');
    const rows = await node.engine.readModels.query<{ revenue: string; destination: string }>(
      "SELECT revenue, destination FROM finance_traffic WHERE external_id = 'em-1'",
    );
    expect(rows.map((x) => [Number(x.revenue), x.destination])).toEqual([[0, '999']]);
  });

  test('a paid call reusing an emergency call’s Call-ID is refused, never answered as the emergency route', async () => {
    expect((await node.hook('authorize', { call_id: 'em-x', caller: guernsey.keyid, callee: '999' })).status).toBe(200);
    const reused = await node.hook('authorize', { call_id: 'em-x', caller: guernsey.keyid, callee: '+442079460000' });
    expect([reused.status, ((await reused.json()) as { type: string }).type]).toEqual([
      409,
      'https://trunkline.dev/problems/call-id-taken',
    ]);
  });

  test("another country's number is not an emergency number; a bare short code is a bad number", async () => {
    const r = await node.hook('authorize', { call_id: 'em-3', caller: guernsey.keyid, callee: '911' });
    expect([r.status, ((await r.json()) as { type: string }).type]).toEqual([400, 'https://trunkline.dev/problems/invalid-number']);
    expect((await node.engine.wallet.state(guernsey.keyid)).calls.has('em-3')).toBe(false);
  });

  test('a suspended account reaches the emergency services, not the PSTN; a closed one neither', async () => {
    await node.engine.accounts.change(suspended.keyid, { type: 'suspend', data: { reason: 'review' } }, 'test');
    const paid = await node.hook('authorize', { call_id: 'su-1', caller: suspended.keyid, callee: '+442079460000' });
    expect(paid.status).toBe(403);
    const em = await node.hook('authorize', { call_id: 'su-2', caller: suspended.keyid, callee: '112' });
    expect([em.status, ((await em.json()) as { route: string }).route]).toEqual([200, 'emergency']);
    await node.engine.accounts.change(closed.keyid, { type: 'close', data: { reason: 'asked' } }, 'test');
    const gone = await node.hook('authorize', { call_id: 'cl-1', caller: closed.keyid, callee: '999' });
    expect([gone.status, ((await gone.json()) as { type: string }).type]).toEqual([403, 'https://trunkline.dev/problems/account-not-open']);
  });

  test('a caller whose country no carrier serves still reaches the emergency trunk, unpriced', async () => {
    const r = await node.hook('authorize', { call_id: 'de-1', caller: berlin.keyid, callee: '110' });
    const body = (await r.json()) as { routes: { carrierId: string }[] };
    expect([r.status, body.routes.map((x) => x.carrierId)]).toEqual([200, ['rescue']]);
    const [authorized] = [...(await node.engine.wallet.state(berlin.keyid)).calls.values()];
    expect(authorized?.carriers[0]).toMatchObject({ carrierId: 'rescue', prefix: '', row: { rate: '0' } });
  });
});

describe('emergency calls with no carrier for them', () => {
  const berlin = signer('+4930901821');
  let node: CallsEngine;
  beforeAll(async () => {
    node = await callsEngine({ people: [berlin] });
  });
  afterAll(() => node.close());

  test('refused 404 no-route, loudly, and nothing recorded', async () => {
    const r = await node.hook('authorize', { call_id: 'de-2', caller: berlin.keyid, callee: '112' });
    expect([r.status, ((await r.json()) as { detail: string }).detail]).toEqual([404, expect.stringMatching(/emergencyCarrier/)]);
    expect((await node.engine.wallet.state(berlin.keyid)).calls.size).toBe(0);
  });
});
