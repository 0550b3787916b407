import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../adapters/runtime/config';
import { createEngine, type Engine, type EngineOptions } from '../../adapters/runtime/engine';
import type { Clock } from '../../core/clock';
import { listen } from './listen';
import { rawPublicKey, type Signer } from './signed-fetch';

export interface TestEngine {
  readonly engine: Engine;
  readonly base: string;
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * An engine on a fresh data directory, served on a free loopback port: `numbers` publish their
 * keys in the static directory (`onNet` numbers a SIP URI too), `operators` sign with the
 * roles given. Nothing is opened: each suite opens the accounts it needs.
 */
export async function testEngine(options: {
  numbers: readonly Signer[];
  onNet?: Readonly<Record<string, string>>;
  operators?: readonly { readonly who: Signer; readonly roles: readonly string[] }[];
  env?: Record<string, string>;
  config?: Partial<Config>;
  clock?: Clock;
  /** Where the engine logs (default: nowhere). */
  logger?: Logger;
  /** Leave the data directory when closing (a benchmark serves it afterwards). */
  keepData?: boolean;
  /** More engine options (a hook on the SQLite connections, to simulate a full disk). */
  engine?: EngineOptions;
}): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-test-'));
  const numbers: Record<string, { keys: string[]; sip?: string[] }> = {};
  for (const p of options.numbers) numbers[p.keyid] = { keys: [rawPublicKey(p.publicKey)] };
  for (const [n, uri] of Object.entries(options.onNet ?? {})) numbers[n] = { ...(numbers[n] ?? { keys: [] }), sip: [uri] };
  writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers }));
  const config = loadConfig({ env: options.env ?? {}, flags: { dataDir: dir }, cwd: dir });
  const operators = (options.operators ?? []).map((o) => ({
    id: o.who.keyid,
    publicKey: rawPublicKey(o.who.publicKey),
    roles: [...o.roles],
  }));
  const engine = await createEngine(
    { ...config, ...(operators.length ? { operators } : {}), ...options.config },
    {
      ...options.engine,
      logger: options.logger ?? pino({ level: process.env['TEST_LOG'] ?? 'silent' }),
      ...(options.clock ? { clock: options.clock } : {}),
    },
  );
  const { base, close } = await listen(engine.app);
  return {
    engine,
    base,
    dir,
    async close() {
      await close();
      await engine.close();
      if (!options.keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}
