import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSqliteIntegrity } from '../../../adapters/event-store/sqlite-integrity';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { deriveId } from '../../../core/ids';

async function writeLog(path: string, batches: number): Promise<void> {
  const store = sqliteEventStore({ path });
  for (let b = 0; b < batches; b++) {
    const events = Array.from({ length: 50 }, (_, i) => ({
      id: deriveId('integrity', String(b), String(i)),
      type: 'Noted',
      schemaVersion: 1,
      data: { note: 'y'.repeat(80) },
      metadata: {},
    }));
    await store.append(`s-${b % 10}`, events, 'any');
  }
  await store.close();
}

describe('checkSqliteIntegrity', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-integrity-'));
    path = join(dir, 'events.sqlite');
    await writeLog(path, 40);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('passes a sound file, and a file not there yet', async () => {
    expect(await checkSqliteIntegrity(path, 10_000)).toEqual({ status: 'ok' });
    expect(await checkSqliteIntegrity(join(dir, 'none.sqlite'), 10_000)).toEqual({ status: 'ok' });
  });

  test('leaves a check that outlasts its budget running, and hands over its verdict', async () => {
    const verdict = await checkSqliteIntegrity(path, 0);
    expect(verdict.status).toBe('unfinished');
    expect(verdict.status === 'unfinished' && (await verdict.outcome)).toEqual({ status: 'ok' });
  });

  test('finds a page overwritten in the middle, one problem a line', async () => {
    const broken = join(dir, 'broken.sqlite');
    await writeLog(broken, 40);
    const fd = openSync(broken, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(statSync(broken).size / 8192) * 4096);
    closeSync(fd);
    const verdict = await checkSqliteIntegrity(broken, 10_000);
    expect(verdict.status).toBe('corrupt');
    const problems = verdict.status === 'corrupt' ? verdict.problems : [];
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.length).toBeLessThanOrEqual(5);
    for (const p of problems) expect(p).not.toMatch(/\n|\*\*\*/);
  });

  test('calls a file that is not SQLite at all corrupt', async () => {
    const text = join(dir, 'text.sqlite');
    writeFileSync(text, 'x'.repeat(10_000));
    expect(await checkSqliteIntegrity(text, 10_000)).toMatchObject({ status: 'corrupt' });
  });
});
