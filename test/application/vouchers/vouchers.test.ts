import type { Engine } from '../../../adapters/runtime/engine';
import { deriveId } from '../../../core/ids';
import { Decimal } from '../../../core/money';
import { codeHash, normalizeCode } from '../../../core/vouchers/code';
import { claimStream } from '../../../core/vouchers/events';
import { unsettledClaims } from '../../../projections/vouchers/projection';
import { issueBatch, vouchersOf } from '../../support/vouchers';
import { signedFetch, signer, type Signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';

describe('vouchers', () => {
  const admin = signer('ops-1');
  const finance = signer('fin-1');
  const people = Array.from({ length: 10 }, (_, i) => signer(`+4420794609${String(10 + i)}`));
  const dollars = signer('+12025550143');
  let bed: TestEngine;
  let engine: Engine;
  let base: string;

  beforeAll(async () => {
    bed = await testEngine({
      numbers: [...people, dollars],
      operators: [
        { who: admin, roles: ['admin'] },
        { who: finance, roles: ['finance'] },
      ],
    });
    ({ engine, base } = bed);
    for (const who of people) expect((await call(who, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    expect((await call(dollars, 'POST', '/v1/accounts', { currency: 'USD' })).status).toBe(201);
  });
  afterAll(() => bed.close());

  const call = (who: Signer, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    signedFetch(base, who, method, path, body, headers);
  const issue = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const r = await call(admin, 'POST', '/v1/voucher-batches', { expiresAt: '2030-01-01T00:00:00Z', ...body }, headers);
    return { status: r.status, body: (await r.json()) as { codes: string[]; batchId: string; type?: string } };
  };
  const redeem = async (who: Signer, code: string) => {
    const r = await call(who, 'POST', '/v1/accounts/me/vouchers/redeem', { code });
    return { status: r.status, body: (await r.json()) as { outcome?: string; type?: string; amount?: string } };
  };
  const balance = async (who: Signer) => {
    await engine.runner.catchUp('balances');
    return (await (await call(who, 'GET', '/v1/accounts/me/balance')).json()) as {
      paid: string;
      granted: string;
      grants: { expiresAt: string | null }[];
    };
  };
  const redemptions = async () => {
    let n = 0;
    for await (const e of engine.store.readAll()) if (e.type === 'VoucherRedeemed') n++;
    return n;
  };

  test('an admin issues a batch (JSON or CSV); only hashes are stored; others may not issue', async () => {
    const { status, body } = await issue({ count: 5, amount: '5', currency: 'EUR', note: 'launch' });
    expect(status).toBe(201);
    expect(body.codes).toHaveLength(5);
    const stored: string[] = [];
    for await (const e of engine.store.readAll()) stored.push(JSON.stringify(e.data));
    for (const code of body.codes) expect(stored.join('\n')).not.toContain(normalizeCode(code).canonical);
    const csv = await call(
      admin,
      'POST',
      '/v1/voucher-batches',
      { count: 2, amount: '1', currency: 'EUR', expiresAt: '2030-01-01T00:00:00Z' },
      { accept: 'text/csv' },
    );
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).trim().split('\n')).toEqual([
      'code,amount,currency,funding,expires_at,batch_id',
      expect.stringMatching(/^[0-9A-Z]{8}(-[0-9A-Z]{4}){4},1,EUR,paid,2030-01-01T00:00:00.000Z,[0-9a-f-]{36}$/),
      expect.stringMatching(/,1,EUR,paid,/),
    ]);
    expect(
      (await call(finance, 'POST', '/v1/voucher-batches', { count: 1, amount: '1', currency: 'EUR', expiresAt: '2030-01-01T00:00:00Z' }))
        .status,
    ).toBe(403);
    expect(
      (await call(people[0]!, 'POST', '/v1/voucher-batches', { count: 1, amount: '1', currency: 'EUR', expiresAt: '2030-01-01T00:00:00Z' }))
        .status,
    ).toBe(403);
    await engine.runner.catchUp('vouchers');
    const list = await call(finance, 'GET', '/v1/voucher-batches');
    expect(list.status).toBe(200);
    const { batches } = (await list.json()) as { batches: { batchId: string; issued: number; redeemed: number; note: string }[] };
    expect(batches.find((b) => b.batchId === body.batchId)).toMatchObject({ issued: 5, redeemed: 0, note: 'launch' });
  });

  test('bad batches are problems and change nothing; an idempotency key issues one batch only', async () => {
    const head = await engine.store.head();
    for (const bad of [
      { count: 0, amount: '5', currency: 'EUR' },
      { count: 10_001, amount: '5', currency: 'EUR' },
      { count: 1, amount: '5.001', currency: 'EUR' },
      { count: 1, amount: '0', currency: 'EUR' },
      { count: 1, amount: '5', currency: 'XXY' },
      { count: 1, amount: '5', currency: 'EUR', expiresAt: '2020-01-01T00:00:00Z' },
    ]) {
      const r = await issue(bad);
      expect([bad, r.status]).toEqual([bad, expect.any(Number)]);
      expect(r.status === 400 || r.status === 422).toBe(true);
    }
    expect(await engine.store.head()).toBe(head);
    expect((await issue({ count: 1, amount: '5', currency: 'EUR' }, { 'idempotency-key': 'batch-42' })).status).toBe(201);
    const again = await issue({ count: 1, amount: '5', currency: 'EUR' }, { 'idempotency-key': 'batch-42' });
    expect([again.status, again.body.type]).toEqual([409, 'https://trunkline.dev/problems/voucher-batch-exists']);
  });

  test('100 concurrent redemptions of one code from ten accounts: exactly one credit', async () => {
    const { body } = await issue({ count: 1, amount: '7.50', currency: 'EUR' });
    const code = body.codes[0]!;
    const before = await redemptions();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => redeem(people[i % 10]!, i % 2 ? code.toLowerCase() : code)));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    const winnerIndex = results.findIndex((r) => r.status === 201) % 10;
    for (const [i, r] of results.entries()) {
      // the winner's other attempts are idempotent repeats; everyone else is told it is taken
      expect(r.status).toBe(i % 10 === winnerIndex ? (r === created[0] ? 201 : 200) : 409);
    }
    expect((await redemptions()) - before).toBe(1);
    const paid = await Promise.all(people.map(async (p) => (await balance(p)).paid));
    expect(paid.filter((p) => p !== '0')).toEqual(['7.5']);
  });

  test('unknown, mistyped, expired and foreign-currency codes are refused without claiming them', async () => {
    const { body } = await issue({ count: 2, amount: '5', currency: 'EUR' });
    const [code] = body.codes as [string];
    const other = `${code.slice(0, 9)}0000-0000-0000-0000`;
    expect((await redeem(people[1]!, other)).body.type).toBe('https://trunkline.dev/problems/unknown-voucher');
    expect((await redeem(people[1]!, 'ZZZZZZZZ-0000-0000-0000-0000')).status).toBe(404);
    expect((await redeem(people[1]!, 'hello')).status).toBe(422);
    const usd = await redeem(dollars, code);
    expect([usd.status, usd.body.type]).toEqual([422, 'https://trunkline.dev/problems/currency-mismatch']);
    // the USD account's refusal did not burn the code
    expect((await redeem(people[1]!, code)).status).toBe(201);
    const soon = await issueBatch(engine, { amount: '1', expiresAt: new Date(Date.now() + 300).toISOString() });
    await new Promise((r) => setTimeout(r, 400));
    const late = await redeem(people[2]!, soon.codes[0]!);
    expect([late.status, late.body.type]).toEqual([410, 'https://trunkline.dev/problems/voucher-expired']);
  });

  test('a promotional voucher becomes granted credit that expires after its validity', async () => {
    const { body } = await issue({
      count: 1,
      amount: '2',
      currency: 'EUR',
      funding: 'granted',
      grantValidDays: 14,
      restriction: { countries: ['GB'] },
    });
    const before = await balance(people[3]!);
    expect((await redeem(people[3]!, body.codes[0]!)).status).toBe(201);
    const after = await balance(people[3]!);
    expect([after.paid, after.granted]).toEqual([before.paid, '2']);
    const expiry = Date.parse(after.grants.at(-1)!.expiresAt!);
    expect(Math.abs(expiry - (Date.now() + 14 * 86_400_000))).toBeLessThan(60_000);
  });

  test('a claim whose credit was never recorded (the redeemer crashed) is settled once by the job', async () => {
    const vouchers = vouchersOf(engine);
    const { codes, batch } = await issueBatch(engine, { amount: '3' });
    const hash = codeHash(normalizeCode(codes[0]!).canonical);
    const who = people[4]!.keyid;
    // what a redeemer killed after its claim leaves behind
    await engine.store.append(
      claimStream(hash),
      [
        {
          id: deriveId('voucher-claimed', hash, who),
          type: 'VoucherClaimed',
          schemaVersion: 1,
          data: {
            codeHash: hash,
            batchId: batch.batchId,
            tag: batch.tag,
            accountNumber: who,
            at: new Date(Date.now() - 60_000).toISOString(),
          },
          metadata: {},
        },
      ],
      'no-stream',
    );
    await engine.runner.catchUp('vouchers');
    const stuck = await unsettledClaims(engine.readModels, new Date(Date.now() - 30_000), 10);
    expect(stuck.map((c) => c.hash)).toEqual([hash]);
    const before = await balance(people[4]!);
    for (const claim of stuck) await vouchers.settleClaim(claim);
    for (const claim of stuck) await vouchers.settleClaim(claim);
    await engine.runner.catchUp('vouchers');
    expect(await unsettledClaims(engine.readModels, new Date(), 10)).toEqual([]);
    expect(new Decimal((await balance(people[4]!)).paid).minus(before.paid).toFixed()).toBe('3');
    // and someone else still cannot take it
    expect((await redeem(people[5]!, codes[0]!)).status).toBe(409);
  });
});
