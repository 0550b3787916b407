import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { accountStream } from '../../../core/accounts/account';
import { callsEngine } from '../../support/calls-engine';
import { runCli } from '../../support/cli';
import { collect } from '../../support/events';
import { signer } from '../../support/signed-fetch';

/**
 * A corrected plan (RP_FIX) applied to five calls of 2026-11-20, by hand:
 * - UK landline, retail 0.0100 × 1.5 = 0.015 a minute in 1 s steps: 37.4 s is billed 38 s = 0.0095.
 *   RP_FIX: 0.03 a minute in 1 s steps: 38 s = 0.019. Delta +0.0095 (three of Alice's calls).
 * - UK mobile, retail 0.0300 × 1.5 = 0.045 a minute in 1 s steps: 30 s = 0.0225, 60 s = 0.045.
 *   RP_FIX: 0.012 a minute: 30 s = 0.006 (delta −0.0165), 60 s = 0.012 (delta −0.033).
 * Trial credit (0.05 each) is spent first: Alice's landline calls take 0.0285 of it, her mobile
 * call the other 0.0215 and 0.001 of paid credit; Bob's mobile call (no paid credit) 0.045 of
 * it. A higher charge is taken from paid credit; a refund goes back to paid credit only up to
 * what paid credit carried of the call (Alice's 0.0165: 0.001 to paid, 0.0155 promotional; Bob's
 * 0.033 all promotional), so a free call never turns into paid (refundable) money.
 */
const TARIFFS: Record<string, string> = {
  'Destinations.csv': '#Id,Prefix\nDST_UK,44\nDST_UK_MOBILE,447\n',
  'Rates.csv': '#Id,ConnectFee,Rate,RateUnit,RateIncrement,GroupIntervalStart\nRT_UK,0,0.03,60s,1s,0s\nRT_MOBILE,0,0.012,60s,1s,0s\n',
  'DestinationRates.csv':
    '#Id,DestinationId,RatesTag,RoundingMethod,RoundingDecimals,MaxCost,MaxCostStrategy\nDR_UK,DST_UK,RT_UK,*up,6,0,\nDR_MOBILE,DST_UK_MOBILE,RT_MOBILE,*up,6,0,\n',
  'RatingPlans.csv': '#Id,DestinationRatesId,TimingTag,Weight\nRP_FIX,DR_UK,*any,10\nRP_FIX,DR_MOBILE,*any,10\n',
  'Timings.csv': '#Id,Years,Months,MonthDays,WeekDays,Time\n',
  'RatingProfiles.csv': '#Tenant,Category,Subject,ActivationTime,RatingPlanId,RatesFallbackSubject\n',
};
/** alpha's rates billed per second, so that the retail sheet (which keeps a carrier's increments) is per second too. */
const PER_SECOND = join(__dirname, '..', '..', 'fixtures', 'rating', 'decks', 'alpha-per-second.csv');
const LANDLINE = '+442079460000';
const MOBILE = '+447400123456';
const START = Date.parse('2026-11-20T10:00:00Z') / 1000;

