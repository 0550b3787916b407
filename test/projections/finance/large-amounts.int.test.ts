import { rmSync } from 'node:fs';
import { startStripeBed, type StripeBed } from '../../beds/stripe-api';
import { runCli } from '../../support/cli';
import { describePostgres } from '../../support/postgres';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';
import { waitFor } from '../../support/wait';

const admin = signer('large-amounts-admin');
const auditor = signer('large-amounts-auditor');
const eur = signer('+442079462201');
const idr = signer('+622150001234');

/**
 * Amounts far past 2⁵³ nano-units (about 9 million units) reach the books exactly: an admin grant
 * of 10,000,000 EUR and IDR top-ups bought through the processor, summed to 2.65 × 10¹⁷ nano-units.
 */
function largeAmountsBody(envOf: () => Promise<Record<string, string>>): void {
  let bed: StripeBed;
  let t: TestEngine;
  let env: Record<string, string> = {};

  beforeAll(async () => {
    bed = await startStripeBed();
    env = await envOf();
    t = await testEngine({
      numbers: [eur, idr],
      operators: [
        { who: admin, roles: ['admin'] },
        { who: auditor, roles: ['finance'] },
      ],
      env: {
        ...env,
        STRIPE_SECRET_KEY: bed.secretKey,
        STRIPE_WEBHOOK_SECRET: bed.webhookSecret,
        STRIPE_API_URL: bed.url,
        TRUNKLINE_TOP_UP_MINIMUM: '10000',
        TRUNKLINE_TOP_UP_MAXIMUM: '5000000000',
      },
      keepData: true,
    });
    await t.engine.runner.start();
  });
  afterAll(async () => {
    await t.close();
    await bed.close();
    rmSync(t.dir, { recursive: true, force: true });
  });

  it('a 10,000,000 grant and IDR top-ups: ready, exact liability, finance check passes', async () => {
    expect((await signedFetch(t.base, eur, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    expect((await signedFetch(t.base, idr, 'POST', '/v1/accounts', { currency: 'IDR' })).status).toBe(201);
    const grant = { grantId: 'big', amount: '10000000', currency: 'EUR', reason: 'launch' };
    expect((await signedFetch(t.base, admin, 'POST', `/v1/accounts/${encodeURIComponent(eur.keyid)}/grants`, grant)).status).toBe(201);
    // within the top-up range, past IDR's amount limit (10^11 minor units): refused before the processor sees it
    const tooBig = await signedFetch(t.base, idr, 'POST', '/v1/accounts/me/top-ups', { amount: '2000000000', currency: 'IDR' });
    expect([tooBig.status, ((await tooBig.json()) as { type: string }).type]).toEqual([
      422,
      'https://trunkline.dev/problems/amount-out-of-range',
    ]);
    expect(bed.intents.size).toBe(0);
    for (const [amount, key] of [
      ['15000000', 'idr-1'],
      ['250000000.00', 'idr-2'],
    ] as const) {
      const r = await signedFetch(t.base, idr, 'POST', '/v1/accounts/me/top-ups', { amount, currency: 'IDR' }, { 'idempotency-key': key });
      expect(r.status).toBe(201);
      const { paymentId } = (await r.json()) as { paymentId: string };
      const pi = bed.intents.get(paymentId)!;
      expect([pi.amount, pi.currency]).toEqual([Number(amount) * 100, 'idr']);
      const hook = bed.webhook('payment_intent.succeeded', { ...pi, status: 'succeeded', amount_received: pi.amount });
      const delivered = await fetch(`${t.base}/v1/webhooks/stripe`, { method: 'POST', headers: hook.headers, body: hook.body });
      expect(((await delivered.json()) as { recorded: string[] }).recorded).toEqual(['CreditPurchased']);
    }
    const caughtUp = async () => {
      const r = await fetch(`${t.base}/readyz`);
      const body = (await r.json()) as { projections: { lag: number; failing: boolean }[] };
      return r.status === 200 && body.projections.every((p) => p.lag === 0 && !p.failing);
    };
    await waitFor(caughtUp, 20_000, 'readiness with every projection at the head');
    const liability = await signedFetch(t.base, auditor, 'GET', '/v1/finance/liability');
    expect(liability.status).toBe(200);
    expect(((await liability.json()) as { rows: unknown[] }).rows).toEqual([
      { currency: 'EUR', paid: '0', promotional: '10000000' },
      { currency: 'IDR', paid: '265000000', promotional: '0' },
    ]);
    await t.engine.close(); // the CLI opens the same data directory
    const check = runCli(['--data-dir', t.dir, 'finance', 'check'], env);
    expect([check.status, check.stdout.trim().split('\n').at(-1)]).toEqual([
      0,
      expect.stringMatching(/^2 accounts, \d+ account events up to position \d+: 0 difference\(s\)$/),
    ]);
  });
}

describe('finance sums of large amounts (SQLite)', () => largeAmountsBody(async () => ({})));

describePostgres('finance sums of large amounts (PostgreSQL log and read models)', (newDatabase) =>
  largeAmountsBody(async () => ({ TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: await newDatabase() })),
);
