import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { deriveId } from '../../../core/ids';
import { waitFor } from '../../support/wait';

describe('SQLite WAL checkpoints in a worker thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-ckpt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the log back into the database file off the event loop, and the store reads everything after reopening', async () => {
    const path = join(dir, 'events.db');
    const store = sqliteEventStore({ path });
    const emptySize = statSync(path).size;
    const data = { note: 'x'.repeat(500) };
    for (let i = 0; i < 2000; i++)
      await store.append(`s-${i % 50}`, [{ id: deriveId('ckpt', String(i)), type: 'Noted', schemaVersion: 1, data, metadata: {} }], 'any');
    // the connection itself never checkpoints any more (wal_autocheckpoint = 0): only the worker can grow the file
    await waitFor(() => statSync(path).size > emptySize + 500 * 1000, 10_000, 'a checkpoint by the worker');
    await store.close();
    const again = sqliteEventStore({ path });
    let n = 0;
    for await (const _ of again.readAll(0)) n++;
    expect(n).toBe(2000);
    await again.close();
  });
});
