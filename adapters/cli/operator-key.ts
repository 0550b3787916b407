import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../runtime/config';

type Operator = Config['operators'][number];

/** An Ed25519 private key from a PEM file, or a one-line error naming the flag. */
export function loadOperatorKey(file: string, flag: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch (error) {
    throw new Error(`${flag} ${file}: not a readable PEM private key (${(error as Error).message.split('\n')[0]})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${flag} ${file}: not an Ed25519 key`);
  return key;
}

const rawPublic = (key: KeyObject) => createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');

/**
 * The configured operator this key belongs to: the one named by `id`, which must hold this very
 * key, or else the one whose public key it is.
 */
export function operatorOf(config: Config, key: KeyObject, id: string | undefined, flag: string): Operator {
  const raw = rawPublic(key);
  if (id !== undefined) {
    const named = config.operators.find((o) => o.id === id);
    if (!named) throw new Error(`no operator ${JSON.stringify(id)} in the configuration`);
    if (named.publicKey !== raw) throw new Error(`${flag} is not the key configured for operator ${id}`);
    return named;
  }
  const found = config.operators.find((o) => o.publicKey === raw);
  if (!found) throw new Error(`no operator in the configuration has the key in ${flag} (add it with trunkline keys generate --operator)`);
  return found;
}

/** Where the engine is reached: the override, else publicBaseUrl (what signatures name), else host:port. */
export function engineBaseUrl(config: Config, override?: string): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return (override ?? config.publicBaseUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`).replace(/\/$/, '');
}
