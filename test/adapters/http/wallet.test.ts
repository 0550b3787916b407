import type { Engine } from '../../../adapters/runtime/engine';
import { signedFetch, signer, type Signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';

describe('grants, expiry and operators’ views of balances', () => {
  const admin = signer('ops-1');
  const finance = signer('fin-1');
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  let bed: TestEngine;
  let engine: Engine;
  let base: string;

  beforeAll(async () => {
    bed = await testEngine({
      numbers: [alice, bob],
      operators: [
        { who: admin, roles: ['admin'] },
        { who: finance, roles: ['finance'] },
      ],
    });
    ({ engine, base } = bed);
    expect((await call(alice, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
  });
  afterAll(() => bed.close());

  const call = (who: Signer, method: string, path: string, body?: unknown) => signedFetch(base, who, method, path, body);
  const path = (who: Signer, rest: string) => `/v1/accounts/${encodeURIComponent(who.keyid)}/${rest}`;
  const balance = async (who: Signer, as: Signer = who) => {
    await engine.runner.catchUp('balances');
    const r = await call(as, 'GET', as === who ? '/v1/accounts/me/balance' : path(who, 'balance'));
    return { status: r.status, body: (await r.json()) as { granted: string; available: string; type?: string } };
  };

  test('an admin grants promotional credit once per grant id; others may not', async () => {
    const grant = { grantId: 'spring', amount: '2.00', currency: 'EUR', reason: 'spring promotion' };
    expect((await call(admin, 'POST', path(alice, 'grants'), grant)).status).toBe(201);
    expect((await call(admin, 'POST', path(alice, 'grants'), grant)).status).toBe(200);
    expect((await call(finance, 'POST', path(alice, 'grants'), { ...grant, grantId: 'x' })).status).toBe(403);
    expect((await call(alice, 'POST', path(alice, 'grants'), { ...grant, grantId: 'y' })).status).toBe(403);
    const wrong = await call(admin, 'POST', path(alice, 'grants'), { ...grant, grantId: 'z', currency: 'USD' });
    expect([wrong.status, ((await wrong.json()) as { type: string }).type]).toEqual([
      422,
      'https://trunkline.dev/problems/currency-mismatch',
    ]);
    expect((await call(admin, 'POST', path(bob, 'grants'), grant)).status).toBe(404);
    expect((await balance(alice)).body).toMatchObject({ granted: '2', available: '2' });
  });

  test('an expired grant leaves `available` at once; the sweep records its expiry once', async () => {
    const expiresAt = new Date(Date.now() + 300).toISOString();
    expect(
      (await call(admin, 'POST', path(alice, 'grants'), { grantId: 'flash', amount: '1.25', currency: 'EUR', expiresAt })).status,
    ).toBe(201);
    expect((await balance(alice)).body).toMatchObject({ granted: '3.25', available: '3.25' });
    await new Promise((r) => setTimeout(r, 400));
    expect((await balance(alice)).body).toMatchObject({ granted: '3.25', available: '2' });
    expect(await engine.expireDueGrants()).toBe(1);
    expect(await engine.expireDueGrants()).toBe(0);
    expect((await balance(alice)).body).toMatchObject({ granted: '2', available: '2' });
  });

  test('finance and admin read any balance and ledger; a number only its own', async () => {
    expect((await balance(alice, finance)).body.granted).toBe('2');
    const ledger = await call(finance, 'GET', path(alice, 'transactions?limit=10'));
    const lines = ((await ledger.json()) as { items: { type: string; amount: string }[] }).items;
    expect(lines.map((l) => [l.type, l.amount])).toEqual([
      ['CreditExpired', '-1.25'],
      ['CreditGranted', '1.25'],
      ['CreditGranted', '2'],
    ]);
    expect((await balance(alice, bob)).status).toBe(403);
    expect((await call(bob, 'GET', '/v1/accounts/me/balance')).status).toBe(404);
  });

  test('GET /v1/accounts: operators page through accounts; wildcards, forged cursors and customers are refused', async () => {
    await engine.runner.catchUp('balances');
    const list = async (who: Signer, query: string) => {
      const r = await call(who, 'GET', `/v1/accounts${query}`);
      return { status: r.status, body: (await r.json()) as { items?: { number: string }[]; next?: string | null } };
    };
    const all = await list(finance, '');
    expect([all.status, all.body.items!.map((a) => a.number), all.body.next]).toEqual([200, [alice.keyid], null]);
    expect((await list(admin, `?q=${encodeURIComponent('+4420794')}`)).body.items!.map((a) => a.number)).toEqual([alice.keyid]);
    expect((await list(admin, '?q=447911')).body.items).toEqual([]);
    expect((await list(admin, '?status=closed')).body.items).toEqual([]);
    // `_` is no wildcard here: a search that is not digits compares account ids exactly
    expect((await list(admin, '?q=%5F')).body.items).toEqual([]);
    for (const query of ['?q=4%25', '?cursor=x', '?limit=501', '?status=gone', '?__proto__=1', '?q=4420&q=4479'])
      expect((await list(admin, query)).status).toBe(400);
    expect((await list(alice, '')).status).toBe(403);
  });
});
