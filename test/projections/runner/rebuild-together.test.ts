import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { manualClock, systemClock } from '../../../core/clock';
import type { CallRoute } from '../../../core/calls/commands';
import { deriveId } from '../../../core/ids';
import type { Projection } from '../../../application/ports/projection';
import { projectionRunner } from '../../../projections/runner';
import { EventNotAppliedError } from '../../../projections/stops';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine } from '../../support/test-engine';
import { waitFor } from '../../support/wait';

/** Counts the ticks into its own table; throws on tick `failOn` (a plugin's projection with a bug). */
const counter = (name: string, failOn: number | null = null, version = 1): Projection => ({
  name,
  version,
  handles: ['Tick'],
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS ${name} (i INTEGER PRIMARY KEY)`);
  },
  async reset(tx) {
    await tx.run(`DELETE FROM ${name}`);
  },
  async apply(e, tx) {
    if (e.data['i'] === failOn) throw new Error(`${name} cannot take tick ${failOn}`);
    await tx.run(`INSERT INTO ${name} (i) VALUES (?)`, [e.data['i'] as number]);
  },
});

describe('rebuild together: one pass over the log for every projection', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('reads the log once; a projection that cannot apply an event stops there alone, named with the event, and the others finish', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-rebuild-together-'));
    dirs.push(dir);
    const sqlite = sqliteEventStore({ path: join(dir, 'events.db') });
    let reads = 0;
    const store = { ...sqlite, readAll: (after?: number, size?: number) => (reads++, sqlite.readAll(after, size)) };
    const readModels = sqliteReadModelStore(join(dir, 'read-models.db'));
    const stops: string[] = [];
    const runner = projectionRunner({
      store,
      readModels,
      clock: systemClock,
      batchSize: 7,
      projections: [counter('first'), counter('plugin', 23), counter('last')],
      onStop: (name) => void stops.push(name),
    });
    const count = async (t: string) => (await readModels.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n;
    try {
      for (let i = 0; i < 50; i++)
        await store.append(
          `ticks-${i % 4}`,
          [{ id: deriveId('tick', String(i)), type: 'Tick', schemaVersion: 1, data: { i }, metadata: {} }],
          'any',
        );
      const progress = new Map<string, number>();
      const outcomes = await runner.rebuildTogether(undefined, (p) => void progress.set(p.projection, p.position));
      expect(reads).toBe(1);
      expect(outcomes.map((o) => ('position' in o ? [o.name, o.position] : [o.name, 'error']))).toEqual([
        ['first', 50],
        ['plugin', 'error'],
        ['last', 50],
      ]);
      const failure = outcomes[1]!;
      expect('error' in failure && failure.error).toBeInstanceOf(EventNotAppliedError);
      expect('error' in failure && (failure.error as EventNotAppliedError).event).toMatchObject({
        position: 24,
        id: deriveId('tick', '23'),
      });
      expect([await count('first'), await count('plugin'), await count('last')]).toEqual([50, 23, 50]);
      // each projection's own checkpoint: the plugin's stops just before the event it cannot apply
      expect(progress).toEqual(
        new Map([
          ['first', 50],
          ['plugin', 23],
          ['last', 50],
        ]),
      );
      expect(stops).toEqual(['plugin']);
      const status = new Map((await runner.status()).map((s) => [s.name, s]));
      expect(status.get('plugin')!.stopped).toMatchObject({ position: 24, type: 'Tick', error: 'plugin cannot take tick 23' });
      expect([status.get('first')!.lag, status.get('last')!.lag, status.get('plugin')!.position]).toEqual([0, 0, 23]);
    } finally {
      await readModels.close();
      await store.close();
    }
  });

  it('at start-up, the projections whose version changed are rebuilt in one pass, then followed live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-rebuild-start-'));
    dirs.push(dir);
    const sqlite = sqliteEventStore({ path: join(dir, 'events.db') });
    let reads = 0;
    const store = { ...sqlite, readAll: (after?: number, size?: number) => (reads++, sqlite.readAll(after, size)) };
    const readModels = sqliteReadModelStore(join(dir, 'read-models.db'));
    const count = async (t: string) => (await readModels.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n;
    const tick = (i: number) =>
      store.append(
        `ticks-${i % 4}`,
        [{ id: deriveId('tick', String(i)), type: 'Tick', schemaVersion: 1, data: { i }, metadata: {} }],
        'any',
      );
    const runnerOf = (version: number, failOn: number | null) =>
      projectionRunner({
        store,
        readModels,
        clock: systemClock,
        batchSize: 7,
        stoppedPollMs: 50,
        onError: () => undefined,
        projections: [counter('first', null, version), counter('plugin', failOn, version), counter('same')],
      });
    try {
      const before = runnerOf(1, null);
      await before.start();
      for (let i = 0; i < 40; i++) await tick(i);
      await waitFor(async () => (await before.status()).every((s) => s.lag === 0), 10_000, 'the first runner');
      await before.stop();
      reads = 0;
      // a release with new versions of two of them; the new plugin cannot take tick 23
      const after = runnerOf(2, 23);
      await after.start();
      await waitFor(
        async () => (await count('first')) === 40 && (await after.status()).find((s) => s.name === 'plugin')!.stopped !== null,
        10_000,
        'the rebuild at start-up',
      );
      expect(reads).toBe(1); // both rebuilt from one read
      expect([await count('first'), await count('plugin'), await count('same')]).toEqual([40, 23, 40]);
      await tick(40);
      await waitFor(async () => (await count('first')) === 41 && (await count('same')) === 41, 10_000, 'following live');
      expect((await after.status()).find((s) => s.name === 'plugin')!.stopped).toMatchObject({ position: 24, type: 'Tick' });
      await after.stop();
    } finally {
      await readModels.close();
      await store.close();
    }
  });

  it('leaves every read model as rebuilding each projection alone does', async () => {
    const who = [signer('+442079462501'), signer('+442079462502')];
    const clock = manualClock(new Date());
    const t = await testEngine({ numbers: who, clock });
    try {
      for (const p of who) expect([200, 201]).toContain((await signedFetch(t.base, p, 'POST', '/v1/accounts', { currency: 'EUR' })).status);
      const w = t.engine.wallet;
      const policy = { grantSeconds: 3600, reservationTtlSeconds: 120, chargeDecimals: 6 };
      const route = (carrierId: string, prefix: string): CallRoute => ({
        kind: 'pstn',
        retail: { prefix, row: { rate: '0.12', connectFee: '0', initial: 60, subsequent: 60, minimum: 0 } },
        carriers: [
          { carrierId, prefix, currency: 'EUR', row: { rate: '0.05', connectFee: '0', initial: 60, subsequent: 60, minimum: 0 }, uris: [] },
        ],
      });
      for (const [n, p] of who.entries()) {
        const pay = { processor: 'stripe', paymentId: `pi_${n}`, processorEventId: `evt_${n}` };
        await w.execute(p.keyid, { type: 'record-purchase', data: { ...pay, amount: '20', currency: 'EUR' } }, 't');
        for (let c = 0; c < 6; c++) {
          const callId = `call-${n}-${c}`;
          const at = clock.now().toISOString();
          const [destination, prefix, carrier] = c % 2 ? ['+33142685300', '33', 'beta'] : ['+442079460000', '44', 'alpha'];
          await w.execute(
            p.keyid,
            { type: 'authorize-call', data: { callId, destination, route: route(carrier, prefix), at, policy } },
            't',
          );
          const answered = c % 3 !== 2;
          await w.execute(
            p.keyid,
            {
              type: 'end-call',
              data: {
                callId,
                seconds: answered ? 30 + 17 * c : 0,
                origin: 'k',
                answered,
                answeredAt: answered ? at : null,
                endedAt: at,
                carrierId: null,
                reason: 'BYE',
                cdr: {},
                policy,
              },
            },
            't',
          );
        }
      }
      const rm = t.engine.readModels;
      const snapshot = async () => {
        const tables = await rm.query<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'trunkline_projection%' ORDER BY name",
        );
        const rows: Record<string, string[]> = {};
        for (const { name } of tables) rows[name] = (await rm.query(`SELECT * FROM "${name}"`)).map((r) => JSON.stringify(r)).sort();
        return rows;
      };
      const names = t.engine.runner.names();
      for (const name of names) await t.engine.runner.rebuild(name);
      const alone = await snapshot();
      for (const table of ['finance_traffic', 'wallet_ledger', 'call_records']) expect(alone[table]?.length ?? 0).toBeGreaterThan(0);
      // emptied under the checkpoints: only a replay into every projection brings the rows back
      for (const table of Object.keys(alone)) await rm.transaction((tx) => tx.run(`DELETE FROM "${table}"`));
      const outcomes = await t.engine.runner.rebuildTogether();
      expect(outcomes.filter((o) => 'error' in o)).toEqual([]);
      expect(outcomes.map((o) => o.name)).toEqual(names);
      expect(await snapshot()).toEqual(alone);
    } finally {
      await t.close();
    }
  });
});
