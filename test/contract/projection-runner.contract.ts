import { memoryEventStore } from '../../adapters/event-store/memory';
import { systemClock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import { catalogueProjection } from '../../projections/catalogue/projection';
import { countsByType, listStreams } from '../../projections/catalogue/queries';
import type { Projection } from '../../application/ports/projection';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { projectionRunner } from '../../projections/runner';
import { newEvents } from '../support/events';
import { waitFor } from '../support/wait';

export interface ReadModelsUnderTest {
  readonly readModels: ReadModelStore;
  /** A second connection to the same read models, as another engine node would have. */
  another(): Promise<ReadModelStore>;
  cleanup(): Promise<void>;
}

/** What every read-model store must do under the projection runner. */
export function projectionRunnerContract(factory: () => Promise<ReadModelsUnderTest>): void {
  let sut: ReadModelsUnderTest;
  let store: EventStore;
  beforeEach(async () => {
    sut = await factory();
    store = memoryEventStore();
  });
  afterEach(async () => {
    await store.close();
    await sut.cleanup();
  });

  const runner = (readModels = sut.readModels, projections: Projection[] = [catalogueProjection], batchSize = 50) =>
    projectionRunner({ store, readModels, projections, clock: systemClock, batchSize });

  async function seed(streams: number, perStream: number): Promise<void> {
    for (let s = 0; s < streams; s++) await store.append(`acc-${s}`, newEvents(perStream, s % 2 ? 'Credited' : 'Debited'), 'no-stream');
  }

  const total = async (rm = sut.readModels) => (await countsByType(rm)).reduce((n, t) => n + t.events, 0);

  /** 300 events from four writers at once, 25 appends of 3 each, to streams named from `prefix`. */
  const fourWriters = (prefix: string) =>
    Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < 25; i++) await store.append(`${prefix}-${w}-${i}`, newEvents(3), 'no-stream');
      }),
    );

  test('catch-up applies every event once and records the checkpoint with it', async () => {
    await seed(10, 13);
    const r = runner();
    const reached = await r.catchUp('catalogue');
    expect(reached).toBe(130);
    expect(await countsByType(sut.readModels)).toEqual([
      { type: 'Credited', events: 65 },
      { type: 'Debited', events: 65 },
    ]);
    expect((await listStreams(sut.readModels, { prefix: 'acc-1' }))[0]).toMatchObject({ stream: 'acc-1', events: 13, lastVersion: 12 });
    await r.catchUp('catalogue');
    expect(await total()).toBe(130);
    expect((await r.status())[0]).toMatchObject({ position: 130, head: 130, lag: 0 });
  });

  test('a started runner follows live appends and reports no lag', async () => {
    await seed(3, 5);
    const r = runner();
    await r.start();
    try {
      await waitFor(async () => (await total()) === 15, 10_000, 'catch-up');
      for (let i = 0; i < 20; i++) await store.append(`live-${i}`, newEvents(2), 'no-stream');
      await waitFor(async () => (await total()) === 55, 10_000, 'live events');
      const [status] = await r.status();
      expect(status).toMatchObject({ running: true, caughtUp: true, lag: 0, lastError: null });
    } finally {
      await r.stop();
    }
    expect((await r.status())[0]!.running).toBe(false);
  });

  test('a new projection version rebuilds from the first event instead of double counting', async () => {
    await seed(4, 10);
    await runner().catchUp('catalogue');
    const v2 = { ...catalogueProjection, version: 2 };
    await runner(sut.readModels, [v2]).catchUp('catalogue');
    expect(await total()).toBe(40);
  });

  test('rebuild on command empties and replays, with progress up to the head', async () => {
    await seed(5, 20);
    const r = runner();
    await r.catchUp('catalogue');
    const seen: number[] = [];
    await r.rebuild('catalogue', (p) => seen.push(p.position));
    expect(await total()).toBe(100);
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(100);
    await expect(r.rebuild('nope')).rejects.toThrow(/no projection named "nope"/);
  });

  test('the batched catalogue writes exactly what applying event by event writes', async () => {
    await seed(7, 9);
    await runner(sut.readModels, [catalogueProjection], 16).catchUp('catalogue');
    const batched = await listStreams(sut.readModels, { limit: 100 });
    const { applyBatch: _perBatch, ...perEvent } = catalogueProjection;
    await runner(sut.readModels, [{ ...perEvent, version: 99 }], 16).catchUp('catalogue');
    expect(await listStreams(sut.readModels, { limit: 100 })).toEqual(batched);
    expect(batched).toHaveLength(7);
  });

  test('two nodes running the same projection apply each event exactly once', async () => {
    const other = await sut.another();
    try {
      const a = runner(sut.readModels, [catalogueProjection], 7);
      const b = runner(other, [catalogueProjection], 11);
      await a.start();
      await b.start();
      try {
        await fourWriters('n');
        await waitFor(async () => (await a.status())[0]!.lag === 0, 15_000, 'both nodes to catch up');
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      expect(await total()).toBe(300);
      expect(await total(other)).toBe(300);
    } finally {
      await other.close();
    }
  });

  test('two nodes sharing batches among projections listed in opposite orders apply each event once, without a fault', async () => {
    // one row that counts every event: a second projection for the shared batches
    const counted: Projection = {
      name: 'contract_counted',
      version: 1,
      async setup(tx) {
        await tx.run('CREATE TABLE IF NOT EXISTS contract_counted (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)');
        await tx.run('INSERT INTO contract_counted (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
      },
      async reset(tx) {
        await tx.run('UPDATE contract_counted SET n = 0');
      },
      async apply(_e, tx) {
        await tx.run('UPDATE contract_counted SET n = n + 1');
      },
    };
    const faults: string[] = [];
    const node = (readModels: ReadModelStore, projections: Projection[], batchSize: number) =>
      projectionRunner({
        store,
        readModels,
        projections,
        clock: systemClock,
        batchSize,
        onError: (name, error) => void faults.push(`${name}: ${(error as Error).message}`),
      });
    const other = await sut.another();
    try {
      // each node locks both checkpoints for every batch; listed in opposite orders, they must still take them in one order
      const a = node(sut.readModels, [catalogueProjection, counted], 3);
      const b = node(other, [counted, catalogueProjection], 5);
      await a.start();
      await b.start();
      try {
        await fourWriters('o');
        const caughtUp = async () => [...(await a.status()), ...(await b.status())].every((s) => s.lag === 0);
        await waitFor(caughtUp, 15_000, 'both nodes and both projections to catch up');
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      expect(faults).toEqual([]);
      expect(await total()).toBe(300);
      const [row] = await sut.readModels.query<{ n: number | string }>('SELECT n FROM contract_counted');
      expect(Number(row!.n)).toBe(300);
    } finally {
      await other.close();
    }
  });

  test('an event that cannot be applied stops the projection just before it, named, until it applies', async () => {
    await seed(2, 10);
    let failAt = 15;
    const { applyBatch: _perBatch, ...perEvent } = catalogueProjection;
    const flaky: Projection = {
      ...perEvent,
      async apply(e, tx) {
        if (e.position === failAt) throw new Error('boom');
        await catalogueProjection.apply(e, tx);
      },
    };
    const r = runner(sut.readModels, [flaky], 10);
    await expect(r.catchUp('catalogue')).rejects.toThrow(/stopped at event 15 \(.*\): boom/);
    // the failing batch is rolled back, then applied again up to the event: it stops just before it, and says so
    expect(await total()).toBe(14);
    expect((await r.status())[0]).toMatchObject({ position: 14, stopped: { position: 15, error: 'boom' } });
    failAt = -1;
    await r.catchUp('catalogue');
    expect(await total()).toBe(20);
  });

  test('a rebuild while another runner follows still ends with exact counts', async () => {
    await seed(20, 10);
    const follower = runner(sut.readModels, [catalogueProjection], 5);
    await follower.start();
    try {
      await runner(sut.readModels, [catalogueProjection], 13).rebuild('catalogue');
      for (let i = 0; i < 10; i++) await store.append(`after-${i}`, newEvents(1), 'no-stream');
      await waitFor(async () => (await follower.status())[0]!.lag === 0 && (await total()) === 210, 15_000, 'follower after rebuild');
    } finally {
      await follower.stop();
    }
    expect(await total()).toBe(210);
  });
}
