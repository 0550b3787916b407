import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { nonceCache } from '../../../../adapters/http/signatures/nonce-cache';
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
    nonces: nonceCache(300_000),
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
