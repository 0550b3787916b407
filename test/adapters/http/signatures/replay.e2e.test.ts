import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../../../../adapters/http/signatures/sign-request';
import { signDashboardLink } from '../../../../adapters/http/dashboard/link-token';
import { freePort } from '../../../beds/free-port';
import { BIN, childEnv, exited, ROOT } from '../../../support/cli';
import { rawPublicKey, signer } from '../../../support/signed-fetch';
import { waitFor } from '../../../support/wait';

/** `trunkline serve` on SQLite, killed with SIGKILL and started again on the same data and port. */
describe('replays across kill -9 and restart (SQLite)', () => {
  const alice = signer('+442079460958');
  const finance = signer('ops-finance');
  let dir: string;
  let port: number;
  let base: string;
  let server: ChildProcess | null = null;
  let stderr = '';

  const start = async (env: Record<string, string> = {}) => {
    stderr = '';
    server = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: childEnv({ TRUNKLINE_DATA_DIR: dir, PORT: String(port), ...env }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, 30_000, `server to be ready (${stderr})`);
  };
  const kill9 = async () => {
    server!.kill('SIGKILL');
    await exited(server!);
    server = null;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-replay-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers: { [alice.keyid]: { keys: [rawPublicKey(alice.publicKey)] } } }));
    writeFileSync(
      join(dir, 'trunkline.json'),
      JSON.stringify({ operators: [{ id: finance.keyid, publicKey: rawPublicKey(finance.publicKey), roles: ['finance'] }] }),
    );
    await start();
  });

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
    fetch(`${base}${path}`, { method, headers, ...(body ? { body } : {}) });

  test('a request accepted before the crash is refused after it, and a link signs in once', async () => {
    const body = Buffer.from(JSON.stringify({ currency: 'EUR' }));
    const open = await signRequest(
      { method: 'POST', url: `${base}/v1/accounts`, headers: { 'content-type': 'application/json' }, body },
      alice.privateKey,
      alice.keyid,
    );
    expect((await send('POST', '/v1/accounts', open, body)).status).toBe(201);
    const balance = await signRequest({ method: 'GET', url: `${base}/v1/accounts/me` }, alice.privateKey, alice.keyid);
    expect((await send('GET', '/v1/accounts/me', balance)).status).toBe(200);
    const again = await send('GET', '/v1/accounts/me', balance);
    expect([again.status, ((await again.json()) as { type: string }).type]).toEqual([
      401,
      'https://trunkline.dev/problems/signature-replayed',
    ]);

    const token = signDashboardLink({
      operatorId: finance.keyid,
      privateKey: finance.privateKey,
      nowSeconds: Math.floor(Date.now() / 1000),
      ttlSeconds: 600,
    });
    const login = () => fetch(`${base}/finance/login?token=${token}`, { redirect: 'manual' });
    expect((await login()).status).toBe(303);

    await kill9();
    await start();

    for (const [method, path, headers, payload] of [
      ['POST', '/v1/accounts', open, body],
      ['GET', '/v1/accounts/me', balance, undefined],
    ] as const) {
      const replay = await send(method, path, headers, payload);
      expect([path, replay.status, ((await replay.json()) as { type: string }).type]).toEqual([
        path,
        401,
        'https://trunkline.dev/problems/signature-replayed',
      ]);
    }
    const relogin = await login();
    expect([relogin.status, relogin.headers.get('set-cookie')]).toEqual([401, null]);
    expect(await relogin.text()).toContain('used already');
    // a fresh request still passes: the refusals above are about the replays, not the restart
    const fresh = await signRequest({ method: 'GET', url: `${base}/v1/accounts/me` }, alice.privateKey, alice.keyid);
    expect((await send('GET', '/v1/accounts/me', fresh)).status).toBe(200);
  });

  /** Node's fetch will not send a Host header of our choosing; http.request will. */
  const withHost = (path: string, host: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers: { ...headers, host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  test('the Host header names nothing: not the signed URL, not the descriptor', async () => {
    const forged = await signRequest({ method: 'GET', url: 'http://provider-x.example/v1/accounts/me' }, alice.privateKey, alice.keyid);
    const refused = await withHost('/v1/accounts/me', 'provider-x.example', forged);
    expect([refused.status, (JSON.parse(refused.body) as { type: string }).type]).toEqual([
      401,
      'https://trunkline.dev/problems/signature-bad-signature',
    ]);
    const descriptor = await withHost('/.well-known/trunkline', 'evil.example', {
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
    });
    expect(descriptor.status).toBe(200);
    expect(JSON.parse(descriptor.body)).toMatchObject({ api: base, rateSheet: `${base}/v1/rates` });
    expect(descriptor.body).not.toContain('evil.example');
  });

  test('serving beyond loopback without publicBaseUrl is refused with one line', async () => {
    await kill9();
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: childEnv({ TRUNKLINE_DATA_DIR: dir, PORT: String(port), HOST: '0.0.0.0' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    expect(await exited(child)).not.toBe(0);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('publicBaseUrl');
  });
});
