import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointWorkers } from '../../../adapters/event-store/sqlite-checkpointer';
import type { Config } from '../../../adapters/runtime/config';
import { waitForProjection } from '../../../projections/wait';
import { freePort } from '../../beds/free-port';
import { describePostgres } from '../../support/postgres';
import { testEngine, type TestEngine } from '../../support/test-engine';
import { waitFor } from '../../support/wait';

const DECK = join(__dirname, '..', '..', 'fixtures', 'rating', 'decks', 'alpha-v1.csv');
const plugins = mkdtempSync(join(tmpdir(), 'trunkline-thread-plugins-'));
afterAll(() => rmSync(plugins, { recursive: true, force: true }));

/** A plugin whose projection counts `Tick` events; `code` runs first in its apply (a fault to inject). */
function tickPlugin(name: string, code: string, setup = ''): string {
  const file = join(plugins, `${name}.js`);
  writeFileSync(
    file,
    `const { z } = require(${JSON.stringify(require.resolve('zod'))});
    module.exports = { name: '${name}', register(host) {
      host.addEvents({ Tick: { schemaVersion: 1, schema: z.object({}) } });
      host.addProjection({ name: '${name}', version: 1, handles: ['Tick'],
        setup: async (tx) => { ${setup} await tx.run('CREATE TABLE IF NOT EXISTS ${name} (position INTEGER)'); },
        reset: (tx) => tx.run('DELETE FROM ${name}'),
        apply: async (e, tx) => { ${code} await tx.run('INSERT INTO ${name} VALUES (?)', [e.position]); } });
    } };`,
  );
  return file;
}

async function served(config: Partial<Config>, env: Record<string, string> = {}): Promise<TestEngine & { port: number }> {
  const port = await freePort();
  const t = await testEngine({ numbers: [], config: { projections: 'worker', port, ...config }, env });
  try {
    await t.engine.serve();
  } catch (error) {
    await t.close();
    throw error;
  }
  return { ...t, port };
}

const tick = (t: TestEngine, stream: string) =>
  t.engine.store.append(stream, [{ id: t.engine.ids.next(), type: 'Tick', schemaVersion: 1, data: {}, metadata: {} }], 'any');

/** The thread follows the serving thread's appends, /readyz and /metrics see its runner, and new rates reach the lookup. */
async function feedsTheServingThread(env: Record<string, string>): Promise<void> {
  const t = await served({}, env);
  try {
    // this thread's runner never starts: whatever the read models show, the other thread wrote
    expect((await t.engine.runner.status()).map((s) => s.running)).not.toContain(true);
    // ready once the thread's runner reports every projection caught up (a moment after it started)
    let ready: Response | null = null;
    await waitFor(async () => (ready = await fetch(`http://127.0.0.1:${t.port}/readyz`)).status === 200, 15_000, 'readyz');
    const body = (await ready!.json()) as { projections: { name: string; caughtUp: boolean }[] };
    expect(body.projections.map((p) => p.name)).toEqual(expect.arrayContaining(['balances', 'rates', 'finance']));

    await t.engine.rating.registerCarrier({ carrierId: 'alpha', name: 'Alpha', currency: 'EUR', preference: 1, trunks: [] });
    await t.engine.rating.importDeck({ carrierId: 'alpha', file: DECK });
    const head = await t.engine.store.head();
    expect(await waitForProjection(t.engine.readModels, 'rates', head, 15_000)).toBe(true);
    // no sync here: the thread tells this one that the rates moved, and the lookup reloads
    await waitFor(
      () => (t.engine.lookup.current().versions.get('carrier:alpha') ?? 0) > 0,
      15_000,
      'the serving lookup to load deck alpha',
    );
    expect(t.engine.lookup.current().carriers.get('alpha')).toBeDefined();

    const metrics = await (await fetch(`http://127.0.0.1:${t.port}/metrics`)).text();
    expect(metrics).toMatch(/trunkline_projection_lag_positions\{projection="rates"\} 0/);
  } finally {
    await t.close();
  }
}

describe('serve with projections: worker', () => {
  test('a worker thread feeds the read models from the serving thread’s appends, and the rates reach the serving lookup', () =>
    feedsTheServingThread({}));

  test('the thread checkpoints the serving thread’s SQLite files, and the process runs no checkpoint worker of its own', async () => {
    const t = await served({ plugins: [{ module: tickPlugin('checkpointed', ''), options: {} }] });
    try {
      expect(checkpointWorkers()).toBe(0);
      const log = join(t.engine.config.dataDir, 'events.sqlite');
      const before = statSync(log).size;
      for (let i = 0; i < 400; i++) await tick(t, `ticks-${i % 20}`);
      // the serving thread's connection never checkpoints (wal_autocheckpoint = 0): only the thread can grow the file
      await waitFor(() => statSync(log).size > before, 15_000, 'a checkpoint of the log by the projection thread');
    } finally {
      await t.close();
    }
  });

  test('a thread that dies is started again, also after a failed restart, and its projections go on from their checkpoints', async () => {
    const dies = join(plugins, 'die-once');
    const failsSetup = join(plugins, 'fail-setup-once');
    writeFileSync(dies, '');
    const fs = `require('node:fs')`;
    // its first Tick ends the thread (process.exit in a worker ends the worker, not the process)
    // and makes the next thread's setup fail once; the one after that carries on
    const file = tickPlugin(
      'dies_once',
      `if (${fs}.existsSync(${JSON.stringify(dies)})) { ${fs}.unlinkSync(${JSON.stringify(dies)}); ${fs}.writeFileSync(${JSON.stringify(failsSetup)}, ''); process.exit(3); }`,
      `if (${fs}.existsSync(${JSON.stringify(failsSetup)})) { ${fs}.unlinkSync(${JSON.stringify(failsSetup)}); throw new Error('not yet'); }`,
    );
    const t = await served({ plugins: [{ module: file, options: {} }] });
    try {
      await tick(t, 'ticks-1');
      await tick(t, 'ticks-2');
      const head = await t.engine.store.head();
      expect(await waitForProjection(t.engine.readModels, 'dies_once', head, 20_000)).toBe(true);
      expect([existsSync(dies), existsSync(failsSetup)]).toEqual([false, false]);
      // each Tick applied once: the dead thread's transaction was rolled back, not half kept
      expect(await t.engine.readModels.query('SELECT count(*) AS n FROM dies_once')).toEqual([{ n: 2 }]);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${t.port}/readyz`)).status === 200, 15_000, 'ready again');
      // the new thread serves the checkpoints again
      expect(checkpointWorkers()).toBe(0);
    } finally {
      await t.close();
    }
  });

  test('a projection that cannot set up fails serve, as it does in process', async () => {
    const file = tickPlugin('broken_setup', '', `throw new Error('no table for you');`);
    await expect(served({ plugins: [{ module: file, options: {} }] })).rejects.toThrow(/projection thread exited .* before it was ready/);
  });

  test('with the memory store the projections run on the serving thread (another thread cannot see its log)', async () => {
    const t = await served({}, { TRUNKLINE_STORE: 'memory' });
    try {
      expect((await t.engine.runner.status()).map((s) => s.running)).not.toContain(false);
    } finally {
      await t.close();
    }
  });
});

describePostgres('serve with projections: worker, on PostgreSQL', (newDatabase) => {
  test('the thread is woken by NOTIFY, feeds the PostgreSQL read models, and the rates reach the serving lookup', async () =>
    feedsTheServingThread({ TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: await newDatabase() }));
});
