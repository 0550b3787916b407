import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../beds/free-port';
import { BIN, ROOT, childEnv, exited } from '../../support/cli';
import { rawPublicKey, signedFetch, signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

/** `serve` with TRUNKLINE_PROJECTIONS=elsewhere answers; a separate `trunkline projector` feeds the read models. */
describe('trunkline projector next to a serving engine', () => {
  const alice = signer('+442079460958');
  const admin = signer('ops-1');
  let dir: string;
  let base: string;
  const children: ChildProcess[] = [];
  const start = (args: string[], env: Record<string, string>) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: childEnv({ TRUNKLINE_DATA_DIR: dir, ...env }),
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-projector-'));
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers: { [alice.keyid]: { keys: [rawPublicKey(alice.publicKey)] } } }));
    writeFileSync(
      join(dir, 'trunkline.json'),
      JSON.stringify({ operators: [{ id: 'ops-1', publicKey: rawPublicKey(admin.publicKey), roles: ['admin'] }] }),
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    start(['serve'], { PORT: String(port), TRUNKLINE_PROJECTIONS: 'elsewhere' });
    await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true, 30_000, 'serve');
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('the server does not project; the projector does, and read-your-writes waits for it', async () => {
    expect((await signedFetch(base, alice, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    const granted = await signedFetch(base, admin, 'POST', `/v1/accounts/${encodeURIComponent(alice.keyid)}/grants`, {
      grantId: 'g',
      amount: '2',
      currency: 'EUR',
    });
    const { position } = (await granted.json()) as { position: number };
    // nobody projects yet: the read-your-write answer gives up after its bounded wait
    const waiting = await signedFetch(base, alice, 'GET', `/v1/accounts/me/balance?after=${position}`);
    expect(waiting.status).toBe(503);
    const projector = start(['projector'], {});
    // the projector takes a few seconds to start (more on a busy machine): ask again, each answer
    // waiting its bounded 3 s, until it has applied the grant (bounded: 30 s)
    let balance: { status: number; granted?: string } = { status: 0 };
    await waitFor(
      async () => {
        const r = await signedFetch(base, alice, 'GET', `/v1/accounts/me/balance?after=${position}`);
        balance = { status: r.status, granted: ((await r.json()) as { granted?: string }).granted };
        return r.status !== 503;
      },
      30_000,
      'the projector to apply the grant',
    );
    expect(balance).toEqual({ status: 200, granted: '2' });
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000, 'ready with the projector');
    projector.kill('SIGTERM');
    expect(await exited(projector)).toBe(0);
  }, 60_000);
});
