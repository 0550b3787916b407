import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDictionary } from 'structured-headers';

/** RFC 9530 `Content-Digest`: `sha-256=:<base64>:` (and sha-512), checked against the body received. */
const ALGORITHMS: Readonly<Record<string, string>> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

export function contentDigest(body: Buffer, algorithm: 'sha-256' | 'sha-512' = 'sha-256'): string {
  return `${algorithm}=:${createHash(ALGORITHMS[algorithm]!).update(body).digest('base64')}:`;
}

/**
 * True when the header is an RFC 8941 dictionary, at least one digest uses an algorithm we know,
 * and every such digest matches the body; unknown algorithms are ignored, as RFC 9530 asks.
 */
export function digestMatches(header: string | undefined, body: Buffer): boolean {
  if (!header) return false;
  let digests;
  try {
    digests = parseDictionary(header);
  } catch {
    return false;
  }
  let checked = 0;
  for (const [name, member] of digests) {
    const algorithm = Object.hasOwn(ALGORITHMS, name) ? ALGORITHMS[name] : undefined;
    if (!algorithm) continue;
    const value = member[0];
    if (Object.prototype.toString.call(value) !== '[object ArrayBuffer]') return false;
    const given = Buffer.from(value as ArrayBuffer);
    const expected = createHash(algorithm).update(body).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    checked++;
  }
  return checked > 0;
}
