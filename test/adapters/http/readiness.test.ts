import express from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import { listen } from '../../support/listen';
import { healthRouter } from '../../../adapters/http/routers/health';
import type { EventStore } from '../../../core/event-store';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
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
    // a kind of event no projection applies: each moves only their checkpoints
    const ev = () => ({
      id: engine.ids.next(),
      type: 'FactRejected',
      schemaVersion: 1,
      data: { source: 'test', externalId: engine.ids.next(), reason: 'lag', payload: '', truncated: false, at: new Date().toISOString() },
      metadata: {},
    });
    await engine.store.append('s', [ev(), ev(), ev()], 'no-stream');
    const behind = await fetch(`${base}/readyz`);
    expect(behind.status).toBe(503);
    expect(behind.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await behind.json()).toMatchObject({
      type: 'https://trunkline.dev/problems/not-ready',
      status: 503,
      detail:
        'projections behind: balances, sms, finance, call-records, fraud-suspicions, auto-top-ups, catalogue, rates, vouchers, velocity, carrier-quality',
      projections: [
        { name: 'balances', lag: 3, caughtUp: false },
        { name: 'sms', lag: 3, caughtUp: false },
        { name: 'finance', lag: 3, caughtUp: false },
        { name: 'call-records', lag: 3, caughtUp: false },
        { name: 'fraud-suspicions', lag: 3, caughtUp: false },
        { name: 'auto-top-ups', lag: 3, caughtUp: false },
        { name: 'catalogue', lag: 3, caughtUp: false },
        { name: 'rates', lag: 3, caughtUp: false },
        { name: 'vouchers', lag: 3, caughtUp: false },
        { name: 'velocity', lag: 3, caughtUp: false },
        { name: 'carrier-quality', lag: 3, caughtUp: false },
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
        { name: 'call-records', lag: 0, caughtUp: true },
        { name: 'fraud-suspicions', lag: 0, caughtUp: true },
        { name: 'auto-top-ups', lag: 0, caughtUp: true },
        { name: 'catalogue', lag: 0, caughtUp: true },
        { name: 'rates', lag: 0, caughtUp: true },
        { name: 'vouchers', lag: 0, caughtUp: true },
        { name: 'velocity', lag: 0, caughtUp: true },
        { name: 'carrier-quality', lag: 0, caughtUp: true },
      ],
    });
  });
});

describe('readiness answering the public', () => {
  test('names the failing checks, and logs the errors instead of answering them', async () => {
    const logged: string[] = [];
    const secret = 'SQLITE_CANTOPEN: unable to open /var/lib/trunkline/events.db';
    const app = express().use(
      healthRouter({
        logger: pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) }),
        store: { head: () => Promise.reject(new Error(secret)) } as unknown as EventStore,
        readModels: { ping: () => Promise.resolve() } as unknown as ReadModelStore,
        projections: async () => [
          {
            name: 'finance',
            version: 1,
            position: 1,
            head: 1,
            lag: 0,
            running: true,
            caughtUp: true,
            lastError: 'relation "finance_days" does not exist',
            updatedAt: null,
            stopped: null,
          },
        ],
        registry: new Registry(),
        maxLag: 10,
      }),
    );
    const { base, close } = await listen(app);
    try {
      const r = await fetch(`${base}/readyz`);
      const text = await r.text();
      expect(r.status).toBe(503);
      expect(JSON.parse(text)).toMatchObject({
        detail: 'projections behind: finance',
        checks: { eventStore: 'unreachable', readModels: 'ok' },
        projections: [{ name: 'finance', failing: true }],
      });
      expect(text).not.toMatch(/SQLITE|\/var\/lib|relation|finance_days/);
      expect(logged.join('')).toContain(secret);
    } finally {
      await close();
    }
  });
});
