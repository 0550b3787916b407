import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { describePostgres } from '../../support/postgres';
import { signedFetch, signer } from '../../support/signed-fetch';

const callee = '+442079460000';
const authorizeAll = (nodes: readonly CallsEngine[], caller: string, prefix: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      nodes[i % nodes.length]!.hook('authorize', { call_id: `${prefix}-${i}`, caller, callee }).then(async (r) => ({
        i,
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        type: r.status === 200 ? null : ((await r.json()) as { type: string }).type,
      })),
    ),
  );
const cdr = (node: CallsEngine, caller: string, callId: string) =>
  node.hook('cdr', { call_id: callId, caller, disposition: 'ANSWERED', answer_ts: 1_796_000_000, end_ts: 1_796_000_030 });

describe('call limits on one engine (SQLite)', () => {
  const grace = signer('+447911123460');
  const hal = signer('+447911123461');
  const admin = signer('ops-limits');
  let node: CallsEngine;
  beforeAll(async () => {
    node = await callsEngine({
      people: [grace, hal],
      operators: [{ who: admin, roles: ['admin'] }],
      config: { maxConcurrentCalls: 3, maxCallsPerMinute: 20 },
    });
    await node.fund(grace.keyid, '50');
    await node.fund(hal.keyid, '50');
  });
  afterAll(() => node.close());

  test('50 simultaneous authorizations with 3 calls allowed at once: 3 allowed, 47 refused as the limit; ending one frees one', async () => {
    const results = await authorizeAll([node], grace.keyid, 'sq', 50);
    const allowed = results.filter((r) => r.status === 200);
    expect(allowed).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 200);
    expect(new Set(refused.map((r) => `${r.status} ${r.type}`))).toEqual(
      new Set(['403 https://trunkline.dev/problems/concurrent-call-limit']),
    );
    expect((await cdr(node, grace.keyid, `sq-${allowed[0]!.i}`)).status).toBe(200);
    const again = await authorizeAll([node], grace.keyid, 'sq2', 5);
    expect(again.filter((r) => r.status === 200)).toHaveLength(1);
  });

  test('past 20 new calls a minute: 429 call-rate-limit with a Retry-After', async () => {
    let allowed = 0;
    let limited: { status: number; retryAfter: string | null; type: string | null } | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      const [r] = await authorizeAll([node], hal.keyid, `rate-${i}`, 1);
      if (r!.status === 200) {
        allowed++;
        expect((await cdr(node, hal.keyid, `rate-${i}-0`)).status).toBe(200);
      } else limited = r;
    }
    expect(allowed).toBe(20);
    expect(limited).toMatchObject({ status: 429, type: 'https://trunkline.dev/problems/call-rate-limit' });
    expect(Number(limited!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.retryAfter)).toBeLessThanOrEqual(60);
  });

  test('an operator raises one account’s limit; the API refuses bad limits and other roles', async () => {
    const path = `/v1/accounts/${encodeURIComponent(grace.keyid)}/limits`;
    for (const body of [
      { maxConcurrentCalls: 0, maxCallsPerMinute: null },
      { maxConcurrentCalls: 1.5, maxCallsPerMinute: null },
      { maxConcurrentCalls: 5 },
      { maxConcurrentCalls: 5, maxCallsPerMinute: null, extra: 1 },
    ])
      expect((await signedFetch(node.base, admin, 'PUT', path, body)).status).toBe(400);
    expect((await signedFetch(node.base, grace, 'PUT', path, { maxConcurrentCalls: 99, maxCallsPerMinute: null })).status).toBe(403);
    const r = await signedFetch(node.base, admin, 'PUT', path, { maxConcurrentCalls: 6, maxCallsPerMinute: null });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { callLimits: unknown }).callLimits).toEqual({ maxConcurrentCalls: 6, maxCallsPerMinute: null });
    // 3 up already: 3 more
    const more = await authorizeAll([node], grace.keyid, 'raised', 10);
    expect(more.filter((x) => x.status === 200)).toHaveLength(3);
  });
});

