import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

const UK = '+442079460000';
/** SQLite's own ceiling (2^32 - 2 pages): what the connection allows when nothing limits it. */
const NO_LIMIT = 4294967294;

/**
 * A full disk, simulated honestly: PRAGMA max_page_count on the engine's own connection to the
 * log stops the file growing, and every write that needs one more page fails with SQLITE_FULL,
 * the code SQLite gives when the disk is full, at the same place (the append's transaction).
 * Raising the limit again stands for space freed.
 */
describe('storage health: the log on a full disk', () => {
  const alice = signer('+442079460958');
  let bed: CallsEngine;
  let log: Database.Database | undefined;
  beforeAll(async () => {
    bed = await callsEngine({ people: [alice], engine: { onSqliteOpen: (role, db) => role === 'events' && (log = db) } });
    await bed.fund(alice.keyid, '10');
    await bed.engine.runner.start();
    await waitFor(async () => (await fetch(`${bed.base}/readyz`)).status === 200, 10_000, 'ready');
  });
  afterAll(() => bed.close());

  const metric = async (line: RegExp) => {
    const m = line.exec(await (await fetch(`${bed.base}/metrics`)).text());
    return m ? Number(m[1]) : null;
  };
  /**
   * Appends until the file is full to the brim: ever smaller events, each in a stream of its own
   * with an id of its own (so neither index has a page left with room), until twenty in a row fail.
   * Returns the first refusal.
   */
  const fill = async (): Promise<unknown> => {
    let first: unknown = null;
    for (const pad of [4000, 1000, 200, 20]) {
      for (let failures = 0, i = 0; failures < 20 && i < 2000; i++) {
        const id = randomUUID();
        // a valid event (the log refuses others before they reach the disk): a CDR kept for review, padded
        const data = { accountId: id, callId: id, origin: 'filler', cdr: { pad: 'f'.repeat(pad) } };
        const event = { id, type: 'CdrUnmatched', schemaVersion: 1, data, metadata: {} };
        await bed.engine.store.append(`filler-${id}`, [event], 'no-stream').then(
          () => (failures = 0),
          (error: unknown) => {
            first ??= error;
            failures++;
          },
        );
      }
    }
    return first;
  };

  test('turns readiness off within a second, answers 503 problems, and recovers once space is freed', async () => {
    expect(await metric(/^trunkline_storage_healthy\{store="events"\} (\d+)$/m)).toBe(1);
    const db = log!;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    expect(await fill()).not.toBeNull();
    const full = Date.now();

    await waitFor(async () => (await fetch(`${bed.base}/readyz`)).status === 503, 1000, 'not ready');
    expect(Date.now() - full).toBeLessThan(1000);
    const ready = await fetch(`${bed.base}/readyz`);
    const readyText = await ready.text();
    expect(JSON.parse(readyText)).toMatchObject({ status: 503, detail: 'storage failing: events', checks: { storage: 'events: full' } });
    expect(readyText).not.toMatch(/SQLITE|sqlite|\/tmp/);

    const auth = await bed.hook('authorize', { call_id: 'on-a-full-disk', caller: alice.keyid, callee: UK });
    const authText = await auth.text();
    expect(auth.status).toBe(503);
    expect(auth.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(auth.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(authText)).toMatchObject({ type: 'https://trunkline.dev/problems/storage-unavailable', status: 503 });
    expect(authText).not.toMatch(/SQLITE|sqlite|\/tmp|database/);

    expect(await metric(/^trunkline_storage_healthy\{store="events"\} (\d+)$/m)).toBe(0);
    expect(await metric(/^trunkline_storage_failures_total\{store="events",fault="full"\} (\d+)$/m)).toBeGreaterThanOrEqual(2);
    // the probe keeps finding the disk full: still not ready two probes later
    await new Promise((r) => setTimeout(r, 2100));
    expect((await fetch(`${bed.base}/readyz`)).status).toBe(503);

    db.pragma(`max_page_count = ${NO_LIMIT}`);
    const freed = Date.now();
    await waitFor(async () => (await fetch(`${bed.base}/readyz`)).status === 200, 3000, 'ready again');
    expect(Date.now() - freed).toBeLessThan(2500);
    expect(await metric(/^trunkline_storage_healthy\{store="events"\} (\d+)$/m)).toBe(1);
    const again = await bed.hook('authorize', { call_id: 'after-space-freed', caller: alice.keyid, callee: UK });
    expect(again.status).toBe(200);
  }, 30_000);
});
