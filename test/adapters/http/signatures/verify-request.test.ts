import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { memorySpentNonces } from '../../../../adapters/spent-nonces/memory';
import { signRequest } from '../../../../adapters/http/signatures/sign-request';
import { verifySignedRequest, type SignerKeys } from '../../../../adapters/http/signatures/verify-request';
import { seeded } from '../../../support/random';

// RFC 9421 Appendix B.1.4 (test-key-ed25519) and the request of Appendix B.2
const RFC_KEY = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
};
const RFC_REQUEST = {
  method: 'POST',
  url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: {
    Host: 'example.com',
    Date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'Content-Type': 'application/json',
    'Content-Digest': 'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'Content-Length': '18',
  },
};

describe('RFC 9421 Appendix B.2.6 (Ed25519)', () => {
  test('the signature base and the signature are reproduced byte for byte', () => {
    const params = '("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
    const base = httpbis.formatSignatureBase(
      httpbis.createSignatureBase({ fields: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'] }, RFC_REQUEST),
    );
    const expectedBase = [
      '"date": Tue, 20 Apr 2021 02:07:55 GMT',
      '"@method": POST',
      '"@path": /foo',
      '"@authority": example.com',
      '"content-type": application/json',
      '"content-length": 18',
    ].join('\n');
    expect(base).toBe(expectedBase);
    const signature = sign(
      null,
      Buffer.from(`${expectedBase}\n"@signature-params": ${params}`),
      createPrivateKey({ key: RFC_KEY, format: 'jwk' }),
    );
    expect(signature.toString('base64')).toBe('wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==');
  });

  test('the RFC-signed request verifies with the RFC public key', async () => {
    const headers = {
      ...RFC_REQUEST.headers,
      'Signature-Input':
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      Signature: 'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
    };
    const { createVerifier } = await import('http-message-signatures');
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: RFC_KEY.x }, format: 'jwk' });
    const ok = await httpbis.verifyMessage(
      { keyLookup: async () => ({ id: 'test-key-ed25519', algs: ['ed25519'], verify: createVerifier(pub, 'ed25519') }) },
      { ...RFC_REQUEST, headers },
    );
    expect(ok).toBe(true);
  });
});

