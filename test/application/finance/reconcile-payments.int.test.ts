import { rmSync } from 'node:fs';
import { startStripeBed, type StripeBed } from '../../beds/stripe-api';
import { runCliAsync } from '../../support/cli';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine } from '../../support/test-engine';

/** A PaymentIntent as Stripe holds it once paid, created `created` (epoch seconds). */
function paid(
  bed: StripeBed,
  id: string,
  amount: number,
  account: string,
  created: number,
  status = 'succeeded',
  withBalance = true,
): void {
  bed.intents.set(id, {
    id,
    object: 'payment_intent',
    amount,
    amount_received: status === 'succeeded' ? amount : 0,
    currency: 'eur',
    status,
    client_secret: `${id}_secret`,
    description: null,
    metadata: { trunkline_account: account },
    livemode: false,
    created,
  });
  // Stripe's fee here: 1.5 % + 0.25; the charge's balance transaction, created with it
  if (status === 'succeeded' && withBalance) {
    const fee = Math.round(amount * 0.015) + 25;
    bed.balance.set(`txn_${id}`, {
      id: `txn_${id}`,
      object: 'balance_transaction',
      amount,
      fee,
      net: amount - fee,
      currency: 'eur',
      type: 'charge',
      created,
      charge: { id: `ch_${id}`, payment_intent: id },
    });
  }
}

describe('trunkline finance reconcile-payments (the real stripe client against the local Stripe API)', () => {
  it('lists every payment that does not reconcile, through Stripe pagination, and exits 1', async () => {
    const bed = await startStripeBed();
    const erin = signer('+442079462105');
    const env = { STRIPE_SECRET_KEY: bed.secretKey, STRIPE_WEBHOOK_SECRET: bed.webhookSecret, STRIPE_API_URL: bed.url };
    const t = await testEngine({ numbers: [erin], env, keepData: true });
    const created = Math.floor(Date.now() / 1000) - 3600;
    try {
      expect((await signedFetch(t.base, erin, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
      // 120 succeeded payments (two pages of 100), every one credited …
      for (let i = 0; i < 120; i++) {
        const id = `pi_ok${String(i).padStart(4, '0')}`;
        paid(bed, id, 1000, erin.keyid, created + i);
        await t.engine.wallet.execute(
          erin.keyid,
          {
            type: 'record-purchase',
            data: { processor: 'stripe', paymentId: id, processorEventId: `evt_${id}`, amount: '10', currency: 'EUR' },
          },
          'test',
        );
      }
      // … one succeeded that was never credited (its webhook lost), one credited with the wrong amount,
      // and one credited that Stripe says never succeeded
      paid(bed, 'pi_lost', 2500, erin.keyid, created + 200);
      paid(bed, 'pi_wrong', 500, erin.keyid, created + 201);
      await t.engine.wallet.execute(
        erin.keyid,
        {
          type: 'record-purchase',
          data: { processor: 'stripe', paymentId: 'pi_wrong', processorEventId: 'evt_w', amount: '50', currency: 'EUR' },
        },
        'test',
      );
      paid(bed, 'pi_ghost', 700, erin.keyid, created + 202, 'requires_payment_method');
      // … and one succeeded and credited whose money never reached the balance
      paid(bed, 'pi_nobal', 900, erin.keyid, created + 203, 'succeeded', false);
      await t.engine.wallet.execute(
        erin.keyid,
        {
          type: 'record-purchase',
          data: { processor: 'stripe', paymentId: 'pi_nobal', processorEventId: 'evt_n', amount: '9', currency: 'EUR' },
        },
        'test',
      );
      await t.engine.wallet.execute(
        erin.keyid,
        {
          type: 'record-purchase',
          data: { processor: 'stripe', paymentId: 'pi_ghost', processorEventId: 'evt_g', amount: '7', currency: 'EUR' },
        },
        'test',
      );
    } finally {
      await t.close();
    }
    try {
      const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
      const r = await runCliAsync(
        ['--data-dir', t.dir, 'finance', 'reconcile-payments', '--from', day(-1), '--to', day(1), '--format', 'json'],
        env,
      );
      expect(r.status).toBe(1);
      const report = JSON.parse(r.stdout) as {
        lines: { status: string; paymentId: string; processorAmount: string | null; recordedAmount: string | null }[];
        counts: Record<string, number>;
        balance: { currency: string; gross: string; fees: string; net: string }[];
      };
      expect(report.counts).toEqual({
        matched: 120,
        'not-credited': 1,
        'amount-differs': 1,
        'recorded-as-mismatch': 0,
        'not-at-processor': 1,
        'not-in-balance': 1,
        'balance-differs': 0,
      });
      expect(
        report.lines.filter((l) => l.status !== 'matched').map((l) => [l.status, l.paymentId, l.processorAmount, l.recordedAmount]),
      ).toEqual([
        ['not-in-balance', 'pi_nobal', '9', '9'],
        ['amount-differs', 'pi_wrong', '5', '50'],
        ['not-credited', 'pi_lost', '25', null],
        ['not-at-processor', 'pi_ghost', null, '7'],
      ]);
      expect(r.stderr.trim()).toBe('trunkline: 4 payment(s) do not reconcile');
      // 120 matched payments of 10.00 (fee 0.40 each), and the lost and wrong ones' money (25.00 fee 0.63, 5.00 fee 0.33)
      expect(report.balance).toEqual([{ currency: 'EUR', gross: '1230', fees: '48.96', net: '1181.04' }]);
      expect(report.lines.find((l) => l.paymentId === 'pi_ok0000')).toMatchObject({ balance: { gross: '10', fee: '0.4', net: '9.6' } });
      // the client followed has_more: two list requests
      expect(bed.requests.filter((q) => q.method === 'GET' && q.path === '/v1/payment_intents')).toHaveLength(2);
    } finally {
      await bed.close();
      rmSync(t.dir, { recursive: true, force: true });
    }
  });
});
