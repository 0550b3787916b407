import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlugin } from '../../../adapters/runtime/plugin-loader';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine } from '../../../adapters/runtime/engine';
import pino from 'pino';
import { InvalidEventError } from '../../../core/events/codec';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-plugins-'));

describe('plugins', () => {
  test('a module without a name and register function is refused with its path', () => {
    const file = join(dir, 'bad.js');
    writeFileSync(file, 'module.exports = { hello: 1 };');
    expect(() => loadPlugin(file)).toThrow(`plugin ${file}: must export a name and a register function or a containerModule`);
    expect(() => loadPlugin(join(dir, 'missing.js'))).toThrow(/cannot load/);
  });

  test('a plain CommonJS plugin registers a projection that the engine runs, with its options', async () => {
    const file = join(dir, 'counter.js');
    writeFileSync(
      file,
      `const { z } = require(${JSON.stringify(require.resolve('zod'))});
      module.exports = { name: 'counter', register(host) {
        // the events it writes: the engine appends no type it does not know
        host.addEvents({ Wanted: { schemaVersion: 1, schema: z.object({}) }, Other: { schemaVersion: 1, schema: z.object({}) } });
        host.addProjection({ name: 'counter', version: 1, handles: host.options.types,
          setup: (tx) => tx.run('CREATE TABLE IF NOT EXISTS counter (n INTEGER)'),
          reset: (tx) => tx.run('DELETE FROM counter'),
          apply: (e, tx) => tx.run('INSERT INTO counter VALUES (?)', [e.position]) });
      } };`,
    );
    const config = loadConfig({ env: { TRUNKLINE_STORE: 'memory' }, flags: { dataDir: join(dir, 'data') }, cwd: dir });
    const engine = await createEngine(
      { ...config, plugins: [{ module: file, options: { types: ['Wanted'] } }] },
      { logger: pino({ level: 'silent' }) },
    );
    try {
      expect(engine.plugins).toEqual([
        'catalogue',
        'rates',
        'wholesale-csv',
        'cgrates',
        'pricing',
        'stripe',
        'trial-credit',
        'vouchers',
        'sms-smpp',
        'sms-http',
        'velocity-rules',
        'counter',
      ]);
      const ev = (type: string) => ({ id: engine.ids.next(), type, schemaVersion: 1, data: {}, metadata: {} });
      await engine.store.append('s', [ev('Wanted'), ev('Other'), ev('Wanted')], 'no-stream');
      await engine.runner.catchUp('counter');
      expect(await engine.readModels.query('SELECT n FROM counter ORDER BY n')).toEqual([{ n: 1 }, { n: 3 }]);
      expect((await engine.runner.status()).find((s) => s.name === 'counter')).toMatchObject({ position: 3, lag: 0 });
    } finally {
      await engine.close();
    }
  });

  test("a plugin's events are appended only once it declares them, and only as their schema allows", async () => {
    const file = join(dir, 'declares.js');
    writeFileSync(
      file,
      `const { z } = require(${JSON.stringify(require.resolve('zod'))});
      module.exports = { name: 'declares', register(host) {
        host.addEvents({ Counted: { schemaVersion: 1, schema: z.object({ n: z.number().int().positive() }) } });
      } };`,
    );
    const clash = join(dir, 'clash.js');
    writeFileSync(
      clash,
      `module.exports = { name: 'clash', register(host) { host.addEvents({ CreditPurchased: { schemaVersion: 1, schema: null } }); } };`,
    );
    const config = loadConfig({ env: { TRUNKLINE_STORE: 'memory' }, flags: { dataDir: join(dir, 'data2') }, cwd: dir });
    await expect(
      createEngine({ ...config, plugins: [{ module: clash, options: {} }] }, { logger: pino({ level: 'silent' }) }),
    ).rejects.toThrow('plugin clash: an event type named CreditPurchased exists already');
    const engine = await createEngine({ ...config, plugins: [{ module: file, options: {} }] }, { logger: pino({ level: 'silent' }) });
    try {
      const ev = (type: string, n: number) => ({ id: engine.ids.next(), type, schemaVersion: 1, data: { n }, metadata: {} });
      await expect(engine.store.append('s', [ev('Counted', -1)], 'any')).rejects.toThrow(InvalidEventError);
      await expect(engine.store.append('s', [ev('Undeclared', 1)], 'any')).rejects.toThrow(/unknown event type/);
      expect(await engine.store.head()).toBe(0);
      await engine.store.append('s', [ev('Counted', 1)], 'any');
      expect(await engine.store.head()).toBe(1);
    } finally {
      await engine.close();
    }
  });
});