describePostgres('call limits across two engines on one PostgreSQL', (newDatabase) => {
  const ivy = signer('+447911123462');
  const nodes: CallsEngine[] = [];
  beforeAll(async () => {
    const url = await newDatabase();
    const env = { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: url };
    for (let i = 0; i < 2; i++) nodes.push(await callsEngine({ people: [ivy], env, config: { maxConcurrentCalls: 3 } }));
    await nodes[0]!.fund(ivy.keyid, '50');
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
  });

  test('50 simultaneous authorizations through both nodes: exactly 3 allowed; a CDR on either node frees one', async () => {
    const results = await authorizeAll(nodes, ivy.keyid, 'pg', 50);
    const allowed = results.filter((r) => r.status === 200);
    expect(allowed).toHaveLength(3);
    expect(results.every((r) => r.status === 200 || r.type?.endsWith('/concurrent-call-limit'))).toBe(true);
    expect((await cdr(nodes[1]!, ivy.keyid, `pg-${allowed[0]!.i}`)).status).toBe(200);
    const again = await authorizeAll(nodes, ivy.keyid, 'pg2', 6);
    expect(again.filter((r) => r.status === 200)).toHaveLength(1);
  });
});

describe('the most one call may cost, at the hook', () => {
  const jay = signer('+447911123463');
  let node: CallsEngine;
  beforeAll(async () => {
    node = await callsEngine({ people: [jay], config: { maxCallCost: { EUR: '0.05' }, callGrantSeconds: 3600 } });
    await node.fund(jay.keyid, '50');
  });
  afterAll(() => node.close());

  test('the grant holds no more than the cap; extending past it is 403 call-cost-cap', async () => {
    const r = await node.hook('authorize', { call_id: 'capped-1', caller: jay.keyid, callee });
    expect(r.status).toBe(200);
    // 0.015 a minute (the deck's 0.0100 + 50 %), in whole minutes: 0.05 buys 3 of them
    expect(await r.json()).toMatchObject({ maxDuration: 180, reserved: '0.045' });
    const more = await node.hook('extend', { call_id: 'capped-1', caller: jay.keyid });
    expect([more.status, ((await more.json()) as { type: string }).type]).toEqual([403, 'https://trunkline.dev/problems/call-cost-cap']);
    // a Vodafone number: 0.075 a minute (0.05 + 50 %), per second: the cap buys 40 s
    const mobile = await node.hook('authorize', { call_id: 'capped-2', caller: jay.keyid, callee: '+447911123456' });
    expect((await mobile.json()) as unknown).toMatchObject({ maxDuration: 40 });
  });
});

describe('destination risk classes at the hook', () => {
  const kim = signer('+447911123464');
  const ops = signer('ops-risk');
  let node: CallsEngine;
  beforeAll(async () => {
    node = await callsEngine({ people: [kim], operators: [{ who: ops, roles: ['admin'] }] });
    await node.fund(kim.keyid, '50');
  });
  afterAll(() => node.close());

  test('a UK premium-rate number is refused 403 risky-destination until an operator allows the class', async () => {
    const premium = '+449098790000';
    const refused = await node.hook('authorize', { call_id: 'risk-1', caller: kim.keyid, callee: premium });
    expect([refused.status, await refused.json()]).toEqual([
      403,
      expect.objectContaining({ type: 'https://trunkline.dev/problems/risky-destination', riskClass: 'premium-rate' }),
    ]);
    const path = `/v1/accounts/${encodeURIComponent(kim.keyid)}/risk-classes`;
    for (const body of [{ allow: ['casino'] }, { allow: 'premium-rate' }, { allow: [], extra: 1 }])
      expect((await signedFetch(node.base, ops, 'PUT', path, body)).status).toBe(400);
    expect((await signedFetch(node.base, kim, 'PUT', path, { allow: ['premium-rate'] })).status).toBe(403);
    const set = await signedFetch(node.base, ops, 'PUT', path, { allow: ['premium-rate'] });
    expect(((await set.json()) as { riskClassesAllowed: string[] }).riskClassesAllowed).toEqual(['premium-rate']);
    expect((await node.hook('authorize', { call_id: 'risk-2', caller: kim.keyid, callee: premium })).status).toBe(200);
    // and back: [] blocks every class again
    await signedFetch(node.base, ops, 'PUT', path, { allow: [] });
    expect((await node.hook('authorize', { call_id: 'risk-3', caller: kim.keyid, callee: premium })).status).toBe(403);
  });
});

