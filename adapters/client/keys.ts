import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** DER prefixes that make a raw 32-byte Ed25519 key a PKCS#8 private key or an SPKI public key. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** What a client may hold its key as: a KeyObject, a PEM, or the raw 32-byte seed (bytes or base64; a 64-byte libsodium secret key too). */
export type PrivateKeyInput = KeyObject | string | Uint8Array;

export function privateKeyFrom(input: PrivateKeyInput): KeyObject {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return requireEd25519(input);
  if (typeof input === 'string' && input.includes('-----BEGIN')) return requireEd25519(createPrivateKey(input));
  const raw = typeof input === 'string' ? Buffer.from(input, 'base64') : Buffer.from(input);
  if (raw.length !== 32 && raw.length !== 64)
    throw new Error('a raw Ed25519 private key is 32 bytes (or a 64-byte seed-and-public-key), as bytes or base64');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
}

function requireEd25519(key: KeyObject): KeyObject {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new Error('the key must be an Ed25519 private key');
  return key;
}

/** The base64 of the raw 32-byte public key: what the directory publishes for a number. */
export function rawPublicKeyOf(key: PrivateKeyInput): string {
  return createPublicKey(privateKeyFrom(key)).export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
}

/** A public key from its raw 32 bytes (the provider descriptor's signing key). */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(raw)]), format: 'der', type: 'spki' });
}
