import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { deriveId } from '../../../core/ids';
import { freePort } from '../../beds/free-port';
import { BIN, childEnv, ROOT } from '../../support/cli';

const PAGE = 4096;

/** A log of `count` events in `path`, closed (checkpointed into the main file) when it returns. */
async function writeLog(path: string, count: number): Promise<void> {
  const store = sqliteEventStore({ path });
  for (let b = 0; b < count / 50; b++) {
    const events = Array.from({ length: 50 }, (_, i) => ({
      id: deriveId('corrupt-test', String(b), String(i)),
      type: 'BurstEvent',
      schemaVersion: 1,
      data: { batch: b, index: i, note: 'x'.repeat(64) },
      metadata: { actor: 'corrupt-test' },
    }));
    await store.append(`acc-${b % 40}`, events, 'any');
  }
  await store.close();
}

/** What a failing disk or a torn copy leaves: pages of random bytes in the middle of the file. */
function corruptMiddle(path: string): void {
  const pages = Math.floor(statSync(path).size / PAGE);
  const fd = openSync(path, 'r+');
  try {
    const garbage = Buffer.alloc(PAGE * 3);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
    writeSync(fd, garbage, 0, garbage.length, Math.floor(pages / 2) * PAGE);
  } finally {
    closeSync(fd);
  }
}

/** Runs `trunkline serve` on `dir`; resolves when it exits, or with status 'serving' once it answers /healthz. */
async function serve(dir: string): Promise<{ status: number | 'serving'; stderr: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    env: childEnv({ TRUNKLINE_DATA_DIR: dir, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const done = await Promise.race([exit, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (done !== null) return { status: done, stderr };
    if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok) {
      child.kill('SIGKILL');
      await exit;
      return { status: 'serving', stderr };
    }
  }
  child.kill('SIGKILL');
  throw new Error(`serve neither exited nor served within 30 s; stderr: ${stderr}`);
}

describe('serve on a corrupt SQLite log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-corrupt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('refuses to start, in one line naming the file and what to do', async () => {
    const events = join(dir, 'events.sqlite');
    await writeLog(events, 3000);
    corruptMiddle(events);
    // the fault is real: SQLite's own check finds it
    const db = new Database(events, { readonly: true });
    expect(db.pragma('quick_check', { simple: true })).not.toBe('ok');
    db.close();

    const run = await serve(dir);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^trunkline: /);
    expect(lines[0]).toContain(events);
    expect(lines[0]).toMatch(/corrupt/);
    expect(lines[0]).toMatch(/backup/);
    expect(lines[0]).toContain('.recover');
  }, 60_000);

  test('a sound log of the same size serves', async () => {
    await writeLog(join(dir, 'events.sqlite'), 3000);
    expect((await serve(dir)).status).toBe('serving');
  }, 60_000);
});
