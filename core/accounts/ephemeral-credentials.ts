import { createHmac } from 'node:crypto';

export type ShaAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface EphemeralCredential {
  /** `<expiry unix time>:<number>` (auth_ephemeral username_format=1, TURN REST API). */
  readonly username: string;
  readonly password: string;
  readonly expiresAt: string;
}

/**
 * Kamailio auth_ephemeral and coturn `use-auth-secret` share one scheme: the username carries its
 * expiry, the password is base64(HMAC(secret, username)). Whoever holds the secret can check a
 * credential without any stored password.
 */
export function ephemeralCredential(
  secret: string,
  number: string,
  now: Date,
  ttlSeconds: number,
  algorithm: ShaAlgorithm,
): EphemeralCredential {
  const expiry = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const username = `${expiry}:${number}`;
  return {
    username,
    password: createHmac(algorithm, secret).update(username).digest('base64'),
    expiresAt: new Date(expiry * 1000).toISOString(),
  };
}

/** Checks a credential against any of the configured secrets (rotation) and its expiry. */
export function checkEphemeral(
  username: string,
  password: string,
  secrets: readonly string[],
  now: Date,
  algorithm: ShaAlgorithm,
): boolean {
  const expiry = Number(username.split(':')[0]);
  if (!Number.isInteger(expiry) || expiry < now.getTime() / 1000) return false;
  return secrets.some((s) => createHmac(algorithm, s).update(username).digest('base64') === password);
}
