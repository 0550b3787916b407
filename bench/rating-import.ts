/** One deck import through the engine, as `carriers import-deck` runs it, timed phase by phase. */
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';
import type { ImportTimes } from './import-floor';

export type Engine = Awaited<ReturnType<typeof createEngine>>;

/** A fresh engine on `dir`, with carrier `big` registered (not timed). */
export async function engineWithCarrier(dir: string): Promise<Engine> {
  const config = loadConfig({ env: {}, flags: { dataDir: join(dir, 'data') }, cwd: dir });
  const engine = await createEngine(
    { ...config, pluginOptions: { pricing: { markupPercent: '20' } } },
    { logger: pino({ level: 'silent' }) },
  );
  await engine.rating.registerCarrier({ carrierId: 'big', name: 'Big', currency: 'EUR', preference: 1, trunks: [] });
  return engine;
}

const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9;

/** Parse + events appended, the rates projection caught up, the lookup refreshed: the deck is quotable. */
export async function engineImport(engine: Engine, csv: string): Promise<ImportTimes> {
  const t0 = process.hrtime.bigint();
  const imported = await engine.rating.importDeck({ carrierId: 'big', file: csv });
  const t1 = process.hrtime.bigint();
  await engine.runner.catchUp('rates');
  const t2 = process.hrtime.bigint();
  await engine.lookup.refresh();
  const t3 = process.hrtime.bigint();
  const deck = engine.lookup.current().carriers.get('big');
  if (deck?.prefixes.length !== imported.rows) throw new Error(`imported ${imported.rows} rows, lookup has ${deck?.prefixes.length}`);
  return { parse: seconds(t0, t1), write: seconds(t1, t2), lookup: seconds(t2, t3), total: seconds(t0, t3), rows: imported.rows };
}
