import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { manualClock } from '../../../core/clock';
import { suspicionRaiser } from '../../../adapters/fraud/suspicion-raiser';
import { addDeckCarrier } from '../../support/deck-carrier';
import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { signer, type Signer } from '../../support/signed-fetch';

const BETA = 'prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n41,Switzerland,1.0000,1,1,0,2026-01-01\n';

describe('velocity rules against a fraudster who knows them', () => {
  const clock = manualClock(new Date());
  const padder = signer('+442079461911');
  const longCaller = signer('+442079461913');
  const bad = signer('+442079461921');
  const pumper = signer('+442079461922');
  const old = signer('+442079461923');
  let dir: string;
  let bed: CallsEngine;
  let n = 0;
  const raise = () =>
    suspicionRaiser({
      readModels: bed.engine.readModels,
      wallet: bed.engine.wallet,
      logger: pino({ level: 'silent' }),
      now: () => new Date(),
    })();
  const settle = async () => {
    await bed.engine.runner.catchUp('velocity');
    await raise();
  };
  /** The hooks are idempotent by call id: asked again when a kept-alive connection the server closed while idle fails. */
  const hook = (path: 'authorize' | 'extend' | 'cdr', body: unknown) => bed.hook(path, body).catch(() => bed.hook(path, body));
  async function call(from: Signer, to: string, seconds: number, extend = false): Promise<void> {
    const id = `e-${++n}`;
    expect((await hook('authorize', { call_id: id, caller: from.keyid, callee: to })).status).toBe(200);
    if (extend) expect((await hook('extend', { call_id: id, caller: from.keyid })).status).toBe(200);
    const start = clock.now().getTime() / 1000;
    const cdr =
      seconds > 0
        ? { disposition: 'ANSWERED', answer_ts: start + 2, end_ts: start + 2 + seconds }
        : { disposition: 'FAILED', end_ts: start + 20, reason: '487' };
    expect((await hook('cdr', { call_id: id, caller: from.keyid, ...cdr })).status).toBe(200);
  }
  const held = async (who: Signer) => Object.keys((await bed.engine.wallet.state(who.keyid)).fraud.open).sort();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-evasion-'));
    bed = await callsEngine({ people: [padder, longCaller, bad, pumper, old], clock });
    await addDeckCarrier(bed.engine, dir, 'beta', BETA);
    for (const who of [padder, longCaller]) await bed.fund(who.keyid, '500');
  }, 120_000);
  afterAll(async () => {
    await bed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('padding the hour with 2,000 free failed calls before IRSF calls holds the account all the same', async () => {
    clock.set(new Date(Date.now() - 40 * 60_000));
    for (let k = 0; k < 1990; k++) {
      clock.advance(250);
      await call(padder, '+442079460000', 0);
    }
    for (let k = 0; k < 10; k++) {
      clock.advance(60_000);
      await call(padder, `+3314268530${k % 6}`, k % 2 ? 0 : 3);
    }
    await settle();
    // more than the rules read in an hour is a suspicion of its own: the account is held either way
    expect(await held(padder)).toEqual(['activity-flood:0']);
  }, 600_000);

  test('a call longer than an hour counts toward the hour it is charged in', async () => {
    clock.set(new Date(Date.now() - 70 * 60_000));
    // 3,700 s at 1.50 a minute: 92.50, charged about five minutes ago
    await call(longCaller, '+41441234567', 3700, true);
    await settle();
    expect(await held(longCaller)).toEqual(['spend-spike:0']);
  }, 120_000);

  test('a hit that can never be recorded is set aside; the hits behind it are recorded; a hit from history holds nobody', async () => {
    const rm = bed.engine.readModels;
    const recent = (ms: number) => new Date(Date.now() - ms).toISOString();
    await rm.transaction(async (tx) => {
      const insert = `INSERT INTO fraud_hits (number, suspicion_id, rule, epoch, summary, evidence, at, status) VALUES (?, ?, ?, 0, 's', ?, ?, 'new')`;
      await tx.run(insert, [bad.keyid, 'my-rule:0', 'my-rule', JSON.stringify({ ratio: null, detail: { nested: 1 } }), recent(60_000)]);
      await tx.run(insert, [pumper.keyid, 'sms-pumping:0', 'sms-pumping', '{}', recent(30_000)]);
      await tx.run(insert, [old.keyid, 'sms-pumping:0', 'sms-pumping', '{}', recent(3 * 3_600_000)]);
    });
    await raise();
    expect([await held(bad), await held(pumper), await held(old)]).toEqual([[], ['sms-pumping:0'], []]);
    const statuses = await rm.query<{ number: string; status: string }>(
      'SELECT number, status FROM fraud_hits WHERE number IN (?, ?, ?) ORDER BY number',
      [bad.keyid, pumper.keyid, old.keyid],
    );
    expect(statuses.map((s) => s.status)).toEqual(['failed', 'recorded', 'historical']);
  }, 60_000);
});
