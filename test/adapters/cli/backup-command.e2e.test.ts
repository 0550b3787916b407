import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../beds/free-port';
import { BIN, childEnv, exited, ROOT, runCliAsync } from '../../support/cli';
import { rawPublicKey, signedFetch, signer, type Signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

/** `trunkline backup` while `trunkline serve` keeps writing, and `serve` started on the copy. */
describe('trunkline backup', () => {
  const people: Signer[] = Array.from({ length: 40 }, (_, i) => signer(`+4420794${String(62000 + i)}`));
  let dir: string;
  let servers: ChildProcess[] = [];

  const serve = async (data: string) => {
    const port = await freePort();
    let stderr = '';
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: childEnv({ TRUNKLINE_DATA_DIR: data, PORT: String(port) }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    servers.push(child);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, 30_000, `serve ready (${stderr})`);
    return base;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-backup-'));
  });
  afterAll(async () => {
    for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
    await Promise.all(servers.map((s) => exited(s)));
    servers = [];
    rmSync(dir, { recursive: true, force: true });
  });

  test('copies a log that is being written into a data directory that serves the same accounts', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(
      join(data, 'directory.json'),
      JSON.stringify({ numbers: Object.fromEntries(people.map((p) => [p.keyid, { keys: [rawPublicKey(p.publicKey)] }])) }),
    );
    const base = await serve(data);
    // accounts open while the backup runs: the copy holds a consistent prefix of the log
    const writing = (async () => {
      for (const p of people) expect((await signedFetch(base, p, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    })();
    const copy = join(dir, 'copy');
    const r = await runCliAsync(['--data-dir', data, 'backup', '--to', copy]);
    await writing;
    expect([r.status, r.stdout]).toEqual([0, `backed up ${data} to ${copy}\n`]);
    expect(r.stderr).toMatch(/backup events\.sqlite \[#+\] 100%/);
    expect(statSync(join(copy, 'provider-key.pem')).mode & 0o777).toBe(0o600);
    // every account the copy knows answers from a server started on it, as it did from the original
    const restored = await serve(copy);
    let found = 0;
    for (const p of people) {
      const status = (await signedFetch(restored, p, 'GET', '/v1/accounts/me')).status;
      expect([200, 404]).toContain(status);
      if (status === 200) found++;
    }
    expect(found).toBeGreaterThan(0);
    const again = await runCliAsync(['--data-dir', data, 'backup', '--to', copy]);
    expect([again.status, again.stderr]).toEqual([1, `trunkline: ${copy} is not empty; back up into a new directory\n`]);
  }, 120_000);
});