describe('Trunkline request signatures', () => {
  const alice = generateKeyPairSync('ed25519');
  const mallory = generateKeyPairSync('ed25519');
  const NOW = new Date('2026-11-25T12:00:00Z');
  const keys: Record<string, SignerKeys> = {
    '+442079460958': { keyid: '+442079460958', kind: 'number', keys: [mallory.publicKey, alice.publicKey], roles: [] },
  };
  const options = (now = NOW) => ({
    resolveKeys: async (id: string) => keys[id] ?? null,
    nonces: memorySpentNonces(),
    now: () => now,
    windowSeconds: 300,
  });
  const body = Buffer.from(JSON.stringify({ currency: 'EUR' }));
  const base = { method: 'POST', url: 'https://api.provider.test/v1/accounts', headers: { 'content-type': 'application/json' }, body };
  const signed = async (key = alice.privateKey, keyid = '+442079460958', at = NOW) => ({
    ...base,
    headers: await signRequest(base, key, keyid, { now: at }),
  });

  test('a signed request verifies, with any of the keys published for the number (rotation)', async () => {
    await expect(verifySignedRequest(await signed(), options())).resolves.toMatchObject({ keyid: '+442079460958', kind: 'number' });
  });

  test.each([
    ['missing-signature', async () => ({ ...base, headers: { 'content-type': 'application/json' } })],
    ['unknown-key', async () => signed(alice.privateKey, '+33123456789')],
    ['bad-signature', async () => signed(generateKeyPairSync('ed25519').privateKey)],
    ['expired', async () => signed(alice.privateKey, '+442079460958', new Date(NOW.getTime() - 301_000))],
    ['digest-mismatch', async () => ({ ...(await signed()), body: Buffer.from('{"currency":"USD"}') })],
  ] as const)('%s is refused', async (reason, make) => {
    await expect(verifySignedRequest(await make(), options())).rejects.toMatchObject({ reason });
  });

  test('a replayed request is refused the second time', async () => {
    const request = await signed();
    const o = options();
    await verifySignedRequest(request, o);
    await expect(verifySignedRequest(request, o)).rejects.toMatchObject({ reason: 'replayed' });
  });

  test('a signature that leaves out @target-uri or content-digest is refused', async () => {
    const headers = await httpbis.signMessage(
      {
        key: (await import('http-message-signatures')).createSigner(alice.privateKey, 'ed25519', '+442079460958'),
        fields: ['@method'],
        params: ['created', 'keyid', 'nonce'],
        paramValues: { created: NOW, nonce: 'n1' },
      },
      { method: 'GET', url: base.url, headers: {} },
    );
    await expect(
      verifySignedRequest({ method: 'GET', url: base.url, headers: headers.headers, body: Buffer.alloc(0) }, options()),
    ).rejects.toMatchObject({
      reason: 'missing-component',
    });
  });

  test('property: any single-byte change to a signed request fails verification', async () => {
    const rnd = seeded(11);
    const original = await signed();
    for (let i = 0; i < 60; i++) {
      const target = rnd.pick(['method', 'url', 'body', 'content-type'] as const);
      const flip = (text: string) => {
        const at = rnd.int(0, text.length - 1);
        const c = text.charCodeAt(at);
        return text.slice(0, at) + String.fromCharCode(c === 122 ? 121 : c + 1) + text.slice(at + 1);
      };
      const changed = {
        ...original,
        headers: { ...original.headers },
        method: target === 'method' ? flip(original.method) : original.method,
        url: target === 'url' ? flip(original.url) : original.url,
        body: target === 'body' ? Buffer.from(flip(original.body.toString())) : original.body,
      };
      if (target === 'content-type') changed.headers['content-type'] = flip(original.headers['content-type']!);
      await expect(verifySignedRequest(changed, options())).rejects.toHaveProperty('reason');
    }
  });
});

