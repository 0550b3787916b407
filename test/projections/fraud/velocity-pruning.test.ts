import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { RECENT_MINUTES } from '../../../core/fraud/velocity';
import { velocityProjection } from '../../../projections/fraud/velocity';
import { velocityLog } from '../../support/velocity-log';

describe('velocity activity rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-velocity-pruning-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // the rules read an hour back at most; a call that failed is over, and keeping it for a day let an account's
  // failed attempts pile up in memory and in each paid call's scan of its rows
  it('lets a failed call go with the rows two hours old, not a day later', async () => {
    const store = sqliteReadModelStore(join(dir, 'read-models.sqlite'), { checkpointInBackground: false });
    try {
      const p = velocityProjection([]);
      await store.migrate((tx) => p.setup(tx));
      const log = velocityLog();
      const failed = log.filter((e) => e.type === 'CallFailed').length;
      expect(failed).toBeGreaterThan(20); // the log's four days hold enough to see
      for (let i = 0; i < log.length; i += 50) await store.transaction((tx) => p.applyBatch!(log.slice(i, i + 50), tx));
      const rows = await store.query<{ number: string; at_ms: number | string; seconds: number | null; charged_ms: number | null }>(
        'SELECT number, at_ms, seconds, charged_ms FROM velocity_activity',
      );
      const newest = new Map<string, number>();
      for (const r of rows) newest.set(r.number, Math.max(newest.get(r.number) ?? 0, Number(r.at_ms)));
      const stale = rows.filter(
        (r) =>
          r.seconds !== null && r.charged_ms === null && Number(r.at_ms) < newest.get(r.number)! - 2 * RECENT_MINUTES * 60_000 - 3_600_000,
      );
      expect(stale).toEqual([]);
      expect(rows.some((r) => r.seconds !== null && r.charged_ms === null)).toBe(true); // recent failures stay
    } finally {
      await store.close();
    }
  });
});
