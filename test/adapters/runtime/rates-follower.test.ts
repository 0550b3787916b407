import express from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import { healthRouter } from '../../../adapters/http/routers/health';
import { ratesFollower, RatesNotCurrentError } from '../../../adapters/runtime/rates-follower';
import type { EventStore } from '../../../core/event-store';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { EMPTY_SNAPSHOT, type RatesLookup } from '../../../projections/rates/lookup';
import { STALE_MS, type ServingNode, type ServingNodes } from '../../../projections/rates/serving-nodes';
import { listen } from '../../support/listen';

/** A lookup whose store can be made unreadable, and a registry that records confirmations. */
function bed() {
  let readable = true;
  let readAt = -Infinity;
  const lookup = {
    current: () => EMPTY_SNAPSHOT,
    lastRead: () => ({ revision: 7, readAt }),
    async refresh() {
      const at = Date.now();
      if (!readable) throw new Error('SQLITE_IOERR');
      readAt = at;
      return EMPTY_SNAPSHOT;
    },
  } as unknown as RatesLookup;
  const confirmed: ServingNode[] = [];
  let registryUp = true;
  const nodes = {
    async confirm(n: ServingNode) {
      if (!registryUp) throw new Error('registry down');
      confirmed.push(n);
    },
    leave: async () => undefined,
    list: async () => confirmed,
  } as unknown as ServingNodes;
  const follower = ratesFollower({ lookup, nodes, logger: pino({ level: 'silent' }), onChange: () => undefined, everyMs: 50 });
  return {
    follower,
    confirmed,
    setReadable: (v: boolean) => (readable = v),
    setRegistry: (v: boolean) => (registryUp = v),
  };
}

describe('the rates follower', () => {
  test('registers before its first read, then confirms the revision it read', async () => {
    const b = bed();
    await b.follower.start();
    try {
      expect(b.confirmed[0]).toMatchObject({ revision: -1 });
      expect(b.confirmed.at(-1)).toMatchObject({ revision: 7 });
      await expect(b.follower.ensureCurrent()).resolves.toBeUndefined();
    } finally {
      await b.follower.stop();
    }
  });

  test('a registry it cannot write does not stop rating: freshness is its own reads', async () => {
    const b = bed();
    await b.follower.start();
    try {
      b.setRegistry(false);
      await new Promise((r) => setTimeout(r, STALE_MS + 300));
      await expect(b.follower.ensureCurrent()).resolves.toBeUndefined();
      expect(b.follower.age()).toBeLessThanOrEqual(STALE_MS);
    } finally {
      await b.follower.stop();
    }
  });

  test('a store it cannot read makes rating refuse after STALE_MS, and /readyz say so, until it reads again', async () => {
    const b = bed();
    await b.follower.start();
    const app = express().use(
      healthRouter({
        logger: pino({ level: 'silent' }),
        store: { head: () => Promise.resolve(1) } as unknown as EventStore,
        readModels: { ping: () => Promise.resolve() } as unknown as ReadModelStore,
        projections: async () => [],
        registry: new Registry(),
        maxLag: 0,
        ratesAge: () => b.follower.age(),
      }),
    );
    const { base, close } = await listen(app);
    try {
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      b.setReadable(false);
      await new Promise((r) => setTimeout(r, STALE_MS + 300));
      await expect(b.follower.ensureCurrent()).rejects.toBeInstanceOf(RatesNotCurrentError);
      const ready = await fetch(`${base}/readyz`);
      expect([ready.status, ((await ready.json()) as { detail: string }).detail]).toEqual([503, 'rates not current']);
      b.setReadable(true);
      await expect(b.follower.ensureCurrent()).resolves.toBeUndefined();
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      await close();
      await b.follower.stop();
    }
  });
});