describe('one signature, read from the member that is verified', () => {
  const alice = generateKeyPairSync('ed25519');
  const NOW = new Date('2026-11-25T12:00:00Z');
  const KEYID = '+442079460958';
  const keys: Record<string, SignerKeys> = { [KEYID]: { keyid: KEYID, kind: 'number', keys: [alice.publicKey], roles: [] } };
  const options = (nonces = memorySpentNonces()) => ({
    resolveKeys: async (id: string) => keys[id] ?? null,
    nonces,
    now: () => NOW,
    windowSeconds: 300,
  });
  const url = 'https://api.provider.test/v1/accounts/me/balance';
  const get = async (at: Date, extra: { nonce?: string; headers?: Record<string, string> } = {}) => ({
    method: 'GET',
    url,
    body: Buffer.alloc(0),
    headers: await signRequest({ method: 'GET', url, headers: extra.headers ?? {} }, alice.privateKey, KEYID, {
      now: at,
      ...(extra.nonce ? { nonce: extra.nonce } : {}),
    }),
  });
  const member = (field: string) => field.slice(field.indexOf('=') + 1);
  const SECONDS = NOW.getTime() / 1000;
  const forged = `("@method" "@target-uri");created=${SECONDS};keyid="${KEYID}";alg="ed25519";nonce="fresh-1"`;

  test('a day-old genuine member between two copies of a fresh forged label is refused', async () => {
    const old = await get(new Date(NOW.getTime() - 86_400_000));
    const headers = {
      'signature-input': `x=${forged}, sig1=${member(old.headers['signature-input']!)}, x=${forged}`,
      signature: `x=:${Buffer.alloc(64, 7).toString('base64')}:, sig1=${member(old.headers['signature']!)}`,
    };
    await expect(verifySignedRequest({ ...old, headers }, options())).rejects.toMatchObject({ reason: 'malformed-signature' });
  });

  test('two members, each valid on its own, are refused: exactly one signature is accepted', async () => {
    const a = await get(NOW);
    const b = await get(NOW);
    const headers = {
      'signature-input': `a=${member(a.headers['signature-input']!)}, b=${member(b.headers['signature-input']!)}`,
      signature: `a=${member(a.headers['signature']!)}, b=${member(b.headers['signature']!)}`,
    };
    await expect(verifySignedRequest({ ...a, headers }, options())).rejects.toMatchObject({ reason: 'malformed-signature' });
  });

  test('Signature-Input and Signature must carry the same label', async () => {
    const a = await get(NOW);
    const headers = { ...a.headers, signature: `other=${member(a.headers['signature']!)}` };
    await expect(verifySignedRequest({ ...a, headers }, options())).rejects.toMatchObject({ reason: 'malformed-signature' });
  });

  test('a body under a signature that does not cover content-digest is refused', async () => {
    const { createSigner } = await import('http-message-signatures');
    const signed = await httpbis.signMessage(
      {
        key: createSigner(alice.privateKey, 'ed25519', KEYID),
        fields: ['@method', '@target-uri'],
        params: ['created', 'keyid', 'alg', 'nonce'],
        paramValues: { created: NOW, nonce: 'nonce-body' },
      },
      { method: 'POST', url, headers: { 'content-type': 'application/json' } },
    );
    const request = { method: 'POST', url, headers: signed.headers as Record<string, string>, body: Buffer.from('{"reason":"x"}') };
    await expect(verifySignedRequest(request, options())).rejects.toMatchObject({ reason: 'missing-component' });
  });

  test.each([
    ['1 s ahead', 1, true],
    ['299 s ahead', 299, true],
    ['300 s ahead', 300, true],
    ['301 s ahead', 301, false],
    ['300 s behind', -300, true],
    ['301 s behind', -301, false],
  ] as const)('created %s of the server is accepted only within the window', async (_, offset, accepted) => {
    const request = await get(new Date(NOW.getTime() + offset * 1000));
    const outcome = verifySignedRequest(request, options());
    if (accepted) await expect(outcome).resolves.toMatchObject({ keyid: KEYID });
    else await expect(outcome).rejects.toMatchObject({ reason: 'expired' });
  });

  test('a replay at the last instant the window accepts is still refused', async () => {
    const nonces = memorySpentNonces();
    const request = await get(new Date(NOW.getTime() - 300_000));
    await expect(verifySignedRequest(request, options(nonces))).resolves.toMatchObject({ keyid: KEYID });
    await expect(verifySignedRequest(request, options(nonces))).rejects.toMatchObject({ reason: 'replayed' });
  });

  test('nonces that differ after an "=" are different nonces', async () => {
    const nonces = memorySpentNonces();
    await expect(verifySignedRequest(await get(NOW, { nonce: 'abc=1' }), options(nonces))).resolves.toMatchObject({ nonce: 'abc=1' });
    await expect(verifySignedRequest(await get(NOW, { nonce: 'abc=2' }), options(nonces))).resolves.toMatchObject({ nonce: 'abc=2' });
    await expect(verifySignedRequest(await get(NOW, { nonce: 'abc=2' }), options(nonces))).rejects.toMatchObject({ reason: 'replayed' });
  });

  test('an Idempotency-Key the signature does not cover is refused', async () => {
    const request = await get(NOW);
    const headers = { ...request.headers, 'idempotency-key': 'k-1' };
    await expect(verifySignedRequest({ ...request, headers }, options())).rejects.toMatchObject({ reason: 'missing-component' });
    const covered = await get(NOW, { headers: { 'idempotency-key': 'k-2' } });
    await expect(verifySignedRequest(covered, options())).resolves.toMatchObject({ keyid: KEYID });
  });

  test('a signed header line sent twice is refused, not read one way and signed another', async () => {
    const request = await get(NOW, { headers: { 'idempotency-key': 'k-3' } });
    const rawHeaders = [...Object.entries(request.headers).flat(), 'Idempotency-Key', 'k-4'];
    await expect(verifySignedRequest({ ...request, rawHeaders }, options())).rejects.toMatchObject({ reason: 'malformed-signature' });
  });

  test('a signed body dropped in transit is refused: a Content-Digest sent is checked against an empty body too', async () => {
    const body = Buffer.from('{"currency":"USD","plan":"RP_CHOSEN"}');
    const post = { method: 'POST', url, headers: { 'content-type': 'application/json' }, body };
    const headers = await signRequest(post, alice.privateKey, KEYID, { now: NOW });
    await expect(verifySignedRequest({ ...post, headers, body: Buffer.alloc(0) }, options())).rejects.toMatchObject({
      reason: 'digest-mismatch',
    });
  });

  test('a covered field is signed as the handler reads it: only space and tab are trimmed', async () => {
    const request = await get(NOW, { headers: { 'idempotency-key': 'k1' } });
    const rawHeaders = Object.entries({ ...request.headers, 'idempotency-key': 'k1\u00a0' }).flat();
    await expect(verifySignedRequest({ ...request, rawHeaders }, options())).rejects.toMatchObject({ reason: 'bad-signature' });
    const padded = Object.entries({ ...request.headers, 'idempotency-key': ' \tk1 ' }).flat();
    await expect(verifySignedRequest({ ...request, rawHeaders: padded }, options())).resolves.toMatchObject({ keyid: KEYID });
  });

  test('a display string cannot hide a second member from the count', async () => {
    const request = await get(NOW);
    const headers = {
      'signature-input': `sig1=("@method");created=${SECONDS};keyid="${KEYID}";nonce=%"\\", sig1=${member(request.headers['signature-input']!)}`,
      signature: request.headers['signature']!,
    };
    await expect(verifySignedRequest({ ...request, headers }, options())).rejects.toMatchObject({ reason: 'malformed-signature' });
  });

  test('nonces are kept per keyid: "ops|x" with nonce "y" is not "ops" with nonce "x|y"', async () => {
    const nonces = memorySpentNonces();
    const both: Record<string, SignerKeys> = {
      'ops|x': { keyid: 'ops|x', kind: 'operator', keys: [alice.publicKey], roles: [] },
      ops: { keyid: 'ops', kind: 'operator', keys: [alice.publicKey], roles: [] },
    };
    const o = { ...options(nonces), resolveKeys: async (id: string) => both[id] ?? null };
    const as = async (keyid: string, nonce: string) => ({
      method: 'GET',
      url,
      body: Buffer.alloc(0),
      headers: await signRequest({ method: 'GET', url }, alice.privateKey, keyid, { now: NOW, nonce }),
    });
    await expect(verifySignedRequest(await as('ops|x', 'y'), o)).resolves.toMatchObject({ keyid: 'ops|x' });
    await expect(verifySignedRequest(await as('ops', 'x|y'), o)).resolves.toMatchObject({ keyid: 'ops' });
  });

  const params = (extra: string) => `("@method" "@target-uri");created=${SECONDS};keyid="${KEYID}";nonce="n-x"${extra}`;
  test.each([
    ['an unknown parameter', params(';colour="blue"')],
    ['a component parameter', `("@method" "@target-uri";req);created=${SECONDS};keyid="${KEYID}";nonce="n-x"`],
    ['a component covered twice', `("@method" "@target-uri" "@method");created=${SECONDS};keyid="${KEYID}";nonce="n-x"`],
    ['a created that is not an integer', `("@method" "@target-uri");created=${SECONDS}.5;keyid="${KEYID}";nonce="n-x"`],
    ['a keyid that is a token', `("@method" "@target-uri");created=${SECONDS};keyid=abc;nonce="n-x"`],
    ['another algorithm', params(';alg="hmac-sha256"')],
    ['no nonce', `("@method" "@target-uri");created=${SECONDS};keyid="${KEYID}"`],
    ['an expiry already passed', params(`;expires=${SECONDS - 1}`)],
    ['an uppercase label', null],
  ])('%s is refused', async (_, input) => {
    const request = await get(NOW);
    const headers =
      input === null
        ? {
            'signature-input': `SIG1=${member(request.headers['signature-input']!)}`,
            signature: `SIG1=${member(request.headers['signature']!)}`,
          }
        : { 'signature-input': `sig1=${input}`, signature: request.headers['signature']! };
    await expect(verifySignedRequest({ ...request, headers }, options())).rejects.toHaveProperty('reason');
  });
});