describe('what one account may be charged a day, at the hook', () => {
  const lou = signer('+447911123465');
  const max = signer('+447911123466');
  const ops = signer('ops-caps');
  let node: CallsEngine;
  beforeAll(async () => {
    // a UK landline: 0.015 a minute in whole minutes; 0.04 a day leaves room for two
    node = await callsEngine({
      people: [lou, max],
      operators: [{ who: ops, roles: ['admin'] }],
      config: { spendCaps: { EUR: { perDay: '0.04' } }, callGrantSeconds: 60 },
    });
    await node.fund(lou.keyid, '50');
    await node.fund(max.keyid, '50');
  });

  test('an operator sets one account’s own caps, tighter or looser than the provider’s; bad caps are 400 and change nothing', async () => {
    const path = `/v1/accounts/${encodeURIComponent(max.keyid)}/spend-caps`;
    for (const body of [
      { perDay: '-1', perMonth: null },
      { perDay: '1e3', perMonth: null },
      { perDay: 0.5, perMonth: null },
      { perDay: '9999999999999', perMonth: null },
      { perDay: '1' },
      JSON.parse('{"perDay": "1", "perMonth": null, "__proto__": {"perDay": "0"}}'),
    ])
      expect((await signedFetch(node.base, ops, 'PUT', path, body)).status).toBe(400);
    expect((await signedFetch(node.base, max, 'PUT', path, { perDay: '9', perMonth: null })).status).toBe(403);
    expect((await node.engine.wallet.state(max.keyid)).spendCaps).toBeNull();
    // tighter: room for one call
    const tight = await signedFetch(node.base, ops, 'PUT', path, { perDay: '0.02', perMonth: null });
    expect(((await tight.json()) as { spendCaps: unknown }).spendCaps).toEqual({ perDay: '0.02', perMonth: null });
    expect((await authorizeAll([node], max.keyid, 'tight', 3)).filter((r) => r.status === 200)).toHaveLength(1);
    // looser than the provider's 0.04: room for more
    await signedFetch(node.base, ops, 'PUT', path, { perDay: '0.10', perMonth: null });
    expect((await authorizeAll([node], max.keyid, 'loose', 8)).filter((r) => r.status === 200)).toHaveLength(5);
  });
  afterAll(() => node.close());

  test('calls up hold their grants against the cap; past it 403 spend-cap-reached; nothing more is reserved', async () => {
    const results = await authorizeAll([node], lou.keyid, 'day', 5);
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(new Set(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.type}`))).toEqual(
      new Set(['403 https://trunkline.dev/problems/spend-cap-reached']),
    );
    const s = await node.engine.wallet.state(lou.keyid);
    expect(s.reserved.toFixed()).toBe('0.03');
  });
});

describe('trial credit capped per call, at the hook', () => {
  const newcomer = signer('+447911123467');
  let node: CallsEngine;
  beforeAll(async () => {
    node = await callsEngine({
      people: [newcomer],
      config: {
        pluginOptions: {
          pricing: { markupPercent: '50' },
          'trial-credit': { amounts: { EUR: '1.00' }, restriction: { countries: ['GB'], maxPerCharge: '0.05' } },
        },
      },
    });
  });
  afterAll(() => node.close());

  test('a new account’s trial credit buys at most 0.05 of one call: a grant of three whole minutes, nothing more', async () => {
    expect((await node.engine.wallet.state(newcomer.keyid)).grants).toEqual([
      expect.objectContaining({ grantId: 'trial', restriction: { countries: ['GB'], maxPerCharge: '0.05' } }),
    ]);
    const r = await node.hook('authorize', { call_id: 'trial-1', caller: newcomer.keyid, callee });
    // 0.015 a minute in whole minutes: 0.05 pays three
    expect([r.status, ((await r.json()) as { maxDuration: number }).maxDuration]).toEqual([200, 180]);
    expect((await node.hook('extend', { call_id: 'trial-1', caller: newcomer.keyid })).status).toBe(402);
    expect((await node.hook('authorize', { call_id: 'trial-2', caller: newcomer.keyid, callee })).status).toBe(402);
  });
});
