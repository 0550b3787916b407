import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chargeFor } from '../../../core/pricing/charge';
import { manualClock } from '../../../core/clock';
import { Decimal } from '../../../core/money';
import { listRejectedFacts } from '../../../application/facts/rejected-facts';
import { callsEngine, HOOK_SECRET, type CallsEngine } from '../../support/calls-engine';
import { signer } from '../../support/signed-fetch';

const UK = '+442079460000';
/** alpha-v1 prices 44 at 0.0100/min in 60/60 increments; the retail sheet adds 50 % and keeps the increments. */
const RETAIL = { rate: '0.015', connectFee: '0', initial: 60, subsequent: 60, minimum: 0 };

describe('SIP hooks: authorize and charge', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  const carol = signer('+33142685300');
  const onNetFriend = '+442079460999';
  let bed: CallsEngine;
  beforeAll(async () => {
    bed = await callsEngine({
      people: [alice, bob, carol],
      onNet: {
        [onNetFriend]: 'sip:+442079460999@provider-b.example',
        // ENUM entries their numbers' owners wrote to get free calls: an address, a port, a stranger
        '+442079460991': 'sip:+19005550100@127.0.0.1:5080;transport=udp',
        '+442079460992': 'sip:+442079460992@provider-b.example:5060',
        '+442079460993': 'sip:+442079460993@carrier.example',
      },
      config: { sipPeers: ['provider-b.example'] },
    });
    await bed.fund(alice.keyid, '10');
  });
  afterAll(() => bed.close());

  const json = async (r: Promise<Response>) => {
    const res = await r;
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
  };
  const events = async (number: string, type: string) => {
    const out: Record<string, unknown>[] = [];
    for await (const e of bed.engine.store.readStream(`account-${number}`)) if (e.type === type) out.push(e.data);
    return out;
  };
  const state = (number: string) => bed.engine.wallet.state(number);

  test('a PSTN call: authorized with the carrier routes and a reservation; its CDR charges the rated duration once', async () => {
    const auth = await json(bed.hook('authorize', { call_id: 'call-1', caller: alice.keyid, callee: UK }));
    expect(auth.status).toBe(200);
    expect(auth.body).toMatchObject({
      allow: true,
      route: 'pstn',
      maxDuration: 3600,
      routes: [{ carrierId: 'alpha', uri: 'sip:442079460000@127.0.0.1:5080;transport=udp' }],
      rate: { prefix: '44', ratePerMinute: '0.015', connectFee: '0', increments: '60/60' },
      reserved: chargeFor(RETAIL, 3600).amount.toFixed(),
    });
    expect((await state(alice.keyid)).reserved.toFixed()).toBe('0.9');
    const cdr = {
      call_id: 'call-1',
      caller: alice.keyid,
      callee: UK,
      disposition: 'ANSWERED',
      answer_ts: 1_796_000_000.25,
      end_ts: 1_796_000_125.5,
    };
    const first = await json(bed.hook('cdr', cdr));
    // 125.25 s bills 180 s, at retail as at the carrier: 0.015 × 3 against a cost of 0.01 × 3
    expect(first.body).toMatchObject({ recorded: ['CallCharged', 'CarrierCostRecorded', 'ReservationReleased'], charged: '0.045' });
    expect((await json(bed.hook('cdr', cdr))).body).toMatchObject({ recorded: [], charged: null });
    const s = await state(alice.keyid);
    expect([s.paid.toFixed(), s.reserved.toFixed()]).toEqual([new Decimal(10).minus('0.045').toFixed(), '0']);
    expect(await events(alice.keyid, 'CarrierCostRecorded')).toEqual([
      expect.objectContaining({ carrierId: 'alpha', billedSeconds: 180, cost: '0.03', rate: '0.0100' }),
    ]);
  });

  test('the post-dial delay the proxy measured is recorded with the outcome; a clock fault records none', async () => {
    const answered = { caller: alice.keyid, disposition: 'ANSWERED', answer_ts: 1_796_000_002, end_ts: 1_796_000_010 };
    const cases: [string, Record<string, number | null>, number | undefined][] = [
      ['pdd-1', { invite_ts: 1_796_000_000, progress_ts: 1_796_000_001.5 }, 1.5],
      // no 18x: the answer is the first progress
      ['pdd-2', { invite_ts: 1_796_000_000, progress_ts: null }, 2],
      ['pdd-3', { invite_ts: 1_796_000_009, progress_ts: 1_796_000_001 }, undefined],
      ['pdd-4', { invite_ts: 1_796_000_000 - 3600, progress_ts: 1_796_000_001 }, undefined],
    ];
    for (const [id, times, pdd] of cases) {
      expect((await bed.hook('authorize', { call_id: id, caller: alice.keyid, callee: UK })).status).toBe(200);
      expect((await bed.hook('cdr', { call_id: id, ...answered, ...times })).status).toBe(200);
      const charged = (await events(alice.keyid, 'CallCharged')).find((e) => e['callId'] === id);
      expect([id, charged?.['pddSeconds']]).toEqual([id, pdd]);
    }
    expect((await bed.hook('authorize', { call_id: 'pdd-5', caller: alice.keyid, callee: UK })).status).toBe(200);
    const failed = { call_id: 'pdd-5', caller: alice.keyid, disposition: 'FAILED', end_ts: 1_796_000_020, reason: '486' };
    expect((await bed.hook('cdr', { ...failed, invite_ts: 1_796_000_000, progress_ts: 1_796_000_003.25 })).status).toBe(200);
    expect((await events(alice.keyid, 'CallFailed')).find((e) => e['callId'] === 'pdd-5')).toMatchObject({ pddSeconds: 3.25 });
  });

  test('no credit: 402 problem at authorization, nothing reserved or charged', async () => {
    const r = await json(bed.hook('authorize', { call_id: 'call-2', caller: bob.keyid, callee: UK }));
    expect([r.status, r.type, r.body['type']]).toEqual([
      402,
      expect.stringMatching(/problem\+json/),
      'https://trunkline.dev/problems/insufficient-credit',
    ]);
    expect((await state(bob.keyid)).calls.get('call-2')).toBeUndefined();
    // the refusal is in the log once, however often the broke client retries within the minute
    expect((await bed.hook('authorize', { call_id: 'call-2b', caller: bob.keyid, callee: UK })).status).toBe(402);
    expect(await events(bob.keyid, 'CallRefused')).toEqual([
      expect.objectContaining({ callId: 'call-2', destination: UK, reason: 'insufficient-credit' }),
    ]);
  });

  test('refusals: unrated destination 404, blocked or suspended 403, unknown caller 404, bad input 400', async () => {
    expect((await bed.hook('authorize', { call_id: 'x1', caller: alice.keyid, callee: '+81312345678' })).status).toBe(404);
    expect((await bed.hook('authorize', { call_id: 'x2', caller: '+447911123499', callee: UK })).status).toBe(404);
    expect((await bed.hook('authorize', { call_id: 'x3', caller: alice.keyid })).status).toBe(400);
    expect((await bed.hook('authorize', { call_id: 'x4', caller: alice.keyid, callee: 'not a number' })).status).toBe(400);
    await bed.fund(carol.keyid, '5');
    await bed.engine.accounts.change(carol.keyid, { type: 'suspend', data: { reason: 'test' } }, 'test');
    expect((await bed.hook('authorize', { call_id: 'x5', caller: carol.keyid, callee: UK })).status).toBe(403);
  });

  test('a number the directory maps to a SIP URI is routed there and charged nothing', async () => {
    const auth = await json(bed.hook('authorize', { call_id: 'call-3', caller: alice.keyid, callee: onNetFriend }));
    expect(auth.body).toMatchObject({
      route: 'on-net',
      routes: [{ carrierId: null, uri: 'sip:+442079460999@provider-b.example' }],
      reserved: '0',
      rate: null,
    });
    const before = (await state(alice.keyid)).paid.toFixed();
    const cdr = await json(
      bed.hook('cdr', { call_id: 'call-3', caller: alice.keyid, disposition: 'ANSWERED', answer_ts: 1_796_000_000, end_ts: 1_796_000_300 }),
    );
    expect(cdr.body).toMatchObject({ recorded: ['CallCharged'], charged: '0' });
    expect((await state(alice.keyid)).paid.toFixed()).toBe(before);
  });

  test('an ENUM SIP URI at an address, with a port, or at no peer domain is no on-net call: priced and routed as PSTN', async () => {
    for (const [i, callee] of ['+442079460991', '+442079460992', '+442079460993'].entries()) {
      const auth = await json(bed.hook('authorize', { call_id: `enum-${i}`, caller: alice.keyid, callee }));
      expect({ callee, status: auth.status, route: auth.body['route'] }).toEqual({ callee, status: 200, route: 'pstn' });
      expect((auth.body['routes'] as { carrierId: string | null }[]).every((r) => r.carrierId !== null)).toBe(true);
      expect(auth.body['reserved']).not.toBe('0');
    }
  });

  test('a failed call and a CDR nobody authorized are recorded, not charged', async () => {
    await bed.hook('authorize', { call_id: 'call-4', caller: alice.keyid, callee: UK });
    const failed = await json(
      bed.hook('cdr', { call_id: 'call-4', caller: alice.keyid, disposition: 'FAILED', end_ts: 1_796_000_010, reason: '486 Busy' }),
    );
    expect(failed.body).toMatchObject({ recorded: ['CallFailed', 'ReservationReleased'], charged: null });
    const ghost = await json(
      bed.hook('cdr', { call_id: 'ghost', caller: alice.keyid, disposition: 'ANSWERED', answer_ts: 1_796_000_000, end_ts: 1_796_000_060 }),
    );
    expect(ghost.body).toMatchObject({ recorded: ['CdrUnmatched'], charged: null });
    expect(await events(alice.keyid, 'CdrUnmatched')).toEqual([expect.objectContaining({ callId: 'ghost' })]);
  });

  test('a CDR whose timestamps are no date or give an absurd duration: 400 problem, kept for review, no money moved', async () => {
    expect((await bed.hook('authorize', { call_id: 'call-6', caller: alice.keyid, callee: UK })).status).toBe(200);
    const answered = { call_id: 'call-6', caller: alice.keyid, disposition: 'ANSWERED', answer_ts: 1_796_000_000 };
    const bad = [
      { ...answered, end_ts: 1e13 },
      { ...answered, end_ts: 'Infinity' },
      { ...answered, answer_ts: 1e13, end_ts: 1_796_000_060 },
      { ...answered, end_ts: 1_796_000_000 - 60 },
      { ...answered, end_ts: 1_796_000_000 + 400 * 86_400 },
      { call_id: 'call-6', caller: alice.keyid, disposition: 'FAILED', end_ts: 1e13 },
    ];
    const accountBefore = (await state(alice.keyid)).paid.toFixed();
    const rejectedBefore = (await listRejectedFacts(bed.engine.store, 'sip-proxy')).length;
    // each sent twice, as a proxy that retries would: kept once each
    for (const cdr of [...bad, ...bad]) {
      const r = await json(bed.hook('cdr', cdr));
      expect([JSON.stringify(cdr), r.status, r.type, r.body['type']]).toEqual([
        JSON.stringify(cdr),
        400,
        expect.stringMatching(/problem\+json/),
        'https://trunkline.dev/problems/invalid-request',
      ]);
    }
    const rejected = (await listRejectedFacts(bed.engine.store, 'sip-proxy')).slice(rejectedBefore);
    expect(rejected).toHaveLength(bad.length);
    expect(rejected.every((f) => f.externalId === 'call-6' && /end_ts|answer_ts/.test(f.reason))).toBe(true);
    expect(JSON.parse(rejected[0]!.payload)).toEqual(bad[0]);
    // no money moved and the call is still open: its real CDR may yet come
    expect((await state(alice.keyid)).paid.toFixed()).toBe(accountBefore);
    expect((await state(alice.keyid)).calls.get('call-6')?.status).toBe('open');
  });

  test('authorizing a call again once its CDR is in: 409 call-ended, nothing appended', async () => {
    for (const disposition of ['ANSWERED', 'FAILED']) {
      const callId = `call-again-${disposition}`;
      expect((await bed.hook('authorize', { call_id: callId, caller: alice.keyid, callee: UK })).status).toBe(200);
      const cdr = { call_id: callId, caller: alice.keyid, disposition, answer_ts: 1_796_000_000, end_ts: 1_796_000_030 };
      expect((await bed.hook('cdr', cdr)).status).toBe(200);
      const head = await bed.engine.store.head();
      const again = await json(bed.hook('authorize', { call_id: callId, caller: alice.keyid, callee: UK }));
      expect([again.status, again.type, again.body['type']]).toEqual([
        409,
        expect.stringMatching(/problem\+json/),
        'https://trunkline.dev/problems/call-ended',
      ]);
      expect(await bed.engine.store.head()).toBe(head);
    }
  });

  test('the hooks need the shared secret (Bearer or Basic password)', async () => {
    expect((await bed.hook('authorize', { call_id: 'y', caller: alice.keyid, callee: UK }, 'wrong-secret-0123456789')).status).toBe(401);
    const basic = await fetch(`${bed.base}/v1/hooks/sip/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`kamailio:${HOOK_SECRET}`).toString('base64')}` },
      body: JSON.stringify({ call_id: 'call-5', caller: alice.keyid, callee: UK }),
    });
    expect(basic.status).toBe(200);
    const none = await fetch(`${bed.base}/v1/hooks/sip/authorize`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="trunkline-sip-hooks", charset="UTF-8"');
    expect(await none.json()).toMatchObject({
      type: 'https://trunkline.dev/problems/hook-unauthorized',
      instance: '/v1/hooks/sip/authorize',
    });
  });

  test('100 simultaneous authorizations on credit for exactly 3 calls: 3 allowed', async () => {
    const dave = signer('+447911123457');
    const local = await callsEngine({ people: [dave], config: { callGrantSeconds: 60 } });
    try {
      // each grant of 60 s costs 0.015; credit for three
      await local.fund(dave.keyid, '0.045');
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          local.hook('authorize', { call_id: `c${i}`, caller: dave.keyid, callee: UK }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses.filter((s) => s !== 200).every((s) => s === 402)).toBe(true);
      expect((await local.engine.wallet.state(dave.keyid)).reserved.toFixed()).toBe('0.045');
    } finally {
      await local.close();
    }
  });
});

