import { manualClock } from '../../../core/clock';
import { qualityReport, qualityQuery } from '../../../projections/quality/report';
import { describePostgres } from '../../support/postgres';
import { minuteAt, qualityBed } from '../../support/quality-bed';
import { signedFetch, signer } from '../../support/signed-fetch';
import type { TestEngine } from '../../support/test-engine';

const OPTIONS = { asrBelowPercent: '70', asrMarginPercent: '10', minAttempts: 3, windowMinutes: 10 };
const UK = '+442079460000';
const DAY = { from: '2026-12-04', to: '2026-12-05' };

/**
 * By hand, calls to +44 (alpha first, beta second), window 10 minutes, demoted below 70 % with 3 calls:
 * - minutes 0–2: alpha answers 30, 60 and 90 s;
 * - minute 3: fails 486 (3 of 4, 75 %); minute 4: fails 503 (3 of 5, 60 %): demoted at minute 4;
 * - minute 5: alpha fails over to beta, which talks 120 s: alpha 3 of 6 (still demoted), beta 1 of 1.
 */
function qualityBody(envOf: () => Promise<Record<string, string>>): void {
  const alice = signer('+442079462301');
  const auditor = signer('quality-auditor');
  let t: TestEngine;
  const clock = manualClock(new Date());
  const report = (q: Record<string, string>) => qualityReport(t.engine.readModels, qualityQuery.parse(q));

  beforeAll(async () => {
    const env = await envOf();
    const bed = await qualityBed({ caller: alice, options: OPTIONS, clock, env, operators: [{ who: auditor, roles: ['finance'] }] });
    t = bed.t;
    for (const [m, seconds, pdd] of [
      [0, 30, 1],
      [1, 60, 2],
      [2, 90, 3.5],
    ] as const)
      await bed.call(UK, minuteAt(m), { carrier: 'alpha', seconds, pdd });
    await bed.call(UK, minuteAt(3), { reason: '486', pdd: 0.5 });
    // no progress before the 503: no post-dial delay to count
    await bed.call(UK, minuteAt(4), { reason: '503' });
    await bed.call(UK, minuteAt(5), { carrier: 'beta', seconds: 120, pdd: 2.5 });
    await t.engine.runner.catchUp('carrier-quality');
  }, 60_000);
  afterAll(() => t?.close());

  const alpha = {
    carrier: 'alpha',
    prefix: '44',
    attempts: 6,
    answered: 3,
    asrPercent: '50.00',
    acdSeconds: '60.0',
    // (1 + 2 + 3.5 + 0.5) / 4 calls measured
    pddSeconds: '1.75',
    failures: { '486': 1, '503': 1, failover: 1 },
    demoted: true,
    demotedSince: minuteAt(4),
  };
  const beta = {
    carrier: 'beta',
    prefix: '44',
    attempts: 1,
    answered: 1,
    asrPercent: '100.00',
    acdSeconds: '120.0',
    pddSeconds: '2.50',
    failures: {},
    demoted: false,
    demotedSince: null,
  };

  test('per carrier and prefix: ASR, ACD, causes (failover included) and the demotion', async () => {
    expect((await report(DAY)).rows).toEqual([alpha, beta]);
    expect((await report({ ...DAY, carrier: 'beta' })).rows).toEqual([beta]);
    expect((await report({ ...DAY, prefix: '33' })).rows).toEqual([]);
    const twoMinutes = await report({ from: '2026-12-04T10:04:00Z', to: '2026-12-04T10:06:00Z', carrier: 'alpha' });
    expect(twoMinutes.rows).toEqual([
      { ...alpha, attempts: 2, answered: 0, asrPercent: '0.00', acdSeconds: null, pddSeconds: null, failures: { '503': 1, failover: 1 } },
    ]);
  });

  test('a rebuild from the log gives the same figures and the same demotions', async () => {
    const before = await report(DAY);
    await t.engine.runner.rebuild('carrier-quality');
    expect((await report(DAY)).rows).toEqual(before.rows);
  });

  test('GET /v1/finance/quality: JSON and CSV for the finance role, 403 for a number', async () => {
    const json = await signedFetch(t.base, auditor, 'GET', '/v1/finance/quality?from=2026-12-04&to=2026-12-05');
    expect(json.status).toBe(200);
    expect(((await json.json()) as { rows: unknown[] }).rows).toEqual([alpha, beta]);
    const csv = await signedFetch(t.base, auditor, 'GET', '/v1/finance/quality?from=2026-12-04&to=2026-12-05&carrier=alpha&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n')[1]).toContain('486:1 503:1 failover:1');
    expect((await signedFetch(t.base, alice, 'GET', '/v1/finance/quality?from=2026-12-04&to=2026-12-05')).status).toBe(403);
  });

  test.each([
    ['from after to', 'from=2026-12-05&to=2026-12-04'],
    ['no period', 'format=json'],
    ['not a date', 'from=yesterday&to=2026-12-05'],
    ['an impossible date', 'from=2026-02-31&to=2026-12-05'],
    ['SQL in the carrier', `from=2026-12-04&to=2026-12-05&carrier=${encodeURIComponent('alpha; DROP TABLE quality_buckets')}`],
    ['letters in the prefix', 'from=2026-12-04&to=2026-12-05&prefix=44abc'],
    ['a repeated parameter', 'from=2026-12-04&from=2026-12-03&to=2026-12-05'],
    ['an unknown parameter', 'from=2026-12-04&to=2026-12-05&asOf=1'],
    ['an unknown format', 'from=2026-12-04&to=2026-12-05&format=xml'],
    ['a huge carrier id', `from=2026-12-04&to=2026-12-05&carrier=${'a'.repeat(5000)}`],
  ])('a hostile query (%s) is a 400 problem', async (_name, query) => {
    const r = await signedFetch(t.base, auditor, 'GET', `/v1/finance/quality?${query}`);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
}

describe('carrier quality (SQLite)', () => qualityBody(async () => ({})));

describePostgres('carrier quality (PostgreSQL log and read models)', (newDatabase) =>
  qualityBody(async () => ({ TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: await newDatabase() })),
);
