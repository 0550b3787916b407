import fc from 'fast-check';
import { amountLimits } from '../../../core/amount-limits';
import { DomainError } from '../../../core/decider';
import { currency, Decimal, minorUnits } from '../../../core/money';
import { balanceOf } from '../../../projections/balances/queries';
import { checkLedger } from '../../../projections/finance/check';
import { liabilityReport } from '../../../projections/finance/reports';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';

const accounts = [
  { who: signer('+442079462301'), currency: 'EUR' },
  { who: signer('+622150002301'), currency: 'IDR' },
  { who: signer('+81312345678'), currency: 'JPY' },
] as const;

/** `units` of 10^-decimals as a decimal string. */
const scaled = (units: bigint, decimals: number) => new Decimal(units.toString()).dividedBy(new Decimal(10).pow(decimals)).toFixed();

const op = fc.record({
  kind: fc.constantFrom('grant', 'purchase', 'charge', 'refund'),
  account: fc.nat(accounts.length - 1),
  // up to the default limit, 10^11 minor units, in the currency's own decimals
  units: fc.bigInt({ min: 1n, max: 10n ** 11n }),
});

describe('finance check on any accepted amounts', () => {
  let t: TestEngine;
  let run = 0;
  beforeAll(async () => {
    t = await testEngine({ numbers: accounts.map((a) => a.who) });
    for (const a of accounts) expect((await signedFetch(t.base, a.who, 'POST', '/v1/accounts', { currency: a.currency })).status).toBe(201);
  });
  afterAll(() => t.close());

  it('grants, purchases, charges and refunds within the limits reconcile exactly, and the liability is the paid balances', async () => {
    const limits = amountLimits();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        run++;
        const purchased = new Map<number, { paymentId: string; amount: string }>();
        for (const [i, o] of ops.entries()) {
          const { who, currency: code } = accounts[o.account]!;
          const c = currency(code);
          const amount = scaled(o.units, minorUnits(c));
          expect(new Decimal(amount).lessThanOrEqualTo(limits(c).maximum)).toBe(true);
          const id = `${run}-${i}`;
          const w = t.engine.wallet;
          if (o.kind === 'grant')
            await w.execute(
              who.keyid,
              {
                type: 'grant',
                data: { grantId: id, amount, currency: code, reason: 'p', source: 't', expiresAt: null, restriction: null },
              },
              't',
            );
          else if (o.kind === 'purchase') {
            const fact = { processor: 'stripe', paymentId: `pi_${id}`, processorEventId: `evt_${id}` };
            await w.execute(who.keyid, { type: 'record-purchase', data: { ...fact, amount, currency: code } }, 't');
            purchased.set(o.account, { paymentId: fact.paymentId, amount });
          } else if (o.kind === 'refund') {
            const p = purchased.get(o.account);
            if (!p) continue;
            const refundedTotal = Decimal.min(p.amount, amount).toFixed();
            const fact = { processor: 'stripe', paymentId: p.paymentId, processorEventId: `evt_r${id}` };
            await w.execute(who.keyid, { type: 'record-refund', data: { ...fact, refundedTotal, currency: code } }, 't');
          } else {
            // a charge has up to 6 decimals (chargeDecimals), whatever the currency
            const charge = { type: 'charge', data: { chargeId: id, chargeKind: 'test', reference: id, destination: null } } as const;
            const at = new Date().toISOString();
            try {
              await w.execute(who.keyid, { type: 'charge', data: { ...charge.data, amount: scaled(o.units, 6), currency: code, at } }, 't');
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
          }
        }
        for (const name of ['balances', 'finance']) await t.engine.runner.catchUp(name);
        const rm = t.engine.readModels;
        const check = await checkLedger(t.engine.store, rm, await t.engine.store.head());
        expect(check.differences).toEqual([]);
        const liability = await liabilityReport(rm, {});
        for (const a of accounts) {
          const balance = await balanceOf(rm, a.who.keyid, new Date());
          expect(liability.rows.find((r) => r.currency === a.currency)?.paid ?? '0').toBe(balance!.paid);
        }
      }),
      { numRuns: 12 },
    );
  });
});