describe('reservations without a CDR', () => {
  test('lapse after the grant and TTL (the job), freeing the credit; a late CDR still charges once', async () => {
    const erin = signer('+447911123458');
    const clock = manualClock(new Date());
    const bed = await callsEngine({ people: [erin], clock, config: { callGrantSeconds: 60, reservationTtlSeconds: 30 } });
    try {
      await bed.fund(erin.keyid, '1');
      expect((await bed.hook('authorize', { call_id: 'lost-bye', caller: erin.keyid, callee: UK })).status).toBe(200);
      await bed.engine.runner.catchUp('balances');
      const { accountsWithDueReservations } = await import('../../../projections/balances/queries');
      expect(await accountsWithDueReservations(bed.engine.readModels, clock.now(), 10)).toEqual([]);
      clock.advance(91_000);
      const due = await accountsWithDueReservations(bed.engine.readModels, clock.now(), 10);
      expect(due).toEqual([erin.keyid]);
      expect(await bed.engine.calls.expireReservations(due)).toBe(1);
      expect((await bed.engine.wallet.state(erin.keyid)).reserved.toFixed()).toBe('0');
      await bed.engine.runner.catchUp('balances');
      expect(await accountsWithDueReservations(bed.engine.readModels, clock.now(), 10)).toEqual([]);
      const late = await bed.hook('cdr', {
        call_id: 'lost-bye',
        caller: erin.keyid,
        disposition: 'ANSWERED',
        answer_ts: 1_796_000_000,
        end_ts: 1_796_000_600,
      });
      // billed at most the 60 s grant
      expect(await late.json()).toMatchObject({ recorded: ['CallCharged', 'CarrierCostRecorded'], charged: '0.015' });
    } finally {
      await bed.close();
    }
  });
});

