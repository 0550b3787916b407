import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { listen } from '../../support/listen';
import { issueBatch } from '../../support/vouchers';
import { describePostgres } from '../../support/postgres';
import { rawPublicKey, signedFetch, signer } from '../../support/signed-fetch';

/** Two engines (two connection pools, as two nodes would be) on one PostgreSQL store race for one code. */
describePostgres('voucher redemption across two nodes on PostgreSQL', (newDatabase) => {
  const people = Array.from({ length: 6 }, (_, i) => signer(`+4420794609${String(20 + i)}`));
  const dirs: string[] = [];
  const nodes: { engine: Engine; base: string; close: () => Promise<void> }[] = [];

  beforeAll(async () => {
    const url = await newDatabase();
    for (let n = 0; n < 2; n++) {
      const dir = mkdtempSync(join(tmpdir(), `trunkline-vouchers-pg-${n}-`));
      dirs.push(dir);
      const numbers = Object.fromEntries(people.map((s) => [s.keyid, { keys: [rawPublicKey(s.publicKey)] }]));
      writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers }));
      const config = loadConfig({ env: { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: url }, flags: { dataDir: dir }, cwd: dir });
      const engine = await createEngine(config, { logger: pino({ level: 'silent' }) });
      nodes.push({ engine, ...(await listen(engine.app)) });
    }
    for (const [i, who] of people.entries()) {
      const r = await signedFetch(nodes[i % 2]!.base, who, 'POST', '/v1/accounts', { currency: 'EUR' });
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => {
    for (const n of nodes) {
      await n.close();
      await n.engine.close();
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('120 concurrent attempts through both nodes: one credit, one 201', async () => {
    const { engine } = nodes[0]!;
    const { codes } = await issueBatch(engine, { amount: '9.99' });
    const statuses = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        signedFetch(nodes[i % 2]!.base, people[i % people.length]!, 'POST', '/v1/accounts/me/vouchers/redeem', { code: codes[0] }).then(
          (r) => r.status,
        ),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 200 || s === 409)).toBe(true);
    let credits = 0;
    for await (const e of engine.store.readAll()) if (e.type === 'VoucherRedeemed') credits++;
    expect(credits).toBe(1);
  });
});
