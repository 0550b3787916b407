import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { projectionRunnerContract } from '../../contract/projection-runner.contract';

describe('projections on SQLite read models', () => {
  projectionRunnerContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-rm-'));
    const path = join(dir, 'read-models.sqlite');
    const readModels = sqliteReadModelStore(path);
    return {
      readModels,
      // A second connection in the same process would block the one thread in SQLite's busy wait
      // while the first holds an open async transaction; nodes sharing an SQLite file are separate
      // processes (see the crash and CLI tests), so here the second "node" shares the connection.
      another: async () => ({ ...readModels, close: async () => undefined }),
      cleanup: async () => {
        await readModels.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
