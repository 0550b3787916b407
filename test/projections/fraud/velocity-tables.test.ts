import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { createTables } from '../../../projections/fraud/velocity-tables';

describe('velocity tables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-velocity-tables-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const indexes = async (file: string, setup: (rm: ReturnType<typeof sqliteReadModelStore>) => Promise<void>) => {
    const rm = sqliteReadModelStore(join(dir, file), { checkpointInBackground: false });
    try {
      await setup(rm);
      const rows = await rm.query<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'velocity_activity' AND sql IS NOT NULL",
      );
      return rows.map((r) => r.name);
    } finally {
      await rm.close();
    }
  };

  // every paid call writes each index of velocity_activity; the rules read an account's rows by number alone (its key)
  it('keeps no index on the activity rows beyond their key', async () => {
    expect(await indexes('fresh.sqlite', (rm) => rm.migrate(createTables))).toEqual([]);
  });

  it('drops the time index an older version made', async () => {
    const found = await indexes('older.sqlite', async (rm) => {
      await rm.migrate(createTables);
      await rm.migrate((tx) => tx.run('CREATE INDEX velocity_activity_time ON velocity_activity (number, at_ms)'));
      await rm.migrate(createTables);
    });
    expect(found).toEqual([]);
  });
});
