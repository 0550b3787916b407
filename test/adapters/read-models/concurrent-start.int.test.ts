import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine } from '../../../adapters/runtime/engine';
import { describePostgres } from '../../support/postgres';

/** A rolling deploy's first start: two nodes create the read models of a fresh database at once. */
describePostgres('two engines starting at once on a fresh PostgreSQL', (newDatabase) => {
  test('ten paired starts: every node prepares every projection', async () => {
    const failures: string[] = [];
    for (let round = 0; round < 10; round++) {
      const url = await newDatabase();
      const starts = [0, 1].map(async (n) => {
        const dir = mkdtempSync(join(tmpdir(), `trunkline-pair-${n}-`));
        const env = { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: url };
        try {
          const engine = await createEngine(loadConfig({ env, flags: { dataDir: dir }, cwd: dir }), { logger: pino({ level: 'silent' }) });
          try {
            await engine.runner.start();
            const status = await engine.runner.status();
            if (status.some((s) => s.lastError)) failures.push(`round ${round} node ${n}: ${JSON.stringify(status)}`);
          } finally {
            await engine.close();
          }
        } catch (error) {
          failures.push(`round ${round} node ${n}: ${(error as Error).message}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
      await Promise.all(starts);
    }
    expect(failures).toEqual([]);
  });
});
