import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { signatureBase, fieldValuesFromRecord } from '../../../../adapters/http/signatures/signature-base';
import { verifySignedRequest, type SignerKeys } from '../../../../adapters/http/signatures/verify-request';
import { memorySpentNonces } from '../../../../adapters/spent-nonces/memory';

/**
 * Generated Signature-Input/Signature headers: several members, repeated labels, parameter
 * order, case, whitespace, missing or extra parameters, created times far and near. The engine
 * must accept exactly when there is one member, and it is valid, fresh and unspent.
 */
const alice = generateKeyPairSync('ed25519');
const mallory = generateKeyPairSync('ed25519');
const KEYID = '+442079460958';
const NOW = new Date('2026-11-25T12:00:00Z');
const SECONDS = NOW.getTime() / 1000;
const WINDOW = 300;
const URL_ = 'https://api.provider.test/v1/accounts/me/balance';
const keys: Record<string, SignerKeys> = { [KEYID]: { keyid: KEYID, kind: 'number', keys: [alice.publicKey], roles: [] } };

interface MemberSpec {
  readonly label: string;
  readonly createdOffset: number;
  readonly signedBy: 'alice' | 'mallory';
  readonly components: readonly string[];
  readonly order: readonly number[];
  readonly drop: 'none' | 'created' | 'keyid' | 'nonce';
  readonly extra: 'none' | 'unknown' | 'alg-other' | 'alg-ed25519' | 'expires-past' | 'expires-future';
}

const member: fc.Arbitrary<MemberSpec> = fc.record({
  label: fc.constantFrom('sig1', 'sig2', 'x', 'a-b', 'Sig1', '1sig'),
  createdOffset: fc.oneof(fc.integer({ min: -WINDOW - 5, max: WINDOW + 5 }), fc.integer({ min: -90 * 86_400, max: 90 * 86_400 })),
  signedBy: fc.constantFrom('alice', 'alice', 'alice', 'mallory'),
  components: fc.subarray(['@method', '@target-uri', '@authority', '@path', 'accept'], { minLength: 1 }),
  order: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
  drop: fc.constantFrom('none', 'none', 'none', 'created', 'keyid', 'nonce'),
  extra: fc.constantFrom('none', 'none', 'none', 'unknown', 'alg-other', 'alg-ed25519', 'expires-past', 'expires-future'),
});

let nonceCounter = 0;

/** The member's Signature-Input text and its signature over the request's base. */
function build(spec: MemberSpec): { input: string; signature: string } {
  const nonce = `n-${++nonceCounter}`;
  const all: [string, string][] = [
    ['created', String(SECONDS + spec.createdOffset)],
    ['keyid', `"${KEYID}"`],
    ['nonce', `"${nonce}"`],
    ['alg', '"ed25519"'],
  ];
  const ordered = spec.order.map((i) => all[i]!).filter(([name]) => name !== spec.drop && name !== 'alg');
  if (spec.extra === 'unknown') ordered.push(['colour', '"blue"']);
  if (spec.extra === 'alg-other') ordered.push(['alg', '"rsa-pss-sha512"']);
  if (spec.extra === 'alg-ed25519') ordered.push(['alg', '"ed25519"']);
  if (spec.extra === 'expires-past') ordered.push(['expires', String(SECONDS - 1)]);
  if (spec.extra === 'expires-future') ordered.push(['expires', String(SECONDS + 60)]);
  const params = `(${spec.components.map((c) => `"${c}"`).join(' ')})${ordered.map(([k, v]) => `;${k}=${v}`).join('')}`;
  const base = signatureBase(
    { method: 'GET', targetUri: URL_, field: fieldValuesFromRecord({ accept: 'application/json' }) },
    spec.components,
    params,
  );
  const key = spec.signedBy === 'alice' ? alice.privateKey : mallory.privateKey;
  return { input: `${spec.label}=${params}`, signature: `${spec.label}=:${sign(null, Buffer.from(base), key).toString('base64')}:` };
}

function validAlone(spec: MemberSpec): boolean {
  return (
    /^[a-z*][a-z0-9_.*-]*$/.test(spec.label) &&
    Math.abs(spec.createdOffset) <= WINDOW &&
    spec.signedBy === 'alice' &&
    spec.components.includes('@method') &&
    spec.components.includes('@target-uri') &&
    spec.drop === 'none' &&
    (spec.extra === 'none' || spec.extra === 'alg-ed25519' || spec.extra === 'expires-future')
  );
}

const separator = fc.constantFrom(',', ', ', ',   ', ' ,', '\t,');
const padding = fc.constantFrom('', ' ', '  ');

test('property: accepted exactly when one valid, fresh, unspent member is sent', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(member, { minLength: 1, maxLength: 4 }), separator, padding, async (specs, sep, pad) => {
      const built = specs.map(build);
      const headers = {
        accept: 'application/json',
        'signature-input': `${pad}${built.map((b) => b.input).join(sep)}`,
        signature: `${built.map((b) => b.signature).join(sep)}${pad}`,
      };
      const nonces = memorySpentNonces();
      const options = { resolveKeys: async (id: string) => keys[id] ?? null, nonces, now: () => NOW, windowSeconds: WINDOW };
      const request = { method: 'GET', url: URL_, headers, body: Buffer.alloc(0) };
      const expected = specs.length === 1 && validAlone(specs[0]!);
      const first = await verifySignedRequest(request, options).then(
        () => true,
        (error: { reason?: string }) => {
          expect(error.reason).toBeDefined(); // a refusal, never a crash
          return false;
        },
      );
      expect(first).toBe(expected);
      if (expected) await expect(verifySignedRequest(request, options)).rejects.toMatchObject({ reason: 'replayed' });
    }),
    { numRuns: 400, seed: 20261203 },
  );
});
