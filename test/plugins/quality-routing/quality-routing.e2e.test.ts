import { manualClock } from '../../../core/clock';
import { runCli } from '../../support/cli';
import { signer } from '../../support/signed-fetch';
import { minuteAt, qualityBed } from '../../support/quality-bed';
import type { TestEngine } from '../../support/test-engine';

const OPTIONS = { asrBelowPercent: '50', asrMarginPercent: '20', minAttempts: 5, windowMinutes: 10 };
const alice = signer('+442079462201');
const UK = '+442079460000';

/**
 * A generated CDR stream through the engine's own services: alpha, the cheaper carrier, stops
 * answering calls to +44 and moves after beta in `trunkline rates lcr` and in the routes the next
 * authorization offers; once its window slides past the bad calls it is first again, and stays
 * first while it answers.
 */
describe('quality routing from a CDR stream', () => {
  let t: TestEngine;
  let bed: Awaited<ReturnType<typeof qualityBed>>;
  const clock = manualClock(new Date());
  const call = (endedAt: string, outcome: { carrier: string } | { reason: string }) => bed.call(UK, endedAt, outcome);
  const at = minuteAt;
  const refresh = () => bed.refresh();

  const lcr = () => {
    const r = runCli(['--data-dir', t.dir, 'rates', 'lcr', '--destination', UK, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return (JSON.parse(r.stdout) as { routes: { carrier: string; demoted: boolean }[] }).routes.map((x) => [x.carrier, x.demoted]);
  };
  beforeAll(async () => {
    bed = await qualityBed({ caller: alice, options: OPTIONS, clock });
    t = bed.t;
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
