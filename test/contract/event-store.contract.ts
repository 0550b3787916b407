import { EventIdConflictError, WrongExpectedVersionError, type EventStore } from '../../core/event-store';
import { collect, newEvent, newEvents, take } from '../support/events';

export interface StoreUnderTest {
  readonly store: EventStore;
  /** Closes the store and opens the same data again. */
  reopen(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

export interface ContractOptions {
  /** Positions are 1, 2, 3…: true for SQL backends; EventStoreDB's are log offsets. */
  readonly densePositions: boolean;
  /** The store refuses an id stored in another stream (EventStoreDB has no index to tell). */
  readonly globalIdIndex: boolean;
}

/** The one contract every event store backend must pass; each backend's spec calls it. */
export function eventStoreContract(factory: () => Promise<StoreUnderTest>, options: ContractOptions): void {
  let sut: StoreUnderTest;
  let store: EventStore;
  beforeEach(async () => {
    sut = await factory();
    store = sut.store;
  });
  afterEach(async () => {
    await sut.cleanup();
  });

  const positionsOf = async () => (await collect(store.readAll(0))).map((e) => e.position);

  test('a new store is empty', async () => {
    expect(await store.head()).toBe(0);
    expect(await collect(store.readAll())).toEqual([]);
    expect(await collect(store.readStream('nothing-here'))).toEqual([]);
  });

  test('append numbers versions from 0 and reports the next version and position', async () => {
    const r1 = await store.append('acc-1', newEvents(3), 'no-stream');
    expect(r1.nextVersion).toBe(2);
    expect(r1.deduplicated).toBe(false);
    const r2 = await store.append('acc-1', newEvents(2), 2);
    expect(r2.nextVersion).toBe(4);
    expect(r2.position).toBeGreaterThan(r1.position);
    const events = await collect(store.readStream('acc-1'));
    expect(events.map((e) => e.version)).toEqual([0, 1, 2, 3, 4]);
    expect(events.every((e) => e.stream === 'acc-1')).toBe(true);
    expect(events[4]!.position).toBe(r2.position);
    expect(await store.head()).toBe(r2.position);
    expect((await collect(store.readStream('acc-1', 3))).map((e) => e.version)).toEqual([3, 4]);
  });

  test('an event comes back exactly as it went in, with its envelope', async () => {
    const e = { ...newEvent('Thing', { amount: '10.000000001', n: 3 }), metadata: { correlationId: 'c-1', causationId: 'x', actor: 'a' } };
    await store.append('s', [e], 'any');
    const [back] = await collect(store.readAll());
    expect(back).toMatchObject({ id: e.id, type: 'Thing', schemaVersion: 1, data: e.data, metadata: e.metadata, stream: 's', version: 0 });
    expect(new Date(back!.recordedAt).toISOString()).toBe(back!.recordedAt);
  });

  test('readAll returns every stream in commit order, in batches of any size', async () => {
    for (let i = 0; i < 30; i++) await store.append(`s-${i % 7}`, [newEvent('T', { i })], 'any');
    const all = await collect(store.readAll(0, 4));
    expect(all.map((e) => e.data['i'])).toEqual([...Array(30).keys()]);
    const positions = all.map((e) => e.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(positions).size).toBe(30);
    if (options.densePositions) expect(positions).toEqual([...Array(30).keys()].map((i) => i + 1));
    const after = await collect(store.readAll(positions[9]!, 7));
    expect(after.map((e) => e.data['i'])).toEqual([...Array(20).keys()].map((i) => i + 10));
  });

  test('the expected version is enforced and the conflict names the actual version', async () => {
    await expect(store.append('s', newEvents(1), 'exists')).rejects.toMatchObject({ actual: null });
    await store.append('s', newEvents(2), 'no-stream');
    await expect(store.append('s', newEvents(1), 'no-stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(store.append('s', newEvents(1), 0)).rejects.toMatchObject({ stream: 's', expected: 0, actual: 1 });
    await expect(store.append('s', newEvents(1), 5)).rejects.toMatchObject({ actual: 1 });
    expect((await collect(store.readStream('s'))).length).toBe(2);
    await store.append('s', newEvents(1), 'exists');
    await store.append('s', newEvents(1), 'any');
    expect((await store.append('s', newEvents(1), 3)).nextVersion).toBe(4);
  });

  test('of concurrent appends at the same expected version exactly one wins', async () => {
    await store.append('race', newEvents(1), 'no-stream');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.append('race', newEvents(2), 0)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await collect(store.readStream('race'))).length).toBe(3);
  });

  test('re-appending stored events writes nothing and repeats the first answer', async () => {
    await store.append('other', newEvents(1), 'any');
    const batch = newEvents(3);
    const first = await store.append('acc', batch, 'no-stream');
    await store.append('acc', newEvents(1), 'exists');
    const head = await store.head();
    for (const expected of ['no-stream', 'any', 0, 7] as const) {
      const again = await store.append('acc', batch, expected);
      expect(again).toEqual({ ...first, deduplicated: true });
    }
    const single = await store.append('acc', [batch[1]!], 'any');
    expect(single.nextVersion).toBe(1);
    expect(await store.head()).toBe(head);
    expect((await collect(store.readStream('acc'))).length).toBe(4);
  });

  test('an id reused for a different fact is refused and nothing of the batch is written', async () => {
    const stored = newEvent();
    await store.append('a', [stored], 'no-stream');
    const head = await store.head();
    if (options.globalIdIndex) await expect(store.append('b', [stored], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(store.append('a', [newEvent(), stored], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    const twice = newEvent();
    await expect(store.append('a', [twice, twice], 'any')).rejects.toBeInstanceOf(EventIdConflictError);
    if (options.globalIdIndex) {
      expect(await store.head()).toBe(head);
      expect(await collect(store.readStream('b'))).toEqual([]);
    }
  });

  test('bad input is refused with a clear error and writes nothing', async () => {
    await expect(store.append('s', [], 'any')).rejects.toThrow(/empty/);
    await expect(store.append('s', [{ ...newEvent(), id: 'not-a-uuid' }], 'any')).rejects.toThrow(/UUID/);
    await expect(store.append('', newEvents(1), 'any')).rejects.toThrow(/stream name/);
    await expect(store.append('s', newEvents(1), -1)).rejects.toThrow(/expected version/);
    await expect(store.append('s', [{ ...newEvent(), schemaVersion: 0 }], 'any')).rejects.toThrow(/schemaVersion/);
    expect(await store.head()).toBe(0);
  });

  test('many streams keep their own versions', async () => {
    const n = 150;
    await Promise.all(
      Array.from({ length: n }, async (_, s) => {
        for (let v = 0; v < 4; v++) await store.append(`m-${s}`, [newEvent('T', { s, v })], v === 0 ? 'no-stream' : v - 1);
      }),
    );
    for (const s of [0, 77, n - 1]) {
      const events = await collect(store.readStream(`m-${s}`));
      expect(events.map((e) => [e.version, e.data['v']])).toEqual([
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
    }
    expect((await collect(store.readAll(0, 100))).length).toBe(n * 4);
  });

  test('a large batch is written whole and read back in order', async () => {
    const batch = newEvents(5000);
    const r = await store.append('big', batch, 'no-stream');
    expect(r.nextVersion).toBe(4999);
    const back = await collect(store.readAll(0, 333));
    expect(back.map((e) => e.id)).toEqual(batch.map((e) => e.id));
    expect((await collect(store.readStream('big', 4990))).length).toBe(10);
  });

  test('unicode and large payloads round-trip byte for byte', async () => {
    const text = 'Zürich → 東京 👩‍👩‍👧 مرحبا \u0301e\u200d "quotes" \\ \n\t';
    const big = 'x'.repeat(1_000_000);
    await store.append('ü-streäm-🚀', [newEvent('Üñí', { text, big })], 'no-stream');
    const [back] = await collect(store.readStream('ü-streäm-🚀'));
    expect(back!.type).toBe('Üñí');
    expect(back!.data['text']).toBe(text);
    expect(back!.data['big']).toBe(big);
  });

  test('a subscription catches up, then follows live appends in order', async () => {
    await store.append('a', newEvents(10), 'no-stream');
    const sub = store.subscribe(0);
    const it = sub[Symbol.asyncIterator]();
    try {
      const caught = await take(it, 10);
      expect(caught.map((e) => e.version)).toEqual([...Array(10).keys()]);
      const live = (async () => take(it, 25))();
      for (let i = 0; i < 5; i++) await store.append(`b-${i}`, newEvents(5), 'no-stream');
      const followed = await live;
      expect(followed.map((e) => e.stream)).toEqual(['b-0', 'b-1', 'b-2', 'b-3', 'b-4'].flatMap((s) => Array(5).fill(s)));
      const positions = [...caught, ...followed].map((e) => e.position);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    } finally {
      await sub.close();
    }
  });

  test('a subscriber to concurrent writers sees every event once, in position order', async () => {
    const sub = store.subscribe(0);
    const it = sub[Symbol.asyncIterator]();
    try {
      const seen = take(it, 240, 30_000);
      await Promise.all(
        Array.from({ length: 6 }, async (_, w) => {
          for (let i = 0; i < 20; i++) await store.append(`w-${w}-${i % 3}`, newEvents(2), 'any');
        }),
      );
      const got = await seen;
      const positions = got.map((e) => e.position);
      expect(new Set(got.map((e) => e.id)).size).toBe(240);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(positions).toEqual((await collect(store.readAll())).map((e) => e.position));
    } finally {
      await sub.close();
    }
  });

  test('a subscription from a position starts right after it', async () => {
    await store.append('a', newEvents(8), 'no-stream');
    const all = await collect(store.readAll());
    const sub = store.subscribe(all[4]!.position);
    try {
      const got = await take(sub[Symbol.asyncIterator](), 3);
      expect(got.map((e) => e.version)).toEqual([5, 6, 7]);
    } finally {
      await sub.close();
    }
  });

  test('a closed subscription ends its iteration', async () => {
    await store.append('a', newEvents(2), 'no-stream');
    const sub = store.subscribe(0);
    const it = sub[Symbol.asyncIterator]();
    await take(it, 2);
    const pending = it.next();
    await sub.close();
    await expect(pending).resolves.toMatchObject({ done: true });
  });

  test('data survives closing and reopening, and appends carry on from there', async () => {
    const r = await store.append('keep', newEvents(3), 'no-stream');
    store = await sut.reopen();
    expect(await store.head()).toBe(r.position);
    const again = await store.append('keep', newEvents(1), 2);
    expect(again.nextVersion).toBe(3);
    expect(again.position).toBeGreaterThan(r.position);
    if (options.densePositions) expect(await positionsOf()).toEqual([1, 2, 3, 4]);
  });
}
