import { createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { createSignature, verifySignature } from 'http-message-sig';
import { contentDigest } from '../../../../adapters/http/signatures/content-digest';
import { signer } from '../../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../../support/test-engine';

/**
 * The engine against an RFC 9421 implementation it does not use itself (http-message-sig): what
 * that library signs is accepted, what it signs and is then changed is refused, and the
 * engine's signed responses verify with it.
 */
describe('RFC 9421 interop with an independent implementation', () => {
  const alice = signer('+442079460958');
  let bed: TestEngine;
  beforeAll(async () => {
    bed = await testEngine({ numbers: [alice] });
  });
  afterAll(() => bed.close());

  const ed25519 = (key: KeyObject) => ({ algorithm: 'ed25519', sign: (data: Uint8Array) => sign(null, data, key) });

  /** Headers the other library produces for `method url` with these fields and, with a body, its digest. */
  async function signedByOther(method: string, path: string, fields: Record<string, string>, body?: Buffer) {
    const all = { ...fields, ...(body ? { 'content-digest': contentDigest(body) } : {}) };
    const signature = await createSignature(
      { kind: 'request', method, targetUri: `${bed.base}${path}`, fields: Object.entries(all).map(([name, value]) => ({ name, value })) },
      {
        label: 'client',
        components: ['@method', '@target-uri', ...Object.keys(all)],
        parameters: {
          created: Math.floor(Date.now() / 1000),
          keyid: alice.keyid,
          alg: 'ed25519',
          nonce: randomBytes(12).toString('base64url'),
        },
        signer: ed25519(alice.privateKey),
      },
    );
    return { ...all, 'signature-input': signature.signatureInput, signature: signature.signature };
  }

  const problemType = async (r: Response) => [r.status, ((await r.json()) as { type: string }).type.split('/').pop()];

  test('a request it signs is accepted; the same request changed in any covered part is refused', async () => {
    const body = Buffer.from(JSON.stringify({ currency: 'EUR' }));
    const open = await signedByOther('POST', '/v1/accounts', { 'content-type': 'application/json' }, body);
    const opened = await fetch(`${bed.base}/v1/accounts`, { method: 'POST', headers: open, body });
    expect(opened.status).toBe(201);

    const me = await signedByOther('GET', '/v1/accounts/me', {});
    expect((await fetch(`${bed.base}/v1/accounts/me`, { headers: me })).status).toBe(200);

    // method: signed GET, sent HEAD (express answers HEAD with the GET route)
    const head = await signedByOther('GET', '/v1/accounts/me', {});
    expect((await fetch(`${bed.base}/v1/accounts/me`, { method: 'HEAD', headers: head })).status).toBe(401);
    // URL: another query string
    const url = await signedByOther('GET', '/v1/accounts/me?view=1', {});
    expect(await problemType(await fetch(`${bed.base}/v1/accounts/me?view=2`, { headers: url }))).toEqual([401, 'signature-bad-signature']);
    // body: other bytes under the signed digest
    const other = Buffer.from(JSON.stringify({ currency: 'USD' }));
    const swapped = await signedByOther('POST', '/v1/accounts', { 'content-type': 'application/json' }, body);
    expect(await problemType(await fetch(`${bed.base}/v1/accounts`, { method: 'POST', headers: swapped, body: other }))).toEqual([
      401,
      'signature-digest-mismatch',
    ]);
    // digest: other bytes with their own digest, under the signature of the first
    const redigested = {
      ...(await signedByOther('POST', '/v1/accounts', { 'content-type': 'application/json' }, body)),
      'content-digest': contentDigest(other),
    };
    expect(await problemType(await fetch(`${bed.base}/v1/accounts`, { method: 'POST', headers: redigested, body: other }))).toEqual([
      401,
      'signature-bad-signature',
    ]);
    // header: a covered field changed
    const typed = {
      ...(await signedByOther('POST', '/v1/accounts', { 'content-type': 'application/json' }, body)),
      'content-type': 'application/json; charset=latin1',
    };
    expect(await problemType(await fetch(`${bed.base}/v1/accounts`, { method: 'POST', headers: typed, body }))).toEqual([
      401,
      'signature-bad-signature',
    ]);
    // the untouched one is still accepted (the refusals were about the changes, not the library)
    const idempotent = await signedByOther(
      'POST',
      '/v1/accounts',
      { 'content-type': 'application/json', 'idempotency-key': 'open-1' },
      body,
    );
    expect((await fetch(`${bed.base}/v1/accounts`, { method: 'POST', headers: idempotent, body })).status).toBe(200);
  });

  test('a compressed body is refused, not inflated behind the digest', async () => {
    const body = gzipSync(Buffer.from(JSON.stringify({ currency: 'EUR' })));
    const headers = {
      ...(await signedByOther('POST', '/v1/accounts', { 'content-type': 'application/json' }, body)),
      'content-encoding': 'gzip',
    };
    const r = await fetch(`${bed.base}/v1/accounts`, { method: 'POST', headers, body });
    expect([r.status, r.headers.get('content-type')]).toEqual([415, expect.stringMatching(/^application\/problem\+json/)]);
  });

  test("the provider descriptor's response signature verifies with it", async () => {
    const response = await fetch(`${bed.base}/.well-known/trunkline`);
    const descriptor = (await response.clone().json()) as { signing: { publicKey: string } };
    const x = Buffer.from(descriptor.signing.publicKey, 'base64').toString('base64url'); // the raw 32 bytes
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    const verified = await verifySignature(response, {
      policy: {
        algorithms: ['ed25519'],
        requiredComponents: ['@status', 'content-type', 'content-digest'],
        requiredParameters: ['created', 'keyid'],
        maxAge: 300,
      },
      resolveVerifier: () => ({
        algorithm: 'ed25519',
        verify: (data: Uint8Array, signature: Uint8Array) => verify(null, data, publicKey, signature),
      }),
    });
    expect(verified.parameters.keyid).toBe('provider');
    expect(Buffer.from(await response.arrayBuffer()).toString()).toContain(bed.base);
  });
});
