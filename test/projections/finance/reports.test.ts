import { Client } from 'pg';
import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualClock, systemClock } from '../../../core/clock';
import type { CallRoute } from '../../../core/calls/commands';
import { financeProjection } from '../../../projections/finance/projection';
import { projectionRunner } from '../../../projections/runner';
import { carrierQualityReport, financePosition, liabilityReport, marginReport, paymentsReport } from '../../../projections/finance/reports';
import { runCli } from '../../support/cli';
import { describePostgres } from '../../support/postgres';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';

const alice = signer('+442079462101');
const bob = signer('+442079462102');
const auditor = signer('finance-auditor');
const policy = { grantSeconds: 3600, reservationTtlSeconds: 120, chargeDecimals: 6 };
const stripe = { processor: 'stripe' } as const;

/** A PSTN route as the call service would find it: retail row, then one carrier's row. */
const route = (retail: string, inc: number, carrierId: string, prefix: string, cost: string): CallRoute => ({
  kind: 'pstn',
  retail: { prefix, row: { rate: retail, connectFee: '0', initial: inc, subsequent: inc, minimum: 0 } },
  carriers: [
    { carrierId, prefix, currency: 'EUR', row: { rate: cost, connectFee: '0', initial: inc, subsequent: inc, minimum: 0 }, uris: [] },
  ],
});

/**
 * A small month, computed by hand:
 * - 1 Dec: alice buys 20, bob 10; alice gets a 2.00 promotion (expires 3 Dec).
 * - alice calls London 90 s on alpha (0.12/min retail, 0.06 cost, 60/60): billed 120 s, 0.24 from the promotion, cost 0.12.
 * - bob calls Paris 30 s on beta (0.20 retail, 0.08 cost, 1/1): 0.10 from paid, cost 0.04.
 * - alice texts a UK mobile, 2 segments at 0.05 through gw (0.02 cost): 0.10 from the promotion, cost 0.04; then the
 *   receipt fails: 0.10 back to the promotion (the gateway's cost stays).
 * - 2 Dec: bob is refunded 3 of his top-up; alice's card is disputed for 5.
 * - 4 Dec: alice's promotion expires with 1.76 left.
 */
