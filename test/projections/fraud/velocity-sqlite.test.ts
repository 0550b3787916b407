import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { velocityContract } from './velocity-contract';

describe('velocity projection on SQLite: batches equal one event at a time', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  velocityContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-velocity-'));
    dirs.push(dir);
    return sqliteReadModelStore(join(dir, 'read-models.sqlite'));
  });
});
