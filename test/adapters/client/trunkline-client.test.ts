import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { trunklineClient, TrunklineApiError } from '../../../adapters/client/index';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { listen } from '../../support/listen';

const raw = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'rating');

describe('the client SDK against a running engine', () => {
  const alice = generateKeyPairSync('ed25519');
  const ops = generateKeyPairSync('ed25519');
  const ALICE = '+442079460958';
  let dir: string;
  let engine: Engine;
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-sdk-'));
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers: { [ALICE]: { keys: [raw(alice.publicKey)] } } }));
    const config = loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir });
    engine = await createEngine(
      { ...config, sipSecrets: ['sip-secret-0123456789'], operators: [{ id: 'ops', publicKey: raw(ops.publicKey), roles: ['admin'] }] },
      { logger: pino({ level: 'silent' }) },
    );
    await engine.rating.registerCarrier({ carrierId: 'alpha', name: 'Alpha', currency: 'EUR', preference: 1, trunks: [] });
    await engine.rating.importDeck({ carrierId: 'alpha', file: join(FIXTURES, 'decks', 'alpha-v1.csv') });
    await engine.rating.sync();
    ({ base, close } = await listen(engine.app));
  });
  afterAll(async () => {
    await close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a client checks the descriptor, opens its account, gets credentials and prices a call', async () => {
    const client = trunklineClient({ baseUrl: base, keyid: ALICE, privateKey: alice.privateKey });
    const descriptor = await client.descriptor();
    await expect(client.descriptor(raw(ops.publicKey))).rejects.toThrow(/not signed by the expected key/);
    const account = await client.openAccount({ currency: 'EUR' });
    expect(account).toMatchObject({ number: ALICE, status: 'open' });
    expect((await client.me()).accountId).toBe(account.accountId);
    expect((await client.sipCredentials()).sip.username).toMatch(/:\+442079460958$/);
    expect((await client.rate('+447911123456')).prefix).toBe('4479');
    expect((await client.quote({ destination: '+447911123456', duration: 60 })).cost).toBe('0.05');
    expect(descriptor.signing.publicKey).toHaveLength(44);
    expect(await client.health()).toEqual({ status: 'ok' });
    await engine.runner.catchUp('catalogue');
    await expect(client.streams({ prefix: 'account-' })).rejects.toMatchObject({ status: 403 });
    const operator = trunklineClient({ baseUrl: base, keyid: 'ops', privateKey: ops.privateKey });
    expect((await operator.streams({ prefix: 'account-' })).streams.map((s) => s.stream)).toEqual([`account-${ALICE}`]);
    expect((await operator.eventTypes()).types.map((t) => t.type)).toContain('AccountOpened');
  });

  test('problems become typed errors; operators act through the same client', async () => {
    const stranger = trunklineClient({ baseUrl: base, keyid: '+447911123456', privateKey: generateKeyPairSync('ed25519').privateKey });
    await expect(stranger.openAccount()).rejects.toMatchObject({
      status: 401,
      problem: { type: 'https://trunkline.dev/problems/signature-unknown-key' },
    });
    await expect(stranger.openAccount()).rejects.toBeInstanceOf(TrunklineApiError);
    const admin = trunklineClient({ baseUrl: base, keyid: 'ops', privateKey: ops.privateKey });
    expect((await admin.admin.suspend(ALICE, 'test')).status).toBe('suspended');
    const alice2 = trunklineClient({ baseUrl: base, keyid: ALICE, privateKey: alice.privateKey });
    await expect(alice2.sipCredentials()).rejects.toMatchObject({ status: 403 });
    expect((await admin.admin.reinstate(ALICE)).status).toBe('open');
  });

  test('credit through the client: an operator grants and issues vouchers, the number redeems and reads its balance and ledger', async () => {
    const admin = trunklineClient({ baseUrl: base, keyid: 'ops', privateKey: ops.privateKey });
    const client = trunklineClient({ baseUrl: base, keyid: ALICE, privateKey: alice.privateKey });
    await engine.runner.start();
    const granted = await admin.admin.grant(ALICE, { grantId: 'welcome-back', amount: '1.50', currency: 'EUR' });
    expect(granted.granted).toBe(true);
    const batch = await admin.admin.issueVouchers(
      { count: 1, amount: '5', currency: 'EUR', expiresAt: '2030-01-01T00:00:00Z' },
      'sdk-batch',
    );
    const redeemed = await client.redeemVoucher(batch.codes[0]!);
    expect(redeemed).toMatchObject({ outcome: 'redeemed', amount: '5', currency: 'EUR', funding: 'paid' });
    const balance = await client.balance(redeemed.position!);
    expect(balance).toMatchObject({ paid: '5', granted: '1.5', available: '6.5' });
    expect((await admin.admin.balance(ALICE)).balance).toBe('6.5');
    const page = await client.transactions({ limit: 1 });
    expect([page.items[0]!.type, page.items[0]!.balance, page.nextCursor]).toEqual(['VoucherRedeemed', '6.5', expect.any(String)]);
    await expect(client.topUp({ amount: '10', currency: 'EUR' })).rejects.toMatchObject({ status: 503 });
  });
});
