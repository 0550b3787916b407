/**
 * Nonces seen within the replay window. Bounded: past `max` entries the oldest are dropped,
 * which is safe because the `created` check refuses anything older than the window anyway.
 */
export function nonceCache(windowMs: number, max = 100_000) {
  const seen = new Map<string, number>();
  return {
    /** Records the nonce; false when it was seen within the window (a replay). */
    remember(nonce: string, nowMs: number): boolean {
      for (const [n, at] of seen) {
        if (at > nowMs - windowMs && seen.size <= max) break;
        seen.delete(n);
      }
      if (seen.has(nonce)) return false;
      seen.set(nonce, nowMs);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}

export type NonceCache = ReturnType<typeof nonceCache>;
