import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 9530 `Content-Digest`: `sha-256=:<base64>:` (and sha-512), checked against the body received. */
const ALGORITHMS: Readonly<Record<string, string>> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

export function contentDigest(body: Buffer, algorithm: 'sha-256' | 'sha-512' = 'sha-256'): string {
  return `${algorithm}=:${createHash(ALGORITHMS[algorithm]!).update(body).digest('base64')}:`;
}

/**
 * True when at least one digest in the header uses an algorithm we know and every such digest
 * matches the body; unknown algorithms are ignored, as RFC 9530 asks.
 */
export function digestMatches(header: string | undefined, body: Buffer): boolean {
  if (!header) return false;
  let checked = 0;
  for (const member of header.split(',')) {
    const m = /^\s*([a-z0-9-]+)=:([A-Za-z0-9+/=]*):\s*$/.exec(member);
    if (!m) return false;
    const algorithm = ALGORITHMS[m[1]!];
    if (!algorithm) continue;
    const expected = createHash(algorithm).update(body).digest();
    const given = Buffer.from(m[2]!, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    checked++;
  }
  return checked > 0;
}
