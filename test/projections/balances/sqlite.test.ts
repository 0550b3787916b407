import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { balancesContract } from './balances-contract';

describe('balances projection on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-balances-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  balancesContract(async () => sqliteReadModelStore(join(dir, `rm-${n++}.db`)));
});
