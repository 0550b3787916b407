import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { systemClock } from '../../../core/clock';
import type { RecordedEvent } from '../../../core/events/envelope';
import { catalogueProjection } from '../../../projections/catalogue/projection';
import { listStreams } from '../../../projections/catalogue/queries';
import { projectionRunner } from '../../../projections/runner';
import { collect } from '../../support/events';
import { exited, spawnTs, waitForLine } from '../../support/cli';
import { postgresEventStore } from '../../../adapters/event-store/postgres';
import { describePostgres } from '../../support/postgres';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const BATCH = 10;

/** Parses the `ack <batch> <position>` lines a killed child managed to write. */
function acks(output: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of output.split('\n')) {
    const m = /^ack (\S+) (\d+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** `target`: a data directory (SQLite) or a postgres:// URL. */
async function burstAndKill(target: string, killAfterAcks: number): Promise<Map<string, number>> {
  const child = spawnTs(join(FIXTURES, 'append-burst.ts'), [target, '1000000', String(BATCH)]);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  await waitForLine(child, new RegExp(`^ack \\S+-${killAfterAcks} `), 60_000);
  child.kill('SIGKILL');
  await exited(child);
  return acks(output);
}

function checkLog(events: readonly RecordedEvent[], acked: Map<string, number>): void {
  // positions 1..n with no gap, in commit order
  expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
  // every acknowledged batch is there, whole
  const byBatch = new Map<string, RecordedEvent[]>();
  for (const e of events) {
    const b = String(e.data['batch']);
    byBatch.set(b, [...(byBatch.get(b) ?? []), e]);
  }
  for (const [batch, position] of acked) {
    const stored = byBatch.get(batch);
    expect(stored?.length).toBe(BATCH);
    expect(stored![BATCH - 1]!.position).toBe(position);
  }
  // no batch is half-written, acknowledged or not
  for (const stored of byBatch.values()) expect(stored.map((e) => e.data['index'])).toEqual([...Array(BATCH).keys()]);
  // versions in every stream are contiguous from 0
  const versions = new Map<string, number>();
  for (const e of events) {
    expect(e.version).toBe((versions.get(e.stream) ?? -1) + 1);
    versions.set(e.stream, e.version);
  }
}

describe('kill -9 in the middle of work', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-crash-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('appends: every acknowledged event survives, no batch is half-written, positions stay gap-free', async () => {
    const first = await burstAndKill(dir, 400);
    const second = await burstAndKill(dir, 300);
    expect(first.size).toBeGreaterThanOrEqual(400);
    const store = sqliteEventStore({ path: join(dir, 'events.sqlite') });
    try {
      const events = await collect(store.readAll(0, 5000));
      checkLog(events, new Map([...first, ...second]));
      const after = await store.append(
        'after-crash',
        [{ id: '0190f000-0000-7000-8000-000000000001', type: 'X', schemaVersion: 1, data: {}, metadata: {} }],
        'no-stream',
      );
      expect(after.position).toBe(events.length + 1);
    } finally {
      await store.close();
    }
  });

  test('projection: after a kill mid-catch-up it resumes from its checkpoint and applies nothing twice', async () => {
    await burstAndKill(dir, 3000);
    const child = spawnTs(join(FIXTURES, 'project-catalogue.ts'), [dir, '500']);
    await waitForLine(child, /^at ([5-9]\d{3}|\d{5,})$/, 60_000);
    child.kill('SIGKILL');
    await exited(child);

    const store = sqliteEventStore({ path: join(dir, 'events.sqlite') });
    const readModels = sqliteReadModelStore(join(dir, 'read-models.sqlite'));
    try {
      const runner = projectionRunner({ store, readModels, projections: [catalogueProjection], clock: systemClock, batchSize: 500 });
      const [before] = await runner.status();
      expect(before!.position).toBeGreaterThan(0);
      expect(before!.position).toBeLessThan(before!.head);
      await runner.catchUp('catalogue');
      const events = await collect(store.readAll(0, 5000));
      const expected = new Map<string, number>();
      for (const e of events) expected.set(e.stream, (expected.get(e.stream) ?? 0) + 1);
      const listed = await listStreams(readModels, { limit: 1000 });
      expect(new Map(listed.map((s) => [s.stream, s.events]))).toEqual(expected);
    } finally {
      await readModels.close();
      await store.close();
    }
  });
});

describePostgres('kill -9 in the middle of appends to PostgreSQL', (newDatabase) => {
  test('every acknowledged event survives, no batch is half-written, positions stay gap-free', async () => {
    const url = await newDatabase();
    const first = await burstAndKill(url, 200);
    const second = await burstAndKill(url, 100);
    const store = await postgresEventStore({ url });
    try {
      const events = await collect(store.readAll(0, 5000));
      checkLog(events, new Map([...first, ...second]));
    } finally {
      await store.close();
    }
  });
});
