import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { Directory } from '../../../core/directory';
import { InvalidPhoneNumberError, parseE164 } from '../../../core/e164';
import type { KeyResolver } from './verify-request';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** KeyObjects of keys seen lately: building one costs more than verifying a signature with it. */
const recentKeys = new Map<string, KeyObject>();
const RECENT_KEYS = 50_000;

/** A raw 32-byte Ed25519 key as a KeyObject (SPKI is the fixed 12-byte prefix plus the key). */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString('base64');
  let key = recentKeys.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(raw)]), format: 'der', type: 'spki' });
    if (recentKeys.size >= RECENT_KEYS) recentKeys.delete(recentKeys.keys().next().value!);
    recentKeys.set(id, key);
  }
  return key;
}

/** What accounts record of the key that opened them: sha256 of the raw key, base64url. */
export function keyFingerprint(key: KeyObject): string {
  const raw = key.export({ format: 'der', type: 'spki' }).subarray(12);
  return createHash('sha256').update(raw).digest('base64url');
}

export interface OperatorKey {
  readonly id: string;
  readonly publicKey: string;
  readonly roles: readonly string[];
}

/**
 * keyid `+<E.164>`: the keys the directory publishes for that number (a directory failure is an
 * error, never "unknown key"); any other keyid: an operator key from the configuration.
 */
export function keyResolver(directory: Directory, operators: readonly OperatorKey[]): KeyResolver {
  const byId = new Map(operators.map((o) => [o.id, o]));
  return async (keyid) => {
    if (keyid.startsWith('+')) {
      let number;
      try {
        number = parseE164(keyid);
      } catch (error) {
        if (error instanceof InvalidPhoneNumberError) return null;
        throw error;
      }
      if (number !== keyid) return null; // only the canonical form names a key
      const answer = await directory.lookup(number);
      if (answer.status !== 'found') return null;
      return { keyid, kind: 'number', keys: answer.keys.map((k) => ed25519PublicKey(k.publicKey)), roles: [], directory: answer.evidence };
    }
    const operator = byId.get(keyid);
    if (!operator) return null;
    return { keyid, kind: 'operator', keys: [ed25519PublicKey(Buffer.from(operator.publicKey, 'base64'))], roles: operator.roles };
  };
}
