import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signRequest } from '../../adapters/http/signatures/sign-request';

/** A raw Ed25519 public key as the directory publishes it (base64 of the 32 bytes). */
export const rawPublicKey = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');

export interface Signer {
  readonly keyid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export const signer = (keyid: string): Signer => ({ keyid, ...generateKeyPairSync('ed25519') });

/** Sends an RFC 9421-signed JSON request as `who` to the engine at `base`. */
export async function signedFetch(
  base: string,
  who: Signer,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers = await signRequest(
    {
      method,
      url: `${base}${path}`,
      headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...extraHeaders },
      ...(payload ? { body: payload } : {}),
    },
    who.privateKey,
    who.keyid,
  );
  return fetch(`${base}${path}`, { method, headers, ...(payload ? { body: payload } : {}) });
}
