import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { EventIdConflictError, WrongExpectedVersionError, type AppendResult, type EventStore } from '../../../core/event-store';
import { collect, newEvent, newEvents } from '../../support/events';

/**
 * Appends issued in one turn of the event loop share one SQLite transaction (group commit);
 * each keeps the semantics it would have alone, and hears back only once the group committed.
 */
describe('sqlite event store: group commit', () => {
  let dir: string;
  let path: string;
  let store: EventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-group-'));
    path = join(dir, 'events.sqlite');
    // no background checkpoints: the WAL then only grows, and its size counts the pages each commit wrote
    store = sqliteEventStore({ path, checkpointInBackground: false });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rejected = (r: PromiseSettledResult<unknown>) => (r as PromiseRejectedResult).reason as unknown;
  const value = (r: PromiseSettledResult<AppendResult>) => (r as PromiseFulfilledResult<AppendResult>).value;

  test('of appends to one stream at the same expected version in one group exactly one wins, the first issued', async () => {
    await store.append('race', newEvents(1), 'no-stream');
    const batches = Array.from({ length: 12 }, () => newEvents(2));
    const results = await Promise.allSettled(batches.map((b) => store.append('race', b, 0)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', ...Array<string>(11).fill('rejected')]);
    for (const r of results.slice(1)) expect(rejected(r)).toBeInstanceOf(WrongExpectedVersionError);
    // the conflict names the version the winner left, not the one before the group
    expect(rejected(results[1]!)).toMatchObject({ actual: 2 });
    expect((await collect(store.readStream('race'))).map((e) => e.id)).toEqual([expect.any(String), ...batches[0]!.map((e) => e.id)]);
  });

  test('an event id twice in one group: the same stream repeats the first answer, another stream is refused', async () => {
    const twice = newEvents(2);
    const results = await Promise.allSettled([
      store.append('a', twice, 'any'),
      store.append('a', twice, 'any'),
      store.append('b', [twice[0]!], 'any'),
      store.append('a', [twice[1]!, newEvent()], 'any'),
      store.append('c', newEvents(1), 'any'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(value(results[0]!)).toEqual({ nextVersion: 1, position: 2, deduplicated: false });
    expect(value(results[1]!)).toEqual({ nextVersion: 1, position: 2, deduplicated: true });
    expect(rejected(results[2]!)).toBeInstanceOf(EventIdConflictError);
    expect(rejected(results[3]!)).toBeInstanceOf(EventIdConflictError);
    expect(value(results[4]!)).toEqual({ nextVersion: 0, position: 3, deduplicated: false });
    expect((await collect(store.readAll())).map((e) => [e.stream, e.position])).toEqual([
      ['a', 1],
      ['a', 2],
      ['c', 3],
    ]);
  });

  test('an append that fails inside the group fails alone; the others commit around it, positions gap-free', async () => {
    const unserializable = { ...newEvent(), data: { amount: 1n } as unknown as Record<string, string> };
    const results = await Promise.allSettled([
      store.append('x', newEvents(2), 'no-stream'),
      store.append('y', [newEvent(), unserializable], 'no-stream'),
      store.append('x', newEvents(1), 'no-stream'),
      store.append('z', newEvents(1), 'no-stream'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(rejected(results[1]!)).toBeInstanceOf(TypeError);
    expect(rejected(results[2]!)).toBeInstanceOf(WrongExpectedVersionError);
    expect((await collect(store.readAll())).map((e) => [e.stream, e.version, e.position])).toEqual([
      ['x', 0, 1],
      ['x', 1, 2],
      ['z', 0, 3],
    ]);
    // y's first event went with its savepoint: the stream is still new
    expect((await store.append('y', newEvents(1), 'no-stream')).position).toBe(4);
  });

  test('every caller hears back only once its events are committed: another connection reads them then', async () => {
    const reader = new Database(path, { readonly: true });
    try {
      const seen = reader.prepare<[string], { n: number }>('SELECT count(*) AS n FROM events WHERE stream = ?');
      const visibleAtAnswer = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.append(`s${i}`, newEvents(1 + (i % 3)), 'no-stream').then(() => seen.get(`s${i}`)!.n)),
      );
      expect(visibleAtAnswer).toEqual(Array.from({ length: 20 }, (_, i) => 1 + (i % 3)));
    } finally {
      reader.close();
    }
  });

  test('a group is one transaction: the pages it shares are written to the WAL once, not once per append', async () => {
    await store.append('warm', newEvents(1), 'no-stream'); // the first commit writes the schema's pages
    const walBytes = () => statSync(`${path}-wal`).size;
    const before = walBytes();
    await store.append('one', newEvents(1), 'no-stream');
    const single = walBytes() - before;
    const mid = walBytes();
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.append(`many-${i}`, newEvents(1), 'no-stream')));
    const group = walBytes() - mid;
    expect(single).toBeGreaterThan(0);
    // 30 commits of their own would write 30 times what one does; one transaction writes each touched page once
    expect(group).toBeLessThan(3 * single);
    expect(await store.head()).toBe(32);
  });

  test('an append issued while a group is being answered joins the next group and is answered too', async () => {
    const first = store.append('p', newEvents(1), 'no-stream').then(() => store.append('p', newEvents(1), 0));
    const second = store.append('q', newEvents(1), 'no-stream');
    const [a, b] = await Promise.all([first, second]);
    expect([a.nextVersion, a.position, b.position]).toEqual([1, 3, 2]);
  });
});