/** The same books on either read-model backend: `envOf` chooses the stores. */
function booksBody(envOf: () => Promise<Record<string, string>>): void {
  let t: TestEngine;
  let env: Record<string, string> = {};
  // real time while requests are signed (the signature window), the books' own days otherwise
  const clock = manualClock(new Date());
  const positions: Record<string, number> = {};

  beforeAll(async () => {
    env = await envOf();
    t = await testEngine({ numbers: [alice, bob], operators: [{ who: auditor, roles: ['finance'] }], clock, env });
    for (const p of [alice, bob]) {
      const r = await signedFetch(t.base, p, 'POST', '/v1/accounts', { currency: 'EUR' });
      expect([200, 201]).toContain(r.status);
    }
    clock.set('2026-12-01T09:00:00Z');
    const w = t.engine.wallet;
    const run = async (who: string, name: string, c: Parameters<typeof w.execute>[1]) => {
      const r = await w.execute(who, c, 'test');
      positions[name] = r.position!;
    };
    const fact = (id: string) => ({ ...stripe, paymentId: id, processorEventId: `evt_${id}` });
    await run(alice.keyid, 'topups', { type: 'record-purchase', data: { ...fact('pi_a'), amount: '20', currency: 'EUR' } });
    await run(bob.keyid, 'topups', { type: 'record-purchase', data: { ...fact('pi_b'), amount: '10', currency: 'EUR' } });
    await run(alice.keyid, 'grant', {
      type: 'grant',
      data: {
        grantId: 'g1',
        amount: '2',
        currency: 'EUR',
        reason: 'welcome',
        source: 'test',
        expiresAt: '2026-12-03T00:00:00Z',
        restriction: null,
      },
    });
    clock.set('2026-12-01T10:00:00Z');
    const at = clock.now().toISOString();
    await run(alice.keyid, 'auth1', {
      type: 'authorize-call',
      data: {
        callId: 'c1',
        destination: '+442079460000',
        route: route('0.12', 60, 'alpha', '44', '0.06'),
        at,
        policy,
      },
    });
    const end = {
      origin: 'k',
      answered: true,
      answeredAt: at,
      endedAt: '2026-12-01T10:01:30Z',
      carrierId: null,
      reason: 'BYE',
      cdr: {},
      policy,
    };
    await run(alice.keyid, 'c1', { type: 'end-call', data: { callId: 'c1', seconds: 90, ...end } });
    await run(bob.keyid, 'auth2', {
      type: 'authorize-call',
      data: {
        callId: 'c2',
        destination: '+33142685300',
        route: route('0.20', 1, 'beta', '33', '0.08'),
        at,
        policy,
      },
    });
    await run(bob.keyid, 'c2', { type: 'end-call', data: { callId: 'c2', seconds: 30, ...end } });
    const segmentation = { encoding: 'GSM-7' as const, segments: 2, characters: 200 };
    const limits = { maxSegments: 10, perMinute: 10, perDay: 100 };
    await run(alice.keyid, 'sms-accept', {
      type: 'accept-sms',
      data: {
        smsId: 's1',
        to: '+447400123456',
        fingerprint: 'f',
        segmentation,
        retail: { prefix: '44', perSegment: '0.05', perMessage: '0' },
        limits,
        chargeDecimals: 6,
        at,
      },
    });
    await run(alice.keyid, 'sms', {
      type: 'record-sms-submission',
      data: {
        smsId: 's1',
        gatewayId: 'gw',
        messageIds: ['m1', 'm2'],
        failedOver: [],
        cost: { prefix: '44', perSegment: '0.02', perMessage: '0', currency: 'EUR' },
        at,
      },
    });
    positions['day1'] = positions['sms']!;
    await run(alice.keyid, 'sms-refund', {
      type: 'record-sms-receipt',
      data: {
        smsId: 's1',
        gatewayId: 'gw',
        messageId: 'm2',
        status: 'failed',
        error: 'UNDELIV',
        at,
      },
    });
    clock.set('2026-12-02T12:00:00Z');
    await run(bob.keyid, 'refund', {
      type: 'record-refund',
      data: {
        ...fact('pi_b'),
        processorEventId: 'evt_r',
        refundedTotal: '3',
        currency: 'EUR',
      },
    });
    await run(alice.keyid, 'dispute', {
      type: 'record-chargeback',
      data: {
        ...fact('pi_a'),
        processorEventId: 'evt_d',
        disputeId: 'dp1',
        amount: '5',
        currency: 'EUR',
      },
    });
    clock.set('2026-12-04T00:00:00Z');
    await run(alice.keyid, 'expiry', { type: 'expire', data: { at: clock.now().toISOString() } });
    await t.engine.runner.catchUp('finance');
  });
  afterAll(() => t.close());

  const period = { from: '2026-12-01', to: '2026-12-05' };

  it('margin by day: every figure as computed by hand', async () => {
    const r = await marginReport(t.engine.readModels, { ...period, by: 'day' });
    expect(r.rows).toEqual([
      {
        key: '2026-12-01',
        currency: 'EUR',
        calls: 2,
        billedMinutes: '2.50',
        texts: 1,
        segments: 2,
        revenue: '0.34', // 0.24 + 0.10 + (0.10 − 0.10 refunded)
        cost: '0.2', // 0.12 + 0.04 + 0.04
        margin: '0.14',
        marginPercent: '41.18', // 0.14 / 0.34 = 41.176…
        costElsewhere: {},
      },
    ]);
  });

  it('margin by carrier and by destination', async () => {
    const byCarrier = await marginReport(t.engine.readModels, { ...period, by: 'carrier' });
    expect(byCarrier.rows.map((r) => [r.key, r.revenue, r.cost, r.margin, r.marginPercent])).toEqual([
      ['sms:gw', '0', '0.04', '-0.04', null],
      ['voice:alpha', '0.24', '0.12', '0.12', '50.00'],
      ['voice:beta', '0.1', '0.04', '0.06', '60.00'],
    ]);
    const byDestination = await marginReport(t.engine.readModels, { ...period, by: 'destination' });
    expect(byDestination.rows.map((r) => [r.key, r.calls, r.texts, r.revenue, r.cost])).toEqual([
      ['FR +33', 1, 0, '0.1', '0.04'],
      ['GB +44', 1, 1, '0.24', '0.16'],
    ]);
  });

  it('liability: the paid balances, promotions apart, at the end and as of any past position', async () => {
    // alice 20 − 5 disputed; bob 10 − 0.10 called − 3 refunded; the promotion all spent, refunded or expired
    expect((await liabilityReport(t.engine.readModels, {})).rows).toEqual([{ currency: 'EUR', paid: '21.9', promotional: '0' }]);
    expect((await liabilityReport(t.engine.readModels, { asOf: positions['grant']! })).rows).toEqual([
      { currency: 'EUR', paid: '30', promotional: '2' },
    ]);
    // after the text was charged, before its refund: 2 − 0.24 − 0.10 of promotion left
    expect((await liabilityReport(t.engine.readModels, { asOf: positions['day1']! })).rows).toEqual([
      { currency: 'EUR', paid: '29.9', promotional: '1.66' },
    ]);
  });

  it('as of a position, a report gives the same answer whatever was recorded since', async () => {
    const asOf = positions['c1']!;
    const before = await marginReport(t.engine.readModels, { ...period, by: 'carrier', asOf });
    expect(before.rows.map((r) => [r.key, r.revenue, r.cost])).toEqual([['voice:alpha', '0.24', '0.12']]);
    await t.engine.wallet.execute(
      bob.keyid,
      {
        type: 'authorize-call',
        data: {
          callId: 'c3',
          destination: '+33142685300',
          route: route('0.20', 1, 'beta', '33', '0.08'),
          at: '2026-12-01T11:00:00Z',
          policy,
        },
      },
      'test',
    );
    await t.engine.wallet.execute(
      bob.keyid,
      {
        type: 'end-call',
        data: {
          callId: 'c3',
          origin: 'k',
          answered: true,
          seconds: 60,
          answeredAt: '2026-12-01T11:00:00Z',
          endedAt: '2026-12-01T11:01:00Z',
          carrierId: null,
          reason: 'BYE',
          cdr: {},
          policy,
        },
      },
      'test',
    );
    await t.engine.runner.catchUp('finance');
    // the books now hold a third call (bob to Paris, 0.20) …
    const now = await marginReport(t.engine.readModels, { ...period, by: 'carrier' });
    expect(now.rows.find((r) => r.key === 'voice:beta')).toMatchObject({ calls: 2, revenue: '0.3' });
    // … but not as of the earlier position
    expect(await marginReport(t.engine.readModels, { ...period, by: 'carrier', asOf })).toEqual(before);
  });

  it('at the head the daily sums answer, and they equal a scan of the rows, by day, destination and carrier', async () => {
    const rm = t.engine.readModels;
    const head = await financePosition(rm);
    const [bound] = await rm.query<{ p: number; groups: number }>(
      'SELECT MAX(max_position) AS p, COUNT(*) AS groups FROM finance_daily WHERE day >= ? AND day < ?',
      [period.from, period.to],
    );
    expect(Number(bound!.p)).toBeLessThanOrEqual(head);
    expect(Number(bound!.groups)).toBeGreaterThan(0);
    for (const by of ['day', 'destination', 'carrier'] as const) {
      const fast = await marginReport(rm, { ...period, by });
      expect(fast.rows.length).toBeGreaterThan(0);
      expect(fast).toEqual(await marginReport(rm, { ...period, by, source: 'scan' }));
      // as of every position the books went through: closed days from the sums, the others scanned
      for (const asOf of Object.values(positions))
        expect(await marginReport(rm, { ...period, by, asOf })).toEqual(await marginReport(rm, { ...period, by, asOf, source: 'scan' }));
    }
  });

  it('payments: money in and out per day and kind', async () => {
    const r = await paymentsReport(t.engine.readModels, period);
    const line = (day: string, type: string) => r.rows.find((x) => x.day === day && x.type === type);
    expect(line('2026-12-01', 'CreditPurchased')).toMatchObject({ count: 2, paid: '30', promotional: '0' });
    expect(line('2026-12-01', 'CreditGranted')).toMatchObject({ count: 1, promotional: '2' });
    expect(line('2026-12-02', 'CreditRefunded')).toMatchObject({ count: 1, paid: '-3' });
    expect(line('2026-12-02', 'ChargebackDebited')).toMatchObject({ count: 1, paid: '-5' });
    expect(line('2026-12-04', 'CreditExpired')).toMatchObject({ count: 1, promotional: '-1.76' });
    expect(line('2026-12-01', 'SmsRefunded')).toMatchObject({ count: 1, paid: '0', promotional: '0.1' });
  });

  it('rebuilt with the whole log in one batch or one event per batch, the finance tables and reports are the same', async () => {
    const rm = t.engine.readModels;
    const tables = ['finance_traffic', 'finance_money', 'finance_attempts', 'finance_daily', 'finance_absorbed'];
    const books = async () => {
      const rows: Record<string, string[]> = {};
      for (const table of tables) rows[table] = (await rm.query(`SELECT * FROM ${table}`)).map((r) => JSON.stringify(r)).sort();
      const reports = [];
      for (const by of ['day', 'destination', 'carrier'] as const) reports.push(await marginReport(rm, { ...period, by }));
      reports.push(await liabilityReport(rm, {}), await paymentsReport(rm, period));
      return { rows, reports };
    };
    const rebuiltBy = async (batchSize: number) => {
      const runner = projectionRunner({
        store: t.engine.store,
        readModels: rm,
        projections: [financeProjection],
        clock: systemClock,
        batchSize,
      });
      await runner.rebuild('finance');
      return books();
    };
    const whole = await rebuiltBy(10_000);
    expect(whole.rows['finance_daily']!.length).toBeGreaterThan(1);
    expect(whole.rows['finance_traffic']!.length).toBeGreaterThan(2);
    // one event per batch: each event's changes written on their own, as the live runner writes a lone event
    expect(await rebuiltBy(1)).toEqual(whole);
  });

  it('over the API (role finance, JSON or CSV) and the CLI, the same numbers', async () => {
    clock.set(new Date());
    const json = await signedFetch(t.base, auditor, 'GET', '/v1/finance/margin?from=2026-12-01&to=2026-12-05&by=carrier');
    expect(json.status).toBe(200);
    const body = (await json.json()) as { asOf: number; rows: { key: string; margin: string }[] };
    expect(body.rows.map((r) => [r.key, r.margin])).toEqual([
      ['sms:gw', '-0.04'],
      ['voice:alpha', '0.12'],
      ['voice:beta', '0.18'], // with the third call the as-of test added
    ]);
    const asCsv = await signedFetch(t.base, auditor, 'GET', `/v1/finance/liability?asOf=${positions['grant']!}&format=csv`);
    expect(await asCsv.text()).toBe('currency,paid,promotional\nEUR,30,2\n');
    expect((await signedFetch(t.base, alice, 'GET', '/v1/finance/liability')).status).toBe(403);
    const bad = await signedFetch(t.base, auditor, 'GET', '/v1/finance/margin?from=2026-12-05&to=2026-12-01');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    await t.engine.close(); // the CLI opens the same data directory
    const cli = runCli(
      ['--data-dir', t.dir, 'report', 'margin', '--from', '2026-12-01', '--to', '2026-12-05', '--by', 'carrier', '--format', 'csv'],
      env,
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout.split('\n')[0]).toBe('key,currency,calls,billedMinutes,texts,segments,revenue,cost,margin,marginPercent');
    expect(cli.stdout).toContain('voice:alpha,EUR,1,2.00,0,0,0.24,0.12,0.12,50.00');
    const wrong = runCli(['--data-dir', t.dir, 'report', 'margin', '--from', 'yesterday', '--to', '2026-12-05'], env);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
  });
}

