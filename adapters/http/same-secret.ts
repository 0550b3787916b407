import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();

/**
 * Whether a presented secret equals the expected one, in a time that does not tell where they
 * differ. Compared as SHA-256 digests, always 32 bytes each: `timingSafeEqual` throws on inputs of
 * different byte lengths (a token of the right length in characters but multibyte is one), and
 * the comparison does not reveal the secret's length either.
 */
export function sameSecret(given: string | Buffer, expected: string | Buffer): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * sameSecret against one expected secret, its digest taken once: a hook checks the same secret
 * on every request, and hashing it again each time is half the cost of the check.
 */
export function secretMatcher(expected: string | Buffer): (given: string | Buffer) => boolean {
  const want = digest(expected);
  return (given) => timingSafeEqual(digest(given), want);
}
