import { statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createVerifier, httpbis } from 'http-message-signatures';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine } from '../../../adapters/runtime/engine';
import { ed25519PublicKey } from '../../../adapters/http/signatures/key-resolver';
import { digestMatches } from '../../../adapters/http/signatures/content-digest';
import { listen } from '../../support/listen';

describe('GET /.well-known/trunkline', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-descriptor-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function fetchDescriptor(extra: Partial<ReturnType<typeof loadConfig>> = {}) {
    const config = loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir });
    const engine = await createEngine(
      {
        ...config,
        providerName: 'Example Telecom',
        sipDomain: 'sip.example.test',
        stunUris: ['stun:stun.example.test'],
        turnUris: ['turn:turn.example.test?transport=udp'],
        webSocketUris: ['wss://sip.example.test:8443'],
        ...extra,
      },
      { logger: pino({ level: 'silent' }) },
    );
    const { base, close } = await listen(engine.app);
    try {
      const res = await fetch(`${base}/.well-known/trunkline`);
      const headers = Object.fromEntries(res.headers.entries());
      return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()), base };
    } finally {
      await close();
      await engine.close();
    }
  }

  test('says what trial credit a new account gets, from the opening policy, unless a sentence is configured', async () => {
    const freeCredit = async (extra: Partial<ReturnType<typeof loadConfig>>) =>
      (JSON.parse((await fetchDescriptor(extra)).body.toString()) as { freeCredit: string | null }).freeCredit;
    expect(await freeCredit({})).toBeNull();
    const trial = { pluginOptions: { 'trial-credit': { amounts: { EUR: '0.50' }, validDays: 14 } } };
    expect(await freeCredit(trial)).toBe('0.50 EUR of trial credit on opening, valid 14 days');
    expect(await freeCredit({ ...trial, freeCredit: 'Try us: 50 cents of calls' })).toBe('Try us: 50 cents of calls');
  });

  test('describes the provider and is signed with the key it publishes', async () => {
    const { status, headers, body, base } = await fetchDescriptor();
    expect(status).toBe(200);
    const d = JSON.parse(body.toString()) as {
      name: string;
      api: string;
      rateSheet: string;
      signing: { publicKey: string };
      registrars: string[];
      websocket: string[];
      stun: string[];
      turn: string[];
    };
    expect(d).toMatchObject({
      name: 'Example Telecom',
      sipDomain: 'sip.example.test',
      api: base,
      rateSheet: `${base}/v1/rates`,
      stun: ['stun:stun.example.test'],
    });
    expect(d.registrars).toEqual(['sips:sip.example.test']);
    expect(d.websocket).toEqual(['wss://sip.example.test:8443']);
    expect(digestMatches(headers['content-digest'], body)).toBe(true);
    const key = ed25519PublicKey(Buffer.from(d.signing.publicKey, 'base64'));
    const verified = await httpbis.verifyMessage(
      { keyLookup: async () => ({ id: 'provider', algs: ['ed25519'], verify: createVerifier(key, 'ed25519') }) },
      { status, headers },
    );
    expect(verified).toBe(true);
    const forged = await httpbis.verifyMessage(
      { keyLookup: async () => ({ id: 'provider', algs: ['ed25519'], verify: createVerifier(key, 'ed25519') }) },
      { status, headers: { ...headers, 'content-type': 'text/plain' } },
    );
    expect(forged).toBe(false);
  });

  test('the key survives a restart and its file is private', async () => {
    const first = JSON.parse((await fetchDescriptor()).body.toString()) as { signing: { publicKey: string } };
    const second = JSON.parse((await fetchDescriptor()).body.toString()) as { signing: { publicKey: string } };
    expect(second.signing.publicKey).toBe(first.signing.publicKey);
    expect(statSync(join(dir, 'provider-key.pem')).mode & 0o777).toBe(0o600);
  });
});
