import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../beds/free-port';
import { startWebhookReceiver, type WebhookReceiver } from '../../beds/webhook-receiver';
import { BIN, childEnv, exited, ROOT } from '../../support/cli';
import { rawPublicKey, signedFetch, signer, type Signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

const ACCOUNTS = 100;
const DOWNTIME_MS = 30_000;

/**
 * `trunkline serve` on SQLite with a webhook endpoint: 200 notifications (100 accounts suspended
 * and reinstated) while the receiver is down for 30 s and the engine is killed with SIGKILL and
 * started again half-way. Every notification must arrive, signed, at least once.
 */
describe('webhooks across a receiver outage and kill -9', () => {
  const people: Signer[] = Array.from({ length: ACCOUNTS }, (_, i) => signer(`+4420794${String(61000 + i)}`));
  const admin = signer('ops-admin');
  let dir: string;
  let base: string;
  let port: number;
  let server: ChildProcess | null = null;
  let stderr = '';
  let receiver: WebhookReceiver;

  const start = async () => {
    stderr = '';
    server = spawn(process.execPath, [BIN, 'serve'], {
      cwd: ROOT,
      env: childEnv({ TRUNKLINE_DATA_DIR: dir, PORT: String(port) }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, 30_000, `server to be ready (${stderr})`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-webhooks-'));
    // the receiver binds first, so the port picked for the engine cannot be its
    receiver = await startWebhookReceiver();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'directory.json'),
      JSON.stringify({ numbers: Object.fromEntries(people.map((p) => [p.keyid, { keys: [rawPublicKey(p.publicKey)] }])) }),
    );
    writeFileSync(
      join(dir, 'trunkline.json'),
      JSON.stringify({
        operators: [{ id: admin.keyid, publicKey: rawPublicKey(admin.publicKey), roles: ['admin'] }],
        webhooks: [{ id: 'ops', url: receiver.url, secret: receiver.secret, events: ['account.suspended', 'account.reinstated'] }],
        webhookRetryMaxSeconds: 2,
      }),
    );
    await start();
    for (let i = 0; i < ACCOUNTS; i += 10)
      await Promise.all(
        people
          .slice(i, i + 10)
          .map(async (p) => expect((await signedFetch(base, p, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201)),
      );
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const act = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const p = people[Math.floor(i / 2)]!;
      const kind = i % 2 === 0 ? 'suspend' : 'reinstate';
      const r = await signedFetch(
        base,
        admin,
        'POST',
        `/v1/accounts/${encodeURIComponent(p.keyid)}/${kind}`,
        kind === 'suspend' ? { reason: `r${i}` } : {},
      );
      expect(r.status).toBe(200);
    }
  };

  test('200 notifications, a 30 s outage and a SIGKILL: every one delivered, each with a valid signature', async () => {
    await act(0, 50);
    await receiver.down();
    const back = new Promise<void>((resolve) => setTimeout(() => void receiver.up().then(resolve), DOWNTIME_MS));
    await act(50, 100);
    server!.kill('SIGKILL');
    await exited(server!);
    await start();
    await act(100, 200);
    await back;
    await waitFor(
      () => receiver.unique().size >= 2 * ACCOUNTS,
      60_000,
      `all notifications (have ${receiver.unique().size}; engine said: ${stderr.slice(-1500)})`,
    );
    const unique = [...receiver.unique().values()];
    expect(unique).toHaveLength(2 * ACCOUNTS);
    expect(receiver.received.every((r) => r.valid)).toBe(true);
    for (const p of people)
      expect(
        unique
          .filter((r) => r.data['number'] === p.keyid)
          .map((r) => r.type)
          .sort(),
      ).toEqual(['account.reinstated', 'account.suspended']);
  }, 150_000);
});
