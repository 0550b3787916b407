import type { Engine } from '../../../adapters/runtime/engine';
import { signedFetch, signer, type Signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';

describe('amounts taken over the API are bounded per currency', () => {
  const admin = signer('limits-admin');
  const alice = signer('+442079460971');
  let bed: TestEngine;
  let engine: Engine;

  beforeAll(async () => {
    bed = await testEngine({
      numbers: [alice],
      operators: [{ who: admin, roles: ['admin'] }],
      config: { amountLimits: { USD: { maximum: '100' } } },
    });
    engine = bed.engine;
    expect((await call(alice, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
  });
  afterAll(() => bed.close());

  const call = (who: Signer, method: string, path: string, body?: unknown) => signedFetch(bed.base, who, method, path, body);
  const grant = (amount: string, grantId: string) =>
    call(admin, 'POST', `/v1/accounts/${encodeURIComponent(alice.keyid)}/grants`, { grantId, amount, currency: 'EUR' });
  const issue = (amount: string, currency: string) =>
    call(admin, 'POST', '/v1/voucher-batches', { count: 1, amount, currency, expiresAt: '2030-01-01T00:00:00Z' });
  const refusal = async (r: Response) => ({
    status: r.status,
    contentType: r.headers.get('content-type'),
    body: (await r.json()) as { type: string; detail: string },
  });

  test('grants and voucher batches over the limit or with too many decimals are problems and append nothing', async () => {
    const head = await engine.store.head();
    const huge = `1${'0'.repeat(45)}`;
    const cases: [Promise<Response>, string, RegExp][] = [
      [
        grant(huge, 'huge'),
        'amount-out-of-range',
        /^1000000000000000000000000000000000000000000000 EUR is more than the largest accepted amount, 1000000000 EUR$/,
      ],
      [grant('1000000000.01', 'just-over'), 'amount-out-of-range', /1000000000 EUR$/],
      [grant('0.001', 'fraction'), 'invalid-amount', /^0\.001 EUR has too many decimal places: EUR amounts take at most 2$/],
      [issue(`9${'9'.repeat(59)}`, 'EUR'), 'amount-out-of-range', /largest accepted amount, 1000000000 EUR$/],
      [issue('150', 'USD'), 'amount-out-of-range', /^150 USD is more than the largest accepted amount, 100 USD$/],
    ];
    for (const [request, type, detail] of cases)
      expect(await refusal(await request)).toEqual({
        status: 422,
        contentType: expect.stringMatching(/^application\/problem\+json/),
        body: expect.objectContaining({ type: `https://trunkline.dev/problems/${type}`, detail: expect.stringMatching(detail) }),
      });
    expect(await engine.store.head()).toBe(head);
  });

  test('amounts at the limit are accepted', async () => {
    expect((await grant('1000000000', 'at-limit')).status).toBe(201);
    expect((await issue('100', 'USD')).status).toBe(201);
  });
});
