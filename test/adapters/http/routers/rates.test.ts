import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { listen } from '../../../support/listen';
import { loadConfig } from '../../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../../adapters/runtime/engine';
import { readOpenApi } from '../../../support/openapi-operations';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'rating');

describe('quotes and the public rate sheet over HTTP', () => {
  let dir: string;
  let engine: Engine;
  let close: () => Promise<void>;
  let base: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-rates-http-'));
    const config = loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir });
    engine = await createEngine({ ...config, pluginOptions: { pricing: { markupPercent: '20' } } }, { logger: pino({ level: 'silent' }) });
    await engine.rating.registerCarrier({ carrierId: 'alpha', name: 'Alpha', currency: 'EUR', preference: 1, trunks: [] });
    await engine.rating.importDeck({ carrierId: 'alpha', file: join(FIXTURES, 'decks', 'alpha-v1.csv') });
    await engine.rating.importTariffs({ path: join(FIXTURES, 'cgrates'), currency: 'EUR' });
    await engine.rating.sync();
    ({ base, close } = await listen(engine.app));
  });
  afterAll(async () => {
    await close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(`${base}/v1/quotes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('POST /v1/quotes prices a call with its breakdown; cost is a decimal string', async () => {
    const res = await post({ plan: 'RP_RETAIL', destination: '+44 20 7946 0958', start: '2026-11-23T07:59:00Z', duration: '2m' });
    expect(res.status).toBe(200);
    const q = (await res.json()) as Record<string, unknown>;
    expect(q).toMatchObject({
      plan: 'RP_RETAIL',
      number: '+442079460958',
      destination: { id: 'DST_UK', prefix: '44' },
      connectFee: '0.05',
      cost: '0.23',
      currency: 'EUR',
    });
    expect((q['parts'] as { timing: string }[]).map((p) => p.timing)).toEqual(['TM_OFFPEAK', 'TM_PEAK']);
  });

  test('a quote may name a CGRateS rating profile instead of a plan', async () => {
    const res = await post({
      profile: 'cgrates.org:call:*any',
      destination: '+442079460958',
      start: '2026-11-23T07:59:00Z',
      duration: 120,
    });
    expect(await res.json()).toMatchObject({ plan: 'RP_RETAIL', cost: '0.23' });
  });

  test.each([
    [{ profile: 'cgrates.org:call:nobody', destination: '+442079460958', duration: 60 }, 422, 'profile-cannot-rate'],
    [{ plan: 'RP_RETAIL', profile: 'cgrates.org:call:*any', destination: '+442079460958', duration: 60 }, 400, 'invalid-request'],
    [{ plan: 'RP_RETAIL', destination: 'hello', duration: 60 }, 400, 'invalid-number'],
    [{ plan: 'RP_RETAIL', destination: '+12025550143', duration: 60 }, 422, 'unrated-destination'],
    [{ plan: 'NOPE', destination: '+442079460958', duration: 60 }, 404, 'unknown-plan'],
    [{ plan: 'RP_RETAIL', destination: '+442079460958', duration: 'forever' }, 400, 'invalid-duration'],
    [{ plan: 'RP_RETAIL', destination: '+442079460958', duration: 60, colour: 'red' }, 400, 'invalid-request'],
    [{ plan: 'RP_RETAIL', destination: '+442079460958', duration: 60, start: 'tomorrow' }, 400, 'invalid-request'],
  ])('%j is a %i problem (%s)', async (body, status, kind) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ type: `https://trunkline.dev/problems/${kind}`, status });
  });

  test('malformed JSON is a 400 problem', async () => {
    const res = await fetch(`${base}/v1/quotes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"plan":' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  test('GET /v1/rates is the whole sheet with an ETag, as JSON or CSV; a matching If-None-Match is a 304', async () => {
    const res = await fetch(`${base}/v1/rates`);
    const etag = res.headers.get('etag')!;
    const body = (await res.json()) as { currency: string; rates: { prefix: string; ratePerMinute: string }[] };
    expect(body.currency).toBe('EUR');
    expect(body.rates.map((r) => [r.prefix, r.ratePerMinute])).toEqual([
      ['33', '0.0144'],
      ['44', '0.012'],
      ['447', '0.036'],
      ['4479', '0.06'],
    ]);
    expect((await fetch(`${base}/v1/rates`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const csv = await fetch(`${base}/v1/rates?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n')[0]).toBe(
      'prefix,destination,ratePerMinute,connectFee,initial,subsequent,minimum,free,riskClass,currency',
    );
  });

  test('GET /v1/rates?destination= gives the rate that number is sold at', async () => {
    const res = await fetch(`${base}/v1/rates?destination=${encodeURIComponent('+447911123456')}`);
    expect(await res.json()).toMatchObject({ number: '+447911123456', prefix: '4479', ratePerMinute: '0.06', currency: 'EUR' });
  });

  test('a row sold with a connect fee shows it with its increments and minimum, as the OpenAPI document says', async () => {
    // alpha sells France at 0.012/min + 0.001 connect fee, 30/6: marked up 20 %, shape kept
    const sheet = (await (await fetch(`${base}/v1/rates`)).json()) as { rates: Record<string, unknown>[] };
    const france = sheet.rates.find((r) => r['prefix'] === '33')!;
    expect(france).toEqual({
      prefix: '33',
      destination: 'France',
      ratePerMinute: '0.0144',
      connectFee: '0.0012',
      initial: 30,
      subsequent: 6,
      minimum: 0,
      free: false,
      riskClass: null,
    });
    const schema = readOpenApi().components['schemas']!['RetailRate'] as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(france).sort());
    expect([...schema.required].sort()).toEqual(Object.keys(france).sort());
    const one = await fetch(`${base}/v1/rates?destination=${encodeURIComponent('+33142685300')}`);
    expect(await one.json()).toMatchObject({ number: '+33142685300', prefix: '33', connectFee: '0.0012', initial: 30, subsequent: 6 });
    const csv = (await (await fetch(`${base}/v1/rates?format=csv`)).text()).split('\n');
    expect(csv.find((l) => l.startsWith('33,'))).toBe('33,France,0.0144,0.0012,30,6,0,false,,EUR');
  });

  test('a quote on the retail plan charges the connect fee and the increments', async () => {
    const res = await post({ plan: 'retail', destination: '+33142685300', duration: 31 });
    // 31 s bills 30 + 6 = 36 s: 0.0144 × 36 / 60 + 0.0012
    expect(await res.json()).toMatchObject({ connectFee: '0.0012', cost: '0.00984' });
  });

  test('the sheet marks destination risk classes: the numbering plan’s premium-rate range, the shipped satellite list', async () => {
    const before = (await fetch(`${base}/v1/rates`)).headers.get('etag');
    const deck = join(dir, 'risky.csv');
    writeFileSync(
      deck,
      'prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n4490,UK premium,0.5000,1,1,0,2026-01-01\n8816,Iridium,2.0000,1,1,0,2026-01-01\n',
    );
    await engine.rating.registerCarrier({ carrierId: 'risky', name: 'Risky', currency: 'EUR', preference: 2, trunks: [] });
    await engine.rating.importDeck({ carrierId: 'risky', file: deck });
    await engine.rating.sync();
    const res = await fetch(`${base}/v1/rates`);
    expect(res.headers.get('etag')).not.toBe(before);
    const body = (await res.json()) as { rates: { prefix: string; riskClass: string | null }[] };
    expect(body.rates.map((r) => [r.prefix, r.riskClass])).toEqual([
      ['33', null],
      ['44', null],
      ['447', null],
      ['4479', null],
      ['4490', 'premium-rate'],
      ['8816', 'satellite'],
    ]);
    // one number: its own class, even in a row that is not all of it
    expect(await (await fetch(`${base}/v1/rates?destination=${encodeURIComponent('+449012345678')}`)).json()).toMatchObject({
      prefix: '4490',
      riskClass: 'premium-rate',
    });
    expect(await (await fetch(`${base}/v1/rates?destination=${encodeURIComponent('+442079460958')}`)).json()).toMatchObject({
      prefix: '44',
      riskClass: null,
    });
  });
});
