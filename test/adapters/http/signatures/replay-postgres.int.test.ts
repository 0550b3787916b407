import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { signRequest } from '../../../../adapters/http/signatures/sign-request';
import { loadConfig } from '../../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../../adapters/runtime/engine';
import { listen } from '../../../support/listen';
import { describePostgres } from '../../../support/postgres';
import { rawPublicKey, signer } from '../../../support/signed-fetch';

/** Two nodes behind one public URL share a PostgreSQL: a request one accepted is a replay on the other. */
describePostgres('replays across two engines on one PostgreSQL', (newDatabase) => {
  const alice = signer('+442079460958');
  const PUBLIC = 'https://api.provider.test';
  const dirs: string[] = [];
  const nodes: { engine: Engine; base: string; close: () => Promise<void> }[] = [];

  beforeAll(async () => {
    const url = await newDatabase();
    // both start at once, as a rolling deploy would: schema creation must not trip over itself
    await Promise.all(
      [0, 1].map(async (n) => {
        const dir = mkdtempSync(join(tmpdir(), `trunkline-replay-pg-${n}-`));
        dirs.push(dir);
        writeFileSync(
          join(dir, 'directory.json'),
          JSON.stringify({ numbers: { [alice.keyid]: { keys: [rawPublicKey(alice.publicKey)] } } }),
        );
        const env = { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: url, TRUNKLINE_PUBLIC_URL: PUBLIC };
        const engine = await createEngine(loadConfig({ env, flags: { dataDir: dir }, cwd: dir }), { logger: pino({ level: 'silent' }) });
        nodes[n] = { engine, ...(await listen(engine.app)) };
      }),
    );
  });
  afterAll(async () => {
    for (const n of nodes) {
      await n.close();
      await n.engine.close();
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const signed = (method: string, path: string, body?: Buffer) =>
    signRequest(
      { method, url: `${PUBLIC}${path}`, ...(body ? { headers: { 'content-type': 'application/json' }, body } : {}) },
      alice.privateKey,
      alice.keyid,
    );
  const type = async (r: Response) => [r.status, ((await r.json()) as { type: string }).type.split('/').pop()];

  test('accepted by one node, refused by the other; both racing, one wins', async () => {
    const body = Buffer.from(JSON.stringify({ currency: 'EUR' }));
    const open = await signed('POST', '/v1/accounts', body);
    expect((await fetch(`${nodes[0]!.base}/v1/accounts`, { method: 'POST', headers: open, body })).status).toBe(201);
    expect(await type(await fetch(`${nodes[1]!.base}/v1/accounts`, { method: 'POST', headers: open, body }))).toEqual([
      401,
      'signature-replayed',
    ]);

    const me = await signed('GET', '/v1/accounts/me');
    const race = await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`${nodes[i % 2]!.base}/v1/accounts/me`, { headers: me })));
    expect(race.map((r) => r.status).sort()).toEqual([200, ...Array<number>(9).fill(401)]);
  });
});
