import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { manualClock } from '../../../core/clock';
import { suspicionRaiser } from '../../../adapters/fraud/suspicion-raiser';
import { addDeckCarrier } from '../../support/deck-carrier';
import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { runCliAsync } from '../../support/cli';
import { operatorKey } from '../../support/operator-key';
import { rawPublicKey, signer, type Signer } from '../../support/signed-fetch';

const ON_NET = '+442079460999';
const BETA =
  'prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n' +
  ['49', '34', '39', '31', '32', '43', '45', '46'].map((p) => `${p},Europe,0.0200,1,1,0,2026-01-01`).join('\n') +
  '\n41,Switzerland premium,1.0000,1,1,0,2026-01-01\n';

/** A small seeded generator: the same "ordinary day" on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('velocity rules: each pattern raises its suspicion, an ordinary day for 1,000 accounts raises none', () => {
  const clock = manualClock(new Date());
  const attackers = {
    irsf: signer('+442079461901'),
    countries: signer('+442079461902'),
    spike: signer('+442079461903'),
    pump: signer('+442079461904'),
  };
  const ordinary: Signer[] = Array.from({ length: 1000 }, (_, i) => signer(`+4420794${String(62000 + i)}`));
  let dir: string;
  let bed: CallsEngine;
  let admin: { who: Signer; file: string };
  let cli: (...args: string[]) => Promise<{ status: number | null; stdout: string; stderr: string }>;
  let n = 0;

  const raise = () =>
    suspicionRaiser({ readModels: bed.engine.readModels, wallet: bed.engine.wallet, logger: pino({ level: 'silent' }) })();
  const settle = async () => {
    await bed.engine.runner.catchUp('velocity');
    await raise();
    await bed.engine.runner.catchUp('fraud-suspicions');
  };
  /** A call through the SIP hooks at the clock's time: authorized, then its CDR `seconds` later (0: unanswered). */
  async function call(from: Signer, to: string, seconds: number): Promise<number> {
    const id = `v-${++n}`;
    const r = await bed.hook('authorize', { call_id: id, caller: from.keyid, callee: to });
    if (r.status !== 200) return r.status;
    const start = clock.now().getTime() / 1000;
    const cdr =
      seconds > 0
        ? { disposition: 'ANSWERED', answer_ts: start + 2, end_ts: start + 2 + seconds }
        : { disposition: 'FAILED', end_ts: start + 20, reason: '480' };
    expect((await bed.hook('cdr', { call_id: id, caller: from.keyid, ...cdr })).status).toBe(200);
    return 200;
  }
  async function text(from: Signer, to: string): Promise<void> {
    await bed.engine.wallet.execute(
      from.keyid,
      {
        type: 'accept-sms',
        data: {
          smsId: `t-${++n}`,
          to,
          fingerprint: `f-${n}`,
          segmentation: { encoding: 'GSM-7', segments: 1, characters: 20 },
          retail: { prefix: '44', perSegment: '0.04', perMessage: '0' },
          limits: { maxSegments: 10, perMinute: 100, perDay: 1000 },
          chargeDecimals: 6,
          at: clock.now().toISOString(),
        },
      },
      'test',
    );
  }
  const held = async (who: Signer) => Object.keys((await bed.engine.wallet.state(who.keyid)).fraud.open);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-velocity-'));
    admin = operatorKey(dir, 'ops-fraud');
    bed = await callsEngine({
      people: [...Object.values(attackers), ...ordinary],
      onNet: { [ON_NET]: 'sip:+442079460999@localhost' },
      operators: [{ who: admin.who, roles: ['admin'] }],
      clock,
    });
    await addDeckCarrier(bed.engine, dir, 'beta', BETA);
    for (const who of [...Object.values(attackers), ...ordinary]) await bed.fund(who.keyid, '50');
    const cliData = join(dir, 'cli');
    mkdirSync(cliData);
    writeFileSync(
      join(cliData, 'trunkline.json'),
      JSON.stringify({
        operators: [{ id: admin.who.keyid, publicKey: rawPublicKey(admin.who.publicKey), roles: ['admin'] }],
        operatorKeyFile: admin.file,
      }),
    );
    cli = (...args) => runCliAsync(['--data-dir', cliData, ...args, '--api', bed.base]);
  }, 120_000);
  afterAll(async () => {
    await bed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an ordinary day for 1,000 accounts: no suspicion', async () => {
    const rnd = random(20261204);
    const real = clock.now();
    const day = Date.UTC(real.getUTCFullYear(), real.getUTCMonth(), real.getUTCDate() - 1);
    const contacts = (i: number) => [
      `+4420794600${String(i % 90).padStart(2, '0')}`,
      `+4474001231${String(i % 90).padStart(2, '0')}`,
      `+4474001242${String((i * 7) % 90).padStart(2, '0')}`,
      `+3314268530${i % 10}`,
      `+4479110${String(10000 + i).slice(-5)}`,
    ];
    type Step = { at: number; who: Signer; i: number; kind: 'call' | 'text' };
    const steps: Step[] = [];
    ordinary.forEach((who, i) => {
      // most people: a few calls and texts; one in fifty: a busy day of forty calls
      const busy = i % 50 === 0;
      const calls = busy ? 40 : Math.floor(rnd() * 8);
      const texts = Math.floor(rnd() * (busy ? 15 : 5));
      const span = busy ? 9 : 14;
      for (let k = 0; k < calls; k++) steps.push({ at: day + (8 + rnd() * span) * 3_600_000, who, i, kind: 'call' });
      for (let k = 0; k < texts; k++) steps.push({ at: day + (8 + rnd() * 14) * 3_600_000, who, i, kind: 'text' });
    });
    steps.sort((a, b) => a.at - b.at);
    let calls = 0;
    const charged = new Set<string>();
    for (const s of steps) {
      clock.set(new Date(s.at));
      const to = contacts(s.i)[Math.floor(rnd() * (s.kind === 'call' ? 5 : 3))]!;
      if (s.kind === 'text') await text(s.who, to);
      else {
        const answered = rnd() > 0.2;
        if (answered) charged.add(s.who.keyid);
        expect(await call(s.who, to, answered ? 20 + Math.floor(rnd() * 900) : 0)).toBe(200);
        calls++;
      }
    }
    clock.set(real);
    await settle();
    const hits = await bed.engine.readModels.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM fraud_hits');
    expect({ calls, texts: steps.length - calls, hits: Number(hits[0]!.n) }).toEqual({
      calls: expect.any(Number),
      texts: expect.any(Number),
      hits: 0,
    });
    expect(calls).toBeGreaterThan(4000);
    // the rules did read the day: the spend of every account with an answered call is there, hour by hour
    const read = await bed.engine.readModels.query<{ n: number | string }>('SELECT COUNT(DISTINCT number) AS n FROM velocity_hourly');
    expect(Number(read[0]!.n)).toBe(charged.size);
    expect(charged.size).toBeGreaterThan(700);
    const listed = await cli('fraud', 'list', '--json');
    expect([listed.status, JSON.parse(listed.stdout)]).toEqual([0, []]);
  }, 600_000);

  test('IRSF: short calls to many numbers of one range hold PSTN calls, not on-net ones; an operator clears it', async () => {
    // the calls in the last quarter of an hour, so that signed requests after them are on time
    clock.set(new Date(Date.now() - 15 * 60_000));
    for (let k = 0; k < 10; k++) {
      clock.advance(60_000);
      expect(await call(attackers.irsf, `+3314268530${k % 6}`, k % 2 ? 0 : 3)).toBe(200);
    }
    await settle();
    expect(await held(attackers.irsf)).toEqual(['short-calls-one-prefix:0']);
    const refused = await bed.hook('authorize', { call_id: `v-${++n}`, caller: attackers.irsf.keyid, callee: '+442079460000' });
    expect([refused.status, ((await refused.json()) as { type: string }).type]).toEqual([
      403,
      'https://trunkline.dev/problems/fraud-review',
    ]);
    expect((await bed.hook('authorize', { call_id: `v-${++n}`, caller: attackers.irsf.keyid, callee: ON_NET })).status).toBe(200);
    // nor an emergency call
    const emergency = await bed.hook('authorize', { call_id: `v-${++n}`, caller: attackers.irsf.keyid, callee: '999' });
    expect([emergency.status, ((await emergency.json()) as { route: string }).route]).toEqual([200, 'emergency']);

    clock.set(new Date());
    const listed = await cli('fraud', 'list', '--format', 'csv');
    expect([listed.stderr, listed.stdout.split('\n')[0]]).toEqual(['', 'number,suspicion,rule,suspectedAt,status,summary,clearedBy']);
    expect(listed.stdout).toContain(`${attackers.irsf.keyid},short-calls-one-prefix:0,short-calls-one-prefix`);
    const badStatus = await cli('fraud', 'list', '--status', 'maybe');
    expect([badStatus.status, badStatus.stderr.trim()]).toEqual([1, 'trunkline: --status: maybe is not open, cleared or all']);
    const noNote = await cli('fraud', 'clear', attackers.irsf.keyid);
    expect([noNote.status, noNote.stderr.trim().split('\n').length]).toEqual([1, 1]);
    const cleared = await cli('fraud', 'clear', attackers.irsf.keyid, '--note', 'customer confirmed the calls');
    expect([cleared.status, cleared.stdout.trim()]).toEqual([0, `${attackers.irsf.keyid}: cleared short-calls-one-prefix:0`]);
    expect(await held(attackers.irsf)).toEqual([]);
    expect(await call(attackers.irsf, '+442079460000', 30)).toBe(200);
    // what was seen before the review does not count again; the suspicion is listed as cleared
    await settle();
    expect(await held(attackers.irsf)).toEqual([]);
    const all = JSON.parse((await cli('fraud', 'list', '--status', 'all', '--json')).stdout) as { status: string; clearedBy: string }[];
    expect(all).toEqual([expect.objectContaining({ status: 'cleared', clearedBy: admin.who.keyid, note: 'customer confirmed the calls' })]);
  }, 120_000);

  test('calls to six foreign countries within minutes', async () => {
    clock.set(new Date(Date.now() - 15 * 60_000));
    for (const to of ['+4930901820', '+34911234567', '+390612345678', '+31201234567', '+3222123456', '+4312345678']) {
      clock.advance(60_000);
      expect(await call(attackers.countries, to, 30)).toBe(200);
    }
    await settle();
    expect(await held(attackers.countries)).toEqual(['many-countries:0']);
  }, 60_000);

  test('an hour of spend far over the account’s average', async () => {
    clock.advance(60_000);
    // 1.50 a minute retail: seven minutes is 10.50, over the 10.00 an hour a new account may spend unnoticed
    expect(await call(attackers.spike, '+41441234567', 420)).toBe(200);
    await settle();
    expect(await held(attackers.spike)).toEqual(['spend-spike:0']);
  }, 60_000);

  test('SMS pumping: texts to ten numbers of one range; then texts are refused', async () => {
    for (let k = 0; k < 10; k++) {
      clock.advance(20_000);
      await text(attackers.pump, `+447400123${String(300 + k * 7)}`);
    }
    await settle();
    expect(await held(attackers.pump)).toEqual(['sms-pumping:0']);
    await expect(text(attackers.pump, '+447400123999')).rejects.toMatchObject({ code: 'fraud-review' });
  }, 60_000);
});
