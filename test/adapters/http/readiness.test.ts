import pino from 'pino';
import { listen } from '../../support/listen';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { waitFor } from '../../support/wait';

describe('readiness', () => {
  let engine: Engine;
  let close: () => Promise<void>;
  let base: string;
  beforeAll(async () => {
    const config = loadConfig({ env: { TRUNKLINE_STORE: 'memory', TRUNKLINE_READY_MAX_LAG: '0' }, cwd: '/nonexistent' });
    engine = await createEngine(config, { logger: pino({ level: 'silent' }) });
    ({ base, close } = await listen(engine.app));
  });
  afterAll(async () => {
    await close();
    await engine.close();
  });

  test('is refused while a projection lags, and given once it has caught up', async () => {
    const ev = () => ({ id: engine.ids.next(), type: 'Something', schemaVersion: 1, data: {}, metadata: {} });
    await engine.store.append('s', [ev(), ev(), ev()], 'no-stream');
    const behind = await fetch(`${base}/readyz`);
    expect(behind.status).toBe(503);
    expect(behind.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await behind.json()).toMatchObject({
      type: 'https://trunkline.dev/problems/not-ready',
      status: 503,
      detail: 'projections behind: balances, sms, finance, catalogue, rates, vouchers',
      projections: [
        { name: 'balances', lag: 3, caughtUp: false },
        { name: 'sms', lag: 3, caughtUp: false },
        { name: 'finance', lag: 3, caughtUp: false },
        { name: 'catalogue', lag: 3, caughtUp: false },
        { name: 'rates', lag: 3, caughtUp: false },
        { name: 'vouchers', lag: 3, caughtUp: false },
      ],
    });
    await engine.runner.start();
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000, 'readiness');
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({
      status: 'ready',
      projections: [
        { name: 'balances', lag: 0, caughtUp: true },
        { name: 'sms', lag: 0, caughtUp: true },
        { name: 'finance', lag: 0, caughtUp: true },
        { name: 'catalogue', lag: 0, caughtUp: true },
        { name: 'rates', lag: 0, caughtUp: true },
        { name: 'vouchers', lag: 0, caughtUp: true },
      ],
    });
  });
});
