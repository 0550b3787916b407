import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { manualClock } from '../../../core/clock';
import type { CallRoute } from '../../../core/calls/commands';
import { absorbedReport } from '../../../projections/finance/absorbed';
import { checkLedger } from '../../../projections/finance/check';
import { liabilityReport } from '../../../projections/finance/reports';
import { callCommands } from '../../support/call-commands';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';

const carol = signer('+442079462111');
const dave = signer('+442079462112');
const policy = { grantSeconds: 3600, reservationTtlSeconds: 120, chargeDecimals: 6 };
const route: CallRoute = {
  kind: 'pstn',
  retail: { prefix: '44', row: { rate: '0.005', connectFee: '0', initial: 60, subsequent: 60, minimum: 0 } },
  carriers: [],
};
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const ALWAYS = { from: '2000-01-01', to: '2100-01-01' };

describe('finance: what the provider absorbed', () => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await testEngine({ numbers: [carol, dave], keepData: true, clock: manualClock(new Date()) });
    for (const p of [carol, dave]) expect((await signedFetch(t.base, p, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    const run = (who: string, c: Parameters<TestEngine['engine']['wallet']['execute']>[1]) => t.engine.wallet.execute(who, c, 'test');
    const fact = (id: string) => ({ processor: 'stripe', paymentId: id, processorEventId: `evt_${id}` });
    // carol: 0.015 of credit; call 1's reservation lapses before its CDR and call 2 is granted all of it
    await run(carol.keyid, { type: 'record-purchase', data: { ...fact('pi_c'), amount: '0.015', currency: 'EUR' } });
    const { authorize, end } = callCommands({ route, policy, origin: 'k' });
    await run(carol.keyid, authorize('c1', 0, 120));
    await run(carol.keyid, { type: 'expire-reservations', data: { at: at(240) } });
    await run(carol.keyid, authorize('c2', 250, 3600));
    await run(carol.keyid, end('c1', 120, 300));
    await run(carol.keyid, end('c2', 180, 440));
    // dave: 1 bought, 1.5 refunded: 0.5 beyond what the payment credited
    await run(dave.keyid, { type: 'record-purchase', data: { ...fact('pi_d'), amount: '1', currency: 'EUR' } });
    await run(dave.keyid, {
      type: 'record-refund',
      data: { ...fact('pi_d'), processorEventId: 'evt_r', refundedTotal: '1.5', currency: 'EUR' },
    });
    for (const name of ['balances', 'finance']) await t.engine.runner.catchUp(name);
  });
  afterAll(async () => {
    await t.close();
    rmSync(t.dir, { recursive: true, force: true });
  });

  it('reports the call shortfall and the uncovered refund, apart from the liability', async () => {
    const r = await absorbedReport(t.engine.readModels, ALWAYS);
    expect(r.rows.map(({ currency, kind, count, amount }) => ({ currency, kind, count, amount }))).toEqual([
      { currency: 'EUR', kind: 'call', count: 1, amount: '0.01' },
      { currency: 'EUR', kind: 'refund', count: 1, amount: '0.5' },
    ]);
    expect(r.totals).toEqual([{ currency: 'EUR', amount: '0.51' }]);
    // nobody owes anything and nothing is owed: both balances stop at zero
    expect((await liabilityReport(t.engine.readModels, {})).rows).toEqual([{ currency: 'EUR', paid: '0', promotional: '0' }]);
    // as of before the second CDR, nothing was absorbed yet
    expect((await absorbedReport(t.engine.readModels, { ...ALWAYS, asOf: 1 })).rows).toEqual([]);
  });

  it('finance check reconciles with shortfalls present, and names a tampered absorbed line', async () => {
    const position = await t.engine.store.head();
    expect((await checkLedger(t.engine.store, t.engine.readModels, position)).differences).toEqual([]);
    const db = new Database(join(t.dir, 'read-models.sqlite'));
    db.prepare("UPDATE finance_absorbed SET amount = '0.02' WHERE kind = 'call'").run();
    db.close();
    expect((await checkLedger(t.engine.store, t.engine.readModels, position)).differences).toEqual([
      { number: carol.keyid, field: 'absorbed', readModel: '0.02', log: '0.01' },
    ]);
  });
});
