import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualClock } from '../../../core/clock';
import { ROOT, runCli } from '../../support/cli';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';

const PLUGIN = join(ROOT, 'plugins', 'quality-routing');
const OPTIONS = { asrBelowPercent: '50', asrMarginPercent: '20', minAttempts: 5, windowMinutes: 10 };
const alice = signer('+442079462201');
const UK = '+442079460000';
const trunk = { host: '127.0.0.1', port: 5080, transport: 'udp' as const, techPrefix: '', channels: 0, username: '', password: '' };

/**
 * A generated CDR stream through the engine's own services: alpha, the cheaper carrier, stops
 * answering calls to +44 and moves after beta in `trunkline rates lcr` and in the routes the next
 * authorization offers; once its window slides past the bad calls it is first again, and stays
 * first while it answers.
 */
describe('quality routing from a CDR stream', () => {
  let t: TestEngine;
  const clock = manualClock(new Date());
  let n = 0;

  /** One call: authorized now, ended at `endedAt` (event time) by `carrier`, or failed with `reason`. */
  const call = async (endedAt: string, outcome: { carrier: string } | { reason: string }) => {
    const callId = `q${++n}`;
    const auth = await t.engine.calls.authorize({ callId, caller: alice.keyid, destination: UK });
    const answered = 'carrier' in outcome;
    await t.engine.calls.cdr({
      callId,
      caller: alice.keyid,
      origin: 'test',
      answered,
      seconds: answered ? 60 : 0,
      answeredAt: answered ? new Date(Date.parse(endedAt) - 60_000).toISOString() : null,
      endedAt,
      carrierId: answered ? outcome.carrier : null,
      reason: answered ? 'BYE' : outcome.reason,
      raw: {},
    });
    return auth.routes.map((r) => r.carrierId);
  };
  const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 11, 4, 10, minute, second)).toISOString();
  const lcr = () => {
    const r = runCli(['--data-dir', t.dir, 'rates', 'lcr', '--destination', UK, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return (JSON.parse(r.stdout) as { routes: { carrier: string; demoted: boolean }[] }).routes.map((x) => [x.carrier, x.demoted]);
  };
  /** What this engine's refresh job does every few seconds. */
  const refresh = async () => {
    await t.engine.runner.catchUp('carrier-quality');
    await t.engine.rating.refreshRoutePolicies(t.engine.readModels);
  };

  beforeAll(async () => {
    t = await testEngine({
      numbers: [alice],
      clock,
      config: {
        plugins: [{ module: PLUGIN, options: OPTIONS }],
        pluginOptions: { pricing: { markupPercent: '50' } },
      },
    });
    // the CLI reads the same configuration from the data directory
    writeFileSync(
      join(t.dir, 'trunkline.json'),
      JSON.stringify({ plugins: [{ module: PLUGIN, options: OPTIONS }], pluginOptions: { pricing: { markupPercent: '50' } } }),
    );
    for (const [carrierId, rate, preference] of [
      ['alpha', '0.0100', 1],
      ['beta', '0.0120', 2],
    ] as const) {
      await t.engine.rating.registerCarrier({ carrierId, name: carrierId, currency: 'EUR', preference, trunks: [trunk] });
      const file = join(t.dir, `${carrierId}.csv`);
      writeFileSync(
        file,
        `prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n44,United Kingdom,${rate},1,1,0,2026-01-01\n`,
      );
      await t.engine.rating.importDeck({ carrierId, file });
    }
    await t.engine.rating.sync();
    expect((await signedFetch(t.base, alice, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    await t.engine.wallet.execute(
      alice.keyid,
      { type: 'record-purchase', data: { processor: 'test', paymentId: 'pi_q', processorEventId: 'pi_q', amount: '100', currency: 'EUR' } },
      'test',
    );
  }, 60_000);
  afterAll(() => t?.close());

  test('alpha is first while it answers, after beta once its ASR falls, first again after it recovers', async () => {
    for (let m = 0; m < 5; m++) expect(await call(at(m), { carrier: 'alpha' })).toEqual(['alpha', 'beta']);
    expect(lcr()).toEqual([
      ['alpha', false],
      ['beta', false],
    ]);

    // 6 failures in the 10-minute window: 5 of 11 answered, 45 % < 50 %
    for (let m = 5; m < 11; m++) await call(at(m), { reason: '503' });
    expect(lcr()).toEqual([
      ['beta', false],
      ['alpha', true],
    ]);
    await refresh();
    // beta carries the traffic; 10 minutes on, alpha's window holds too few calls to judge: probed first again
    for (let m = 11; m < 22; m++) expect(await call(at(m), { carrier: 'beta' })).toEqual(['beta', 'alpha']);
    expect(lcr()).toEqual([
      ['alpha', false],
      ['beta', false],
    ]);
    await refresh();
    // and it answers: it stays first
    for (let m = 22; m < 28; m++) expect(await call(at(m), { carrier: 'alpha' })).toEqual(['alpha', 'beta']);
    expect(lcr()).toEqual([
      ['alpha', false],
      ['beta', false],
    ]);
  }, 120_000);

  test('the quality report: ASR, ACD, causes and demotion per carrier and prefix', () => {
    const r = runCli(['--data-dir', t.dir, 'report', 'quality', '--from', '2026-12-04', '--to', '2026-12-05', '--format', 'json']);
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout) as { rows: Record<string, unknown>[] };
    expect(body.rows.find((x) => x['carrier'] === 'alpha')).toMatchObject({
      prefix: '44',
      attempts: 17,
      answered: 11,
      asrPercent: '64.71',
      acdSeconds: '60.0',
      pddSeconds: null,
      failures: { '503': 6 },
      demoted: false,
    });
    const bad = runCli(['--data-dir', t.dir, 'report', 'quality', '--from', '2026-12-05', '--to', '2026-12-04']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
