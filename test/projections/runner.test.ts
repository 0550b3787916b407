import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../adapters/event-store/sqlite';
import { sqliteReadModelStore } from '../../adapters/read-models/sqlite';
import { systemClock } from '../../core/clock';
import { deriveId } from '../../core/ids';
import type { Projection } from '../../application/ports/projection';
import { projectionRunner } from '../../projections/runner';
import { waitFor } from '../support/wait';

/** Counts the events of one type into its own table; `failOn` makes apply throw for that payload. */
const counter = (name: string, failOn: { value: number | null; tries?: number }): Projection => ({
  name,
  version: 1,
  handles: ['Tick'],
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS ${name} (n INTEGER NOT NULL)`);
    await tx.run(`INSERT INTO ${name} (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM ${name})`);
  },
  async reset(tx) {
    await tx.run(`UPDATE ${name} SET n = 0`);
  },
  async apply(e, tx) {
    if (failOn.value !== null && e.data['i'] === failOn.value) {
      failOn.tries = (failOn.tries ?? 0) + 1;
      throw new Error(`${name} cannot take tick ${failOn.value}`);
    }
    await tx.run(`UPDATE ${name} SET n = n + 1`);
  },
});

describe('projection runner: one reader for every projection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-runner-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('feeds every projection from one subscription; one that cannot apply an event stops there alone, the others carry on, a rebuild resumes it', async () => {
    const sqlite = sqliteEventStore({ path: join(dir, 'events.db') });
    let subscriptions = 0;
    const store = { ...sqlite, subscribe: (after?: number) => (subscriptions++, sqlite.subscribe(after)) };
    const sqliteModels = sqliteReadModelStore(join(dir, 'read-models.db'));
    let [transactions, open, toldBeforeCommit] = [0, 0, 0];
    const readModels: typeof sqliteModels = {
      ...sqliteModels,
      transaction: (fn) => (transactions++, open++, sqliteModels.transaction(fn).finally(() => open--)),
    };
    const broken = { value: null as number | null, tries: 0 };
    const stops: string[] = [];
    let [applied, appliedEvents] = [0, 0];
    const runner = projectionRunner({
      store,
      readModels,
      clock: systemClock,
      projections: [counter('good_a', { value: null }), counter('bad', broken), counter('good_b', { value: null })],
      onError: () => undefined,
      onStop: (name) => void stops.push(name),
      stoppedPollMs: 50,
      // told after the commit only: a listener elsewhere (the serving thread) reads what the batch wrote
      onBatch: (_name, _position, events) => void (applied++, (appliedEvents += events), open > 0 && toldBeforeCommit++),
    });
    const count = async (t: string) => Number((await readModels.query<{ n: number }>(`SELECT n FROM ${t}`))[0]!.n);
    try {
      const tick = (i: number) =>
        store.append(
          `ticks-${i % 3}`,
          [{ id: deriveId('tick', String(i)), type: 'Tick', schemaVersion: 1, data: { i }, metadata: {} }],
          'any',
        );
      await runner.start();
      await tick(0);
      await waitFor(async () => (await runner.status()).every((s) => s.lag === 0), 10_000, 'all three projections');
      [transactions, applied, appliedEvents] = [0, 0, 0]; // set up and following: from here on, live batches only
      for (let i = 1; i < 10; i++) await tick(i);
      await waitFor(async () => (await runner.status()).every((s) => s.lag === 0), 10_000, 'all three projections');
      expect(subscriptions).toBe(1); // three projections, one reader
      // and one transaction per batch for all three (a savepoint each), not one per projection
      expect(transactions).toBeGreaterThan(0);
      expect(applied).toBe(3 * transactions);
      expect(toldBeforeCommit).toBe(0);
      expect(appliedEvents).toBe(3 * 9); // each projection is told the ticks it applied
      // an event none of them handles moves their checkpoints and is reported as nothing applied
      [applied, appliedEvents] = [0, 0];
      await store.append('other', [{ id: deriveId('other', '1'), type: 'Tock', schemaVersion: 1, data: {}, metadata: {} }], 'any');
      await waitFor(async () => (await runner.status()).every((s) => s.lag === 0), 10_000, 'all three past the Tock');
      expect(applied).toBeGreaterThan(0);
      expect(appliedEvents).toBe(0);
      broken.value = 15;
      const head15 = await store.head();
      for (let i = 10; i < 20; i++) await tick(i);
      await waitFor(async () => (await count('good_a')) === 20 && (await count('good_b')) === 20, 10_000, 'the healthy projections');
      await waitFor(async () => (await runner.status()).find((s) => s.name === 'bad')!.stopped !== null, 10_000, 'the stop');
      const status = new Map((await runner.status()).map((s) => [s.name, s]));
      // it names the event it cannot apply, and stops there: everything before it applied, nothing after
      expect(status.get('bad')!.stopped).toMatchObject({
        position: head15 + 6,
        eventId: deriveId('tick', '15'),
        type: 'Tick',
        error: 'bad cannot take tick 15',
      });
      expect(status.get('bad')!.lastError).toMatch(/stopped at event \d+ .*cannot take tick 15/);
      expect(status.get('bad')!.caughtUp).toBe(false);
      expect(await count('bad')).toBe(15);
      expect([status.get('good_a')!.stopped, status.get('good_b')!.stopped]).toEqual([null, null]);
      expect(stops).toEqual(['bad']); // told once
      // no retry in a loop: the event is not tried again while the checkpoint stays where it stopped
      const tries = broken.tries;
      await new Promise((r) => setTimeout(r, 300));
      expect(broken.tries).toBe(tries);
      expect(await count('bad')).toBe(15);
      broken.value = null; // fixed: a rebuild replays it, and the live follower goes on from there
      await runner.rebuild('bad');
      await tick(20);
      await waitFor(
        async () => (await count('bad')) === 21 && (await runner.status()).every((s) => s.lag === 0),
        10_000,
        'the rebuilt projection',
      );
      expect((await runner.status()).every((s) => s.stopped === null && s.lastError === null)).toBe(true);
    } finally {
      await runner.stop();
      expect((await runner.status()).every((s) => !s.running)).toBe(true);
      await readModels.close();
      await store.close();
    }
  });

  it('reads and writes the checkpoints of a shared batch in one statement each, however many projections share it', async () => {
    const store = sqliteEventStore({ path: join(dir, 'shared-events.db') });
    const sqliteModels = sqliteReadModelStore(join(dir, 'shared-read-models.db'));
    /** Statements on the checkpoint table, per read-model transaction. */
    const perTransaction: { reads: number; writes: number }[] = [];
    const readModels: typeof sqliteModels = {
      ...sqliteModels,
      transaction: (fn) =>
        sqliteModels.transaction((tx) => {
          const seen = { reads: 0, writes: 0 };
          perTransaction.push(seen);
          const count = (sql: string) => {
            if (!sql.includes('trunkline_projections')) return;
            if (sql.trimStart().startsWith('SELECT')) seen.reads++;
            else seen.writes++;
          };
          return fn({
            ...tx,
            run: (sql, params) => (count(sql), tx.run(sql, params)),
            all: (sql, params) => (count(sql), tx.all(sql, params)),
            get: (sql, params) => (count(sql), tx.get(sql, params)),
          });
        }),
    };
    const names = ['shared_a', 'shared_b', 'shared_c', 'shared_d'];
    const runner = projectionRunner({
      store,
      readModels,
      clock: systemClock,
      projections: names.map((n) => counter(n, { value: null })),
      onError: () => undefined,
    });
    const tick = (i: number) =>
      store.append(
        `shared-${i}`,
        [{ id: deriveId('shared-tick', String(i)), type: 'Tick', schemaVersion: 1, data: { i }, metadata: {} }],
        'any',
      );
    try {
      await runner.start();
      await tick(0);
      await waitFor(async () => (await runner.status()).every((s) => s.lag === 0), 10_000, 'the four projections');
      perTransaction.length = 0; // set up and following: from here on, live batches only
      for (let i = 1; i <= 12; i++) await tick(i);
      await waitFor(async () => (await runner.status()).every((s) => s.lag === 0), 10_000, 'the four projections again');
      const counts = await Promise.all(names.map(async (n) => Number((await readModels.query<{ n: number }>(`SELECT n FROM ${n}`))[0]!.n)));
      expect(counts).toEqual([13, 13, 13, 13]);
      expect(perTransaction.length).toBeGreaterThan(0);
      // four projections, one batch: one read and one write of their checkpoints, not four of each
      expect(perTransaction).toEqual(perTransaction.map(() => ({ reads: 1, writes: 1 })));
      const positions = new Set((await runner.status()).map((s) => s.position));
      expect(positions).toEqual(new Set([await store.head()]));
    } finally {
      await runner.stop();
      await readModels.close();
      await store.close();
    }
  });
});
