import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../beds/free-port';
import { stopChild } from '../../beds/stop-child';
import { BIN, childEnv } from '../../support/cli';
import { npmStartFlags } from '../../support/npm-start-flags';
import { waitFor } from '../../support/wait';

const MiB = 1024 * 1024;

/** The serving thread's young generation as /metrics reports it (both semi-spaces when committed). */
async function newSpaceBytes(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(text);
  if (!m) throw new Error('no new-space gauge in /metrics');
  return Number(m[1]);
}

describe('an idle serve started as npm start starts it', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'trunkline-idle-heap-'))));
  afterAll(async () => {
    if (child) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands its young generation back to the system once idle', async () => {
    const port = await freePort();
    child = spawn(process.execPath, [...npmStartFlags(), BIN, 'serve'], {
      env: childEnv({ TRUNKLINE_DATA_DIR: dir, PORT: String(port) }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200,
      60_000,
      'serve to be ready',
    );
    // the fixed young generation npm start asks for, for the latency of requests under load
    expect(await newSpaceBytes(port)).toBe(32 * MiB);
    // V8's memory reducer looks 8 s after a full collection, and every 8 s after while the
    // thread does not look idle (8–32 s after /readyz on this machine): it uncommits the idle
    // semi-space and empties the other. Asked every 2 s: a scrape allocates, and a thread that
    // allocates is not idle.
    let last = 0;
    for (const deadline = Date.now() + 90_000; Date.now() < deadline && (last = await newSpaceBytes(port)) > 16 * MiB;)
      await new Promise((r) => setTimeout(r, 2000));
    if (last > 16 * MiB) throw new Error(`the young generation is still ${last / MiB} MiB after 90 s; serve said: ${stderr.slice(-2000)}`);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 180_000);
});
