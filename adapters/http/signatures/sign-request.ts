import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { serializeInnerList } from 'structured-headers';
import { contentDigest } from './content-digest';
import { fieldValuesFromRecord, signatureBase } from './signature-base';

export interface RequestToSign {
  readonly method: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
}

/** The label Trunkline's clients sign under; the server accepts any label, as long as there is one. */
export const SIGNATURE_LABEL = 'sig1';

/**
 * Signs a request the way Trunkline verifies them: Ed25519 over @method, @target-uri, with a
 * body content-type and content-digest, and idempotency-key when sent; created, keyid, alg and
 * a fresh nonce. Returns the headers to send (the caller's plus Content-Digest, Signature-Input
 * and Signature).
 */
export async function signRequest(
  request: RequestToSign,
  key: KeyObject,
  keyid: string,
  options: { now?: Date; nonce?: string } = {},
): Promise<Record<string, string>> {
  const body = request.body ?? Buffer.alloc(0);
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (body.length > 0) headers['content-digest'] = contentDigest(body);
  const field = fieldValuesFromRecord(headers);
  const components = [
    '@method',
    '@target-uri',
    ...(body.length > 0 ? ['content-type', 'content-digest'] : []),
    ...(field('idempotency-key') !== undefined ? ['idempotency-key'] : []),
  ];
  const parameters = new Map<string, string | number>([
    ['created', Math.floor((options.now ?? new Date()).getTime() / 1000)],
    ['keyid', keyid],
    ['alg', 'ed25519'],
    ['nonce', options.nonce ?? randomBytes(16).toString('base64url')],
  ]);
  const signatureParams = serializeInnerList([components.map((c) => [c, new Map()]), parameters]);
  const base = signatureBase({ method: request.method, targetUri: request.url, field }, components, signatureParams);
  const signature = sign(null, Buffer.from(base), key).toString('base64');
  return { ...headers, 'signature-input': `${SIGNATURE_LABEL}=${signatureParams}`, signature: `${SIGNATURE_LABEL}=:${signature}:` };
}
