import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Signer } from './signed-fetch';

/** Operator keys as `trunkline keys generate` leaves them: a PEM file, its public key in the configuration. */
export function operatorKey(dir: string, id: string): { who: Signer; file: string } {
  const pair = generateKeyPairSync('ed25519');
  const file = join(dir, `${id}.pem`);
  writeFileSync(file, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return { who: { keyid: id, ...pair }, file };
}
