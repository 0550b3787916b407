import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { listen } from '../../support/listen';
import { rawPublicKey, signedFetch, signer, type Signer } from '../../support/signed-fetch';

describe('grants, expiry and operators’ views of balances', () => {
  const admin = signer('ops-1');
  const finance = signer('fin-1');
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  let dir: string;
  let engine: Engine;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-wallet-'));
    const numbers = Object.fromEntries([alice, bob].map((s) => [s.keyid, { keys: [rawPublicKey(s.publicKey)] }]));
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers }));
    const config = loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir });
    engine = await createEngine(
      {
        ...config,
        operators: [
          { id: 'ops-1', publicKey: rawPublicKey(admin.publicKey), roles: ['admin'] },
          { id: 'fin-1', publicKey: rawPublicKey(finance.publicKey), roles: ['finance'] },
        ],
      },
      { logger: pino({ level: 'silent' }) },
    );
    ({ base, close } = await listen(engine.app));
    expect((await call(alice, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
  });
  afterAll(async () => {
    await close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

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
});
