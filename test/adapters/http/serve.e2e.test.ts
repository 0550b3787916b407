import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../beds/free-port';
import { BIN, childEnv, exited, spawnTs, ROOT } from '../../support/cli';
import { rawPublicKey, signedFetch, signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const viewer = signer('ops-viewer');

describe('trunkline serve', () => {
  let dir: string;
  let server: ChildProcess;
  let base: string;
  let stderr = '';
  let stdout = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-serve-'));
    writeFileSync(
      join(dir, 'trunkline.json'),
      JSON.stringify({ operators: [{ id: viewer.keyid, publicKey: rawPublicKey(viewer.publicKey), roles: ['viewer'] }] }),
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      // with a configuration file a relative plugin path would be read from the data directory
      env: childEnv({ TRUNKLINE_DATA_DIR: dir, PORT: String(port), TRUNKLINE_PLUGINS: join(ROOT, 'plugins', 'example-daily-volume') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    server.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true, 30_000, `server to listen (${stderr})`);
  });

  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('the static directory is warned about once, by the serving thread alone', () => {
    expect((stdout + stderr).match(/STATIC DIRECTORY/g)).toHaveLength(1);
  });

  test('healthz and readyz answer, with the checks', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { eventStore: 'ok (head 0)', readModels: 'ok' } });
  });

  test('projections follow events appended by another process, and plugins serve their routes to operators', async () => {
    const seed = spawnTs(join(FIXTURES, 'append-burst.ts'), [dir, '40', '5']);
    expect(await exited(seed)).toBe(0);
    await waitFor(
      async () => {
        const body = (await (await signedFetch(base, viewer, 'GET', '/v1/catalogue/types')).json()) as { types: { events: number }[] };
        return body.types[0]?.events === 200;
      },
      15_000,
      'catalogue to reach 200 events',
    );
    const page = (await (await signedFetch(base, viewer, 'GET', '/v1/catalogue/streams?prefix=burst-1&limit=3')).json()) as {
      streams: { stream: string }[];
      next?: string;
    };
    expect(page.streams.map((s) => s.stream)).toEqual(['burst-1', 'burst-10', 'burst-11']);
    expect(page.next).toBe('burst-11');
    const volume = (await (await signedFetch(base, viewer, 'GET', '/v1/examples/daily-volume')).json()) as { days: { events: number }[] };
    expect(volume.days.reduce((n, d) => n + d.events, 0)).toBe(200);
    expect((await fetch(`${base}/v1/examples/daily-volume`)).status).toBe(401);
  });

  test('metrics expose append latency, projection lag, HTTP latency and the size of every SQLite WAL', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const file of ['events', 'read-models', 'spent-nonces'])
      expect(text).toMatch(new RegExp(`^trunkline_sqlite_wal_bytes\\{file="${file}"\\} \\d+$`, 'm'));
    expect(text).toMatch(/^trunkline_projection_lag_positions\{projection="catalogue"\} \d+$/m);
    expect(text).toMatch(/^trunkline_projection_lag_positions\{projection="example-daily-volume"\} \d+$/m);
    expect(text).toMatch(/^trunkline_http_request_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+$/m);
    expect(text).toContain('# TYPE trunkline_event_append_seconds histogram');
    // none failed: every file has its series, at 0
    for (const file of ['events', 'read-models', 'spent-nonces'])
      expect(text).toMatch(new RegExp(`^trunkline_sqlite_checkpoint_errors_total\\{file="${file}"\\} 0$`, 'm'));
  });

  test('unknown routes and bad queries are RFC 9457 problems', async () => {
    const missing = await fetch(`${base}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await missing.json()).toEqual({
      type: 'https://trunkline.dev/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'no route for GET /v1/nothing',
      instance: '/v1/nothing',
    });
    const bad = await signedFetch(base, viewer, 'GET', '/v1/catalogue/streams?limit=lots');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      type: 'https://trunkline.dev/problems/invalid-request',
      status: 400,
      detail: expect.stringMatching(/^limit: /),
    });
    const unknown = await signedFetch(base, viewer, 'GET', '/v1/catalogue/streams?colour=red');
    expect(unknown.status).toBe(400);
  });

  test('SIGTERM shuts it down cleanly', async () => {
    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);
  });
});