describe('finance reports on hand-computed books (SQLite)', () => booksBody(async () => ({})));

describePostgres('finance reports on hand-computed books (PostgreSQL log and read models)', (newDatabase) =>
  booksBody(async () => ({ TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: await newDatabase() })),
);

describe('trunkline finance check', () => {
  it('passes on books the engine kept, and names the account whose read model was tampered with (exit 1)', async () => {
    const carol = signer('+442079462103');
    const t = await testEngine({ numbers: [carol], keepData: true });
    try {
      expect((await signedFetch(t.base, carol, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
      const fact = { processor: 'stripe', paymentId: 'pi_c', processorEventId: 'evt_c' };
      await t.engine.wallet.execute(carol.keyid, { type: 'record-purchase', data: { ...fact, amount: '12.50', currency: 'EUR' } }, 'test');
    } finally {
      await t.close();
    }
    const ok = runCli(['--data-dir', t.dir, 'finance', 'check']);
    expect([ok.status, ok.stdout.trim().split('\n').at(-1)]).toEqual([
      0,
      expect.stringMatching(/^1 accounts, \d+ account events up to position \d+: 0 difference\(s\)$/),
    ]);
    const db = new Database(join(t.dir, 'read-models.sqlite'));
    db.prepare("UPDATE wallet_accounts SET paid = '13.50' WHERE number = ?").run(carol.keyid);
    db.close();
    const bad = runCli(['--data-dir', t.dir, 'finance', 'check', '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).differences).toEqual([{ number: carol.keyid, field: 'paid', readModel: '13.5', log: '12.5' }]);
    expect(bad.stderr.trim().split('\n').at(-1)).toBe('trunkline: 1 difference(s) between the read models and the ledger');
    rmSync(t.dir, { recursive: true, force: true });
  });
});

/** Opens `who`'s account and credits it 10 EUR as a Stripe payment would. */
async function openWithTen(t: TestEngine, who: ReturnType<typeof signer>, paymentId: string): Promise<void> {
  expect((await signedFetch(t.base, who, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
  await t.engine.wallet.execute(
    who.keyid,
    {
      type: 'record-purchase',
      data: { processor: 'stripe', paymentId, processorEventId: `evt_${paymentId}`, amount: '10', currency: 'EUR' },
    },
    'test',
  );
}

describe('trunkline finance reconcile-carrier', () => {
  it('finds the over-billed call, the call not invoiced and the line that is not ours, with totals', async () => {
    const dave = signer('+442079462104');
    const clock = manualClock(new Date());
    const t = await testEngine({ numbers: [dave], keepData: true, clock });
    const calls = [
      { id: 'k1', at: '2026-12-05T10:00:00.000Z', seconds: 60 }, // cost 0.06
      { id: 'k2', at: '2026-12-05T11:00:00.000Z', seconds: 120 }, // cost 0.12, billed 0.13
      { id: 'k3', at: '2026-12-05T12:00:00.000Z', seconds: 30 }, // cost 0.03, not on the invoice
      { id: 'k4', at: '2026-12-05T13:00:00.000Z', seconds: 90 }, // cost 0.09, invoiced without its call id
    ];
    try {
      await openWithTen(t, dave, 'pi_d');
      const w = t.engine.wallet;
      for (const c of calls) {
        const r = route('0.12', 1, 'alpha', '4420', '0.06');
        await w.execute(
          dave.keyid,
          { type: 'authorize-call', data: { callId: c.id, destination: '+442079460000', route: r, at: c.at, policy } },
          'test',
        );
        const ended = new Date(Date.parse(c.at) + c.seconds * 1000).toISOString();
        await w.execute(
          dave.keyid,
          {
            type: 'end-call',
            data: {
              callId: c.id,
              origin: 'k',
              answered: true,
              seconds: c.seconds,
              answeredAt: c.at,
              endedAt: ended,
              carrierId: 'alpha',
              reason: 'BYE',
              cdr: {},
              policy,
            },
          },
          'test',
        );
      }
    } finally {
      await t.close();
    }
    const invoice = join(t.dir, 'alpha-invoice.csv');
    writeFileSync(
      invoice,
      [
        'CallID;Start;Dialled;Secs;Amount',
        'k1;2026-12-05 10:00:00Z;442079460000;60;0.0600',
        'k2;2026-12-05 11:00:00Z;442079460000;130;0.1300',
        ';2026-12-05 13:00:02Z;+44 20 7946 0000;90;0.09',
        'x9;2026-12-05 14:00:00Z;33142685300;45;0.05',
      ].join('\n'),
    );
    const mapping = join(t.dir, 'alpha-mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({ callId: 'CallID', start: 'Start', number: 'Dialled', seconds: 'Secs', cost: 'Amount', delimiter: ';' }),
    );
    const r = runCli(['--data-dir', t.dir, 'finance', 'reconcile-carrier', 'alpha', invoice, '--mapping', mapping, '--format', 'json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as {
      lines: { status: string; callId: string | null; difference: string }[];
      totals: Record<string, unknown>;
    };
    expect(report.lines.map((l) => [l.status, l.callId, l.difference])).toEqual([
      ['matched', 'k1', '0'],
      ['over-billed', 'k2', '0.01'],
      ['matched', 'k4', '0'],
      ['not-ours', 'x9', '0.05'],
      ['not-invoiced', 'k3', '-0.03'],
    ]);
    expect(report.totals).toMatchObject({
      invoiced: '0.33',
      recorded: '0.3',
      overBilled: '0.01',
      underBilled: '0',
      notOurs: '0.05',
      notInvoiced: '0.03',
    });
    writeFileSync(invoice, 'CallID;Start;Dialled;Secs;Amount\nk1;yesterday;1;60;0.06\n');
    const bad = runCli(['--data-dir', t.dir, 'finance', 'reconcile-carrier', 'alpha', invoice, '--mapping', mapping]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'trunkline: 1 bad row(s) in the invoice (first: alpha-invoice.csv:2: Start: not a date and time: "yesterday"); nothing reconciled (fix them, or pass --skip-bad-rows)',
    );
    rmSync(t.dir, { recursive: true, force: true });
  });
});

describe('carrier quality report', () => {
  it('attempts and ASR for the carrier tried first, ACD for the carrier that carried, failovers away', async () => {
    const fred = signer('+442079462106');
    const clock = manualClock(new Date());
    const t = await testEngine({ numbers: [fred], clock });
    try {
      await openWithTen(t, fred, 'pi_f');
      const w = t.engine.wallet;
      const row = (rate: string) => ({ rate, connectFee: '0', initial: 1, subsequent: 1, minimum: 0 });
      const carrier = (carrierId: string) => ({ carrierId, prefix: '4420', currency: 'EUR', row: row('0.05'), uris: [] });
      const call = async (id: string, first: string[], outcome: { carriedBy: string; seconds: number } | 'failed') => {
        const at = '2026-12-06T10:00:00.000Z';
        const route: CallRoute = { kind: 'pstn', retail: { prefix: '4420', row: row('0.10') }, carriers: first.map(carrier) };
        await w.execute(
          fred.keyid,
          { type: 'authorize-call', data: { callId: id, destination: '+442079460000', route, at, policy } },
          'test',
        );
        const answered = outcome !== 'failed';
        await w.execute(
          fred.keyid,
          {
            type: 'end-call',
            data: {
              callId: id,
              origin: 'k',
              answered,
              seconds: answered ? outcome.seconds : 0,
              answeredAt: answered ? at : null,
              endedAt: at,
              carrierId: answered ? outcome.carriedBy : null,
              reason: answered ? 'BYE' : '503',
              cdr: {},
              policy,
            },
          },
          'test',
        );
      };
      await call('q1', ['alpha', 'beta'], { carriedBy: 'alpha', seconds: 90 });
      await call('q2', ['alpha'], 'failed');
      await call('q3', ['beta', 'alpha'], { carriedBy: 'beta', seconds: 30 });
      await call('q4', ['beta', 'alpha'], { carriedBy: 'beta', seconds: 60 });
      await call('q5', ['beta', 'alpha'], { carriedBy: 'alpha', seconds: 120 }); // beta failed, alpha carried it
      await t.engine.runner.catchUp('finance');
      const r = await carrierQualityReport(t.engine.readModels, { from: '2026-12-06', to: '2026-12-07' });
      expect(r.rows).toEqual([
        {
          carrier: 'alpha',
          attempts: 2,
          answered: 1,
          asrPercent: '50.00',
          carried: 2,
          acdSeconds: '105.0',
          failedOver: 0,
          failoverPercent: '0.00',
        },
        {
          carrier: 'beta',
          attempts: 3,
          answered: 3,
          asrPercent: '100.00',
          carried: 2,
          acdSeconds: '45.0',
          failedOver: 1,
          failoverPercent: '33.33',
        },
      ]);
      const api = await signedFetch(t.base, fred, 'GET', '/v1/finance/carriers?from=2026-12-06&to=2026-12-07');
      expect(api.status).toBe(403); // a number's key is not a finance operator
    } finally {
      await t.close();
    }
  });
});

describePostgres('finance SQL access on PostgreSQL', (newDatabase) => {
  it('a role given access reads the finance views and tables, and can write nothing', async () => {
    const url = await newDatabase();
    const gina = signer('+442079462107');
    const env = { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: url };
    const t = await testEngine({ numbers: [gina], env, keepData: true });
    const role = `finance_ro_${Date.now() % 100000}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      await openWithTen(t, gina, 'pi_g');
      await admin.query(`CREATE ROLE ${role} LOGIN`);
    } finally {
      await t.close();
    }
    try {
      const r = runCli(['--data-dir', t.dir, 'finance', 'sql-access', '--role', role], env);
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toContain(`GRANT SELECT ON finance_money TO ${role};`);
      const asRole = new URL(url);
      asRole.username = role;
      asRole.password = '';
      const reader = new Client({ connectionString: asRole.toString() });
      await reader.connect();
      try {
        const { rows } = await reader.query<{ currency: string; paid: string }>(
          'SELECT currency, paid::text AS paid FROM finance_liability',
        );
        expect(rows).toEqual([{ currency: 'EUR', paid: '10' }]);
        await expect(reader.query('DELETE FROM finance_money')).rejects.toThrow(/permission denied/);
        await expect(reader.query('SELECT * FROM trunkline_events')).rejects.toThrow(/permission denied/); // the log is not theirs
        // a new version of the finance read model rebuilds its tables under the views, and the role still reads them
        await admin.query(`UPDATE trunkline_projections SET version = version - 1 WHERE name = 'finance'`);
        const rebuilt = runCli(['--data-dir', t.dir, 'finance', 'check'], env);
        expect([rebuilt.status, rebuilt.stderr.trim().split('\n').at(-1)]).toEqual([0, expect.any(String)]);
        expect((await reader.query('SELECT currency, paid::text AS paid FROM finance_liability')).rows).toEqual([
          { currency: 'EUR', paid: '10' },
        ]);
      } finally {
        await reader.end();
      }
      const sqlite = runCli(['--data-dir', t.dir, 'finance', 'sql-access', '--role', role]);
      expect(sqlite.status).toBe(1);
      expect(sqlite.stderr.trim()).toBe('trunkline: finance SQL access needs the PostgreSQL read models (TRUNKLINE_READ_MODELS=postgres)');
    } finally {
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin.end();
      rmSync(t.dir, { recursive: true, force: true });
    }
  });
});
