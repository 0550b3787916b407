import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetrics, watchWals } from '../../../adapters/runtime/metrics';

describe('the WAL gauge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-metrics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the size of each WAL at every scrape, and 0 for a file without one', async () => {
    const metrics = createMetrics();
    const events = join(dir, 'events.sqlite');
    watchWals(metrics, [
      { role: 'events', path: events },
      { role: 'spent-nonces', path: join(dir, 'spent-nonces.sqlite') },
    ]);
    writeFileSync(`${events}-wal`, Buffer.alloc(4120 * 3));
    const scrape = async () => (await metrics.registry.getSingleMetricAsString('trunkline_sqlite_wal_bytes')).split('\n');
    expect(await scrape()).toEqual(
      expect.arrayContaining(['trunkline_sqlite_wal_bytes{file="events"} 12360', 'trunkline_sqlite_wal_bytes{file="spent-nonces"} 0']),
    );
    writeFileSync(`${events}-wal`, Buffer.alloc(4120 * 5));
    expect(await scrape()).toContain('trunkline_sqlite_wal_bytes{file="events"} 20600');
  });
});