describe('failover routes', () => {
  test('a carrier is offered only when the retail row covers its cost at every duration, not just at a minute', async () => {
    const frank = signer('+447911123459');
    const bed = await callsEngine({ people: [frank] });
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-failover-'));
    try {
      await bed.fund(frank.keyid, '1');
      const trunk = (port: number) => ({
        host: '127.0.0.1',
        port,
        transport: 'udp' as const,
        techPrefix: '',
        channels: 0,
        username: '',
        password: '',
      });
      // zeta is the cheapest minute (0.008, per second): retail is 0.012 per second. alpha (0.01, 60/60)
      // is cheaper than that for a minute, but a 1 s call on it costs 0.01 and sells for 0.0002.
      // eta (0.011, per second) costs less than retail at every duration.
      for (const [carrierId, rate, port] of [
        ['zeta', '0.0080', 5091],
        ['eta', '0.0110', 5092],
      ] as const) {
        const file = join(dir, `${carrierId}.csv`);
        writeFileSync(file, `prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n44,UK,${rate},1,1,0,2026-01-01\n`);
        await bed.engine.rating.registerCarrier({ carrierId, name: carrierId, currency: 'EUR', preference: 1, trunks: [trunk(port)] });
        await bed.engine.rating.importDeck({ carrierId, file });
      }
      await bed.engine.rating.sync();
      const res = await bed.hook('authorize', { call_id: 'failover', caller: frank.keyid, callee: UK });
      const auth = (await res.json()) as { rate: unknown; routes: { carrierId: string }[] };
      expect(auth.rate).toMatchObject({ ratePerMinute: '0.012', connectFee: '0', increments: '1/1' });
      expect(auth.routes.map((r) => r.carrierId)).toEqual(['zeta', 'eta']);
    } finally {
      await bed.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