describe('trunkline rerate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-rerate-'));
  const alice = signer('+442079461001');
  const bob = signer('+442079461002');
  let data = '';
  const cli = (...args: string[]) => runCli(['--data-dir', data, ...args]);
  const json = <T>(r: { status: number | null; stdout: string; stderr: string }): T => {
    expect([r.status, r.stderr.split('\n').filter((l) => !l.startsWith('rerate'))]).toEqual([0, expect.any(Array)]);
    return JSON.parse(r.stdout) as T;
  };
  const head = async () => {
    const store = sqliteEventStore({ path: join(data, 'events.sqlite') });
    try {
      return await store.head();
    } finally {
      await store.close();
    }
  };
  const reratedOf = async (number: string) => {
    const store = sqliteEventStore({ path: join(data, 'events.sqlite') });
    try {
      return (await collect(store.readStream(accountStream(number)))).filter((e) => e.type === 'CallRerated').map((e) => e.data);
    } finally {
      await store.close();
    }
  };
  const balance = (number: string) => json<{ paid: string; granted: string }>(cli('accounts', 'show', number, '--format', 'json'));
  const margin = (...extra: string[]) =>
    json<{ totals: { revenue: string; calls: number }[] }>(
      cli('report', 'margin', '--from', '2026-11-20', '--to', '2026-11-21', '--format', 'json', ...extra),
    ).totals[0]!;

  beforeAll(async () => {
    const bed = await callsEngine({ people: [alice, bob], keepData: true, deck: PER_SECOND, config: { callGrantSeconds: 600 } });
    data = bed.engine.config.dataDir;
    try {
      await bed.fund(alice.keyid, '10');
      for (const who of [alice, bob])
        await bed.engine.wallet.execute(
          who.keyid,
          {
            type: 'grant',
            data: {
              grantId: `trial-${who.keyid}`,
              amount: '0.05',
              currency: 'EUR',
              reason: 'trial',
              source: 'test',
              expiresAt: null,
              restriction: null,
            },
          },
          'test',
        );
      const calls: [typeof alice, string, string, number][] = [
        [alice, 'a1', LANDLINE, 37.4],
        [alice, 'a2', LANDLINE, 37.4],
        [alice, 'a3', LANDLINE, 37.4],
        [alice, 'a4', MOBILE, 30],
        [bob, 'b1', MOBILE, 60],
      ];
      for (const [who, id, to, seconds] of calls) {
        const auth = await bed.hook('authorize', { call_id: id, caller: who.keyid, callee: to });
        expect([id, auth.status]).toEqual([id, 200]);
        const cdr = { call_id: id, caller: who.keyid, disposition: 'ANSWERED', answer_ts: START, end_ts: START + seconds };
        expect((await bed.hook('cdr', cdr)).status).toBe(200);
      }
      const tariffs = join(dir, 'tariffs');
      rmSync(tariffs, { recursive: true, force: true });
      mkdirSync(tariffs);
      for (const [name, body] of Object.entries(TARIFFS)) writeFileSync(join(tariffs, name), body);
      await bed.engine.rating.importTariffs({ path: tariffs, currency: 'EUR' });
    } finally {
      await bed.close();
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  type Report = {
    runId: string;
    dryRun: boolean;
    accounts: { number: string; calls: number; delta: string }[];
    totals: { currency: string; calls: number; charged: string; refunded: string; delta: string }[];
  };

  test('a dry run reports the deltas per account and in total, and records nothing', async () => {
    const before = await head();
    const r = json<Report>(
      cli('rerate', '--from', '2026-11-20', '--to', '2026-11-21', '--plan', 'RP_FIX', '--dry-run', '--format', 'json'),
    );
    expect(r.dryRun).toBe(true);
    expect(r.accounts).toEqual([
      { number: alice.keyid, currency: 'EUR', calls: 4, delta: '0.012' },
      { number: bob.keyid, currency: 'EUR', calls: 1, delta: '-0.033' },
    ]);
    expect(r.totals).toEqual([{ currency: 'EUR', calls: 5, charged: '0.0285', refunded: '0.0495', delta: '-0.021' }]);
    expect(await head()).toBe(before);
  });

  test('applied: CallRerated with the deltas, credit moved (refunds of free calls as promotional credit), books agree', async () => {
    const revenueBefore = margin();
    expect(revenueBefore).toMatchObject({ calls: 5, revenue: '0.096' });
    const aliceBefore = balance(alice.keyid);
    const bobBefore = balance(bob.keyid);
    const positionBefore = await head();
    const r = json<Report>(cli('rerate', '--from', '2026-11-20', '--to', '2026-11-21', '--plan', 'RP_FIX', '--format', 'json'));
    expect(r).toMatchObject({ dryRun: false, totals: [{ delta: '-0.021', calls: 5 }] });
    const aliceEvents = await reratedOf(alice.keyid);
    expect(aliceEvents.map((e) => [e.callId, e.amountBefore, e.amountAfter, e.delta, e.paidChange, e.grant, e.sequence])).toEqual([
      ['a1', '0.0095', '0.019', '0.0095', '-0.0095', null, 1],
      ['a2', '0.0095', '0.019', '0.0095', '-0.0095', null, 1],
      ['a3', '0.0095', '0.019', '0.0095', '-0.0095', null, 1],
      ['a4', '0.0225', '0.006', '-0.0165', '0.001', { grantId: expect.any(String), amount: '0.0155' }, 1],
    ]);
    const [bobEvent] = await reratedOf(bob.keyid);
    expect(bobEvent).toMatchObject({ delta: '-0.033', paidChange: '0', grant: { amount: '0.033' } });
    // Alice: paid −0.0285 + 0.001, promotional +0.0155; Bob: paid unchanged, promotional +0.033
    expect(Number(balance(alice.keyid).paid) - Number(aliceBefore.paid)).toBeCloseTo(-0.0275, 9);
    expect(Number(balance(alice.keyid).granted) - Number(aliceBefore.granted)).toBeCloseTo(0.0155, 9);
    expect(balance(bob.keyid)).toMatchObject({ paid: bobBefore.paid });
    expect(Number(balance(bob.keyid).granted) - Number(bobBefore.granted)).toBeCloseTo(0.033, 9);
    // the margin report counts the corrections; as of before them, the first charges stand
    expect(margin()).toMatchObject({ calls: 5, revenue: '0.075' });
    expect(margin('--as-of', String(positionBefore))).toEqual(revenueBefore);
    expect(cli('finance', 'check').status).toBe(0);
  });

  test('applied again, nothing changes', async () => {
    const before = await head();
    const r = json<Report>(cli('rerate', '--from', '2026-11-20', '--to', '2026-11-21', '--plan', 'RP_FIX', '--format', 'json'));
    expect([r.accounts, r.totals]).toEqual([[], []]);
    expect(await head()).toBe(before);
  });

  test('reversed: every call back to its first charge, balances and books as before; reversing again changes nothing', async () => {
    const run = `RP_FIX:2026-11-20T00:00:00.000Z/2026-11-21T00:00:00.000Z`;
    const r = json<Report>(cli('rerate', '--reverse', run, '--format', 'json'));
    expect(r).toMatchObject({ runId: `reverse:${run}`, totals: [{ delta: '0.021', calls: 5 }] });
    expect(margin()).toMatchObject({ calls: 5, revenue: '0.096' });
    const aliceEvents = await reratedOf(alice.keyid);
    expect(aliceEvents.filter((e) => e.sequence === 2).map((e) => [e.callId, e.amountAfter, e.paidChange])).toEqual([
      ['a1', '0.0095', '0.0095'],
      ['a2', '0.0095', '0.0095'],
      ['a3', '0.0095', '0.0095'],
      ['a4', '0.0225', '-0.0165'],
    ]);
    expect(cli('finance', 'check').status).toBe(0);
    const before = await head();
    expect(json<Report>(cli('rerate', '--reverse', run, '--format', 'json')).totals).toEqual([]);
    expect(await head()).toBe(before);
  });

  test('bad input: one line, exit 1, nothing recorded', async () => {
    const before = await head();
    for (const args of [
      ['--from', '2026-11-20', '--to', '2026-11-21', '--plan', 'NOPE'],
      ['--from', 'yesterday', '--to', '2026-11-21', '--plan', 'RP_FIX'],
      ['--from', '2026-11-21', '--to', '2026-11-20', '--plan', 'RP_FIX'],
      ['--from', '2026-11-20', '--to', '2026-11-21'],
      ['--reverse', 'x', '--plan', 'RP_FIX'],
    ]) {
      const r = cli('rerate', ...args);
      expect([r.status, r.stderr.trim().split('\n')]).toEqual([1, [expect.stringMatching(/^trunkline: /)]]);
    }
    expect(await head()).toBe(before);
  });
});
