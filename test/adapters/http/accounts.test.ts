import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { signRequest } from '../../../adapters/http/signatures/sign-request';
import { listen } from '../../support/listen';
import { checkEphemeral } from '../../../core/accounts/ephemeral-credentials';

const raw = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');

describe('accounts over signed requests (static directory)', () => {
  const alice = generateKeyPairSync('ed25519');
  const bob = generateKeyPairSync('ed25519');
  const admin = generateKeyPairSync('ed25519');
  const ALICE = '+442079460958';
  const BOB = '+447911123456';
  let dir: string;
  let engine: Engine;
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-accounts-'));
    writeFileSync(
      join(dir, 'directory.json'),
      JSON.stringify({ numbers: { [ALICE]: { keys: [raw(alice.publicKey)] }, [BOB]: { keys: [raw(bob.publicKey)] } } }),
    );
    const config = loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir });
    engine = await createEngine(
      {
        ...config,
        sipDomain: 'sip.provider.test',
        operators: [{ id: 'ops-1', publicKey: raw(admin.publicKey), roles: ['admin'] }],
        sipSecrets: ['current-secret-0123456789', 'previous-secret-0123456789'],
        turnSecret: 'turn-secret-0123456789',
        turnUris: ['turn:127.0.0.1:3478?transport=udp'],
      },
      { logger: pino({ level: 'silent' }) },
    );
    ({ base, close } = await listen(engine.app));
  });
  afterAll(async () => {
    await close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, key: KeyObject, keyid: string, body?: unknown) {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = await signRequest(
      {
        method,
        url: `${base}${path}`,
        headers: payload ? { 'content-type': 'application/json' } : {},
        ...(payload ? { body: payload } : {}),
      },
      key,
      keyid,
    );
    return fetch(`${base}${path}`, { method, headers, ...(payload ? { body: payload } : {}) });
  }

  test('a number opens its account with its directory key; the second open returns the same account', async () => {
    const first = await call('POST', '/v1/accounts', alice.privateKey, ALICE, { currency: 'EUR' });
    expect(first.status).toBe(201);
    const account = (await first.json()) as Record<string, unknown>;
    expect(account).toMatchObject({
      number: ALICE,
      status: 'open',
      currency: 'EUR',
      plan: 'retail',
      enum: { service: 'E2U+sip', uri: `sip:${ALICE}@sip.provider.test` },
    });
    const again = await call('POST', '/v1/accounts', alice.privateKey, ALICE, {});
    expect(again.status).toBe(200);
    expect(((await again.json()) as { accountId: string }).accountId).toBe(account['accountId']);
    const me = await call('GET', '/v1/accounts/me', alice.privateKey, ALICE);
    expect(await me.json()).toMatchObject({ number: ALICE, status: 'open' });
  });

  test('an open account gets auth_ephemeral SIP credentials and TURN REST credentials', async () => {
    const res = await call('POST', '/v1/accounts/me/sip-credentials', alice.privateKey, ALICE);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as {
      sip: { username: string; password: string; realm: string; registrars: string[] };
      turn: { username: string; password: string; uris: string[] };
    };
    expect(body.sip.username).toMatch(/^\d+:\+442079460958$/);
    expect(body.sip.realm).toBe('sip.provider.test');
    expect(checkEphemeral(body.sip.username, body.sip.password, ['current-secret-0123456789'], new Date(), 'sha256')).toBe(true);
    expect(checkEphemeral(body.turn.username, body.turn.password, ['turn-secret-0123456789'], new Date(), 'sha1')).toBe(true);
    expect(body.turn.uris).toEqual(['turn:127.0.0.1:3478?transport=udp']);
  });

  test.each([
    [
      'unsigned',
      async () => fetch(`${base}/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      401,
      'signature-missing-signature',
    ],
    [
      'signed with a key published for another number',
      async () => call('POST', '/v1/accounts', bob.privateKey, ALICE, {}),
      401,
      'signature-bad-signature',
    ],
    [
      'for a number the directory does not know',
      async () => call('POST', '/v1/accounts', alice.privateKey, '+12025550143', {}),
      401,
      'signature-unknown-key',
    ],
    [
      'with a malformed number as keyid',
      async () => call('POST', '/v1/accounts', alice.privateKey, '+44 20 7946 0958', {}),
      401,
      'signature-unknown-key',
    ],
    ['with a bad currency', async () => call('POST', '/v1/accounts', bob.privateKey, BOB, { currency: 'XXY' }), 422, 'invalid-currency'],
    ['with an unknown field', async () => call('POST', '/v1/accounts', bob.privateKey, BOB, { pin: '1234' }), 400, 'invalid-request'],
  ])('%s is refused with a problem and opens nothing', async (_what, make, status, kind) => {
    const head = await engine.store.head();
    const res = await make();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { type: string }).type).toBe(`https://trunkline.dev/problems/${kind}`);
    expect(await engine.store.head()).toBe(head);
  });

  test('an oversized body is refused', async () => {
    const res = await call('POST', '/v1/accounts', bob.privateKey, BOB, { plan: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
  });

  test('operators with admin suspend, reinstate and close; numbers cannot', async () => {
    await call('POST', '/v1/accounts', bob.privateKey, BOB, {});
    const denied = await call('POST', `/v1/accounts/${encodeURIComponent(BOB)}/suspend`, alice.privateKey, ALICE, { reason: 'spite' });
    expect(denied.status).toBe(403);
    const suspended = await call('POST', `/v1/accounts/${encodeURIComponent(BOB)}/suspend`, admin.privateKey, 'ops-1', {
      reason: 'fraud check',
    });
    expect(await suspended.json()).toMatchObject({ status: 'suspended' });
    expect(
      await (await call('POST', `/v1/accounts/${encodeURIComponent(BOB)}/reinstate`, admin.privateKey, 'ops-1', {})).json(),
    ).toMatchObject({ status: 'open' });
    expect(
      await (await call('POST', `/v1/accounts/${encodeURIComponent(BOB)}/close`, admin.privateKey, 'ops-1', { reason: 'asked' })).json(),
    ).toMatchObject({ status: 'closed' });
    const reopen = await call('POST', `/v1/accounts/${encodeURIComponent(BOB)}/reinstate`, admin.privateKey, 'ops-1', {});
    expect(reopen.status).toBe(403);
    const creds = await call('POST', '/v1/accounts/me/sip-credentials', bob.privateKey, BOB);
    expect([creds.status, ((await creds.json()) as { type: string }).type]).toEqual([
      403,
      'https://trunkline.dev/problems/account-not-open',
    ]);
  });
});
