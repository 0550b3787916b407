import { randomBytes, type KeyObject } from 'node:crypto';
import { createSigner, httpbis } from 'http-message-signatures';
import { contentDigest } from './content-digest';

export interface RequestToSign {
  readonly method: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
}

/**
 * Signs a request the way Trunkline verifies them: Ed25519 over @method, @target-uri and, with a
 * body, content-type and content-digest; created, keyid, alg and a fresh nonce. Returns the headers
 * to send (the caller's plus Content-Digest, Signature-Input and Signature).
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
  const fields = ['@method', '@target-uri', ...(body.length > 0 ? ['content-type', 'content-digest'] : [])];
  const signed = await httpbis.signMessage(
    {
      key: createSigner(key, 'ed25519', keyid),
      fields,
      params: ['created', 'keyid', 'alg', 'nonce'],
      paramValues: { created: options.now ?? new Date(), nonce: options.nonce ?? randomBytes(16).toString('base64url') },
    },
    { method: request.method, url: request.url, headers },
  );
  return signed.headers as Record<string, string>;
}
