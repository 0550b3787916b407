import type { KeyObject } from 'node:crypto';
import { createVerifier, httpbis } from 'http-message-signatures';
import type { DirectoryEvidence } from '../../../core/directory';
import type { NonceCache } from './nonce-cache';
import { digestMatches } from './content-digest';

/** Why a request's signature was refused; each becomes its own 401 problem type. */
export type SignatureFailure =
  | 'missing-signature'
  | 'malformed-signature'
  | 'missing-component'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'replayed'
  | 'digest-mismatch';

export class SignatureRejected extends Error {
  override readonly name = 'SignatureRejected';
  constructor(
    readonly reason: SignatureFailure,
    detail: string,
  ) {
    super(detail);
  }
}

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
  /** The absolute URL the client addressed (scheme, host, path, query): what @target-uri covers. */
  readonly url: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export interface VerifyOptions {
  readonly resolveKeys: KeyResolver;
  readonly nonces: NonceCache;
  readonly now: () => Date;
  /** How far `created` may be from now, either way (seconds). */
  readonly windowSeconds: number;
}

interface InputParams {
  components: string[];
  created?: number;
  keyid?: string;
  alg?: string;
  nonce?: string;
}

/** Reads the first signature's covered components and parameters from Signature-Input. */
function parseInput(header: string): InputParams {
  const m = /^\s*[A-Za-z*][A-Za-z0-9_.*-]*=\(([^)]*)\)(.*)$/.exec(header);
  if (!m) throw new SignatureRejected('malformed-signature', 'Signature-Input is not an RFC 9421 inner list');
  const components = [...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
  const params: InputParams = { components };
  for (const p of m[2]!.split(';').slice(1)) {
    const [k, v] = p.split('=') as [string, string | undefined];
    if (v === undefined) continue;
    if (k === 'created') params.created = Number(v);
    else if (k === 'keyid' || k === 'alg' || k === 'nonce') params[k] = v.replace(/^"|"$/g, '');
  }
  return params;
}

const header = (h: Record<string, string | string[]>, name: string): string | undefined => {
  const v = Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(v) ? v.join(', ') : v;
};

/**
 * RFC 9421 with Ed25519: the signature must cover @method, @target-uri and, when there is a
 * body, content-digest (checked against the bytes received); `created` within the window; a
 * nonce not seen within it; a keyid whose keys verify it. Returns the signer.
 */
export async function verifySignedRequest(request: SignedRequest, options: VerifyOptions): Promise<Caller> {
  const input = header(request.headers, 'signature-input');
  const signature = header(request.headers, 'signature');
  if (!input || !signature)
    throw new SignatureRejected('missing-signature', 'the request carries no Signature and Signature-Input (RFC 9421)');
  const params = parseInput(input);
  const required = ['@method', '@target-uri', ...(request.body.length > 0 ? ['content-digest'] : [])];
  const missing = required.filter((c) => !params.components.includes(c));
  if (missing.length) throw new SignatureRejected('missing-component', `the signature must cover ${missing.join(', ')}`);
  if (params.alg !== undefined && params.alg !== 'ed25519')
    throw new SignatureRejected('malformed-signature', `alg must be ed25519, not ${params.alg}`);
  if (!params.keyid) throw new SignatureRejected('malformed-signature', 'the signature has no keyid');
  if (params.created === undefined || !Number.isInteger(params.created))
    throw new SignatureRejected('malformed-signature', 'the signature has no created time');
  if (!params.nonce) throw new SignatureRejected('malformed-signature', 'the signature has no nonce');
  const nowMs = options.now().getTime();
  if (Math.abs(nowMs / 1000 - params.created) > options.windowSeconds) {
    throw new SignatureRejected('expired', `created ${params.created} is more than ${options.windowSeconds} s from now`);
  }
  if (request.body.length > 0 && !digestMatches(header(request.headers, 'content-digest'), request.body)) {
    throw new SignatureRejected('digest-mismatch', 'Content-Digest does not match the body');
  }
  const signer = await options.resolveKeys(params.keyid);
  if (!signer || signer.keys.length === 0) throw new SignatureRejected('unknown-key', `no key is published for keyid ${params.keyid}`);
  let verified: KeyObject | null = null;
  for (const key of signer.keys) {
    const ok = await httpbis
      .verifyMessage(
        { keyLookup: async () => ({ id: params.keyid, algs: ['ed25519'], verify: createVerifier(key, 'ed25519') }), all: false },
        { method: request.method, url: request.url, headers: request.headers },
      )
      .catch(() => false);
    if (ok) {
      verified = key;
      break;
    }
  }
  if (!verified) throw new SignatureRejected('bad-signature', `the signature does not verify with the keys of ${params.keyid}`);
  // only a verified request may spend a nonce, or anyone could burn a client's nonces
  if (!options.nonces.remember(`${params.keyid}|${params.nonce}`, nowMs))
    throw new SignatureRejected('replayed', 'this nonce was used already');
  return { ...signer, key: verified, nonce: params.nonce };
}
