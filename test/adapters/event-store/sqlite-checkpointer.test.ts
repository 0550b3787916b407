import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import Database from 'better-sqlite3';
import { MessageChannel } from 'node:worker_threads';
import { serveCheckpoints } from '../../../adapters/event-store/checkpoint-loop';
import { checkpointThread } from '../../support/checkpoint-thread';
import { checkpointWorkers, checkpointsServedBy, reportCheckpointErrors } from '../../../adapters/event-store/sqlite-checkpointer';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
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

  it('starts one worker once a WAL is large, which checkpoints every file of the thread and ends with the last connection', async () => {
    const eventsPath = join(dir, 'shared-events.db');
    const modelsPath = join(dir, 'shared-models.db');
    expect(checkpointWorkers()).toBe(0);
    const store = sqliteEventStore({ path: eventsPath });
    const models = sqliteReadModelStore(modelsPath);
    // a thread that writes little has no worker (a WAL of 4 MiB starts it, as it would start SQLite's own checkpoint)
    await new Promise((r) => setTimeout(r, 1500));
    expect(checkpointWorkers()).toBe(0);
    const eventsEmpty = statSync(eventsPath).size;
    const modelsEmpty = statSync(modelsPath).size;
    const data = { note: 'y'.repeat(500) };
    for (let i = 0; i < 1000; i++)
      await store.append(
        `s-${i % 20}`,
        [{ id: deriveId('shared', String(i)), type: 'Noted', schemaVersion: 1, data, metadata: {} }],
        'any',
      );
    await models.transaction(async (tx) => {
      await tx.run('CREATE TABLE notes (n INTEGER PRIMARY KEY, note TEXT NOT NULL)');
      for (let i = 0; i < 1000; i++) await tx.run('INSERT INTO notes (n, note) VALUES (?, ?)', [i, data.note]);
    });
    expect(statSync(`${eventsPath}-wal`).size).toBeGreaterThan(4 * 1024 * 1024);
    await waitFor(() => checkpointWorkers() === 1, 10_000, 'the worker');
    await waitFor(() => statSync(eventsPath).size > eventsEmpty + 250 * 1000, 10_000, 'a checkpoint of the log');
    await waitFor(() => statSync(modelsPath).size > modelsEmpty + 250 * 1000, 10_000, 'a checkpoint of the read models');
    await store.close();
    expect(checkpointWorkers()).toBe(1);
    await models.close();
    expect(checkpointWorkers()).toBe(0);
  });

  it('hands the files to a thread that serves the checkpoints, and takes them back from SQLite when it goes', async () => {
    const path = join(dir, 'served-events.db');
    let db: Database.Database | null = null;
    const store = sqliteEventStore({ path, onOpen: (opened) => (db = opened) });
    const autocheckpoint = () => db!.pragma('wal_autocheckpoint', { simple: true });
    // the other end stands for the projection thread
    const channel = new MessageChannel();
    const served = serveCheckpoints(channel.port2, 50);
    checkpointsServedBy(channel.port1);
    expect(checkpointWorkers()).toBe(0);
    expect(autocheckpoint()).toBe(0);
    const empty = statSync(path).size;
    const data = { note: 'z'.repeat(500) };
    for (let i = 0; i < 1000; i++)
      await store.append(
        `s-${i % 20}`,
        [{ id: deriveId('served', String(i)), type: 'Noted', schemaVersion: 1, data, metadata: {} }],
        'any',
      );
    await waitFor(() => statSync(path).size > empty + 250 * 1000, 10_000, 'a checkpoint by the serving end');
    expect(checkpointWorkers()).toBe(0);
    // that thread gone, the connection checkpoints itself
    served.close();
    await waitFor(() => autocheckpoint() === 1000, 10_000, 'SQLite’s own checkpoints again');
    expect(checkpointWorkers()).toBe(0);
    await store.close();
  });

  it('tells every one who asked of a checkpoint that failed in the serving thread, until each stops asking', async () => {
    const path = join(dir, 'failing-events.db');
    const store = sqliteEventStore({ path });
    const channel = new MessageChannel();
    const served = serveCheckpoints(channel.port2, 50);
    checkpointsServedBy(channel.port1);
    const heard: string[] = [];
    const stopFirst = reportCheckpointErrors((file, message) => heard.push(`first: ${file} ${message}`));
    const stopSecond = reportCheckpointErrors((file, message) => heard.push(`second: ${file} ${message}`));
    try {
      // what the loop sends when a checkpoint throws (a disk refusing the database file's writes)
      channel.port2.postMessage({ type: 'error', path, message: 'database or disk is full' });
      await waitFor(() => heard.length === 2, 5000, 'the reports');
      expect(heard).toEqual([`first: ${path} database or disk is full`, `second: ${path} database or disk is full`]);
      stopFirst();
      channel.port2.postMessage({ type: 'error', path, message: 'disk I/O error' });
      await waitFor(() => heard.length === 3, 5000, 'the second report');
      expect(heard[2]).toBe(`second: ${path} disk I/O error`);
      stopSecond();
      channel.port2.postMessage({ type: 'error', path, message: 'disk I/O error' });
      // messages on a port arrive in order: once this one is in, the one before was not heard
      const later = new Promise((resolve) => channel.port1.once('message', resolve));
      channel.port2.postMessage({ type: 'removed', id: -1 });
      await later;
      expect(heard).toHaveLength(3);
    } finally {
      stopFirst();
      stopSecond();
      served.close();
      await store.close();
    }
  });

  it('keeps the WAL bounded while appends never pause: a large log is checkpointed and restarted in one go', async () => {
    // PASSIVE checkpoints from another thread never catch up with a writer that does not stop,
    // and SQLite starts its log again only once every frame is copied back: the WAL grew by
    // every append (some 15 KB here) for as long as the writes went on
    const path = join(dir, 'busy-events.db');
    const store = sqliteEventStore({ path });
    const served = await checkpointThread({ everyMs: 20, restartAtFrames: 256 });
    const walBytes = () => {
      try {
        return statSync(`${path}-wal`).size;
      } catch {
        return 0;
      }
    };
    const data = { note: 'w'.repeat(500) };
    let largest = 0;
    const appends = 10_000;
    try {
      for (let i = 0; i < appends; i++) {
        await store.append(
          `s-${i % 50}`,
          [{ id: deriveId('busy', String(i)), type: 'Noted', schemaVersion: 1, data, metadata: {} }],
          'any',
        );
        if (i % 100 === 0) largest = Math.max(largest, walBytes());
      }
      largest = Math.max(largest, walBytes());
    } finally {
      await store.close();
      await served.thread.terminate();
    }
    expect(served.restarts.filter((r) => !r.refused).length).toBeGreaterThan(0);
    // 256 frames of 4 KiB and what is appended during a restart and until the next (each syncs the
    // database file first): some 15–25 MB here, and up to 50 MB seen while other suites ran beside it
    // (the checkpoint thread then waits for a core); without the restart the WAL holds every append, some 150 MB
    expect(largest).toBeLessThan(96 * 1024 * 1024);
    const again = sqliteEventStore({ path, checkpointInBackground: false });
    let n = 0;
    for await (const _ of again.readAll(0)) n++;
    expect(n).toBe(appends);
    await again.close();
  });

  it('lets a reader that keeps its snapshot hold off a restart, and tries again only after as much more is written', async () => {
    // a restart holds off writers while it waits for the readers: tried every 20 ms against a
    // reader that stays, it would stall the appends every 20 ms
    const path = join(dir, 'held-events.db');
    const store = sqliteEventStore({ path });
    const served = await checkpointThread({ everyMs: 20, restartAtFrames: 256 });
    const reader = new Database(path, { readonly: true });
    const data = { note: 'r'.repeat(500) };
    let frames = 0;
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM events').get();
      // paced, so many checkpoints pass between two thresholds' worth of frames
      for (let i = 0; i < 300; i++) {
        await store.append(
          `s-${i % 50}`,
          [{ id: deriveId('held', String(i)), type: 'Noted', schemaVersion: 1, data, metadata: {} }],
          'any',
        );
        await new Promise((r) => setTimeout(r, 3));
      }
      frames = statSync(`${path}-wal`).size / 4120;
      const whileHeld = [...served.restarts];
      expect(whileHeld.length).toBeGreaterThan(0);
      expect(whileHeld.every((r) => r.refused)).toBe(true);
      // one try per 256 frames written at most, where one per checkpoint would be dozens
      expect(whileHeld.length).toBeLessThanOrEqual(Math.ceil(frames / 256));
      reader.exec('COMMIT');
      // the reader gone, the next try that comes succeeds (bounded: the WAL may also start again by itself meanwhile)
      for (let i = 300; i < 3300 && !served.restarts.some((r) => !r.refused); i++) {
        await store.append(
          `s-${i % 50}`,
          [{ id: deriveId('held', String(i)), type: 'Noted', schemaVersion: 1, data, metadata: {} }],
          'any',
        );
        if (i % 100 === 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(served.restarts.some((r) => !r.refused)).toBe(true);
    } finally {
      reader.close();
      await store.close();
      await served.thread.terminate();
    }
  });
});
