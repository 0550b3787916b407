import { verify, type KeyObject } from 'node:crypto';
import type { DirectoryEvidence } from '../../../core/directory';
import type { SpentNonces } from '../../../application/ports/spent-nonces';
import { digestMatches } from './content-digest';
import { fieldValuesFromLines, fieldValuesFromRecord, signatureBase, type FieldValue } from './signature-base';
import { readSignature } from './signature-fields';
import { SignatureRejected } from './signature-rejected';

export { SignatureRejected, type SignatureFailure } from './signature-rejected';

/** The keys a keyid may sign with: a number's keys from the directory, or an operator's from configuration. */
export interface SignerKeys {
  readonly keyid: string;
  readonly kind: 'number' | 'operator';
  readonly keys: readonly KeyObject[];
  readonly roles: readonly string[];
  /** For number keys: how the directory vouched for them. */
  readonly directory?: DirectoryEvidence;
}

/** The signer of a verified request, and which of its keys verified it. */
export interface Caller extends SignerKeys {
  readonly key: KeyObject;
  /** The signature's nonce: unique per request, a natural idempotency key when the client sends none. */
  readonly nonce: string;
}

export type KeyResolver = (keyid: string) => Promise<SignerKeys | null>;

export interface SignedRequest {
  readonly method: string;
  /** The absolute URL this server answers for, path and query as received: what @target-uri covers. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Header lines as received (Node's rawHeaders); when given, field values come from them. */
  readonly rawHeaders?: readonly string[];
  readonly body: Buffer;
}

export interface VerifyOptions {
  readonly resolveKeys: KeyResolver;
  readonly nonces: SpentNonces;
  readonly now: () => Date;
  /** How far `created` may be from now, either way (seconds). */
  readonly windowSeconds: number;
}

/** Fields whose lines must not be repeated: each has one meaning, and a second line would be a second meaning. */
const SINGLE_FIELDS = ['signature-input', 'signature', 'content-digest', 'content-type', 'idempotency-key'];

function requiredComponents(field: FieldValue, hasBody: boolean): string[] {
  return [
    '@method',
    '@target-uri',
    ...(hasBody ? ['content-type', 'content-digest'] : []),
    ...(field('idempotency-key') !== undefined ? ['idempotency-key'] : []),
  ];
}

const verifies = (base: Buffer, key: KeyObject, signature: Buffer): boolean => {
  try {
    return verify(null, base, key, signature);
  } catch {
    return false; // a signature of the wrong size for the key
  }
};

function refuseRepeatedLines(rawHeaders: readonly string[] | undefined): void {
  if (!rawHeaders) return;
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!SINGLE_FIELDS.includes(name)) continue;
    if (seen.has(name)) throw new SignatureRejected('malformed-signature', `the ${name} header is sent more than once`);
    seen.add(name);
  }
}

/**
 * RFC 9421 with Ed25519. The request carries exactly one signature (signature-fields.ts); the
 * policy reads that very member: it must cover @method, @target-uri, with a body content-type and
 * content-digest (checked against the bytes received), and idempotency-key when sent; `created`
 * within the window either way, `expires` (if any) not passed; a keyid whose keys verify it; and
 * a nonce never spent before, spent atomically only once everything else holds.
 */
export async function verifySignedRequest(request: SignedRequest, options: VerifyOptions): Promise<Caller> {
  refuseRepeatedLines(request.rawHeaders);
  const field = request.rawHeaders ? fieldValuesFromLines(request.rawHeaders) : fieldValuesFromRecord(request.headers);
  const input = field('signature-input');
  const signatureField = field('signature');
  if (!input || !signatureField)
    throw new SignatureRejected('missing-signature', 'the request carries no Signature and Signature-Input (RFC 9421)');
  const candidate = readSignature(input, signatureField);

  const hasBody = request.body.length > 0;
  const missing = requiredComponents(field, hasBody).filter((c) => !candidate.components.includes(c));
  if (missing.length) throw new SignatureRejected('missing-component', `the signature must cover ${missing.join(', ')}`);
  if (candidate.alg !== undefined && candidate.alg !== 'ed25519')
    throw new SignatureRejected('malformed-signature', `alg must be ed25519, not ${candidate.alg}`);

  const nowMs = options.now().getTime();
  const nowSeconds = nowMs / 1000;
  if (Math.abs(nowSeconds - candidate.created) > options.windowSeconds)
    throw new SignatureRejected('expired', `created ${candidate.created} is more than ${options.windowSeconds} s from now`);
  if (candidate.expires !== undefined && candidate.expires <= nowSeconds)
    throw new SignatureRejected('expired', `the signature expired at ${candidate.expires}`);
  // a Content-Digest sent is checked even against an empty body: else a signed body could be dropped in transit
  if ((hasBody || field('content-digest') !== undefined) && !digestMatches(field('content-digest'), request.body))
    throw new SignatureRejected('digest-mismatch', 'Content-Digest does not match the body');

  const base = Buffer.from(
    signatureBase({ method: request.method, targetUri: request.url, field }, candidate.components, candidate.signatureParams),
  );
  const signer = await options.resolveKeys(candidate.keyid);
  if (!signer || signer.keys.length === 0) throw new SignatureRejected('unknown-key', `no key is published for keyid ${candidate.keyid}`);
  const key = signer.keys.find((k) => verifies(base, k, candidate.signature));
  if (!key)
    throw new SignatureRejected(
      'bad-signature',
      `the signature does not verify with the keys of ${candidate.keyid} (it must cover @target-uri ${request.url})`,
    );
  // only a verified request may spend a nonce, or anyone could burn a client's nonces; it is kept
  // until the request would be refused on its age alone
  const spendable = await options.nonces.spend(
    // a structured key: an operator id containing `|` must not meet another signer's nonce
    JSON.stringify([candidate.keyid, candidate.nonce]),
    // one second past the last instant the age check accepts, so the two never meet
    (candidate.created + options.windowSeconds + 1) * 1000,
    nowMs,
  );
  if (!spendable) throw new SignatureRejected('replayed', 'this nonce was used already');
  return { ...signer, key, nonce: candidate.nonce };
}
