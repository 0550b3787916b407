import { callsEngine, type CallsEngine } from '../../../support/calls-engine';
import { pageGetter } from '../../../support/record-pages';
import { signer } from '../../../support/signed-fetch';

const UK = '+442079460000';
const FR = '+33142685300';

describe('call records: the caller’s and the operator’s view of each call', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  const ops = signer('ops-1');
  const finance = signer('fin-1');
  let bed: CallsEngine;
  const get = pageGetter(() => bed.base);

  beforeAll(async () => {
    bed = await callsEngine({
      people: [alice, bob],
      operators: [
        { who: ops, roles: ['admin'] },
        { who: finance, roles: ['viewer'] },
      ],
    });
    await bed.fund(alice.keyid, '10');
    await bed.fund(bob.keyid, '10');
    const call = async (who: string, id: string, callee: string, cdr: Record<string, unknown>) => {
      expect((await bed.hook('authorize', { call_id: id, caller: who, callee })).status).toBe(200);
      expect((await bed.hook('cdr', { call_id: id, caller: who, ...cdr })).status).toBe(200);
    };
    await call(alice.keyid, 'a-1', UK, { disposition: 'ANSWERED', answer_ts: 1_796_000_000.25, end_ts: 1_796_000_125.5 });
    await call(alice.keyid, 'a-2', UK, { disposition: 'FAILED', end_ts: 1_796_000_200, reason: '486 Busy Here' });
    await call(alice.keyid, 'a-3', FR, { disposition: 'ANSWERED', answer_ts: 1_796_000_300, end_ts: 1_796_000_303 });
    await call(bob.keyid, 'b-1', UK, { disposition: 'ANSWERED', answer_ts: 1_796_000_400, end_ts: 1_796_000_410 });
    expect((await bed.hook('authorize', { call_id: 'a-4', caller: alice.keyid, callee: UK })).status).toBe(200);
    await bed.engine.runner.catchUp('call-records');
  });
  afterAll(() => bed.close());

  test('GET /v1/accounts/me/calls: the caller’s own calls, newest first, with measured and billed time, rate and price', async () => {
    const r = await get(alice, '/v1/accounts/me/calls');
    expect(r.status).toBe(200);
    expect(r.body.next).toBeNull();
    expect(r.body.items.map((c: { callId: string }) => c.callId)).toEqual(['a-4', 'a-3', 'a-2', 'a-1']);
    const first = r.body.items.find((c: { callId: string }) => c.callId === 'a-1');
    expect(first).toMatchObject({
      caller: alice.keyid,
      callee: UK,
      route: 'pstn',
      answeredAt: new Date(1_796_000_000_250).toISOString(),
      endedAt: new Date(1_796_000_125_500).toISOString(),
      durationSeconds: 125.25,
      billedSeconds: 180,
      ratePerMinute: '0.015',
      price: '0.045',
      fromPaid: '0.045',
      fromGrants: '0',
      currency: 'EUR',
      carrier: 'alpha',
      outcome: 'answered',
    });
    // what the provider pays its carrier is not the caller's business
    expect(first).not.toHaveProperty('carrierCost');
    expect(first).not.toHaveProperty('trunk');
    expect(r.body.items.find((c: { callId: string }) => c.callId === 'a-2')).toMatchObject({
      outcome: 'failed',
      cause: '486 Busy Here',
      price: '0',
    });
    expect(r.body.items.find((c: { callId: string }) => c.callId === 'a-4')).toMatchObject({ outcome: 'open', price: null, endedAt: null });
  });

  test('cursor pages: each page starts after the last, together they hold every call once', async () => {
    const seen: string[] = [];
    let path = '/v1/accounts/me/calls?limit=1';
    for (let i = 0; i < 10 && path; i++) {
      const r = await get(alice, path);
      seen.push(...r.body.items.map((c: { callId: string }) => c.callId));
      path = r.body.next ? `/v1/accounts/me/calls?limit=1&cursor=${encodeURIComponent(r.body.next)}` : '';
    }
    expect(seen).toEqual(['a-4', 'a-3', 'a-2', 'a-1']);
  });

  test('filters by outcome and time; CSV when asked, with the next page in a Link header', async () => {
    const answered = await get(alice, '/v1/accounts/me/calls?outcome=answered');
    expect(answered.body.items.map((c: { callId: string }) => c.callId)).toEqual(['a-3', 'a-1']);
    const all = await get(alice, '/v1/accounts/me/calls');
    const a3 = all.body.items.find((c: { callId: string }) => c.callId === 'a-3')!.authorizedAt;
    const since = await get(alice, `/v1/accounts/me/calls?since=${encodeURIComponent(a3)}`);
    expect(since.body.items.map((c: { callId: string }) => c.callId)).toEqual(['a-4', 'a-3']);
    const page = await get(alice, '/v1/accounts/me/calls?limit=2', { accept: 'text/csv' });
    expect(page.type).toMatch(/text\/csv/);
    const lines = page.text.trim().split('\n');
    expect(lines[0]).toContain('callId,caller,callee');
    expect(lines).toHaveLength(3);
    expect(page.link).toMatch(/^<\/v1\/accounts\/me\/calls\?limit=2&cursor=[\w-]+>; rel="next"$/);
  });

  test('another account’s calls never show; bad filters and forged cursors are 400 problems', async () => {
    const r = await get(bob, '/v1/accounts/me/calls');
    expect(r.body.items.map((c: { callId: string }) => c.callId)).toEqual(['b-1']);
    for (const q of [
      'cursor=nonsense',
      `cursor=${Buffer.from('{"__proto__":1}').toString('base64url')}`,
      'outcome=won',
      'limit=0',
      'limit=501',
      'since=yesterday',
      'outcome=answered&outcome=failed',
      'cursor=a&cursor=b',
      'number=%2B447911123456',
    ])
      expect(await get(alice, `/v1/accounts/me/calls?${q}`)).toMatchObject({ status: 400, type: expect.stringMatching(/problem\+json/) });
    expect((await get(ops, '/v1/accounts/me/calls')).status).toBe(403);
  });

  test('GET /v1/calls: the operator sees every account with trunk and carrier cost, filtered by account, carrier, prefix', async () => {
    const all = await get(ops, '/v1/calls');
    expect(all.body.items).toHaveLength(5);
    const a1 = all.body.items.find((c: { callId: string }) => c.callId === 'a-1');
    expect(a1).toMatchObject({
      carrier: 'alpha',
      trunk: 'sip:442079460000@127.0.0.1:5080;transport=udp',
      carrierCost: '0.03',
      carrierRate: '0.0100',
      carrierCurrency: 'EUR',
    });
    expect(
      (await get(ops, `/v1/calls?account=${encodeURIComponent(bob.keyid)}`)).body.items.map((c: { callId: string }) => c.callId),
    ).toEqual(['b-1']);
    expect((await get(ops, '/v1/calls?prefix=33')).body.items.map((c: { callId: string }) => c.callId)).toEqual(['a-3']);
    expect((await get(ops, '/v1/calls?carrier=beta')).body.items).toEqual([]);
    expect((await get(ops, '/v1/calls?prefix=4%25')).status).toBe(400);
    expect((await get(finance, '/v1/calls')).status).toBe(403);
    expect((await get(alice, '/v1/calls')).status).toBe(403);
  });
});
