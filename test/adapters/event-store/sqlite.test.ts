import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { EventIdConflictError, WrongExpectedVersionError } from '../../../core/event-store';
import { eventStoreContract } from '../../contract/event-store.contract';
import { collect, newEvent, newEvents } from '../../support/events';

describe('sqlite event store', () => {
  eventStoreContract(
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trunkline-sqlite-'));
      const path = join(dir, 'events.sqlite');
      let store = sqliteEventStore({ path, pollMs: 50 });
      return {
        store,
        reopen: async () => {
          await store.close();
          store = sqliteEventStore({ path, pollMs: 50 });
          return store;
        },
        cleanup: async () => {
          await store.close().catch(() => undefined);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    { densePositions: true, globalIdIndex: true },
  );

  test('a writer with wakeOtherThreads wakes another store’s subscription on the same file at once, not at its poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-sqlite-'));
    const path = join(dir, 'events.sqlite');
    // the writer, as the serving thread; the follower, as the projection thread (its poll never comes within the test)
    const writer = sqliteEventStore({ path, wakeOtherThreads: true });
    const follower = sqliteEventStore({ path, pollMs: 600_000 });
    const sub = follower.subscribe(0);
    try {
      const it = sub[Symbol.asyncIterator]();
      const next = it.next();
      await new Promise((r) => setTimeout(r, 50)); // the follower has read the empty log and waits
      await writer.append('woken', [newEvent()], 'no-stream');
      // bounded: without the wake-up the follower would sleep its 10 minutes
      const timeout = new Promise<'not woken'>((r) => setTimeout(() => r('not woken'), 3000).unref());
      const got = await Promise.race([next.then((n) => n.value), timeout]);
      expect(got).toMatchObject({ stream: 'woken', position: 1 });
    } finally {
      await sub.close();
      await follower.close();
      await writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('appends issued together (one group commit) stay atomic one by one: a refused one leaves no trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-sqlite-'));
    const store = sqliteEventStore({ path: join(dir, 'events.sqlite'), pollMs: 50 });
    try {
      const stored = newEvent();
      await store.append('seed', [stored], 'no-stream');
      // issued together, without awaiting: they land in one transaction, one savepoint each
      const results = await Promise.allSettled([
        store.append('g1', newEvents(2), 'no-stream'),
        store.append('g1', newEvents(1), 'no-stream'),
        store.append('g2', [newEvent(), stored], 'any'),
        store.append('g3', newEvents(1), 'any'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
      expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(EventIdConflictError);
      expect((results[0] as PromiseFulfilledResult<{ position: number }>).value.position).toBe(3);
      expect((results[3] as PromiseFulfilledResult<{ position: number }>).value.position).toBe(4);
      // nothing of the refused appends was written, and positions stay gap-free
      expect((await collect(store.readAll())).map((e) => [e.stream, e.position])).toEqual([
        ['seed', 1],
        ['g1', 2],
        ['g1', 3],
        ['g3', 4],
      ]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite event store on a file that cannot grow', () => {
  /**
   * PRAGMA max_page_count on the store's connection stands for a full disk: SQLite refuses the
   * page it cannot add with SQLITE_FULL, and rolls the whole transaction back, as on a real one.
   */
  test('every append of the group is refused with SQLITE_FULL, and nothing of it is stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-sqlite-full-'));
    let db: import('better-sqlite3').Database | undefined;
    const store = sqliteEventStore({ path: join(dir, 'events.sqlite'), onOpen: (c) => (db = c) });
    try {
      await store.append('a', newEvents(2), 'no-stream');
      db!.pragma(`max_page_count = ${db!.pragma('page_count', { simple: true }) as number}`);
      const big = () => [{ ...newEvent(), data: { pad: 'x'.repeat(20_000) } }];
      const outcomes = await Promise.allSettled([store.append('b', big(), 'no-stream'), store.append('c', big(), 'no-stream')]);
      for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'SQLITE_FULL' } });
      expect(await store.head()).toBe(2);
      expect(await collect(store.readStream('b'))).toEqual([]);
      // room again: the store writes on, no transaction left dangling
      db!.pragma('max_page_count = 4294967294');
      expect((await store.append('b', big(), 'no-stream')).position).toBe(3);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
